package workflows

import (
	"github.com/meerkat-temporal/meerkat/machine"
)

// Completion is what a waiter on an input learns (query input_completions). Done is set
// once the input is terminal, or when the session does not track it (Known false) and so
// can never complete it.
type Completion struct {
	InputID string                                          `json:"input_id"`
	Known   bool                                            `json:"known"`
	Done    bool                                            `json:"done"`
	State   machine.InputPublicLifecycleState               `json:"state,omitzero"`
	Outcome machine.Opt[machine.InputPublicTerminalOutcome] `json:"outcome,omitzero"`
	// RunID and Answer are the run that consumed the input and the model's final
	// answer in it, when the input was consumed by a turn.
	RunID  string `json:"run_id,omitempty"`
	Answer string `json:"answer,omitempty"`
}

// MaxCompletionQuery bounds the input ids of one input_completions query.
const MaxCompletionQuery = 2000

// completionsOf answers a batch of waiters in one read. Completion waiting is durable
// because the answer is the machine's own input state, which survives continue-as-new and
// worker restarts; it holds no update open, so any number of waiters can wait on one
// session (Temporal allows 10 in-flight updates per run). A client multiplexes all its
// waiters of a session into one query per poll (sessionclient.Client.WaitForCompletion).
func completionsOf(s *machine.State, ids []string) ([]Completion, error) {
	if len(ids) > MaxCompletionQuery {
		return nil, &Error{
			Kind: machine.KindValidationFailed.String(), Input: QueryInputCompletions,
			Reason: "ask for at most MaxCompletionQuery input ids per query",
		}
	}
	out := make([]Completion, len(ids))
	for i, id := range ids {
		v, ok := s.InputState(id)
		out[i] = Completion{InputID: id, Known: ok, Done: !ok || v.Terminal(), State: v.State, Outcome: v.TerminalOutcome}
	}
	return out, nil
}
