package machine

import (
	"reflect"
	"testing"
)

func conversation(run string) StartConversationRun {
	return StartConversationRun{RunID: run, PrimitiveKind: PrimitiveConversationTurn, AdmittedContentShape: ContentConversation}
}

func run(id string) runOnly { return runOnly{RunID: id} }

// spec §5.7: a conversation turn with one tool round trip, two boundaries and completion.
func TestTurnHappyPath(t *testing.T) {
	s := stateIn(t, PhaseRunning)
	steps := []struct {
		in    Input
		turn  TurnPhase
		names []string
	}{
		{conversation("r1"), TurnApplyingPrimitive, []string{"TurnRunStarted"}},
		{PrimitiveApplied{run("r1")}, TurnCallingLlm, []string{"TurnCheckCompaction"}},
		{LlmReturnedToolCalls{RunID: "r1", ToolCount: 2}, TurnWaitingForOps, []string{}},
		{ToolCallsResolved{run("r1")}, TurnCallingLlm, []string{"TurnCheckCompaction"}},
		{LlmReturnedToolCalls{RunID: "r1", ToolCount: 0}, TurnDrainingBoundary, []string{}},
		{BoundaryContinue{run("r1")}, TurnCallingLlm, []string{"TurnBoundaryApplied", "TurnCheckCompaction"}},
		{LlmReturnedTerminal{run("r1")}, TurnDrainingBoundary, []string{}},
		{BoundaryComplete{run("r1")}, TurnCompleted, []string{"TurnBoundaryApplied", "TurnRunCompleted"}},
		{AcknowledgeTerminal{RunID: "r1", Outcome: OutcomeCompleted}, TurnReady, []string{}},
	}
	for _, st := range steps {
		fx := mustApply(t, &s, st.in)
		if s.TurnPhase != st.turn || !reflect.DeepEqual(fx.Names(), st.names) {
			t.Fatalf("%s: turn %s effects %v, want %s %v", st.in.Name(), s.TurnPhase, fx.Names(), st.turn, st.names)
		}
	}
	if s.BoundaryCount != 2 || !s.TerminalOutcome.Is(OutcomeCompleted) {
		t.Fatalf("boundaries %d outcome %s", s.BoundaryCount, s.TerminalOutcome)
	}
}

// spec §5.4/§5.7: cancel after boundary turns the next boundary into a cancellation.
func TestTurnCancelAfterBoundary(t *testing.T) {
	for _, boundary := range []Input{BoundaryContinue{run("r1")}, BoundaryComplete{run("r1")}} {
		s := stateIn(t, PhaseRunning)
		mustApply(t, &s, conversation("r1"))
		mustApply(t, &s, PrimitiveApplied{run("r1")})
		mustApply(t, &s, RequestCancelAfterBoundary{run("r1")})
		mustApply(t, &s, LlmReturnedTerminal{run("r1")})
		fx := mustApply(t, &s, boundary)
		want := Effects{TurnBoundaryApplied{RunID: "r1", BoundarySequence: 1}, TurnRunCancelled{RunID: "r1", Reason: CancelReasonObserved}}
		if !reflect.DeepEqual(fx, want) || s.TurnPhase != TurnCancelled || s.CancelAfterBoundary {
			t.Fatalf("%s: %v %s", boundary.Name(), fx, s.TurnPhase)
		}
		// The lifecycle can now end the run as cancelled.
		mustApply(t, &s, CancelRun{RunID: "r1"})
	}
}

// spec §5.7: immediate primitives complete (or cancel) at their single boundary.
func TestTurnImmediatePrimitives(t *testing.T) {
	for _, start := range []Input{StartImmediateAppend{RunID: "r1"}, StartImmediateContext{RunID: "r1"}} {
		s := stateIn(t, PhaseRunning)
		mustApply(t, &s, start)
		fx := mustApply(t, &s, PrimitiveApplied{run("r1")})
		if !reflect.DeepEqual(fx.Names(), []string{"TurnBoundaryApplied", "TurnRunCompleted"}) || s.TurnPhase != TurnCompleted {
			t.Fatalf("%s: %v", start.Name(), fx)
		}
		s = stateIn(t, PhaseRunning)
		mustApply(t, &s, start)
		mustApply(t, &s, RequestCancelAfterBoundary{run("r1")})
		fx = mustApply(t, &s, PrimitiveApplied{run("r1")})
		if fx[1].Name() != "TurnRunCancelled" || s.TurnPhase != TurnCancelled {
			t.Fatalf("%s cancelled: %v", start.Name(), fx)
		}
	}
}

