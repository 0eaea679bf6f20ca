package machine

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

const testSession = "s1"

// stateIn builds a registered session authority in the given phase through inputs only.
// Attached and later phases have runtime rt1 bound with fence 7 and generation 1; Running
// has run r1 started from Attached.
func stateIn(t testing.TB, p Phase) State {
	t.Helper()
	if p == PhaseInitializing {
		return NewState()
	}
	s, err := NewSession(testSession)
	if err != nil {
		t.Fatal(err)
	}
	must := func(in Input) {
		t.Helper()
		if _, err := s.Apply(in); err != nil {
			t.Fatalf("building %s: %v", p, err)
		}
	}
	bind := PrepareBindings{AgentRuntimeID: "rt1", FenceToken: 7, Generation: Some[uint64](1), SessionID: testSession}
	switch p {
	case PhaseAttached:
		must(bind)
	case PhaseRunning:
		must(bind)
		must(Prepare{SessionID: testSession, RunID: "r1"})
	case PhaseRetired:
		must(bind)
		must(Retire{SessionID: testSession})
	case PhaseStopped:
		must(RuntimeExecutorExited{})
	case PhaseDestroyed:
		must(Destroy{SessionID: testSession})
	}
	if s.LifecyclePhase != p {
		t.Fatalf("stateIn(%s) reached %s", p, s.LifecyclePhase)
	}
	return s
}

// applyChecked applies in and checks the machine's contract around it: a rejection leaves
// the state deep-equal, Preview agrees with Apply, and the invariants hold afterwards.
func applyChecked(t testing.TB, s *State, in Input) (Effects, error) {
	t.Helper()
	before := snapshot(t, s)
	pfx, perr := s.Preview(in)
	if after := snapshot(t, s); string(after) != string(before) {
		t.Fatalf("Preview(%s) changed the state:\n%s\n%s", in.Name(), before, after)
	}
	fx, err := s.Apply(in)
	if (err == nil) != (perr == nil) || !reflect.DeepEqual(fx, pfx) {
		t.Fatalf("Preview(%s) = %v, %v; Apply = %v, %v", in.Name(), pfx, perr, fx, err)
	}
	if err != nil {
		if after := snapshot(t, s); string(after) != string(before) {
			t.Fatalf("rejected %s changed the state", in.Name())
		}
		return nil, err
	}
	if ierr := s.CheckInvariants(); ierr != nil {
		t.Fatalf("after %s: %v", in.Name(), ierr)
	}
	return fx, nil
}

