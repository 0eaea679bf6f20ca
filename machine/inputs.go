package machine

// inputLedger holds the input lifecycle fields (spec §3.3).
type inputLedger struct{}

func initialInputLedger() inputLedger { return inputLedger{} }

var inputLifecycleCatalogue []InputSpec

func (s *State) checkInputInvariants() error { return nil }
