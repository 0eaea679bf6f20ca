package machine

import (
	"testing"
)

// runEnded returns a Running session whose run r1 reported its end, so that its result
// may be published, with the given turn facts.
func runEnded(t *testing.T, outcome TurnTerminalOutcome, cause TurnTerminalCauseKind) State {
	t.Helper()
	s := stateIn(t, PhaseRunning)
	s.RuntimeCompletionResultRunID = Some("r1")
	if outcome != 0 {
		s.TerminalOutcome = Some(outcome)
	}
	if cause != 0 {
		s.TerminalCauseKind = Some(cause)
	}
	return s
}

// spec §6.2: every row of the result table, and the rejected combinations.
func TestResolveRuntimeCompletionResult(t *testing.T) {
	r1 := Some("r1")
	tests := []struct {
		name    string
		outcome TurnTerminalOutcome
		cause   TurnTerminalCauseKind
		in      ResolveRuntimeCompletionResult
		class   RuntimeCompletionResultClass
		cleanup RuntimeCompletionObservedOutcome
	}{
		{"run result", 0, 0, ResolveRuntimeCompletionResult{r1, TerminalRunResult, FinalizationSucceeded}, ResultClassCompleted, ObservedOutcomeCompleted},
		{"no result", 0, 0, ResolveRuntimeCompletionResult{r1, TerminalNoResult, FinalizationSucceeded}, ResultClassCompletedWithoutResult, ObservedOutcomeCompletedWithoutResult},
		{"callback", 0, 0, ResolveRuntimeCompletionResult{r1, TerminalCallbackPending, FinalizationSucceeded}, ResultClassCallbackPending, ObservedOutcomeCallbackPending},
		{"cancelled", OutcomeCancelled, 0, ResolveRuntimeCompletionResult{r1, TerminalMachineTerminal, FinalizationSucceeded}, ResultClassCancelled, ObservedOutcomeCancelled},
		{"apply failed", OutcomeFailed, CauseRuntimeApplyFailure, ResolveRuntimeCompletionResult{r1, TerminalMachineTerminal, FinalizationSucceeded}, ResultClassAbandonedWithError, ObservedOutcomeRuntimeApplyFailed},
		{"budget", OutcomeBudgetExhausted, CauseBudgetExhausted, ResolveRuntimeCompletionResult{r1, TerminalMachineTerminal, FinalizationSucceeded}, ResultClassAbandonedWithError, ObservedOutcomeAbandoned},
		{"finalization with result", 0, 0, ResolveRuntimeCompletionResult{r1, TerminalRunResult, FinalizationFailed}, ResultClassCompletedWithFinalizationFailure, ObservedOutcomeFinalizationFailed},
		{"finalization no result", 0, 0, ResolveRuntimeCompletionResult{r1, TerminalNoResult, FinalizationFailed}, ResultClassAbandonedWithError, ObservedOutcomeRuntimeApplyFailed},
		{"finalization callback", 0, 0, ResolveRuntimeCompletionResult{r1, TerminalCallbackPending, FinalizationFailed}, ResultClassAbandonedWithError, ObservedOutcomeRuntimeApplyFailed},
		{"terminated", 0, 0, ResolveRuntimeCompletionResult{None[string](), TerminalRuntimeTerminated, FinalizationSucceeded}, ResultClassRuntimeTerminated, ObservedOutcomeRuntimeTerminated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := runEnded(t, tt.outcome, tt.cause)
			fx := mustApply(t, &s, tt.in)
			got := fx[0].(RuntimeCompletionResultResolved)
			if got.ResultClass != tt.class || got.CleanupOutcome != tt.cleanup || got.SessionID != testSession || !got.AgentRuntimeID.Is("rt1") || got.RunID != tt.in.RunID {
				t.Fatalf("%+v", got)
			}
		})
	}
	rejected := []struct {
		name    string
		outcome TurnTerminalOutcome
		cause   TurnTerminalCauseKind
		in      ResolveRuntimeCompletionResult
	}{
		{"uncorrelated run", 0, 0, ResolveRuntimeCompletionResult{Some("r9"), TerminalRunResult, FinalizationSucceeded}},
		{"missing run", 0, 0, ResolveRuntimeCompletionResult{None[string](), TerminalRunResult, FinalizationSucceeded}},
		{"unknown cause", OutcomeFailed, CauseUnknown, ResolveRuntimeCompletionResult{r1, TerminalMachineTerminal, FinalizationSucceeded}},
		{"no cause", OutcomeFailed, 0, ResolveRuntimeCompletionResult{r1, TerminalMachineTerminal, FinalizationSucceeded}},
		{"machine terminal completed", OutcomeCompleted, 0, ResolveRuntimeCompletionResult{r1, TerminalMachineTerminal, FinalizationSucceeded}},
		{"terminated with run", 0, 0, ResolveRuntimeCompletionResult{r1, TerminalRuntimeTerminated, FinalizationSucceeded}},
		{"terminated, finalization failed", 0, 0, ResolveRuntimeCompletionResult{None[string](), TerminalRuntimeTerminated, FinalizationFailed}},
	}
	for _, tt := range rejected {
		s := runEnded(t, tt.outcome, tt.cause)
		if _, err := applyChecked(t, &s, tt.in); KindOf(err) != KindRejected {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	// Finalization failure also correlates with the current run.
	s := stateIn(t, PhaseRunning)
	mustApply(t, &s, ResolveRuntimeCompletionResult{r1, TerminalRunResult, FinalizationFailed})
	// RuntimeTerminated is allowed in Destroyed; nothing else is.
	s = stateIn(t, PhaseDestroyed)
	mustApply(t, &s, ResolveRuntimeCompletionResult{None[string](), TerminalRuntimeTerminated, FinalizationSucceeded})
	if _, err := s.Apply(ResolveRuntimeCompletionResult{r1, TerminalRunResult, FinalizationSucceeded}); KindOf(err) != KindRejected {
		t.Fatal(err)
	}
	if sp, _ := Lookup("ResolveRuntimeCompletionCleanup"); !sp.PreviewOnly {
		t.Fatal("cleanup is preview only")
	}
}

// spec §6.3: the cleanup table, with stale owners rejected.
func TestResolveRuntimeCompletionCleanup(t *testing.T) {
	owner := func(outcome RuntimeCompletionObservedOutcome, archived bool, live RuntimeCompletionLiveSessionObservation) ResolveRuntimeCompletionCleanup {
		return ResolveRuntimeCompletionCleanup{
			SessionID: testSession, ObservationSessionID: testSession,
			ObservationAgentRuntimeID: Some("rt1"), ObservationFenceToken: Some[uint64](7), ObservationRuntimeGeneration: Some[uint64](1),
			Outcome: outcome, ArchivedByAuthority: archived, LiveSession: live,
		}
	}
	tests := []struct {
		in     ResolveRuntimeCompletionCleanup
		action RuntimeCompletionCleanupAction
	}{
		{owner(ObservedOutcomeCompleted, true, LiveSessionPresent), CleanupCleanupRuntime},
		{owner(ObservedOutcomeRuntimeTerminated, false, LiveSessionPresent), CleanupCleanupRuntime},
		{owner(ObservedOutcomeFinalizationFailed, false, LiveSessionPresent), CleanupCleanupRuntime},
		{owner(ObservedOutcomeRuntimeApplyFailed, false, LiveSessionPresent), CleanupCleanupRuntime},
		{owner(ObservedOutcomeAbandoned, false, LiveSessionAbsent), CleanupCleanupRuntime},
		{owner(ObservedOutcomeCancelled, false, LiveSessionAbsent), CleanupCleanupRuntime},
		{owner(ObservedOutcomeCompleted, false, LiveSessionAbsent), CleanupRetainRuntime},
		{owner(ObservedOutcomeCompletedWithoutResult, false, LiveSessionNotObserved), CleanupRetainRuntime},
		{owner(ObservedOutcomeCallbackPending, false, LiveSessionPresent), CleanupRetainRuntime},
		{owner(ObservedOutcomeAbandoned, false, LiveSessionNotObserved), CleanupRetainRuntime},
		{owner(ObservedOutcomeCancelled, false, LiveSessionPresent), CleanupRetainRuntime},
	}
	for _, tt := range tests {
		s := stateIn(t, PhaseAttached)
		fx, err := s.Preview(tt.in)
		if err != nil {
			t.Fatalf("%+v: %v", tt.in, err)
		}
		got := fx[0].(RuntimeCompletionCleanupResolved)
		if got.Action != tt.action || got.PreAdmissionAction != PreAdmissionReleasePreAdmission || got.RequiresRuntimeCleanup() != (tt.action == CleanupCleanupRuntime) {
			t.Fatalf("%s archived=%v live=%s: %+v", tt.in.Outcome, tt.in.ArchivedByAuthority, tt.in.LiveSession, got)
		}
	}
	stale := owner(ObservedOutcomeCompleted, false, LiveSessionPresent)
	stale.ObservationFenceToken = Some[uint64](6)
	s := stateIn(t, PhaseAttached)
	if _, err := s.Preview(stale); KindOf(err) != KindRejected {
		t.Fatal("a stale owner must be rejected")
	}
	other := owner(ObservedOutcomeCompleted, false, LiveSessionPresent)
	other.ObservationSessionID = "s9"
	if _, err := s.Preview(other); KindOf(err) != KindRejected {
		t.Fatal("another session's observation must be rejected")
	}
	s = stateIn(t, PhaseDestroyed)
	if _, err := s.Preview(owner(ObservedOutcomeCompleted, true, LiveSessionPresent)); KindOf(err) != KindDestroyed {
		t.Fatal("GR in Destroyed")
	}
}

// spec §6.4: the wait-failure table.
func TestResolveRuntimeCompletionWaitFailure(t *testing.T) {
	for failure, reason := range map[RuntimeCompletionWaitFailureObservation]RuntimeCompletionWaitFailurePublicReason{
		WaitFailureChannelClosed:        WaitFailureReasonCompletionChannelClosed,
		WaitFailureAuthorityUnavailable: WaitFailureReasonCompletionAuthorityUnavailable,
	} {
		s := stateIn(t, PhaseIdle)
		fx, err := s.Preview(ResolveRuntimeCompletionWaitFailure{SessionID: testSession, Failure: failure})
		if err != nil {
			t.Fatal(err)
		}
		got := fx[0].(RuntimeCompletionWaitFailureResolved)
		if got.PublicReason != reason || got.PublicErrorClass != WaitFailureClassInternalError || got.Resumable {
			t.Fatalf("%+v", got)
		}
		if _, err := s.Preview(ResolveRuntimeCompletionWaitFailure{SessionID: "s9", Failure: failure}); KindOf(err) != KindRejected {
			t.Fatal("other session")
		}
	}
}