func snapshot(t testing.TB, s *State) []byte {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// spec §5.1: the phase transition table, one row per input, one column per phase.
// "GR" is GuardRejected (state untouched); "self" keeps the phase.
func TestLifecyclePhaseTable(t *testing.T) {
	phases := []Phase{PhaseInitializing, PhaseIdle, PhaseAttached, PhaseRunning, PhaseRetired, PhaseStopped, PhaseDestroyed}
	bind := PrepareBindings{AgentRuntimeID: "rt1", FenceToken: 7, Generation: Some[uint64](1), SessionID: testSession}
	rows := []struct {
		in   Input
		want [7]string
	}{
		{Initialize{}, [7]string{"Idle", "GR", "GR", "GR", "GR", "GR", "GR"}},
		{RegisterSession{SessionID: "s2"}, [7]string{"GR", "self", "self", "self", "self", "self", "GR"}},
		{RegisterSession{SessionID: testSession}, [7]string{"GR", "self", "self", "self", "self", "self", "GR"}},
		{UnregisterSession{SessionID: testSession}, [7]string{"GR", "Idle", "GR", "GR", "GR", "Idle", "GR"}},
		{UnregisterSession{SessionID: testSession, RuntimeBindingObservation: RuntimeBindingObservation{
			AgentRuntimeID: Some("rt1"), FenceToken: Some[uint64](7), Generation: Some[uint64](1)}},
			[7]string{"GR", "GR", "Idle", "Idle", "Idle", "GR", "GR"}},
		{bind, [7]string{"GR", "Attached", "self", "self", "self", "self", "GR"}},
		{EnsureSessionWithExecutor{SessionID: testSession}, [7]string{"GR", "Attached", "self", "self", "self", "self", "GR"}},
		{Prepare{SessionID: testSession, RunID: "r2"}, [7]string{"GR", "Running", "Running", "GR", "GR", "GR", "GR"}},
		{DrainQueuedRun{RunID: "r2"}, [7]string{"GR", "GR", "GR", "GR", "Running", "GR", "GR"}},
		{Commit{InputID: "i1", RunID: "r1"}, [7]string{"GR", "GR", "GR", "Attached", "GR", "GR", "GR"}},
		{RollbackRun{RunID: "r1"}, [7]string{"GR", "GR", "GR", "Attached", "GR", "GR", "GR"}},
		{Retire{SessionID: testSession}, [7]string{"GR", "Retired", "Retired", "self", "self", "GR", "GR"}},
		{Reset{}, [7]string{"Idle", "self", "Idle", "GR", "Idle", "GR", "GR"}},
		{Recycle{}, [7]string{"GR", "self", "self", "GR", "Idle", "GR", "GR"}},
		{Recover{}, [7]string{"self", "self", "self", "GR", "self", "self", "GR"}},
		{StopRuntimeExecutor{Reason: "r"}, [7]string{"self", "self", "self", "self", "self", "GR", "GR"}},
		{RuntimeExecutorExited{}, [7]string{"GR", "Stopped", "Stopped", "Stopped", "Stopped", "self", "GR"}},
		{Destroy{SessionID: testSession}, [7]string{"GR", "Destroyed", "Destroyed", "Destroyed", "Destroyed", "Destroyed", "GR"}},
		{CancelAfterBoundary{Reason: "r"}, [7]string{"GR", "GR", "self", "self", "GR", "GR", "GR"}},
		{InterruptCurrentRun{}, [7]string{"GR", "GR", "self", "self", "GR", "GR", "GR"}},
	}
	for _, row := range rows {
		for i, p := range phases {
			t.Run(row.in.Name()+"/"+p.String(), func(t *testing.T) {
				s := stateIn(t, p)
				_, err := applyChecked(t, &s, row.in)
				want := row.want[i]
				switch {
				case want == "GR":
					if err == nil {
						t.Fatalf("accepted, now %s; want GuardRejected", s.LifecyclePhase)
					}
				case err != nil:
					t.Fatalf("rejected: %v", err)
				case want == "self" && s.LifecyclePhase != p, want != "self" && s.LifecyclePhase.String() != want:
					t.Fatalf("phase %s, want %s", s.LifecyclePhase, want)
				}
			})
		}
	}
}

// Recycle from Stopped is GR in the spec (§5.1): the Stopped session above has no runtime
// bound but Recycle only fires from Idle, Attached and Retired.
func TestRecycleStoppedIsRejected(t *testing.T) {
	s := stateIn(t, PhaseStopped)
	if _, err := s.Apply(Recycle{}); KindOf(err) != KindNotReady {
		t.Fatalf("Recycle in Stopped: %v", err)
	}
}

func TestRejectionKinds(t *testing.T) {
	tests := []struct {
		name  string
		phase Phase
		in    Input
		kind  Kind
		guard string
	}{
		{"phase not allowed", PhaseIdle, CancelAfterBoundary{}, KindNotReady, ""},
		{"destroyed", PhaseDestroyed, Retire{}, KindDestroyed, ""},
		{"guard", PhaseRunning, Commit{RunID: "other"}, KindRejected, "current_run_id_matches_binding: run_id equals current_run_id"},
		{"nil input", PhaseIdle, nil, KindValidationFailed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := stateIn(t, tt.phase)
			_, err := s.Apply(tt.in)
			var r *Rejection
			if !errors.As(err, &r) || r.Kind != tt.kind || r.Guard != tt.guard {
				t.Fatalf("got %#v", err)
			}
			if r.Error() == "" {
				t.Fatal("empty message")
			}
			if tt.kind == KindRejected && !errors.Is(err, ErrRejected) {
				t.Fatal("errors.Is(ErrRejected) should match")
			}
		})
	}
}

