package machine

import (
	"fmt"
	"reflect"
	"testing"
)

// completionState returns a registered session in phase p (Initializing gets its session
// written directly, since RegisterSession is not declared there) whose run r1 reported
// its end, so that its result may be published, with the given turn facts (0 = absent).
func completionState(t testing.TB, p Phase, outcome TurnTerminalOutcome, cause TurnTerminalCauseKind) State {
	t.Helper()
	s := stateIn(t, p)
	if p == PhaseInitializing {
		s.SessionID = Some(testSession)
	}
	s.RuntimeCompletionResultRunID = Some("r1")
	if outcome != 0 {
		s.TerminalOutcome = Some(outcome)
	}
	if cause != 0 {
		s.TerminalCauseKind = Some(cause)
	}
	return s
}

var alivePhases = []Phase{PhaseInitializing, PhaseIdle, PhaseAttached, PhaseRunning, PhaseRetired, PhaseStopped}

// spec §6.2: every row of the result table, in every phase it is declared in, with the
// exact effect (session and current runtime binding echoed).
func TestResolveRuntimeCompletionResultRows(t *testing.T) {
	r1 := Some("r1")
	rows := []struct {
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
		{"apply failed, budget outcome", OutcomeBudgetExhausted, CauseRuntimeApplyFailure, ResolveRuntimeCompletionResult{r1, TerminalMachineTerminal, FinalizationSucceeded}, ResultClassAbandonedWithError, ObservedOutcomeRuntimeApplyFailed},
		{"failed", OutcomeFailed, CauseLlmFailure, ResolveRuntimeCompletionResult{r1, TerminalMachineTerminal, FinalizationSucceeded}, ResultClassAbandonedWithError, ObservedOutcomeAbandoned},
		{"budget", OutcomeBudgetExhausted, CauseBudgetExhausted, ResolveRuntimeCompletionResult{r1, TerminalMachineTerminal, FinalizationSucceeded}, ResultClassAbandonedWithError, ObservedOutcomeAbandoned},
		{"time", OutcomeTimeBudgetExceeded, CauseTimeBudgetExceeded, ResolveRuntimeCompletionResult{r1, TerminalMachineTerminal, FinalizationSucceeded}, ResultClassAbandonedWithError, ObservedOutcomeAbandoned},
		{"structured output", OutcomeStructuredOutputValidationFailed, CauseStructuredOutputValidationFailed, ResolveRuntimeCompletionResult{r1, TerminalMachineTerminal, FinalizationSucceeded}, ResultClassAbandonedWithError, ObservedOutcomeAbandoned},
		{"finalization with result", 0, 0, ResolveRuntimeCompletionResult{r1, TerminalRunResult, FinalizationFailed}, ResultClassCompletedWithFinalizationFailure, ObservedOutcomeFinalizationFailed},
		{"finalization no result", 0, 0, ResolveRuntimeCompletionResult{r1, TerminalNoResult, FinalizationFailed}, ResultClassAbandonedWithError, ObservedOutcomeRuntimeApplyFailed},
		{"finalization callback", 0, 0, ResolveRuntimeCompletionResult{r1, TerminalCallbackPending, FinalizationFailed}, ResultClassAbandonedWithError, ObservedOutcomeRuntimeApplyFailed},
		{"terminated", 0, 0, ResolveRuntimeCompletionResult{None[string](), TerminalRuntimeTerminated, FinalizationSucceeded}, ResultClassRuntimeTerminated, ObservedOutcomeRuntimeTerminated},
	}
	for _, p := range alivePhases {
		for _, tt := range rows {
			t.Run(fmt.Sprintf("%s/%s", p, tt.name), func(t *testing.T) {
				s := completionState(t, p, tt.outcome, tt.cause)
				before := snapshot(t, &s)
				fx := mustApply(t, &s, tt.in)
				want := Effects{RuntimeCompletionResultResolved{
					SessionID: testSession, AgentRuntimeID: s.ActiveRuntimeID, FenceToken: s.ActiveFenceToken,
					RuntimeGeneration: s.ActiveRuntimeGeneration, RuntimeEpochID: s.ActiveRuntimeEpochID,
					RunID: tt.in.RunID, ResultClass: tt.class, CleanupOutcome: tt.cleanup,
				}}
				if !reflect.DeepEqual(fx, want) {
					t.Fatalf("got %+v\nwant %+v", fx, want)
				}
				s.Applied-- // the state is otherwise untouched
				if string(snapshot(t, &s)) != string(before) {
					t.Fatal("the state changed")
				}
			})
		}
	}
	// The binding is echoed exactly, epoch included.
	s := completionState(t, PhaseAttached, 0, 0)
	s.ActiveRuntimeEpochID = Some("ep1")
	fx := mustApply(t, &s, ResolveRuntimeCompletionResult{r1, TerminalRunResult, FinalizationSucceeded})
	got := fx[0].(RuntimeCompletionResultResolved)
	if !got.AgentRuntimeID.Is("rt1") || !got.FenceToken.Is(7) || !got.RuntimeGeneration.Is(1) || !got.RuntimeEpochID.Is("ep1") {
		t.Fatalf("%+v", got)
	}
	// A session without a runtime echoes absent binding fields.
	s = completionState(t, PhaseIdle, 0, 0)
	got = mustApply(t, &s, ResolveRuntimeCompletionResult{r1, TerminalRunResult, FinalizationSucceeded})[0].(RuntimeCompletionResultResolved)
	if got.AgentRuntimeID.Present() || got.FenceToken.Present() || got.RuntimeGeneration.Present() || got.RuntimeEpochID.Present() {
		t.Fatalf("%+v", got)
	}
}

