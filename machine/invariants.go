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

// checkLifecycleInvariants holds spec §1.7 for the lifecycle fields.
func (s *State) checkLifecycleInvariants() error {
	runtime := s.ActiveRuntimeID.Present()
	switch {
	case s.ActiveFenceToken.Present() && !runtime:
		return broken("fence_requires_bound_runtime")
	case s.ActiveRuntimeGeneration.Present() && !runtime:
		return broken("runtime_generation_requires_bound_runtime")
	case s.ActiveRuntimeEpochID.Present() && !runtime:
		return broken("runtime_epoch_requires_bound_runtime")
	case runtime && !s.ActiveRuntimeGeneration.Present() && !s.ActiveRuntimeEpochID.Present():
		return broken("runtime_binding_identity_is_typed")
	case s.LifecyclePhase == PhaseRunning && !s.CurrentRunID.Present():
		return broken("running_has_current_run")
	case s.RuntimeStopDeferred && s.LifecyclePhase != PhaseRunning && s.LifecyclePhase != PhaseAttached:
		return broken("deferred_stop_requires_active_runtime_phase")
	case s.CurrentRunID.Present() && s.LifecyclePhase != PhaseRunning && s.LifecyclePhase != PhaseRetired:
		return broken("current_run_only_while_running_or_retired")
	case s.CurrentRunID.Present() != s.PreRunPhase.Present():
		return broken("current_run_has_pre_run_phase")
	case !s.LifecyclePhase.Valid():
		return broken("lifecycle_phase is a declared phase")
	}
	return nil
}