// spec §5.2 PrepareBindings: idempotent exact binding, absent-or-same rebinding.
func TestPrepareBindings(t *testing.T) {
	base := PrepareBindings{AgentRuntimeID: "rt1", FenceToken: 7, Generation: Some[uint64](1), SessionID: testSession}
	s := stateIn(t, PhaseIdle)
	fx, err := applyChecked(t, &s, base)
	if err != nil || !reflect.DeepEqual(fx, Effects{RuntimeBound{AgentRuntimeID: "rt1", FenceToken: 7}}) {
		t.Fatalf("first bind: %v %v", fx, err)
	}
	if fx, err := applyChecked(t, &s, base); err != nil || len(fx) != 0 {
		t.Fatalf("same binding must be a silent no-op: %v %v", fx, err)
	}
	for name, in := range map[string]PrepareBindings{
		"other runtime":     {AgentRuntimeID: "rt2", FenceToken: 7, Generation: Some[uint64](1), SessionID: testSession},
		"other fence":       {AgentRuntimeID: "rt1", FenceToken: 8, Generation: Some[uint64](1), SessionID: testSession},
		"other generation":  {AgentRuntimeID: "rt1", FenceToken: 7, Generation: Some[uint64](2), SessionID: testSession},
		"untyped identity":  {AgentRuntimeID: "rt1", FenceToken: 7, SessionID: testSession},
		"other session":     {AgentRuntimeID: "rt1", FenceToken: 7, Generation: Some[uint64](1), SessionID: "s9"},
		"epoch added later": {AgentRuntimeID: "rt1", FenceToken: 7, Generation: Some[uint64](2), RuntimeEpochID: Some("e"), SessionID: testSession},
	} {
		if _, err := applyChecked(t, &s, in); KindOf(err) != KindRejected {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Reset clears only the fence: a new fence may be bound for the same runtime.
	if _, err := applyChecked(t, &s, Reset{}); err != nil {
		t.Fatal(err)
	}
	refence := base
	refence.FenceToken = 9
	if fx, err := applyChecked(t, &s, refence); err != nil || fx[0].(RuntimeBound).FenceToken != 9 || s.LifecyclePhase != PhaseAttached {
		t.Fatalf("rebind fence after reset: %v %v %s", fx, err, s.LifecyclePhase)
	}
}

// spec §5.2 Run end: Commit/Fail/CancelRun return to pre_run_phase; Fail and CancelRun need
// the turn facts; RunFailed derives outcome and cause from the failure source.
func TestRunLifecycle(t *testing.T) {
	s := stateIn(t, PhaseRunning)
	if _, err := applyChecked(t, &s, Fail{RunID: "r1"}); KindOf(err) != KindRejected {
		t.Fatalf("Fail before the turn failed: %v", err)
	}
	fx, err := applyChecked(t, &s, RunFailed{RunID: "r1", TerminalFailureSource: Some(FailureSourceTokenBudgetExceeded), Error: "boom"})
	if err != nil {
		t.Fatal(err)
	}
	want := Effects{TurnRunFailed{RunID: "r1", TerminalCauseKind: CauseBudgetExhausted, Error: "boom"}, PostAdmissionSignal{Signal: SignalWakeLoop}}
	if !reflect.DeepEqual(fx, want) || !s.TerminalOutcome.Is(OutcomeBudgetExhausted) || !s.RuntimeCompletionResultRunID.Is("r1") {
		t.Fatalf("RunFailed: %v outcome=%s", fx, s.TerminalOutcome)
	}
	if s.LifecyclePhase != PhaseRunning {
		t.Fatal("RunFailed must not move the phase")
	}
	if fx, err := applyChecked(t, &s, Fail{RunID: "r1"}); err != nil || fx[0].Name() != "RecordTerminalOutcome" || s.LifecyclePhase != PhaseAttached {
		t.Fatalf("Fail: %v %v %s", fx, err, s.LifecyclePhase)
	}
	if s.CurrentRunID.Present() || s.PreRunPhase.Present() {
		t.Fatal("run binding not cleared")
	}

	s = stateIn(t, PhaseRunning)
	if _, err := applyChecked(t, &s, CancelRun{RunID: "r1"}); KindOf(err) != KindRejected {
		t.Fatal("CancelRun before RunCancelled must be rejected")
	}
	mustApply(t, &s, RunCancelled{RunID: "r1"})
	if fx, err := applyChecked(t, &s, CancelRun{RunID: "r1"}); err != nil || fx[0].Name() != "RecordTerminalOutcome" {
		t.Fatalf("CancelRun: %v %v", fx, err)
	}

	s = stateIn(t, PhaseRunning)
	mustApply(t, &s, RunCompleted{RunID: "r1"})
	if s.TurnPhase != TurnCompleted || !s.TerminalOutcome.Is(OutcomeCompleted) {
		t.Fatal("RunCompleted should complete a non-terminal turn")
	}
	mustApply(t, &s, ServiceTurnCommitted{RunID: "r1"})
	if s.LifecyclePhase != PhaseAttached {
		t.Fatal(s.LifecyclePhase)
	}
}

func mustApply(t testing.TB, s *State, in Input) Effects {
	t.Helper()
	fx, err := applyChecked(t, s, in)
	if err != nil {
		t.Fatalf("%s: %v", in.Name(), err)
	}
	return fx
}

// spec §5.2 RunFailed: the failure-source table for outcome and cause.
func TestRunFailedSourceTable(t *testing.T) {
	tests := []struct {
		src     RunFailureSourceKind
		apply   bool
		outcome TurnTerminalOutcome
		cause   TurnTerminalCauseKind
	}{
		{FailureSourceTokenBudgetExceeded, false, OutcomeBudgetExhausted, CauseBudgetExhausted},
		{FailureSourceToolCallBudgetExceeded, false, OutcomeBudgetExhausted, CauseBudgetExhausted},
		{FailureSourceTimeBudgetExceeded, false, OutcomeTimeBudgetExceeded, CauseTimeBudgetExceeded},
		{FailureSourceStructuredOutputValidationFailed, false, OutcomeStructuredOutputValidationFailed, CauseStructuredOutputValidationFailed},
		{FailureSourceInvalidOutputSchema, false, OutcomeStructuredOutputValidationFailed, CauseStructuredOutputValidationFailed},
		{FailureSourceHookDenied, false, OutcomeFailed, CauseHookDenied},
		{FailureSourceHookTimeout, false, OutcomeFailed, CauseHookFailure},
		{FailureSourceHookExecutionFailed, false, OutcomeFailed, CauseHookFailure},
		{FailureSourceHookConfigInvalid, false, OutcomeFailed, CauseHookFailure},
		{FailureSourceLlm, false, OutcomeFailed, CauseLlmFailure},
		{FailureSourceToolError, false, OutcomeFailed, CauseToolFailure},
		{FailureSourceInvalidToolAccess, false, OutcomeFailed, CauseToolFailure},
		{FailureSourceLlmRetryExhausted, false, OutcomeFailed, CauseRetryExhausted},
		{FailureSourceMaxTurnsReached, false, OutcomeFailed, CauseTurnLimitReached},
		{FailureSourceStoreError, false, OutcomeFailed, CauseFatalFailure},
		{FailureSourceLlm, true, OutcomeFailed, CauseRuntimeApplyFailure},
	}
	for _, tt := range tests {
		t.Run(tt.src.String(), func(t *testing.T) {
			s := stateIn(t, PhaseRunning)
			in := RunFailed{RunID: "r1", TerminalFailureSource: Some(tt.src)}
			if tt.apply {
				in.RuntimeApplyFailureCause = Some(ApplyFailureRuntimeTurn)
				in.RuntimeApplyFailureMessage = Some("apply failed")
			}
			mustApply(t, &s, in)
			if !s.TerminalOutcome.Is(tt.outcome) || !s.TerminalCauseKind.Is(tt.cause) {
				t.Fatalf("outcome %s cause %s", s.TerminalOutcome, s.TerminalCauseKind)
			}
		})
	}
}

func TestRunFailedGuards(t *testing.T) {
	tests := map[string]RunFailed{
		"unknown source":         {RunID: "r1", TerminalFailureSource: Some(FailureSourceUnknown)},
		"other run":              {RunID: "r9"},
		"apply cause + observed": {RunID: "r1", RuntimeApplyFailureCause: Some(ApplyFailureRuntimeTurn), MachineTerminalFailureObserved: true},
		"observed + source":      {RunID: "r1", MachineTerminalFailureObserved: true, TerminalFailureSource: Some(FailureSourceLlm)},
		"observed, no outcome":   {RunID: "r1", MachineTerminalFailureObserved: true},
	}
	for name, in := range tests {
		s := stateIn(t, PhaseRunning)
		if _, err := applyChecked(t, &s, in); KindOf(err) != KindRejected {
			t.Errorf("%s: %v", name, err)
		}
	}
	// With the outcome and cause already recorded consistently, the observed form is accepted.
	s := stateIn(t, PhaseRunning)
	s.TurnPhase, s.TerminalOutcome, s.TerminalCauseKind = TurnFailed, Some(OutcomeTimeBudgetExceeded), Some(CauseTimeBudgetExceeded)
	mustApply(t, &s, RunFailed{RunID: "r1", MachineTerminalFailureObserved: true})
	s = stateIn(t, PhaseRunning)
	s.TurnPhase, s.TerminalOutcome, s.TerminalCauseKind = TurnFailed, Some(OutcomeFailed), Some(CauseTimeBudgetExceeded)
	if _, err := applyChecked(t, &s, RunFailed{RunID: "r1", MachineTerminalFailureObserved: true}); KindOf(err) != KindRejected {
		t.Fatal("outcome inconsistent with cause must be rejected")
	}
}

// spec §5.3: stop is deferred while an executor is attached; only RuntimeExecutorExited
// reaches Stopped.
func TestStopRuntimeExecutor(t *testing.T) {
	s := stateIn(t, PhaseRunning)
	fx := mustApply(t, &s, StopRuntimeExecutor{Reason: "user"})
	want := Effects{RuntimeNotice{Kind: NoticeStop, Detail: "runtime executor stopped"}, RuntimeEffectFact{Kind: RuntimeEffectStopRuntimeExecutor, Reason: "user"}}
	if !reflect.DeepEqual(fx, want) || !s.RuntimeStopDeferred || s.LifecyclePhase != PhaseRunning {
		t.Fatalf("deferred stop: %v deferred=%v %s", fx, s.RuntimeStopDeferred, s.LifecyclePhase)
	}
	// The run commits into Attached; the deferred stop survives until the executor exits.
	mustApply(t, &s, Commit{RunID: "r1"})
	if !s.RuntimeStopDeferred {
		t.Fatal("deferred stop lost on commit into Attached")
	}
	fx = mustApply(t, &s, RuntimeExecutorExited{})
	if s.LifecyclePhase != PhaseStopped || s.RuntimeStopDeferred || s.RegistrationPhase != RegistrationQueuing ||
		!reflect.DeepEqual(fx, Effects{RuntimeNotice{Kind: NoticeExit, Detail: "runtime executor exited"}}) {
		t.Fatalf("exit: %v %s", fx, s.LifecyclePhase)
	}
	if fx := mustApply(t, &s, RuntimeExecutorExited{}); len(fx) != 0 {
		t.Fatal("exit from Stopped emits nothing")
	}

	s = stateIn(t, PhaseIdle)
	fx = mustApply(t, &s, StopRuntimeExecutor{Reason: "user"})
	if fx[0].(RuntimeNotice).Detail != "runtime executor stop requested" || s.RuntimeStopDeferred {
		t.Fatal(fx)
	}
	s = stateIn(t, PhaseAttached)
	mustApply(t, &s, StopRuntimeExecutor{})
	mustApply(t, &s, EnsureSessionWithExecutor{SessionID: testSession})
	if s.RuntimeStopDeferred || s.RegistrationPhase != RegistrationActive {
		t.Fatal("re-attaching cancels a deferred stop")
	}
}

// spec §5.2 Retire: idempotent re-emission, unbound retire, retire while a run is bound.
func TestRetire(t *testing.T) {
	s := stateIn(t, PhaseAttached)
	want := Effects{RuntimeRetired{AgentRuntimeID: "rt1", FenceToken: 7}}
	if fx := mustApply(t, &s, Retire{}); !reflect.DeepEqual(fx, want) {
		t.Fatal(fx)
	}
	if fx := mustApply(t, &s, Retire{}); !reflect.DeepEqual(fx, want) {
		t.Fatal("retire from Retired re-emits RuntimeRetired:", fx)
	}
	s = stateIn(t, PhaseIdle)
	if fx := mustApply(t, &s, Retire{}); len(fx) != 0 || s.LifecyclePhase != PhaseRetired {
		t.Fatal("unbound retire emits nothing")
	}
	if fx := mustApply(t, &s, Retire{}); len(fx) != 0 {
		t.Fatal(fx)
	}

	s = stateIn(t, PhaseRunning)
	mustApply(t, &s, Retire{})
	if s.LifecyclePhase != PhaseRunning || !s.PreRunPhase.Is(PreRunRetired) || s.VisiblePhase() != ObservedRetired {
		t.Fatalf("retire while running: %s pre=%s visible=%s", s.LifecyclePhase, s.PreRunPhase, s.VisiblePhase())
	}
	mustApply(t, &s, Commit{RunID: "r1"})
	if s.LifecyclePhase != PhaseRetired {
		t.Fatal("the run converges to Retired")
	}
	mustApply(t, &s, DrainQueuedRun{RunID: "r2"})
	if s.LifecyclePhase != PhaseRunning || !s.PreRunPhase.Is(PreRunRetired) {
		t.Fatal("drain from Retired")
	}
}

// spec §5.2 Destroy, Reset, Recycle, Recover, Unregister, RegisterSession.
func TestTerminalAndResetPaths(t *testing.T) {
	s := stateIn(t, PhaseIdle)
	if fx := mustApply(t, &s, Destroy{}); !reflect.DeepEqual(fx, Effects{RuntimeDestroyed{}}) {
		t.Fatal("unbound destroy emits zero values:", fx)
	}
	s = NewState()
	if _, err := s.Apply(Destroy{}); err == nil {
		t.Fatal("destroy from Initializing needs a bound runtime")
	}

	s = stateIn(t, PhaseAttached)
	mustApply(t, &s, SetSilentIntents{SessionID: testSession, Intents: NewSet("a")})
	fx := mustApply(t, &s, Reset{})
	if s.ActiveFenceToken.Present() || !s.ActiveRuntimeID.Present() || len(s.SilentIntentOverrides) != 0 ||
		!reflect.DeepEqual(fx, Effects{RuntimeNotice{Kind: NoticeReset, Detail: "runtime reset"}}) {
		t.Fatal("reset clears only the fence and the silent intents", fx)
	}

	s = stateIn(t, PhaseAttached)
	if fx := mustApply(t, &s, Recycle{}); fx[0].Name() != "InitiateRecycle" || s.ActiveRuntimeID.Present() || s.LifecyclePhase != PhaseAttached {
		t.Fatal("recycle")
	}
	if fx := mustApply(t, &s, Recover{}); fx[0].(RuntimeNotice).Kind != NoticeRecover {
		t.Fatal(fx)
	}

	s = stateIn(t, PhaseIdle)
	s.CurrentSessionLlmIdentity = Some(SessionLlmIdentity{Model: "m", Provider: ProviderOpenAI})
	mustApply(t, &s, RegisterSession{SessionID: testSession})
	if !s.CurrentSessionLlmIdentity.Present() {
		t.Fatal("same-session registration must not reset LLM state")
	}
	mustApply(t, &s, RegisterSession{SessionID: "s2"})
	if s.CurrentSessionLlmIdentity.Present() || !s.isSession("s2") {
		t.Fatal("a new binding resets LLM state")
	}
	mustApply(t, &s, UnregisterSession{SessionID: "s2"})
	if s.registered() {
		t.Fatal("unregister")
	}
}

// spec §5.2 RecoverRuntimeAuthority: one arm per observed state, with structural guards.
func TestRecoverRuntimeAuthority(t *testing.T) {
	ok := []RecoverRuntimeAuthority{
		{SessionID: "s", State: ObservedIdle},
		{SessionID: "s", State: ObservedAttached, AgentRuntimeID: Some("rt"), FenceToken: Some[uint64](1), RuntimeEpochID: Some("e")},
		{SessionID: "s", State: ObservedRunning, AgentRuntimeID: Some("rt"), RuntimeGeneration: Some[uint64](2), CurrentRunID: Some("r"), PreRunPhase: Some(PreRunAttached)},
		{SessionID: "s", State: ObservedRetired, CurrentRunID: Some("r"), PreRunPhase: Some(PreRunRetired)},
		{SessionID: "s", State: ObservedRetired},
		{SessionID: "s", State: ObservedStopped},
		{SessionID: "s", State: ObservedInitializing, SilentIntentOverrides: NewSet("x")},
	}
	for _, in := range ok {
		s := NewState()
		mustApply(t, &s, in)
		if ObservedState(s.LifecyclePhase) != in.State || !s.isSession("s") {
			t.Fatalf("%s: phase %s", in.State, s.LifecyclePhase)
		}
	}
	bad := map[string]RecoverRuntimeAuthority{
		"running without run": {SessionID: "s", State: ObservedRunning},
		"idle with run":       {SessionID: "s", State: ObservedIdle, CurrentRunID: Some("r"), PreRunPhase: Some(PreRunIdle)},
		"retired half run":    {SessionID: "s", State: ObservedRetired, CurrentRunID: Some("r")},
		"fence w/o runtime":   {SessionID: "s", State: ObservedIdle, FenceToken: Some[uint64](1)},
		"untyped runtime":     {SessionID: "s", State: ObservedIdle, AgentRuntimeID: Some("rt")},
		"empty session":       {State: ObservedIdle},
	}
	for name, in := range bad {
		s := NewState()
		if _, err := applyChecked(t, &s, in); KindOf(err) != KindRejected {
			t.Errorf("%s: %v", name, err)
		}
	}
	s := stateIn(t, PhaseIdle)
	if _, err := s.Apply(RecoverRuntimeAuthority{SessionID: "s", State: ObservedIdle}); KindOf(err) != KindNotReady {
		t.Fatal("only from Initializing")
	}
}

func TestOpsLifecycleDurability(t *testing.T) {
	obs := RuntimeBindingObservation{AgentRuntimeID: Some("rt1"), FenceToken: Some[uint64](7), Generation: Some[uint64](1)}
	for p, want := range map[Phase]RuntimeOpsLifecycleDurabilityAction{
		PhaseAttached: OpsDurabilityDeleteSnapshot, PhaseRunning: OpsDurabilityDeleteSnapshot, PhaseRetired: OpsDurabilityRetainSnapshot,
	} {
		s := stateIn(t, p)
		fx := mustApply(t, &s, ResolveRuntimeOpsLifecycleDurability{SessionID: testSession, RuntimeBindingObservation: obs})
		if got := fx[0].(RuntimeOpsLifecycleDurabilityResolved); got.Action != want || got.RuntimeBindingObservation != obs {
			t.Fatalf("%s: %+v", p, got)
		}
		if _, err := s.Apply(ResolveRuntimeOpsLifecycleDurability{SessionID: testSession}); KindOf(err) != KindRejected {
			t.Fatal("stale observation must be rejected")
		}
	}
}

// spec §5.6: the classification table, loop queue admission, durability and visible phase.
func TestClassifications(t *testing.T) {
	p := ProjectionAuthority()
	fx := mustApply(t, &p, ClassifyRuntimeLifecycleState{State: ObservedRetired})
	c := fx[0].(RuntimeLifecycleStateClassified).LifecycleClassification
	if c.InputAdmission != InputRejectsInput || c.QueueAdmission != QueueProcessesQueue || c.IngressAdmission != IngressNotReady {
		t.Fatalf("%+v", c)
	}
	if ClassifyLifecycle(ObservedDestroyed).Terminality != LifecycleTerminal || ClassifyLifecycle(0).PrepareAdmission != PrepareDestroyed {
		t.Fatal("destroyed classification")
	}
	fx = mustApply(t, &p, ClassifyRuntimeLifecycleDurability{State: ObservedAttached})
	if fx[0].(RuntimeLifecycleDurabilityClassified).DurableState != ObservedIdle {
		t.Fatal("attached persists as idle")
	}
	for _, tt := range []struct {
		state RuntimeLifecycleObservedState
		bound bool
		q     RuntimeQueueAdmission
		b     RuntimeLoopRunBinding
	}{
		{ObservedIdle, false, QueueProcessesQueue, RunBindingAllocateNew},
		{ObservedRunning, true, QueueProcessesQueue, RunBindingUsePrebound},
		{ObservedRunning, false, QueueBlocksQueue, RunBindingBlocked},
		{ObservedStopped, false, QueueBlocksQueue, RunBindingBlocked},
	} {
		fx := mustApply(t, &p, ClassifyRuntimeLoopQueueAdmission{State: tt.state, CurrentRunBound: tt.bound})
		got := fx[0].(RuntimeLoopQueueAdmissionClassified)
		if got.QueueAdmission != tt.q || got.RunBinding != tt.b {
			t.Fatalf("%s %v: %+v", tt.state, tt.bound, got)
		}
	}
	if _, err := p.Apply(ClassifyRuntimeLoopQueueAdmission{State: ObservedIdle, CurrentRunBound: true}); KindOf(err) != KindRejected {
		t.Fatal("idle with a bound run is not classified")
	}
	for _, tt := range []struct {
		in      ResolveVisibleRuntimePhase
		publish bool
		visible RuntimeLifecycleObservedState
	}{
		{ResolveVisibleRuntimePhase{DslPhase: ObservedIdle, ControlPhase: ObservedStopped, HasRuntimePersistence: true}, true, ObservedStopped},
		{ResolveVisibleRuntimePhase{DslPhase: ObservedIdle, ControlPhase: ObservedStopped}, false, ObservedIdle},
		{ResolveVisibleRuntimePhase{DslPhase: ObservedRunning, DslPreRunPhase: Some(ObservedRetired), ControlPhase: ObservedRetired, HasRuntimePersistence: true}, false, ObservedRetired},
		{ResolveVisibleRuntimePhase{DslPhase: ObservedIdle, ControlPhase: ObservedRunning, ControlPreRunPhase: Some(ObservedRetired), HasRuntimePersistence: true}, true, ObservedRetired},
		{ResolveVisibleRuntimePhase{DslPhase: ObservedIdle, ControlPhase: ObservedAttached, HasRuntimePersistence: true}, false, ObservedIdle},
	} {
		fx := mustApply(t, &p, tt.in)
		got := fx[0].(VisibleRuntimePhaseResolved)
		if got.PublishControl != tt.publish || got.VisiblePhase != tt.visible {
			t.Fatalf("%+v: %+v", tt.in, got)
		}
	}
}
