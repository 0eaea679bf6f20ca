package machine

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
)

func conversation(run string) StartConversationRun {
	return StartConversationRun{RunID: run, PrimitiveKind: PrimitiveConversationTurn, AdmittedContentShape: ContentConversation}
}

// turnAt returns a Running session (run r1, pre_run_phase Attached) whose turn is in the
// given phase, reached through turn inputs where the DSL has a path and written directly
// for Extracting (extraction is not ported).
func turnAt(t testing.TB, p TurnPhase) State {
	t.Helper()
	s := stateIn(t, PhaseRunning)
	apply := func(ins ...Input) {
		t.Helper()
		for _, in := range ins {
			if _, err := s.Apply(in); err != nil {
				t.Fatalf("reaching %s: %s: %v", p, in.Name(), err)
			}
		}
	}
	switch p {
	case TurnReady:
	case TurnApplyingPrimitive:
		apply(conversation("r1"))
	case TurnCallingLlm:
		apply(conversation("r1"), PrimitiveApplied{RunID: "r1"})
	case TurnWaitingForOps:
		apply(conversation("r1"), PrimitiveApplied{RunID: "r1"}, LlmReturnedToolCalls{RunID: "r1", ToolCount: 2})
	case TurnDrainingBoundary:
		apply(conversation("r1"), PrimitiveApplied{RunID: "r1"}, LlmReturnedTerminal{RunID: "r1"})
	case TurnExtracting:
		apply(conversation("r1"), PrimitiveApplied{RunID: "r1"}, LlmReturnedTerminal{RunID: "r1"})
		s.TurnPhase, s.ExtractionActive = TurnExtracting, true
	case TurnErrorRecovery:
		apply(conversation("r1"), PrimitiveApplied{RunID: "r1"},
			RecoverableFailure{RunID: "r1", FailureKind: RetryFailureRateLimited, RetryAttempt: 1, MaxRetries: 3, SelectedDelayMs: 100})
	case TurnCancelling:
		apply(conversation("r1"), CancelNow{RunID: "r1"})
	case TurnCompleted:
		apply(StartImmediateAppend{RunID: "r1"}, PrimitiveApplied{RunID: "r1"})
	case TurnFailed:
		apply(conversation("r1"), FatalFailure{RunID: "r1", TerminalFailureSource: FailureSourceLlm, Error: "boom"})
	case TurnCancelled:
		apply(conversation("r1"), CancelNow{RunID: "r1"}, CancellationObserved{RunID: "r1"})
	default:
		t.Fatalf("no path to %s", p)
	}
	if s.TurnPhase != p {
		t.Fatalf("reached %s, want %s", s.TurnPhase, p)
	}
	return s
}

var allTurnPhases = []TurnPhase{
	TurnReady, TurnApplyingPrimitive, TurnCallingLlm, TurnWaitingForOps, TurnDrainingBoundary, TurnExtracting,
	TurnErrorRecovery, TurnCancelling, TurnCompleted, TurnFailed, TurnCancelled,
}

func rejectedBy(t *testing.T, err error, guard string) {
	t.Helper()
	var r *Rejection
	if !asRejection(err, &r) || r.Kind != KindRejected || r.Guard != guard {
		t.Fatalf("want guard %q rejected, got %v", guard, err)
	}
}

func asRejection(err error, r **Rejection) bool {
	rr, ok := err.(*Rejection)
	if ok {
		*r = rr
	}
	return ok
}

// spec §5.7: a conversation turn with one tool round trip, two boundaries and completion,
// with the exact effects of every step.
func TestTurnHappyPath(t *testing.T) {
	s := stateIn(t, PhaseRunning)
	steps := []struct {
		in   Input
		turn TurnPhase
		fx   Effects
	}{
		{conversation("r1"), TurnApplyingPrimitive, Effects{TurnRunStarted{RunID: "r1"}}},
		{PrimitiveApplied{RunID: "r1"}, TurnCallingLlm, Effects{TurnCheckCompaction{}}},
		{LlmReturnedToolCalls{RunID: "r1", ToolCount: 2}, TurnWaitingForOps, nil},
		{ToolCallsResolved{RunID: "r1"}, TurnCallingLlm, Effects{TurnCheckCompaction{}}},
		{LlmReturnedToolCalls{RunID: "r1", ToolCount: 0}, TurnDrainingBoundary, nil},
		{BoundaryContinue{RunID: "r1"}, TurnCallingLlm, Effects{TurnBoundaryApplied{RunID: "r1", BoundarySequence: 1}, TurnCheckCompaction{}}},
		{LlmReturnedTerminal{RunID: "r1"}, TurnDrainingBoundary, nil},
		{BoundaryComplete{RunID: "r1"}, TurnCompleted, Effects{TurnBoundaryApplied{RunID: "r1", BoundarySequence: 2}, TurnRunCompleted{RunID: "r1", Outcome: OutcomeCompleted}}},
		{AcknowledgeTerminal{RunID: "r1", Outcome: OutcomeCompleted}, TurnReady, nil},
	}
	for _, st := range steps {
		fx := mustApply(t, &s, st.in)
		if s.TurnPhase != st.turn || !reflect.DeepEqual(fx, st.fx) || s.LifecyclePhase != PhaseRunning {
			t.Fatalf("%s: turn %s effects %v, want %s %v", st.in.Name(), s.TurnPhase, fx, st.turn, st.fx)
		}
	}
	// AcknowledgeTerminal resets the boundary count and records the acknowledged outcome.
	if s.BoundaryCount != 0 || !s.TerminalOutcome.Is(OutcomeCompleted) || s.PrimitiveKind.Present() {
		t.Fatalf("after acknowledge: boundaries %d outcome %s primitive %s", s.BoundaryCount, s.TerminalOutcome, s.PrimitiveKind)
	}
	// The lifecycle can now commit the run.
	mustApply(t, &s, Commit{RunID: "r1"})
}