// spec §5.7: turns may start from Idle (with a runtime bound), Attached or Initializing
// and move the lifecycle to Running.
func TestTurnStartPhases(t *testing.T) {
	tests := []struct {
		phase Phase
		in    Input
		ok    bool
	}{
		{PhaseAttached, conversation("r2"), true},
		{PhaseInitializing, conversation("r2"), true},
		{PhaseAttached, StartImmediateAppend{RunID: "r2"}, true},
		{PhaseIdle, StartImmediateAppend{RunID: "r2"}, false},
		{PhaseIdle, conversation("r2"), false},
		{PhaseRetired, conversation("r2"), false},
		{PhaseAttached, StartConversationRun{RunID: "r2", PrimitiveKind: PrimitiveImmediateAppend, AdmittedContentShape: ContentConversation}, false},
		{PhaseAttached, StartConversationRun{RunID: "r2", PrimitiveKind: PrimitiveConversationTurn, AdmittedContentShape: ContentImmediateAppend}, false},
	}
	for _, tt := range tests {
		s := stateIn(t, tt.phase)
		_, err := applyChecked(t, &s, tt.in)
		if (err == nil) != tt.ok {
			t.Fatalf("%s from %s: %v", tt.in.Name(), tt.phase, err)
		}
		if tt.ok && (s.LifecyclePhase != PhaseRunning || !s.CurrentRunID.Is("r2") || !s.PreRunPhase.Is(PreRunAttached)) {
			t.Fatalf("%s from %s: %s run=%s pre=%s", tt.in.Name(), tt.phase, s.LifecyclePhase, s.CurrentRunID, s.PreRunPhase)
		}
	}
	// From Idle a conversation turn needs a bound runtime.
	s := stateIn(t, PhaseIdle)
	s.ActiveRuntimeID, s.ActiveRuntimeGeneration = Some("rt"), Some[uint64](1)
	mustApply(t, &s, conversation("r2"))
	// A turn cannot restart while one is in flight.
	if _, err := applyChecked(t, &s, conversation("r3")); KindOf(err) != KindRejected {
		t.Fatal("restart mid-turn must be rejected")
	}
}

