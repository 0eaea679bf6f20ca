package machine

// CheckInvariants verifies the spec §1.7 invariants and those of every group. It returns
// a KindInternal Rejection naming the first broken one. Apply does not run it (its cost
// would grow with the state); tests, fuzzing and Restore do.
func (s *State) CheckInvariants() error {
	checks := []func() error{
		s.checkLifecycleInvariants, s.checkTurnInvariants, s.checkInputInvariants,
		s.checkLiveInvariants, s.checkRealtimeInvariants, s.checkLlmInvariants,
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// broken builds the error for a failed invariant.
func broken(invariant string) error {
	return &Rejection{Kind: KindInternal, Input: "State", Reason: "invariant broken: " + invariant}
}

func (s *State) checkLifecycleInvariants() error { return nil }