// spec §5.7: which lifecycle phases each start input is declared in, and what it does to
// the lifecycle (→ Running with pre_run_phase Attached, or a Running self-loop that
// leaves pre_run_phase alone).
func TestTurnStartPhases(t *testing.T) {
	starts := []Input{conversation("r2"), StartImmediateAppend{RunID: "r2"}, StartImmediateContext{RunID: "r2"}}
	tests := []struct {
		phase Phase
		bound bool // runtime bound in Idle
		// per start input: the rule that fires, or "" with kind
		rule []string
		kind Kind
	}{
		{PhaseInitializing, false, []string{"StartConversationRunInitializing", "StartImmediateAppendInitializing", "StartImmediateContextInitializing"}, 0},
		{PhaseIdle, true, []string{"StartConversationRunIdleWithBinding", "", ""}, KindNotReady},
		{PhaseAttached, false, []string{"StartConversationRunAttached", "StartImmediateAppendAttached", "StartImmediateContextAttached"}, 0},
		{PhaseRunning, false, []string{"StartConversationRunRunning", "StartImmediateAppendRunning", "StartImmediateContextRunning"}, 0},
		{PhaseRetired, false, []string{"", "", ""}, KindNotReady},
		{PhaseStopped, false, []string{"", "", ""}, KindNotReady},
		{PhaseDestroyed, false, []string{"", "", ""}, KindDestroyed},
	}
	for _, tt := range tests {
		for i, in := range starts {
			t.Run(fmt.Sprintf("%s/%s", tt.phase, in.Name()), func(t *testing.T) {
				s := stateIn(t, tt.phase)
				if tt.bound {
					s.ActiveRuntimeID, s.ActiveRuntimeGeneration = Some("rt"), Some[uint64](1)
				}
				if tt.phase == PhaseRunning {
					// The Running arm must not touch pre_run_phase.
					s.PreRunPhase = Some(PreRunIdle)
				}
				fx, err := applyChecked(t, &s, in)
				if tt.rule[i] == "" {
					if KindOf(err) != tt.kind {
						t.Fatalf("want %s, got %v", tt.kind, err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				wantPre := PreRunAttached
				if tt.phase == PhaseRunning {
					wantPre = PreRunIdle
				}
				if s.LifecyclePhase != PhaseRunning || !s.CurrentRunID.Is("r2") || !s.PreRunPhase.Is(wantPre) ||
					s.TurnPhase != TurnApplyingPrimitive || !reflect.DeepEqual(fx, Effects{TurnRunStarted{RunID: "r2"}}) {
					t.Fatalf("%s run=%s pre=%s turn=%s fx=%v", s.LifecyclePhase, s.CurrentRunID, s.PreRunPhase, s.TurnPhase, fx)
				}
			})
		}
	}
	// From Idle a conversation turn needs a bound runtime.
	s := stateIn(t, PhaseIdle)
	_, err := applyChecked(t, &s, conversation("r2"))
	rejectedBy(t, err, "runtime_binding_present: active_runtime_id is present")
	// The catalogue lists the transitions in DSL order.
	sp, _ := Lookup("StartConversationRun")
	want := []string{"StartConversationRunIdleWithBinding", "StartConversationRunInitializing", "StartConversationRunAttached", "StartConversationRunRunning"}
	if !reflect.DeepEqual(sp.Transitions, want) {
		t.Fatalf("transitions %v", sp.Transitions)
	}
}

// spec §5.7: a start needs the turn Ready or terminal (turn_resettable), and a
// conversation start needs a conversation primitive with a conversation-like shape.
func TestTurnStartGuards(t *testing.T) {
	for _, p := range allTurnPhases {
		s := turnAt(t, p)
		_, err := applyChecked(t, &s, StartImmediateContext{RunID: "r1"})
		if resettableTurnPhases.has(p) {
			if err != nil {
				t.Fatalf("from %s: %v", p, err)
			}
			continue
		}
		rejectedBy(t, err, "turn_resettable: turn_phase is Ready, Completed, Failed or Cancelled")
	}
	shapeGuard := "conversation_shape_matches_primitive: primitive_kind is ConversationTurn and admitted_content_shape is Conversation, ConversationAndContext, Context or Empty"
	for _, kind := range []TurnPrimitiveKind{PrimitiveNone, PrimitiveConversationTurn, PrimitiveImmediateAppend, PrimitiveImmediateContextAppend} {
		for _, shape := range []ContentShape{ContentConversation, ContentConversationAndContext, ContentContext, ContentEmpty, ContentImmediateAppend, ContentImmediateContext} {
			s := stateIn(t, PhaseAttached)
			in := StartConversationRun{RunID: "r1", PrimitiveKind: kind, AdmittedContentShape: shape, VisionEnabled: true, ImageToolResultsEnabled: true, MaxExtractionRetries: 2}
			_, err := applyChecked(t, &s, in)
			ok := kind == PrimitiveConversationTurn && shape != ContentImmediateAppend && shape != ContentImmediateContext
			if !ok {
				rejectedBy(t, err, shapeGuard)
				continue
			}
			if err != nil {
				t.Fatalf("%s/%s: %v", kind, shape, err)
			}
			if !s.PrimitiveKind.Is(kind) || !s.AdmittedContentShape.Is(shape) || !s.VisionEnabled || !s.ImageToolResultsEnabled || s.MaxExtractionRetries != 2 {
				t.Fatalf("%s/%s: fields not recorded: %+v", kind, shape, s.turnState)
			}
		}
	}
}

// spec §5.7: a start resets every per-turn field (and immediate starts record their own
// primitive and shape, with vision off and no extraction retries).
func TestTurnStartResetsTurnFields(t *testing.T) {
	dirty := func() State {
		s := turnAt(t, TurnFailed)
		s.ToolCallsPending, s.BoundaryCount, s.CancelAfterBoundary = 3, 4, true
		s.LastRuntimeApplyFailureCause, s.LastRuntimeApplyFailureMessage = Some(ApplyFailurePrimitiveRejected), Some("no")
		s.ExtractionAttempts, s.MaxExtractionRetries, s.ExtractionActive = 2, 5, true
		s.LlmRetryAttempt, s.LlmRetryMaxRetries, s.LlmRetrySelectedDelayMs, s.LlmRetryLastFailureKind = 1, 2, 3, Some(RetryFailureCallTimeout)
		s.VisionEnabled, s.ImageToolResultsEnabled = true, true
		return s
	}
	tests := []struct {
		in    Input
		kind  TurnPrimitiveKind
		shape ContentShape
	}{
		{StartImmediateAppend{RunID: "r2"}, PrimitiveImmediateAppend, ContentImmediateAppend},
		{StartImmediateContext{RunID: "r2"}, PrimitiveImmediateContextAppend, ContentImmediateContext},
		{StartConversationRun{RunID: "r2", PrimitiveKind: PrimitiveConversationTurn, AdmittedContentShape: ContentEmpty}, PrimitiveConversationTurn, ContentEmpty},
	}
	for _, tt := range tests {
		s := dirty()
		mustApply(t, &s, tt.in)
		want := turnState{TurnPhase: TurnApplyingPrimitive, PrimitiveKind: Some(tt.kind), AdmittedContentShape: Some(tt.shape)}
		if s.turnState != want || !s.CurrentRunID.Is("r2") {
			t.Fatalf("%s: %+v", tt.in.Name(), s.turnState)
		}
	}
}

// spec §5.7: immediate primitives end at their single boundary, Completed or (with a
// cancel after boundary requested) Cancelled; a conversation primitive calls the LLM.
func TestTurnPrimitiveApplied(t *testing.T) {
	for _, start := range []Input{StartImmediateAppend{RunID: "r1"}, StartImmediateContext{RunID: "r1"}} {
		s := stateIn(t, PhaseRunning)
		mustApply(t, &s, start)
		fx := mustApply(t, &s, PrimitiveApplied{RunID: "r1"})
		want := Effects{TurnBoundaryApplied{RunID: "r1", BoundarySequence: 1}, TurnRunCompleted{RunID: "r1", Outcome: OutcomeCompleted}}
		if !reflect.DeepEqual(fx, want) || s.TurnPhase != TurnCompleted || !s.TerminalOutcome.Is(OutcomeCompleted) || s.BoundaryCount != 1 {
			t.Fatalf("%s: %v %s", start.Name(), fx, s.TurnPhase)
		}

		s = stateIn(t, PhaseRunning)
		mustApply(t, &s, start)
		mustApply(t, &s, RequestCancelAfterBoundary{RunID: "r1"})
		fx = mustApply(t, &s, PrimitiveApplied{RunID: "r1"})
		want = Effects{TurnBoundaryApplied{RunID: "r1", BoundarySequence: 1}, TurnRunCancelled{RunID: "r1", Reason: CancelReasonObserved}}
		if !reflect.DeepEqual(fx, want) || s.TurnPhase != TurnCancelled || s.CancelAfterBoundary || !s.TerminalOutcome.Is(OutcomeCancelled) {
			t.Fatalf("%s cancelled: %v", start.Name(), fx)
		}
		mustApply(t, &s, CancelRun{RunID: "r1"})
	}
	// A cancelled conversation primitive still calls the LLM: the flag waits for a boundary.
	s := turnAt(t, TurnApplyingPrimitive)
	mustApply(t, &s, RequestCancelAfterBoundary{RunID: "r1"})
	if fx := mustApply(t, &s, PrimitiveApplied{RunID: "r1"}); !reflect.DeepEqual(fx, Effects{TurnCheckCompaction{}}) || s.TurnPhase != TurnCallingLlm || !s.CancelAfterBoundary {
		t.Fatalf("%v %s", fx, s.TurnPhase)
	}
	// Outside ApplyingPrimitive the last arm's guard is the one reported.
	s = turnAt(t, TurnCallingLlm)
	_, err := applyChecked(t, &s, PrimitiveApplied{RunID: "r1"})
	var r *Rejection
	if !asRejection(err, &r) || r.Kind != KindRejected {
		t.Fatal(err)
	}
}

// spec §5.7: the LLM's answer and the tool round trip.
func TestTurnLlmAndTools(t *testing.T) {
	s := turnAt(t, TurnCallingLlm)
	mustApply(t, &s, LlmReturnedToolCalls{RunID: "r1", ToolCount: 3})
	if s.TurnPhase != TurnWaitingForOps || s.ToolCallsPending != 3 {
		t.Fatalf("%s %d", s.TurnPhase, s.ToolCallsPending)
	}
	// Like the DSL, ToolCallsResolved leaves tool_calls_pending as it was.
	mustApply(t, &s, ToolCallsResolved{RunID: "r1"})
	if s.TurnPhase != TurnCallingLlm || s.ToolCallsPending != 3 {
		t.Fatalf("%s %d", s.TurnPhase, s.ToolCallsPending)
	}
	mustApply(t, &s, LlmReturnedToolCalls{RunID: "r1", ToolCount: 0})
	if s.TurnPhase != TurnDrainingBoundary || s.ToolCallsPending != 0 {
		t.Fatalf("%s %d", s.TurnPhase, s.ToolCallsPending)
	}
	// spec §5.4/§5.7: cancel after boundary turns the next boundary into a cancellation.
	for _, boundary := range []Input{BoundaryContinue{RunID: "r1"}, BoundaryComplete{RunID: "r1"}} {
		s := turnAt(t, TurnCallingLlm)
		mustApply(t, &s, RequestCancelAfterBoundary{RunID: "r1"})
		mustApply(t, &s, LlmReturnedTerminal{RunID: "r1"})
		fx := mustApply(t, &s, boundary)
		want := Effects{TurnBoundaryApplied{RunID: "r1", BoundarySequence: 1}, TurnRunCancelled{RunID: "r1", Reason: CancelReasonObserved}}
		if !reflect.DeepEqual(fx, want) || s.TurnPhase != TurnCancelled || s.CancelAfterBoundary || !s.TerminalOutcome.Is(OutcomeCancelled) {
			t.Fatalf("%s: %v %s", boundary.Name(), fx, s.TurnPhase)
		}
		mustApply(t, &s, CancelRun{RunID: "r1"})
	}
}

// Every turn input's guards, phase by phase: the set of turn phases it is accepted in,
// and the guard named when it is not (spec §5.7).
func TestTurnPhaseGuards(t *testing.T) {
	all := turnPhases(allTurnPhases...)
	tests := []struct {
		in     Input
		accept turnPhaseSet
		guard  string // the guard named in the other phases ("" = do not check)
	}{
		{LlmReturnedToolCalls{RunID: "r1", ToolCount: 1}, turnPhases(TurnCallingLlm), turnCallingLlm},
		{LlmReturnedTerminal{RunID: "r1"}, turnPhases(TurnCallingLlm), turnCallingLlm},
		{ToolCallsResolved{RunID: "r1"}, turnPhases(TurnWaitingForOps), "turn_waiting_for_ops: turn_phase is WaitingForOps"},
		{BoundaryContinue{RunID: "r1"}, turnPhases(TurnDrainingBoundary), turnDrainingBoundary},
		{BoundaryComplete{RunID: "r1"}, turnPhases(TurnDrainingBoundary), turnDrainingBoundary},
		{RecoverableFailure{RunID: "r1", FailureKind: RetryFailureCallTimeout, RetryAttempt: 1, MaxRetries: 1}, recoverableTurnPhases,
			"turn_non_terminal: turn_phase is CallingLlm, WaitingForOps, DrainingBoundary or Extracting"},
		{RetryRequested{RunID: "r1", RetryAttempt: 1}, turnPhases(TurnErrorRecovery), "turn_error_recovery: turn_phase is ErrorRecovery"},
		{FatalFailure{RunID: "r1", TerminalFailureSource: FailureSourceToolError}, all &^ terminalTurnPhases, "turn_not_terminal: turn_phase is not Completed, Failed or Cancelled"},
		{TurnLimitReached{RunID: "r1"}, all &^ terminalTurnPhases, "turn_not_terminal: turn_phase is not Completed, Failed or Cancelled"},
		{BudgetExhausted{RunID: "r1"}, all &^ terminalTurnPhases, "turn_not_terminal: turn_phase is not Completed, Failed or Cancelled"},
		{TimeBudgetExceeded{RunID: "r1"}, all &^ terminalTurnPhases, "turn_not_terminal: turn_phase is not Completed, Failed or Cancelled"},
		{CancelNow{RunID: "r1"}, all &^ resettableTurnPhases, "turn_cancellable: turn_phase is not Ready, Completed, Failed or Cancelled"},
		{RequestCancelAfterBoundary{RunID: "r1"}, all &^ resettableTurnPhases, "turn_cancellable: turn_phase is not Ready, Completed, Failed or Cancelled"},
		{CancellationObserved{RunID: "r1"}, turnPhases(TurnCancelling), "turn_cancelling: turn_phase is Cancelling"},
		{AcknowledgeTerminal{RunID: "r1", Outcome: OutcomeFailed}, terminalTurnPhases, "turn_terminal: turn_phase is Completed, Failed or Cancelled"},
		{PrimitiveApplied{RunID: "r1"}, turnPhases(TurnApplyingPrimitive), ""},
	}
	for _, tt := range tests {
		for _, p := range allTurnPhases {
			s := turnAt(t, p)
			_, err := applyChecked(t, &s, tt.in)
			if tt.accept.has(p) {
				if err != nil {
					t.Errorf("%s in %s: %v", tt.in.Name(), p, err)
				}
				continue
			}
			if KindOf(err) != KindRejected {
				t.Errorf("%s in %s: want rejected, got %v", tt.in.Name(), p, err)
				continue
			}
			if tt.guard != "" {
				if r := err.(*Rejection); r.Guard != tt.guard {
					t.Errorf("%s in %s: guard %q, want %q", tt.in.Name(), p, r.Guard, tt.guard)
				}
			}
		}
	}
}

// Every turn input except the starts is a Running self-loop guarded by
// run_matches_current (spec §5.7).
func TestTurnRunAndLifecycleGuards(t *testing.T) {
	inputs := func(run string) []Input {
		return []Input{
			PrimitiveApplied{RunID: run}, LlmReturnedToolCalls{RunID: run, ToolCount: 1}, LlmReturnedTerminal{RunID: run},
			ToolCallsResolved{RunID: run}, BoundaryContinue{RunID: run}, BoundaryComplete{RunID: run},
			RecoverableFailure{RunID: run, FailureKind: RetryFailureRateLimited, RetryAttempt: 1, MaxRetries: 1},
			RetryRequested{RunID: run, RetryAttempt: 1}, FatalFailure{RunID: run, TerminalFailureSource: FailureSourceLlm},
			TurnLimitReached{RunID: run}, BudgetExhausted{RunID: run}, TimeBudgetExceeded{RunID: run},
			CancelNow{RunID: run}, RequestCancelAfterBoundary{RunID: run}, CancellationObserved{RunID: run},
			AcknowledgeTerminal{RunID: run, Outcome: OutcomeCompleted},
		}
	}
	for _, p := range allTurnPhases {
		for _, in := range inputs("r9") {
			s := turnAt(t, p)
			_, err := applyChecked(t, &s, in)
			rejectedBy(t, err, "run_matches_current: run_id equals current_run_id")
		}
	}
	for _, phase := range []Phase{PhaseInitializing, PhaseIdle, PhaseAttached, PhaseRetired, PhaseStopped, PhaseDestroyed} {
		for _, in := range inputs("r1") {
			s := stateIn(t, phase)
			_, err := applyChecked(t, &s, in)
			want := KindNotReady
			if phase == PhaseDestroyed {
				want = KindDestroyed
			}
			if KindOf(err) != want {
				t.Errorf("%s in %s: %v", in.Name(), phase, err)
			}
		}
	}
}

// spec §5.7: RecoverableFailure re-validates the retry decision; RetryRequested must
// name the recorded attempt.
func TestTurnRecoverableFailure(t *testing.T) {
	for _, kind := range []LlmRetryFailureKind{RetryFailureRateLimited, RetryFailureNetworkTimeout, RetryFailureCallTimeout, RetryFailureRetryableProviderError} {
		s := turnAt(t, TurnWaitingForOps)
		fx := mustApply(t, &s, RecoverableFailure{RunID: "r1", FailureKind: kind, RetryAttempt: 2, MaxRetries: 2, SelectedDelayMs: 250, Error: "slow"})
		if fx != nil || s.TurnPhase != TurnErrorRecovery || s.LlmRetryAttempt != 2 || s.LlmRetryMaxRetries != 2 ||
			s.LlmRetrySelectedDelayMs != 250 || !s.LlmRetryLastFailureKind.Is(kind) {
			t.Fatalf("%s: %+v", kind, s.turnState)
		}
		// The tool-call count is untouched.
		if s.ToolCallsPending != 2 {
			t.Fatal(s.ToolCallsPending)
		}
	}
	rejected := []struct {
		in    RecoverableFailure
		guard string
	}{
		{RecoverableFailure{RunID: "r1", FailureKind: RetryFailureRateLimited, RetryAttempt: 0, MaxRetries: 3}, "retry_attempt_present: retry_attempt > 0"},
		{RecoverableFailure{RunID: "r1", RetryAttempt: 1, MaxRetries: 3}, "failure_kind_recoverable: failure_kind is RateLimited, NetworkTimeout, CallTimeout or RetryableProviderError"},
		{RecoverableFailure{RunID: "r1", FailureKind: RetryFailureRateLimited, RetryAttempt: 4, MaxRetries: 3}, "retries_remaining: retry_attempt <= max_retries"},
	}
	for _, tt := range rejected {
		s := turnAt(t, TurnCallingLlm)
		_, err := applyChecked(t, &s, tt.in)
		rejectedBy(t, err, tt.guard)
	}
	s := turnAt(t, TurnErrorRecovery)
	_, err := applyChecked(t, &s, RetryRequested{RunID: "r1", RetryAttempt: 2})
	rejectedBy(t, err, "retry_attempt_matches: retry_attempt equals llm_retry_attempt")
	if fx := mustApply(t, &s, RetryRequested{RunID: "r1", RetryAttempt: 1}); !reflect.DeepEqual(fx, Effects{TurnCheckCompaction{}}) || s.TurnPhase != TurnCallingLlm {
		t.Fatalf("%v %s", fx, s.TurnPhase)
	}
	// The retry record survives the retry, and a second failure replaces it.
	mustApply(t, &s, RecoverableFailure{RunID: "r1", FailureKind: RetryFailureNetworkTimeout, RetryAttempt: 2, MaxRetries: 3, SelectedDelayMs: 500})
	if s.LlmRetryAttempt != 2 || s.LlmRetryMaxRetries != 3 || !s.LlmRetryLastFailureKind.Is(RetryFailureNetworkTimeout) {
		t.Fatalf("%+v", s.turnState)
	}
	if LlmFailureKindRecoverable(0) {
		t.Fatal("an unset kind is not recoverable")
	}
}

// spec §5.7 (FatalFailure) and §5.2 (the same failure-source tables as RunFailed): every
// failure source maps to its outcome and cause; Unknown is rejected.
func TestTurnFatalFailureSources(t *testing.T) {
	outcome := map[RunFailureSourceKind]TurnTerminalOutcome{
		FailureSourceTokenBudgetExceeded: OutcomeBudgetExhausted, FailureSourceToolCallBudgetExceeded: OutcomeBudgetExhausted,
		FailureSourceTimeBudgetExceeded:               OutcomeTimeBudgetExceeded,
		FailureSourceStructuredOutputValidationFailed: OutcomeStructuredOutputValidationFailed, FailureSourceInvalidOutputSchema: OutcomeStructuredOutputValidationFailed,
	}
	cause := map[RunFailureSourceKind]TurnTerminalCauseKind{
		FailureSourceHookDenied: CauseHookDenied, FailureSourceHookTimeout: CauseHookFailure, FailureSourceHookExecutionFailed: CauseHookFailure,
		FailureSourceHookConfigInvalid: CauseHookFailure, FailureSourceLlm: CauseLlmFailure, FailureSourceToolError: CauseToolFailure,
		FailureSourceInvalidToolAccess: CauseToolFailure, FailureSourceStructuredOutputValidationFailed: CauseStructuredOutputValidationFailed,
		FailureSourceInvalidOutputSchema: CauseStructuredOutputValidationFailed, FailureSourceTokenBudgetExceeded: CauseBudgetExhausted,
		FailureSourceToolCallBudgetExceeded: CauseBudgetExhausted, FailureSourceTimeBudgetExceeded: CauseTimeBudgetExceeded,
		FailureSourceLlmRetryExhausted: CauseRetryExhausted, FailureSourceMaxTurnsReached: CauseTurnLimitReached,
	}
	for src := FailureSourceUnknown; src.Valid(); src++ {
		s := turnAt(t, TurnCallingLlm)
		s.ExtractionActive = true
		fx, err := applyChecked(t, &s, FatalFailure{RunID: "r1", TerminalFailureSource: src, Error: "e:" + src.String()})
		if src == FailureSourceUnknown {
			rejectedBy(t, err, "terminal_failure_source_known: terminal_failure_source is not Unknown")
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		wantOutcome, ok := outcome[src]
		if !ok {
			wantOutcome = OutcomeFailed
		}
		wantCause, ok := cause[src]
		if !ok {
			wantCause = CauseFatalFailure
		}
		if s.TurnPhase != TurnFailed || !s.TerminalOutcome.Is(wantOutcome) || !s.TerminalCauseKind.Is(wantCause) || s.ExtractionActive {
			t.Errorf("%s: %s %s %s", src, s.TurnPhase, s.TerminalOutcome, s.TerminalCauseKind)
		}
		if want := (Effects{TurnRunFailed{RunID: "r1", TerminalCauseKind: wantCause, Error: "e:" + src.String()}}); !reflect.DeepEqual(fx, want) {
			t.Errorf("%s: %v", src, fx)
		}
	}
	// A failed turn lets the lifecycle end the run with Fail.
	s := turnAt(t, TurnFailed)
	mustApply(t, &s, Fail{RunID: "r1"})
}

// spec §5.7: the three limits fail any non-terminal turn (Ready included) with a fixed
// outcome, cause and error text.
func TestTurnLimits(t *testing.T) {
	tests := []struct {
		in      Input
		outcome TurnTerminalOutcome
		cause   TurnTerminalCauseKind
	}{
		{TurnLimitReached{RunID: "r1"}, OutcomeFailed, CauseTurnLimitReached},
		{BudgetExhausted{RunID: "r1"}, OutcomeBudgetExhausted, CauseBudgetExhausted},
		{TimeBudgetExceeded{RunID: "r1"}, OutcomeTimeBudgetExceeded, CauseTimeBudgetExceeded},
	}
	for _, tt := range tests {
		s := turnAt(t, TurnReady)
		fx := mustApply(t, &s, tt.in)
		want := Effects{TurnRunFailed{RunID: "r1", TerminalCauseKind: tt.cause, Error: tt.in.Name()}}
		if s.TurnPhase != TurnFailed || !s.TerminalOutcome.Is(tt.outcome) || !s.TerminalCauseKind.Is(tt.cause) || !reflect.DeepEqual(fx, want) {
			t.Fatalf("%s: %s %s %v", tt.in.Name(), s.TerminalOutcome, s.TerminalCauseKind, fx)
		}
	}
}

// spec §5.5/§5.7: CancelNow then CancellationObserved; the safe-boundary predicate along
// the way.
func TestTurnCancelNow(t *testing.T) {
	s := turnAt(t, TurnWaitingForOps)
	if fx := mustApply(t, &s, CancelNow{RunID: "r1"}); fx != nil || s.TurnPhase != TurnCancelling {
		t.Fatal(fx, s.TurnPhase)
	}
	if s.AtSafeBoundary() {
		t.Fatal("Cancelling is not a safe boundary")
	}
	// CancelNow again while cancelling is accepted (the DSL's turn_cancellable holds).
	mustApply(t, &s, CancelNow{RunID: "r1"})
	fx := mustApply(t, &s, CancellationObserved{RunID: "r1"})
	if !reflect.DeepEqual(fx, Effects{TurnRunCancelled{RunID: "r1", Reason: CancelReasonObserved}}) || !s.AtSafeBoundary() || !s.TerminalOutcome.Is(OutcomeCancelled) {
		t.Fatal(fx)
	}
	mustApply(t, &s, CancelRun{RunID: "r1"})
}

// spec §5.7: AcknowledgeTerminal returns the turn to Ready, resetting the per-turn
// fields, recording the given outcome and keeping the last runtime-apply failure.
func TestTurnAcknowledgeTerminal(t *testing.T) {
	for _, p := range []TurnPhase{TurnCompleted, TurnFailed, TurnCancelled} {
		s := turnAt(t, p)
		s.ToolCallsPending, s.BoundaryCount, s.CancelAfterBoundary = 3, 4, true
		s.LastRuntimeApplyFailureCause, s.LastRuntimeApplyFailureMessage = Some(ApplyFailureRuntimeTurn), Some("kept")
		s.ExtractionAttempts, s.MaxExtractionRetries, s.ExtractionActive = 2, 5, true
		s.VisionEnabled, s.ImageToolResultsEnabled = true, true
		fx := mustApply(t, &s, AcknowledgeTerminal{RunID: "r1", Outcome: OutcomeBudgetExhausted})
		want := turnState{
			TurnPhase: TurnReady, TerminalOutcome: Some(OutcomeBudgetExhausted),
			LastRuntimeApplyFailureCause: Some(ApplyFailureRuntimeTurn), LastRuntimeApplyFailureMessage: Some("kept"),
		}
		if fx != nil || s.turnState != want {
			t.Fatalf("%s: %+v", p, s.turnState)
		}
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

// The turn invariants: each one is detected, and Restore refuses a snapshot breaking it.
func TestTurnInvariants(t *testing.T) {
	tests := []struct {
		name  string
		phase TurnPhase
		edit  func(*State)
	}{
		{"turn_phase is a declared turn phase", TurnReady, func(s *State) { s.TurnPhase = 0 }},
		{"terminal_turn_has_outcome", TurnFailed, func(s *State) { s.TerminalOutcome = None[TurnTerminalOutcome]() }},
		{"completed_turn_has_completed_outcome", TurnCompleted, func(s *State) { s.TerminalOutcome = Some(OutcomeFailed) }},
		{"cancelled_turn_has_cancelled_outcome", TurnCancelled, func(s *State) { s.TerminalOutcome = Some(OutcomeCompleted) }},
		{"failed_turn_has_known_cause", TurnFailed, func(s *State) { s.TerminalCauseKind = Some(CauseUnknown) }},
		{"terminal_cause_requires_outcome", TurnCallingLlm, func(s *State) { s.TerminalCauseKind = Some(CauseLlmFailure) }},
		{"applying_primitive_has_primitive", TurnApplyingPrimitive, func(s *State) {
			s.PrimitiveKind, s.AdmittedContentShape = None[TurnPrimitiveKind](), None[ContentShape]()
		}},
		{"primitive_kind_and_content_shape_together", TurnCallingLlm, func(s *State) { s.AdmittedContentShape = None[ContentShape]() }},
		{"error_recovery_has_retry_attempt", TurnErrorRecovery, func(s *State) {
			s.LlmRetryAttempt, s.LlmRetryLastFailureKind = 0, None[LlmRetryFailureKind]()
		}},
		{"llm_retry_attempt_has_failure_kind", TurnCallingLlm, func(s *State) { s.LlmRetryLastFailureKind = Some(RetryFailureRateLimited) }},
		{"llm_retry_attempt_within_max_retries", TurnErrorRecovery, func(s *State) { s.LlmRetryMaxRetries = 0 }},
	}
	for _, tt := range tests {
		s := turnAt(t, tt.phase)
		if err := s.CheckInvariants(); err != nil {
			t.Fatalf("%s: before the edit: %v", tt.name, err)
		}
		tt.edit(&s)
		err := s.checkTurnInvariants()
		if err == nil || err.(*Rejection).Reason != "invariant broken: "+tt.name {
			t.Errorf("%s: got %v", tt.name, err)
			continue
		}
		if tt.phase == TurnReady {
			continue // an unset turn_phase cannot be written to JSON
		}
		b, _ := json.Marshal(s)
		if _, err := Restore(b); KindOf(err) != KindInternal {
			t.Errorf("%s: Restore accepted the snapshot: %v", tt.name, err)
		}
	}
}

// The catalogue entries of the turn group: origins and DSL transition names in order.
func TestTurnCatalogue(t *testing.T) {
	want := map[string][]string{
		"StartImmediateAppend":       {"StartImmediateAppendInitializing", "StartImmediateAppendAttached", "StartImmediateAppendRunning"},
		"StartImmediateContext":      {"StartImmediateContextInitializing", "StartImmediateContextAttached", "StartImmediateContextRunning"},
		"PrimitiveApplied":           {"PrimitiveAppliedConversation", "PrimitiveAppliedImmediateCompleted", "PrimitiveAppliedImmediateCancelled"},
		"LlmReturnedToolCalls":       {"LlmReturnedToolCallsPositive", "LlmReturnedToolCallsZero"},
		"ToolCallsResolved":          {"ToolCallsResolvedToCalling"},
		"BoundaryContinue":           {"BoundaryContinueToCalling", "BoundaryContinueToCancelled"},
		"BoundaryComplete":           {"BoundaryCompleteCompleted", "BoundaryCompleteCancelled"},
		"RequestCancelAfterBoundary": {"RequestCancelAfterBoundary"},
	}
	n := 0
	for _, sp := range Catalogue() {
		if sp.Group != "turn" {
			continue
		}
		n++
		wantOrigin := OriginRuntime
		if sp.Name == "RequestCancelAfterBoundary" {
			wantOrigin = OriginCaller
		}
		if sp.Origin != wantOrigin || sp.PreviewOnly || sp.Signal {
			t.Errorf("%s: origin %s preview %v", sp.Name, sp.Origin, sp.PreviewOnly)
		}
		if w, ok := want[sp.Name]; ok && !reflect.DeepEqual(sp.Transitions, w) {
			t.Errorf("%s: transitions %v", sp.Name, sp.Transitions)
		}
		if sp.Name != "StartConversationRun" && sp.Name != "StartImmediateAppend" && sp.Name != "StartImmediateContext" &&
			!slices.Equal(sp.Phases, []Phase{PhaseRunning}) {
			t.Errorf("%s: phases %v", sp.Name, sp.Phases)
		}
	}
	if n != 19 {
		t.Fatalf("%d turn inputs catalogued", n)
	}
	for _, name := range []string{"TurnRunStarted", "TurnBoundaryApplied", "TurnRunCompleted", "TurnRunFailed", "TurnRunCancelled", "TurnCheckCompaction"} {
		if !slices.Contains(EffectNames(), name) {
			t.Errorf("effect %s not registered", name)
		}
	}
}

// Turn inputs and effects decode from their DSL JSON and round-trip.
func TestTurnJSON(t *testing.T) {
	in, err := DecodeInput("RecoverableFailure", []byte(`{"run_id":"r1","failure_kind":"CallTimeout","retry_attempt":1,"max_retries":2,"selected_delay_ms":10,"error":"t"}`))
	if err != nil || in != (RecoverableFailure{RunID: "r1", FailureKind: RetryFailureCallTimeout, RetryAttempt: 1, MaxRetries: 2, SelectedDelayMs: 10, Error: "t"}) {
		t.Fatal(in, err)
	}
	if _, err := DecodeInput("RecoverableFailure", []byte(`{"run_id":"r1","retry_attempt":1}`)); KindOf(err) != KindValidationFailed {
		t.Fatal("failure_kind is required", err)
	}
	if _, err := DecodeInput("BoundaryComplete", []byte(`{"run_id":"r1","extra":1}`)); KindOf(err) != KindValidationFailed {
		t.Fatal("unknown fields are refused", err)
	}
	for _, in := range []Input{
		conversation("r1"), StartImmediateAppend{RunID: "r1"}, PrimitiveApplied{RunID: "r1"}, AcknowledgeTerminal{RunID: "r1", Outcome: OutcomeCancelled},
		FatalFailure{RunID: "r1", TerminalFailureSource: FailureSourceHookDenied, Error: "no"}, RequestCancelAfterBoundary{RunID: "r1"},
	} {
		b, err := MarshalInput(in)
		if err != nil {
			t.Fatal(err)
		}
		back, err := UnmarshalInput(b)
		if err != nil || back != in {
			t.Fatalf("%s: %s -> %v %v", in.Name(), b, back, err)
		}
	}
	fx := Effects{TurnRunStarted{RunID: "r1"}, TurnBoundaryApplied{RunID: "r1", BoundarySequence: 2}, TurnRunCompleted{RunID: "r1", Outcome: OutcomeCompleted},
		TurnRunFailed{RunID: "r1", TerminalCauseKind: CauseHookDenied, Error: "x"}, TurnRunCancelled{RunID: "r1", Reason: CancelReasonObserved}, TurnCheckCompaction{}}
	for _, e := range fx {
		b, err := MarshalEffect(e)
		if err != nil {
			t.Fatal(err)
		}
		back, err := UnmarshalEffect(b)
		if err != nil || back != e {
			t.Fatalf("%s: %s -> %v %v", e.Name(), b, back, err)
		}
	}
	b, _ := MarshalEffect(TurnBoundaryApplied{RunID: "r1", BoundarySequence: 2})
	if string(b) != `{"kind":"TurnBoundaryApplied","fields":{"run_id":"r1","boundary_sequence":2}}` {
		t.Fatal(string(b))
	}
}

// withBigMaps fills the state's keyed maps with n entries, to show that the cost of a
// turn input does not grow with the state (the turn group itself has no maps).
func withBigMaps(s *State, n int) {
	s.LiveActiveChannelBySession = make(map[string]string, n)
	s.LiveChannelSessionByChannel = make(map[string]string, n)
	for i := 0; i < n; i++ {
		k := fmt.Sprintf("k%d", i)
		s.LiveActiveChannelBySession[k] = k
		s.LiveChannelSessionByChannel[k] = k
	}
}

func benchStates(b *testing.B) map[string]State {
	small := turnAt(b, TurnCallingLlm)
	big := turnAt(b, TurnCallingLlm)
	withBigMaps(&big, 100_000)
	return map[string]State{"small": small, "100k": big}
}

// BenchmarkTurnLoop runs one LLM round and one boundary per iteration (two inputs, one of
// them emitting two effects).
func BenchmarkTurnLoop(b *testing.B) {
	for name, s := range benchStates(b) {
		b.Run(name, func(b *testing.B) {
			var terminal, cont Input = LlmReturnedTerminal{RunID: "r1"}, BoundaryContinue{RunID: "r1"}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Apply(terminal); err != nil {
					b.Fatal(err)
				}
				if _, err := s.Apply(cont); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTurnToolCalls is one input with no effect.
func BenchmarkTurnToolCalls(b *testing.B) {
	for name, s := range benchStates(b) {
		b.Run(name, func(b *testing.B) {
			var calls, resolved Input = LlmReturnedToolCalls{RunID: "r1", ToolCount: 2}, ToolCallsResolved{RunID: "r1"}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Apply(calls); err != nil {
					b.Fatal(err)
				}
				if _, err := s.Apply(resolved); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTurnStartComplete runs a whole immediate turn: start, apply (complete),
// acknowledge: three inputs, three effects.
func BenchmarkTurnStartComplete(b *testing.B) {
	for name, s := range benchStates(b) {
		b.Run(name, func(b *testing.B) {
			s.TurnPhase, s.TerminalOutcome, s.TerminalCauseKind = TurnCancelled, Some(OutcomeCancelled), None[TurnTerminalCauseKind]()
			var start, applied, ack Input = StartImmediateAppend{RunID: "r1"}, PrimitiveApplied{RunID: "r1"}, AcknowledgeTerminal{RunID: "r1", Outcome: OutcomeCompleted}
			b.ReportAllocs()
			for b.Loop() {
				for _, in := range []Input{start, applied, ack} {
					if _, err := s.Apply(in); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkTurnPreviewRejected is the validator path of a stale turn fact: Preview of an
// input naming another run.
func BenchmarkTurnPreviewRejected(b *testing.B) {
	for name, s := range benchStates(b) {
		b.Run(name, func(b *testing.B) {
			var in Input = LlmReturnedTerminal{RunID: "old"}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Preview(in); err == nil {
					b.Fatal("accepted")
				}
			}
		})
	}
}

// forceTurnPhase writes turn_phase directly, with the fields the turn invariants expect
// of that phase, for tests that need a turn phase without driving the turn there.
func forceTurnPhase(s *State, p TurnPhase) {
	s.TurnPhase = p
	switch p {
	case TurnCompleted:
		s.TerminalOutcome = Some(OutcomeCompleted)
	case TurnCancelled:
		s.TerminalOutcome = Some(OutcomeCancelled)
	case TurnFailed:
		s.TerminalOutcome, s.TerminalCauseKind = Some(OutcomeFailed), Some(CauseFatalFailure)
	case TurnErrorRecovery:
		s.LlmRetryAttempt, s.LlmRetryMaxRetries, s.LlmRetryLastFailureKind = 1, 1, Some(RetryFailureRateLimited)
	}
	if p != TurnReady && !s.PrimitiveKind.Present() {
		s.PrimitiveKind, s.AdmittedContentShape = Some(PrimitiveConversationTurn), Some(ContentConversation)
	}
}