// spec §5.7: recoverable failures go through ErrorRecovery; fatal ones and limits fail.
func TestTurnFailures(t *testing.T) {
	s := stateIn(t, PhaseRunning)
	mustApply(t, &s, conversation("r1"))
	mustApply(t, &s, PrimitiveApplied{run("r1")})
	for name, in := range map[string]RecoverableFailure{
		"attempt 0":      {RunID: "r1", FailureKind: RetryFailureRateLimited, RetryAttempt: 0, MaxRetries: 3},
		"past exhausted": {RunID: "r1", FailureKind: RetryFailureRateLimited, RetryAttempt: 4, MaxRetries: 3},
		"other run":      {RunID: "r9", FailureKind: RetryFailureRateLimited, RetryAttempt: 1, MaxRetries: 3},
	} {
		if _, err := applyChecked(t, &s, in); KindOf(err) != KindRejected {
			t.Errorf("%s: %v", name, err)
		}
	}
	mustApply(t, &s, RecoverableFailure{RunID: "r1", FailureKind: RetryFailureNetworkTimeout, RetryAttempt: 1, MaxRetries: 3, SelectedDelayMs: 250})
	if s.TurnPhase != TurnErrorRecovery || s.LlmRetrySelectedDelayMs != 250 || !s.LlmRetryLastFailureKind.Is(RetryFailureNetworkTimeout) {
		t.Fatal("error recovery not recorded")
	}
	if _, err := applyChecked(t, &s, RetryRequested{RunID: "r1", RetryAttempt: 2}); KindOf(err) != KindRejected {
		t.Fatal("retry attempt must match the recorded one")
	}
	mustApply(t, &s, RetryRequested{RunID: "r1", RetryAttempt: 1})
	if _, err := applyChecked(t, &s, FatalFailure{RunID: "r1", TerminalFailureSource: FailureSourceUnknown}); KindOf(err) != KindRejected {
		t.Fatal("unknown source must be rejected")
	}
	fx := mustApply(t, &s, FatalFailure{RunID: "r1", TerminalFailureSource: FailureSourceLlm, Error: "provider down"})
	if !reflect.DeepEqual(fx, Effects{TurnRunFailed{RunID: "r1", TerminalCauseKind: CauseLlmFailure, Error: "provider down"}}) {
		t.Fatal(fx)
	}
	if _, err := applyChecked(t, &s, FatalFailure{RunID: "r1", TerminalFailureSource: FailureSourceLlm}); KindOf(err) != KindRejected {
		t.Fatal("a failed turn cannot fail again")
	}
	mustApply(t, &s, Fail{RunID: "r1"})

	for _, tt := range []struct {
		in      Input
		outcome TurnTerminalOutcome
		cause   TurnTerminalCauseKind
	}{
		{TurnLimitReached{run("r1")}, OutcomeFailed, CauseTurnLimitReached},
		{BudgetExhausted{run("r1")}, OutcomeBudgetExhausted, CauseBudgetExhausted},
		{TimeBudgetExceeded{run("r1")}, OutcomeTimeBudgetExceeded, CauseTimeBudgetExceeded},
	} {
		s := stateIn(t, PhaseRunning)
		mustApply(t, &s, conversation("r1"))
		fx := mustApply(t, &s, tt.in)
		if !s.TerminalOutcome.Is(tt.outcome) || !s.TerminalCauseKind.Is(tt.cause) || fx[0].(TurnRunFailed).Error != tt.in.Name() {
			t.Fatalf("%s: %s %s %v", tt.in.Name(), s.TerminalOutcome, s.TerminalCauseKind, fx)
		}
	}
}

// spec §5.5/§5.7: CancelNow then CancellationObserved.
func TestTurnCancelNow(t *testing.T) {
	s := stateIn(t, PhaseRunning)
	if _, err := applyChecked(t, &s, CancelNow{run("r1")}); KindOf(err) != KindRejected {
		t.Fatal("a Ready turn is not cancellable")
	}
	mustApply(t, &s, conversation("r1"))
	if _, err := applyChecked(t, &s, CancellationObserved{run("r1")}); KindOf(err) != KindRejected {
		t.Fatal("observed before CancelNow")
	}
	mustApply(t, &s, CancelNow{run("r1")})
	if s.AtSafeBoundary() {
		t.Fatal("Cancelling is not a safe boundary")
	}
	fx := mustApply(t, &s, CancellationObserved{run("r1")})
	if fx[0].(TurnRunCancelled).Reason != CancelReasonObserved || !s.AtSafeBoundary() {
		t.Fatal(fx)
	}
}

func TestAtSafeBoundary(t *testing.T) {
	safe := map[TurnPhase]bool{TurnReady: true, TurnDrainingBoundary: true, TurnCompleted: true, TurnFailed: true, TurnCancelled: true}
	for p := TurnReady; p.Valid(); p++ {
		s := State{turnState: turnState{TurnPhase: p}}
		if s.AtSafeBoundary() != safe[p] {
			t.Errorf("%s", p)
		}
	}
}

func BenchmarkTurnStep(b *testing.B) {
	s := stateIn(b, PhaseRunning)
	if _, err := s.Apply(conversation("r1")); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Apply(PrimitiveApplied{run("r1")}); err != nil {
		b.Fatal(err)
	}
	var terminal, cont Input = LlmReturnedTerminal{run("r1")}, BoundaryContinue{run("r1")}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Apply(terminal); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Apply(cont); err != nil {
			b.Fatal(err)
		}
	}
}