// spec §6.2: "anything else is GR", with the guard that rejects it.
func TestResolveRuntimeCompletionResultRejected(t *testing.T) {
	r1 := Some("r1")
	tests := []struct {
		name    string
		outcome TurnTerminalOutcome
		cause   TurnTerminalCauseKind
		in      ResolveRuntimeCompletionResult
		guard   string
	}{
		{"uncorrelated run", 0, 0, ResolveRuntimeCompletionResult{Some("r9"), TerminalRunResult, FinalizationSucceeded},
			"run_correlated: run_id is present and equals runtime_completion_result_run_id"},
		// The rejection names the guard of the transition that got furthest.
		{"missing run", 0, 0, ResolveRuntimeCompletionResult{None[string](), TerminalRunResult, FinalizationSucceeded},
			"terminal_runtime_terminated: terminal is RuntimeTerminated"},
		{"unknown cause", OutcomeFailed, CauseUnknown, ResolveRuntimeCompletionResult{r1, TerminalMachineTerminal, FinalizationSucceeded},
			"machine_failure_cause_known: terminal_cause_kind is present and not Unknown"},
		{"no cause", OutcomeFailed, 0, ResolveRuntimeCompletionResult{r1, TerminalMachineTerminal, FinalizationSucceeded},
			"machine_failure_cause_known: terminal_cause_kind is present and not Unknown"},
		{"machine terminal with Completed outcome", OutcomeCompleted, 0, ResolveRuntimeCompletionResult{r1, TerminalMachineTerminal, FinalizationSucceeded}, ""},
		{"machine terminal with None outcome", OutcomeNone, CauseLlmFailure, ResolveRuntimeCompletionResult{r1, TerminalMachineTerminal, FinalizationSucceeded}, ""},
		{"machine terminal without outcome", 0, 0, ResolveRuntimeCompletionResult{r1, TerminalMachineTerminal, FinalizationSucceeded}, ""},
		{"machine terminal, finalization failed", OutcomeCancelled, 0, ResolveRuntimeCompletionResult{r1, TerminalMachineTerminal, FinalizationFailed}, ""},
		{"terminated with run", 0, 0, ResolveRuntimeCompletionResult{r1, TerminalRuntimeTerminated, FinalizationSucceeded}, ""},
		{"terminated, finalization failed", 0, 0, ResolveRuntimeCompletionResult{None[string](), TerminalRuntimeTerminated, FinalizationFailed},
			"finalization_succeeded: finalization is Succeeded"},
		{"finalization failure of another run", 0, 0, ResolveRuntimeCompletionResult{Some("r9"), TerminalRunResult, FinalizationFailed}, ""},
	}
	for _, tt := range tests {
		s := completionState(t, PhaseRunning, tt.outcome, tt.cause)
		_, err := applyChecked(t, &s, tt.in)
		if KindOf(err) != KindRejected {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if r := err.(*Rejection); tt.guard != "" && r.Guard != tt.guard {
			t.Errorf("%s: guard %q, want %q", tt.name, r.Guard, tt.guard)
		}
	}
	// Unregistered session: every row needs one.
	s := NewState()
	_, err := applyChecked(t, &s, ResolveRuntimeCompletionResult{None[string](), TerminalRuntimeTerminated, FinalizationSucceeded})
	rejectedBy(t, err, "session_registered: session_id is present")

	// Before RunCompleted (or after Prepare cleared it) the run is not correlated, but a
	// finalization failure correlates with the current run too.
	s = stateIn(t, PhaseRunning)
	_, err = applyChecked(t, &s, ResolveRuntimeCompletionResult{r1, TerminalRunResult, FinalizationSucceeded})
	rejectedBy(t, err, "finalization_failed: finalization is Failed")
	for _, term := range []RuntimeCompletionTerminalObservation{TerminalRunResult, TerminalNoResult, TerminalCallbackPending} {
		mustApply(t, &s, ResolveRuntimeCompletionResult{r1, term, FinalizationFailed})
	}
}

// spec §6.2: only RuntimeTerminated is answered in Destroyed.
func TestResolveRuntimeCompletionResultDestroyed(t *testing.T) {
	s := stateIn(t, PhaseDestroyed)
	s.RuntimeCompletionResultRunID = Some("r1")
	fx := mustApply(t, &s, ResolveRuntimeCompletionResult{None[string](), TerminalRuntimeTerminated, FinalizationSucceeded})
	got := fx[0].(RuntimeCompletionResultResolved)
	if got.ResultClass != ResultClassRuntimeTerminated || got.CleanupOutcome != ObservedOutcomeRuntimeTerminated || got.SessionID != testSession || got.RunID.Present() {
		t.Fatalf("%+v", got)
	}
	if s.LifecyclePhase != PhaseDestroyed {
		t.Fatal(s.LifecyclePhase)
	}
	for _, in := range []ResolveRuntimeCompletionResult{
		{Some("r1"), TerminalRunResult, FinalizationSucceeded},
		{Some("r1"), TerminalRuntimeTerminated, FinalizationSucceeded},
		{None[string](), TerminalRuntimeTerminated, FinalizationFailed},
	} {
		_, err := applyChecked(t, &s, in)
		var r *Rejection
		if !asRejection(err, &r) || r.Kind != KindRejected || r.Rule != "ResolveRuntimeCompletionResultRuntimeTerminatedDestroyed" {
			t.Errorf("%+v: %v", in, err)
		}
	}
}

// spec §6.2 as a whole: every combination of terminal, finalization, run correlation and
// turn facts agrees with the table read top to bottom.
func TestResolveRuntimeCompletionResultExhaustive(t *testing.T) {
	type want struct {
		class   RuntimeCompletionResultClass
		cleanup RuntimeCompletionObservedOutcome
	}
	failedOutcome := map[TurnTerminalOutcome]bool{OutcomeFailed: true, OutcomeBudgetExhausted: true, OutcomeTimeBudgetExceeded: true, OutcomeStructuredOutputValidationFailed: true}
	table := func(term RuntimeCompletionTerminalObservation, fin RuntimeCompletionFinalizationObservation, run, resultRun, current Opt[string],
		outcome Opt[TurnTerminalOutcome], cause Opt[TurnTerminalCauseKind]) (want, bool) {
		correlated := run.Present() && run == resultRun
		orCurrent := run.Present() && (run == resultRun || run == current)
		ok := fin == FinalizationSucceeded
		switch {
		case ok && correlated && term == TerminalRunResult:
			return want{ResultClassCompleted, ObservedOutcomeCompleted}, true
		case ok && correlated && term == TerminalNoResult:
			return want{ResultClassCompletedWithoutResult, ObservedOutcomeCompletedWithoutResult}, true
		case ok && correlated && term == TerminalCallbackPending:
			return want{ResultClassCallbackPending, ObservedOutcomeCallbackPending}, true
		case ok && correlated && term == TerminalMachineTerminal && outcome.Is(OutcomeCancelled):
			return want{ResultClassCancelled, ObservedOutcomeCancelled}, true
		case ok && correlated && term == TerminalMachineTerminal && outcome.Present() && failedOutcome[outcome.Get()] &&
			cause.Present() && !cause.Is(CauseUnknown):
			if cause.Is(CauseRuntimeApplyFailure) {
				return want{ResultClassAbandonedWithError, ObservedOutcomeRuntimeApplyFailed}, true
			}
			return want{ResultClassAbandonedWithError, ObservedOutcomeAbandoned}, true
		case !ok && orCurrent && term == TerminalRunResult:
			return want{ResultClassCompletedWithFinalizationFailure, ObservedOutcomeFinalizationFailed}, true
		case !ok && orCurrent && (term == TerminalNoResult || term == TerminalCallbackPending):
			return want{ResultClassAbandonedWithError, ObservedOutcomeRuntimeApplyFailed}, true
		case ok && !run.Present() && term == TerminalRuntimeTerminated:
			return want{ResultClassRuntimeTerminated, ObservedOutcomeRuntimeTerminated}, true
		}
		return want{}, false
	}
	runs := []Opt[string]{None[string](), Some("r1"), Some("r2")}
	outcomes := []Opt[TurnTerminalOutcome]{None[TurnTerminalOutcome]()}
	for o := OutcomeNone; o.Valid(); o++ {
		outcomes = append(outcomes, Some(o))
	}
	causes := []Opt[TurnTerminalCauseKind]{None[TurnTerminalCauseKind](), Some(CauseUnknown), Some(CauseRuntimeApplyFailure), Some(CauseToolFailure)}
	base := stateIn(t, PhaseRunning) // current run r1
	n := 0
	for term := TerminalRunResult; term.Valid(); term++ {
		for _, fin := range []RuntimeCompletionFinalizationObservation{FinalizationSucceeded, FinalizationFailed} {
			for _, run := range runs {
				for _, resultRun := range runs {
					for _, current := range []Opt[string]{Some("r1"), Some("r2")} {
						for _, outcome := range outcomes {
							for _, cause := range causes {
								s := base
								s.RuntimeCompletionResultRunID, s.CurrentRunID, s.TerminalOutcome, s.TerminalCauseKind = resultRun, current, outcome, cause
								fx, err := s.Preview(ResolveRuntimeCompletionResult{run, term, fin})
								w, ok := table(term, fin, run, resultRun, current, outcome, cause)
								n++
								if !ok {
									if KindOf(err) != KindRejected {
										t.Fatalf("%s %s run=%s result=%s current=%s %s %s: want GR, got %v", term, fin, run, resultRun, current, outcome, cause, fx)
									}
									continue
								}
								if err != nil {
									t.Fatalf("%s %s run=%s result=%s current=%s %s %s: %v", term, fin, run, resultRun, current, outcome, cause, err)
								}
								if got := fx[0].(RuntimeCompletionResultResolved); got.ResultClass != w.class || got.CleanupOutcome != w.cleanup || got.RunID != run {
									t.Fatalf("%s %s run=%s: %+v, want %+v", term, fin, run, got, w)
								}
							}
						}
					}
				}
			}
		}
	}
	if n < 5000 {
		t.Fatal(n)
	}
}

func cleanupOwner(outcome RuntimeCompletionObservedOutcome, archived bool, live RuntimeCompletionLiveSessionObservation) ResolveRuntimeCompletionCleanup {
	return ResolveRuntimeCompletionCleanup{
		SessionID: testSession, ObservationSessionID: testSession,
		ObservationAgentRuntimeID: Some("rt1"), ObservationFenceToken: Some[uint64](7), ObservationRuntimeGeneration: Some[uint64](1),
		Outcome: outcome, ArchivedByAuthority: archived, LiveSession: live,
	}
}

// spec §6.3: the cleanup table over every outcome, archive flag and live-session
// observation, in every phase it is declared in.
func TestResolveRuntimeCompletionCleanupTable(t *testing.T) {
	// The spec's rows, top to bottom.
	expect := func(o RuntimeCompletionObservedOutcome, archived bool, live RuntimeCompletionLiveSessionObservation) (string, RuntimeCompletionCleanupAction) {
		switch {
		case archived:
			return "ResolveRuntimeCompletionCleanupArchived", CleanupCleanupRuntime
		case o == ObservedOutcomeRuntimeTerminated:
			return "ResolveRuntimeCompletionCleanupRuntimeTerminated", CleanupCleanupRuntime
		case o == ObservedOutcomeFinalizationFailed:
			return "ResolveRuntimeCompletionCleanupFinalizationFailed", CleanupCleanupRuntime
		case o == ObservedOutcomeRuntimeApplyFailed:
			return "ResolveRuntimeCompletionCleanupRuntimeApplyFailed", CleanupCleanupRuntime
		case o == ObservedOutcomeAbandoned && live == LiveSessionAbsent:
			return "ResolveRuntimeCompletionCleanupAbandonedWithoutLiveSession", CleanupCleanupRuntime
		case o == ObservedOutcomeCancelled && live == LiveSessionAbsent:
			return "ResolveRuntimeCompletionCleanupCancelledWithoutLiveSession", CleanupCleanupRuntime
		}
		return "ResolveRuntimeCompletionCleanupRetain", CleanupRetainRuntime
	}
	for _, p := range []Phase{PhaseAttached, PhaseRunning, PhaseRetired} {
		for o := ObservedOutcomeCompleted; o.Valid(); o++ {
			for _, archived := range []bool{false, true} {
				for live := LiveSessionNotObserved; live.Valid(); live++ {
					s := stateIn(t, p)
					in := cleanupOwner(o, archived, live)
					fx := mustApply(t, &s, in)
					_, action := expect(o, archived, live)
					want := Effects{RuntimeCompletionCleanupResolved{SessionID: testSession, Action: action, PreAdmissionAction: PreAdmissionReleasePreAdmission}}
					if !reflect.DeepEqual(fx, want) {
						t.Fatalf("%s %s archived=%v live=%s: %v", p, o, archived, live, fx)
					}
					got := fx[0].(RuntimeCompletionCleanupResolved)
					if got.RequiresRuntimeCleanup() != (action == CleanupCleanupRuntime) || !got.ReleasesPreAdmission() {
						t.Fatalf("%+v", got)
					}
				}
			}
		}
	}
	// The cleanup authority does not look at the session binding: it compares the
	// observation with itself and with the runtime binding. An unbound Initializing
	// machine accepts an observation with no binding; Stopped keeps the binding.
	for _, p := range []Phase{PhaseInitializing, PhaseIdle} {
		s := stateIn(t, p)
		in := cleanupOwner(ObservedOutcomeCompleted, false, LiveSessionPresent)
		in.ObservationAgentRuntimeID, in.ObservationFenceToken, in.ObservationRuntimeGeneration = None[string](), None[uint64](), None[uint64]()
		if fx := mustApply(t, &s, in); fx[0].(RuntimeCompletionCleanupResolved).Action != CleanupRetainRuntime {
			t.Fatal(p, fx)
		}
	}
	s := stateIn(t, PhaseStopped)
	in := cleanupOwner(ObservedOutcomeCompleted, false, LiveSessionPresent)
	in.ObservationAgentRuntimeID, in.ObservationFenceToken, in.ObservationRuntimeGeneration = s.ActiveRuntimeID, s.ActiveFenceToken, s.ActiveRuntimeGeneration
	mustApply(t, &s, in)
	if sp, _ := Lookup("ResolveRuntimeCompletionCleanup"); !sp.PreviewOnly || sp.Origin != OriginRuntime || len(sp.Transitions) != 7 {
		t.Fatalf("%+v", sp)
	}
}

// spec §6.3: a stale owner (any binding field different, present or absent), another
// session's observation, an unset outcome, and Destroyed are all rejected.
func TestResolveRuntimeCompletionCleanupRejected(t *testing.T) {
	bindingGuard := "observation_matches_runtime_binding: the observed runtime id, fence, generation and epoch are exactly the current binding"
	stale := []func(*ResolveRuntimeCompletionCleanup){
		func(in *ResolveRuntimeCompletionCleanup) { in.ObservationAgentRuntimeID = Some("rt0") },
		func(in *ResolveRuntimeCompletionCleanup) { in.ObservationAgentRuntimeID = None[string]() },
		func(in *ResolveRuntimeCompletionCleanup) { in.ObservationFenceToken = Some[uint64](6) },
		func(in *ResolveRuntimeCompletionCleanup) { in.ObservationFenceToken = None[uint64]() },
		func(in *ResolveRuntimeCompletionCleanup) { in.ObservationRuntimeGeneration = Some[uint64](2) },
		func(in *ResolveRuntimeCompletionCleanup) { in.ObservationRuntimeEpochID = Some("ep") },
	}
	for i, edit := range stale {
		s := stateIn(t, PhaseAttached)
		in := cleanupOwner(ObservedOutcomeCompleted, true, LiveSessionPresent)
		edit(&in)
		_, err := applyChecked(t, &s, in)
		rejectedBy(t, err, bindingGuard)
		_ = i
	}
	s := stateIn(t, PhaseAttached)
	other := cleanupOwner(ObservedOutcomeCompleted, false, LiveSessionPresent)
	other.ObservationSessionID = "s9"
	_, err := applyChecked(t, &s, other)
	rejectedBy(t, err, "observation_matches_session: observation_session_id equals session_id")
	// An unset outcome matches no row when not archived.
	_, err = applyChecked(t, &s, cleanupOwner(0, false, LiveSessionPresent))
	if KindOf(err) != KindRejected {
		t.Fatal(err)
	}
	s = stateIn(t, PhaseDestroyed)
	if _, err := applyChecked(t, &s, cleanupOwner(ObservedOutcomeCompleted, true, LiveSessionPresent)); KindOf(err) != KindDestroyed {
		t.Fatal("GR in Destroyed", err)
	}
}

// spec §6.4: the wait-failure table in every phase it is declared in; another session,
// no session, and Destroyed are rejected.
func TestResolveRuntimeCompletionWaitFailure(t *testing.T) {
	rows := map[RuntimeCompletionWaitFailureObservation]RuntimeCompletionWaitFailurePublicReason{
		WaitFailureChannelClosed:        WaitFailureReasonCompletionChannelClosed,
		WaitFailureAuthorityUnavailable: WaitFailureReasonCompletionAuthorityUnavailable,
	}
	for _, p := range alivePhases {
		for failure, reason := range rows {
			s := completionState(t, p, 0, 0)
			fx := mustApply(t, &s, ResolveRuntimeCompletionWaitFailure{SessionID: testSession, Failure: failure})
			want := Effects{RuntimeCompletionWaitFailureResolved{
				SessionID: testSession, Failure: failure, PreAdmissionAction: PreAdmissionReleasePreAdmission,
				PublicErrorClass: WaitFailureClassInternalError, PublicReason: reason, Resumable: false,
			}}
			if !reflect.DeepEqual(fx, want) {
				t.Fatalf("%s %s: %v", p, failure, fx)
			}
			_, err := applyChecked(t, &s, ResolveRuntimeCompletionWaitFailure{SessionID: "s9", Failure: failure})
			rejectedBy(t, err, "session_matches: session_id equals the registered session")
		}
	}
	s := NewState()
	_, err := applyChecked(t, &s, ResolveRuntimeCompletionWaitFailure{SessionID: testSession, Failure: WaitFailureChannelClosed})
	rejectedBy(t, err, "session_registered: session_id is present")
	s = stateIn(t, PhaseIdle)
	_, err = applyChecked(t, &s, ResolveRuntimeCompletionWaitFailure{SessionID: testSession})
	rejectedBy(t, err, "channel_closed: failure is ChannelClosed")
	s = stateIn(t, PhaseDestroyed)
	if _, err := applyChecked(t, &s, ResolveRuntimeCompletionWaitFailure{SessionID: testSession, Failure: WaitFailureChannelClosed}); KindOf(err) != KindDestroyed {
		t.Fatal("GR in Destroyed", err)
	}
	if sp, _ := Lookup("ResolveRuntimeCompletionWaitFailure"); !sp.PreviewOnly || sp.Origin != OriginRuntime {
		t.Fatalf("%+v", sp)
	}
	if sp, _ := Lookup("ResolveRuntimeCompletionResult"); sp.PreviewOnly || sp.Origin != OriginRuntime || len(sp.Transitions) != 10 {
		t.Fatalf("%+v", sp)
	}
}

// spec §6.2: a run's path through the turn and lifecycle inputs, then its class.
func TestCompletionAfterRun(t *testing.T) {
	s := stateIn(t, PhaseRunning)
	mustApply(t, &s, conversation("r1"))
	mustApply(t, &s, FatalFailure{RunID: "r1", TerminalFailureSource: FailureSourceToolError, Error: "tool"})
	mustApply(t, &s, RunFailed{RunID: "r1", MachineTerminalFailureObserved: true, Error: "tool"})
	mustApply(t, &s, Fail{RunID: "r1"})
	fx, err := s.Preview(ResolveRuntimeCompletionResult{Some("r1"), TerminalMachineTerminal, FinalizationSucceeded})
	if err != nil {
		t.Fatal(err)
	}
	if got := fx[0].(RuntimeCompletionResultResolved); got.ResultClass != ResultClassAbandonedWithError || got.CleanupOutcome != ObservedOutcomeAbandoned {
		t.Fatalf("%+v", got)
	}
	// The next Prepare clears the published run: the old run is no longer correlated.
	mustApply(t, &s, Prepare{SessionID: testSession, RunID: "r2"})
	if _, err := s.Preview(ResolveRuntimeCompletionResult{Some("r1"), TerminalMachineTerminal, FinalizationSucceeded}); KindOf(err) != KindRejected {
		t.Fatal(err)
	}
}

// BenchmarkPreviewCompletionResult is the runtime loop's question at every run end.
func BenchmarkPreviewCompletionResult(b *testing.B) {
	for _, size := range []int{0, 100_000} {
		b.Run(fmt.Sprintf("maps=%d", size), func(b *testing.B) {
			s := completionState(b, PhaseRunning, OutcomeFailed, CauseLlmFailure)
			withBigMaps(&s, size)
			var in Input = ResolveRuntimeCompletionResult{Some("r1"), TerminalMachineTerminal, FinalizationSucceeded}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Preview(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkApplyCompletionCleanup evaluates the last cleanup row (Retain) with Apply.
func BenchmarkApplyCompletionCleanup(b *testing.B) {
	for _, size := range []int{0, 100_000} {
		b.Run(fmt.Sprintf("maps=%d", size), func(b *testing.B) {
			s := stateIn(b, PhaseAttached)
			withBigMaps(&s, size)
			var in Input = cleanupOwner(ObservedOutcomeCancelled, false, LiveSessionPresent)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Apply(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
