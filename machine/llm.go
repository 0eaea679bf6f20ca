package machine

// llmState holds the session LLM identity and capability fields (spec §3.4).
type llmState struct{}

func initialLlmState() llmState { return llmState{} }

// resetSessionLlm returns every LLM identity, capability and report field to its initial
// value (RegisterSession with a new binding, UnregisterSession, ClearSessionLlmState).
func (s *State) resetSessionLlm() { s.llmState = initialLlmState() }

var llmCatalogue []InputSpec

var llmEffects []Effect

func (s *State) checkLlmInvariants() error { return nil }
