package machine

// turnState holds the turn sub-machine's fields (spec §3.2, §5.7).
type turnState struct {
	TurnPhase                      TurnPhase                     `json:"turn_phase"`
	PrimitiveKind                  Opt[TurnPrimitiveKind]        `json:"primitive_kind"`
	AdmittedContentShape           Opt[ContentShape]             `json:"admitted_content_shape"`
	VisionEnabled                  bool                          `json:"vision_enabled"`
	ImageToolResultsEnabled        bool                          `json:"image_tool_results_enabled"`
	ToolCallsPending               uint64                        `json:"tool_calls_pending"`
	BoundaryCount                  uint64                        `json:"boundary_count"`
	CancelAfterBoundary            bool                          `json:"cancel_after_boundary"`
	TerminalOutcome                Opt[TurnTerminalOutcome]      `json:"terminal_outcome"`
	TerminalCauseKind              Opt[TurnTerminalCauseKind]    `json:"terminal_cause_kind"`
	LastRuntimeApplyFailureCause   Opt[RuntimeApplyFailureCause] `json:"last_runtime_apply_failure_cause"`
	LastRuntimeApplyFailureMessage Opt[string]                   `json:"last_runtime_apply_failure_message"`
	ExtractionAttempts             uint64                        `json:"extraction_attempts"`
	MaxExtractionRetries           uint64                        `json:"max_extraction_retries"`
	ExtractionActive               bool                          `json:"extraction_active"`
	LlmRetryAttempt                uint64                        `json:"llm_retry_attempt"`
	LlmRetryMaxRetries             uint64                        `json:"llm_retry_max_retries"`
	LlmRetrySelectedDelayMs        uint64                        `json:"llm_retry_selected_delay_ms"`
	LlmRetryLastFailureKind        Opt[LlmRetryFailureKind]      `json:"llm_retry_last_failure_kind"`
}

func initialTurnState() turnState { return turnState{TurnPhase: TurnReady} }

// This file also holds the turn sub-machine of spec §5.7 as the v0.7.1 DSL declares it,
// without extraction (EnterExtraction, ExtractionStart, ExtractionValidation*,
// ExtractionFailed) and without the ops barrier (RegisterPendingOps, OpsBarrierSatisfied):
// a turn applies its primitive, calls the LLM, waits for tool calls, drains a boundary and
// then continues or completes; failures are recoverable (ErrorRecovery, then
// RetryRequested) or fatal; cancellation is immediate (CancelNow, CancellationObserved)
// or at the next boundary (RequestCancelAfterBoundary).
//
// Without the ops barrier the DSL's barrier_satisfied flag is always false (only
// RegisterPendingOps and OpsBarrierSatisfied set it), so ToolCallsResolved always takes
// its ToolCallsResolvedToCalling arm and the ToBoundary arm is not declared here.
//
// Every turn input except the three starts is a Running self-loop guarded by
// run_matches_current (run_id equals current_run_id). The lifecycle inputs that also
// write turn fields (RunCompleted, RunFailed, RunCancelled) live in lifecycle.go.

// AtSafeBoundary reports whether the turn is at a safe boundary: turn_phase is Ready,
// DrainingBoundary, Completed, Failed or Cancelled (spec §5.7). The live topology plane
// may detach only there, and the workflow uses it to decide when a reconfigure can land.
func (s *State) AtSafeBoundary() bool { return safeBoundaryPhases.has(s.TurnPhase) }

// turnPhaseSet is a set of turn phases (a bit per phase).
type turnPhaseSet uint16

func turnPhases(ps ...TurnPhase) turnPhaseSet {
	var set turnPhaseSet
	for _, p := range ps {
		set |= 1 << p
	}
	return set
}

func (set turnPhaseSet) has(p TurnPhase) bool { return set&(1<<p) != 0 }

var (
	safeBoundaryPhases = turnPhases(TurnReady, TurnDrainingBoundary, TurnCompleted, TurnFailed, TurnCancelled)
	terminalTurnPhases = turnPhases(TurnCompleted, TurnFailed, TurnCancelled)
	// resettableTurnPhases are those a new turn may start from (turn_resettable).
	resettableTurnPhases = turnPhases(TurnReady, TurnCompleted, TurnFailed, TurnCancelled)
	// recoverableTurnPhases are those a RecoverableFailure may arrive in (the DSL's
	// turn_non_terminal guard of that transition).
	recoverableTurnPhases = turnPhases(TurnCallingLlm, TurnWaitingForOps, TurnDrainingBoundary, TurnExtracting)
)

// turnInput is implemented by every turn input: each names its run.
type turnInput interface {
	Input
	runID() string
}

// Guards shared by the turn inputs, named as the DSL names them.

func runMatchesCurrent[I turnInput]() guard[I] {
	return guard[I]{"run_matches_current: run_id equals current_run_id", func(s *State, in I) bool { return s.CurrentRunID.Is(in.runID()) }}
}

func turnIn[I any](name string, set turnPhaseSet) guard[I] {
	return guard[I]{name, func(s *State, _ I) bool { return set.has(s.TurnPhase) }}
}

func turnResettable[I any]() guard[I] {
	return turnIn[I]("turn_resettable: turn_phase is Ready, Completed, Failed or Cancelled", resettableTurnPhases)
}

func turnNotTerminal[I any]() guard[I] {
	return guard[I]{"turn_not_terminal: turn_phase is not Completed, Failed or Cancelled", func(s *State, _ I) bool {
		return !terminalTurnPhases.has(s.TurnPhase)
	}}
}

func turnCancellable[I any]() guard[I] {
	return guard[I]{"turn_cancellable: turn_phase is not Ready, Completed, Failed or Cancelled", func(s *State, _ I) bool {
		return !resettableTurnPhases.has(s.TurnPhase)
	}}
}

func cancelNotRequested[I any]() guard[I] {
	return guard[I]{"cancel_after_boundary_not_requested: cancel_after_boundary is false", func(s *State, _ I) bool { return !s.CancelAfterBoundary }}
}

func cancelRequested[I any]() guard[I] {
	return guard[I]{"cancel_after_boundary_requested: cancel_after_boundary is true", func(s *State, _ I) bool { return s.CancelAfterBoundary }}
}

// Updates shared by the turn inputs.

// startTurn binds the run and resets every per-turn field for a new primitive, as all
// nine Start* transitions do (spec §5.7). The DSL's barrier fields (pending_op_refs,
// barrier_operation_ids, has_barrier_ops, barrier_satisfied) are not kept by this port.
func (s *State) startTurn(runID string, kind TurnPrimitiveKind, shape ContentShape, vision, imageToolResults bool, maxExtraction uint64) {
	s.CurrentRunID = Some(runID)
	s.TurnPhase = TurnApplyingPrimitive
	s.PrimitiveKind = Some(kind)
	s.AdmittedContentShape = Some(shape)
	s.VisionEnabled = vision
	s.ImageToolResultsEnabled = imageToolResults
	s.ToolCallsPending = 0
	s.BoundaryCount = 0
	s.CancelAfterBoundary = false
	s.TerminalOutcome = None[TurnTerminalOutcome]()
	s.TerminalCauseKind = None[TurnTerminalCauseKind]()
	s.LastRuntimeApplyFailureCause = None[RuntimeApplyFailureCause]()
	s.LastRuntimeApplyFailureMessage = None[string]()
	s.ExtractionAttempts = 0
	s.ExtractionActive = false
	s.MaxExtractionRetries = maxExtraction
	s.clearLlmRetry()
}

func (s *State) clearLlmRetry() {
	s.LlmRetryAttempt = 0
	s.LlmRetryMaxRetries = 0
	s.LlmRetrySelectedDelayMs = 0
	s.LlmRetryLastFailureKind = None[LlmRetryFailureKind]()
}

// endTurn moves the turn to a terminal phase with its outcome (the DSL writes
// extraction_active := false on every such move).
func (s *State) endTurn(phase TurnPhase, outcome TurnTerminalOutcome) {
	s.TurnPhase = phase
	s.ExtractionActive = false
	s.TerminalOutcome = Some(outcome)
}

func completeAtBoundary[I any](s *State, _ I) {
	s.BoundaryCount++
	s.endTurn(TurnCompleted, OutcomeCompleted)
}

func cancelAtBoundary[I any](s *State, _ I) {
	s.BoundaryCount++
	s.CancelAfterBoundary = false
	s.endTurn(TurnCancelled, OutcomeCancelled)
}

// Effects shared by the turn inputs. Effect fields are read after the updates (spec
// §1.5), so boundary_sequence is the incremented boundary_count.

func emitCompaction[I any](*State, I) Effects { return Effects{TurnCheckCompaction{}} }

func emitBoundaryCompleted[I any](s *State, _ I) Effects {
	run := s.CurrentRunID.Get()
	return Effects{TurnBoundaryApplied{RunID: run, BoundarySequence: s.BoundaryCount}, TurnRunCompleted{RunID: run, Outcome: OutcomeCompleted}}
}

func emitBoundaryCancelled[I any](s *State, _ I) Effects {
	run := s.CurrentRunID.Get()
	return Effects{TurnBoundaryApplied{RunID: run, BoundarySequence: s.BoundaryCount}, TurnRunCancelled{RunID: run, Reason: CancelReasonObserved}}
}

// turnRule is a Running self-loop of a turn input: run_matches_current, then guards.
func turnRule[I turnInput](name string, guards []guard[I], update func(*State, I), emit func(*State, I) Effects) rule[I] {
	return rule[I]{
		name: name, from: phasesOf(PhaseRunning),
		guards: append([]guard[I]{runMatchesCurrent[I]()}, guards...),
		update: update, emit: emit,
	}
}

// startRules builds the Start* transitions in DSL order: <input>IdleWithBinding (only
// StartConversationRun has it; it needs a runtime id bound), <input>Initializing,
// <input>Attached (all three → Running with pre_run_phase Attached) and <input>Running
// (a Running self-loop that leaves pre_run_phase alone). No Start* transition checks the
// session registration or the previous run id.
func startRules[I turnInput](input string, fromIdle bool, extra []guard[I], begin func(*State, I)) []rule[I] {
	guards := append([]guard[I]{turnResettable[I]()}, extra...)
	entered := func(s *State, in I) {
		begin(s, in)
		s.PreRunPhase = Some(PreRunAttached)
	}
	emit := func(_ *State, in I) Effects { return Effects{TurnRunStarted{RunID: in.runID()}} }
	var rules []rule[I]
	if fromIdle {
		rules = append(rules, rule[I]{
			name: input + "IdleWithBinding", from: phasesOf(PhaseIdle), to: PhaseRunning,
			guards: append([]guard[I]{{"runtime_binding_present: active_runtime_id is present", func(s *State, _ I) bool {
				return s.ActiveRuntimeID.Present()
			}}}, guards...),
			update: entered, emit: emit,
		})
	}
	return append(rules,
		rule[I]{name: input + "Initializing", from: phasesOf(PhaseInitializing), to: PhaseRunning, guards: guards, update: entered, emit: emit},
		rule[I]{name: input + "Attached", from: phasesOf(PhaseAttached), to: PhaseRunning, guards: guards, update: entered, emit: emit},
		rule[I]{name: input + "Running", from: phasesOf(PhaseRunning), guards: guards, update: begin, emit: emit},
	)
}

// StartConversationRun starts a conversation turn for run_id (spec §5.7): from Idle with a
// runtime bound, Initializing or Attached it moves the lifecycle to Running; in Running
// it starts the next turn of the run. The turn must be Ready or terminal.
type StartConversationRun struct {
	RunID                   string            `json:"run_id"`
	PrimitiveKind           TurnPrimitiveKind `json:"primitive_kind"`
	AdmittedContentShape    ContentShape      `json:"admitted_content_shape"`
	VisionEnabled           bool              `json:"vision_enabled"`
	ImageToolResultsEnabled bool              `json:"image_tool_results_enabled"`
	MaxExtractionRetries    uint64            `json:"max_extraction_retries"`
}

// Name returns "StartConversationRun".
func (StartConversationRun) Name() string { return "StartConversationRun" }

func (in StartConversationRun) runID() string { return in.RunID }

func (in StartConversationRun) step(s *State) (Effects, error) {
	return step(s, in, startConversationRunRules)
}

var startConversationRunRules = startRules("StartConversationRun", true, []guard[StartConversationRun]{
	{"conversation_shape_matches_primitive: primitive_kind is ConversationTurn and admitted_content_shape is Conversation, ConversationAndContext, Context or Empty",
		func(_ *State, in StartConversationRun) bool {
			if in.PrimitiveKind != PrimitiveConversationTurn {
				return false
			}
			switch in.AdmittedContentShape {
			case ContentConversation, ContentConversationAndContext, ContentContext, ContentEmpty:
				return true
			}
			return false
		}},
}, func(s *State, in StartConversationRun) {
	s.startTurn(in.RunID, in.PrimitiveKind, in.AdmittedContentShape, in.VisionEnabled, in.ImageToolResultsEnabled, in.MaxExtractionRetries)
})

// StartImmediateAppend starts an immediate-append turn for run_id (spec §5.7), from
// Initializing, Attached or Running.
type StartImmediateAppend struct {
	RunID string `json:"run_id"`
}

// Name returns "StartImmediateAppend".
func (StartImmediateAppend) Name() string { return "StartImmediateAppend" }

func (in StartImmediateAppend) runID() string { return in.RunID }

func (in StartImmediateAppend) step(s *State) (Effects, error) {
	return step(s, in, startImmediateAppendRules)
}

var startImmediateAppendRules = startRules("StartImmediateAppend", false, nil, func(s *State, in StartImmediateAppend) {
	s.startTurn(in.RunID, PrimitiveImmediateAppend, ContentImmediateAppend, false, false, 0)
})

// StartImmediateContext starts an immediate context-append turn for run_id (spec §5.7),
// from Initializing, Attached or Running.
type StartImmediateContext struct {
	RunID string `json:"run_id"`
}

// Name returns "StartImmediateContext".
func (StartImmediateContext) Name() string { return "StartImmediateContext" }

func (in StartImmediateContext) runID() string { return in.RunID }

func (in StartImmediateContext) step(s *State) (Effects, error) {
	return step(s, in, startImmediateContextRules)
}

var startImmediateContextRules = startRules("StartImmediateContext", false, nil, func(s *State, in StartImmediateContext) {
	s.startTurn(in.RunID, PrimitiveImmediateContextAppend, ContentImmediateContext, false, false, 0)
})

// PrimitiveApplied reports that the turn's primitive was applied (spec §5.7): a
// conversation turn goes on to call the LLM; an immediate primitive ends the turn at its
// single boundary, Completed, or Cancelled when a cancel after boundary was requested.
type PrimitiveApplied struct {
	RunID string `json:"run_id"`
}

// Name returns "PrimitiveApplied".
func (PrimitiveApplied) Name() string { return "PrimitiveApplied" }

func (in PrimitiveApplied) runID() string { return in.RunID }

func (in PrimitiveApplied) step(s *State) (Effects, error) { return step(s, in, primitiveAppliedRules) }

var applyingImmediate = guard[PrimitiveApplied]{"turn_applying_immediate: turn_phase is ApplyingPrimitive with an ImmediateAppend or ImmediateContextAppend primitive",
	func(s *State, _ PrimitiveApplied) bool {
		return s.TurnPhase == TurnApplyingPrimitive &&
			(s.PrimitiveKind.Is(PrimitiveImmediateAppend) || s.PrimitiveKind.Is(PrimitiveImmediateContextAppend))
	}}

var primitiveAppliedRules = []rule[PrimitiveApplied]{
	turnRule("PrimitiveAppliedConversation", []guard[PrimitiveApplied]{
		{"turn_applying_conversation: turn_phase is ApplyingPrimitive with a ConversationTurn primitive", func(s *State, _ PrimitiveApplied) bool {
			return s.TurnPhase == TurnApplyingPrimitive && s.PrimitiveKind.Is(PrimitiveConversationTurn)
		}},
	}, func(s *State, _ PrimitiveApplied) { s.TurnPhase = TurnCallingLlm }, emitCompaction[PrimitiveApplied]),
	turnRule("PrimitiveAppliedImmediateCompleted", []guard[PrimitiveApplied]{applyingImmediate, cancelNotRequested[PrimitiveApplied]()},
		completeAtBoundary[PrimitiveApplied], emitBoundaryCompleted[PrimitiveApplied]),
	turnRule("PrimitiveAppliedImmediateCancelled", []guard[PrimitiveApplied]{applyingImmediate, cancelRequested[PrimitiveApplied]()},
		cancelAtBoundary[PrimitiveApplied], emitBoundaryCancelled[PrimitiveApplied]),
}

var turnCallingLlm = "turn_calling_llm: turn_phase is CallingLlm"

// LlmReturnedToolCalls reports that the LLM answered with tool_count tool calls (spec
// §5.7): the turn waits for them, or drains its boundary when there are none.
type LlmReturnedToolCalls struct {
	RunID     string `json:"run_id"`
	ToolCount uint64 `json:"tool_count"`
}

// Name returns "LlmReturnedToolCalls".
func (LlmReturnedToolCalls) Name() string { return "LlmReturnedToolCalls" }

func (in LlmReturnedToolCalls) runID() string { return in.RunID }

func (in LlmReturnedToolCalls) step(s *State) (Effects, error) {
	return step(s, in, llmReturnedToolCallsRules)
}

var llmReturnedToolCallsRules = []rule[LlmReturnedToolCalls]{
	turnRule("LlmReturnedToolCallsPositive", []guard[LlmReturnedToolCalls]{
		turnIn[LlmReturnedToolCalls](turnCallingLlm, turnPhases(TurnCallingLlm)),
		{"tool_count_positive: tool_count > 0", func(_ *State, in LlmReturnedToolCalls) bool { return in.ToolCount > 0 }},
	}, func(s *State, in LlmReturnedToolCalls) {
		s.TurnPhase = TurnWaitingForOps
		s.ToolCallsPending = in.ToolCount
	}, nil),
	turnRule("LlmReturnedToolCallsZero", []guard[LlmReturnedToolCalls]{
		turnIn[LlmReturnedToolCalls](turnCallingLlm, turnPhases(TurnCallingLlm)),
		{"tool_count_zero: tool_count == 0", func(_ *State, in LlmReturnedToolCalls) bool { return in.ToolCount == 0 }},
	}, func(s *State, _ LlmReturnedToolCalls) {
		s.TurnPhase = TurnDrainingBoundary
		s.ToolCallsPending = 0
	}, nil),
}

// LlmReturnedTerminal reports that the LLM answered without tool calls (spec §5.7).
type LlmReturnedTerminal struct {
	RunID string `json:"run_id"`
}

// Name returns "LlmReturnedTerminal".
func (LlmReturnedTerminal) Name() string { return "LlmReturnedTerminal" }

func (in LlmReturnedTerminal) runID() string { return in.RunID }

func (in LlmReturnedTerminal) step(s *State) (Effects, error) {
	return step(s, in, llmReturnedTerminalRules)
}

var llmReturnedTerminalRules = []rule[LlmReturnedTerminal]{
	turnRule("LlmReturnedTerminal", []guard[LlmReturnedTerminal]{turnIn[LlmReturnedTerminal](turnCallingLlm, turnPhases(TurnCallingLlm))},
		func(s *State, _ LlmReturnedTerminal) { s.TurnPhase = TurnDrainingBoundary }, nil),
}

// ToolCallsResolved reports that every pending tool call has its result, so the turn
// calls the LLM again (spec §5.7). Like the DSL it leaves tool_calls_pending as it was.
type ToolCallsResolved struct {
	RunID string `json:"run_id"`
}

// Name returns "ToolCallsResolved".
func (ToolCallsResolved) Name() string { return "ToolCallsResolved" }

func (in ToolCallsResolved) runID() string { return in.RunID }

func (in ToolCallsResolved) step(s *State) (Effects, error) {
	return step(s, in, toolCallsResolvedRules)
}

var toolCallsResolvedRules = []rule[ToolCallsResolved]{
	// The DSL's second guard, barrier_not_satisfied, always holds without the ops barrier.
	turnRule("ToolCallsResolvedToCalling", []guard[ToolCallsResolved]{
		turnIn[ToolCallsResolved]("turn_waiting_for_ops: turn_phase is WaitingForOps", turnPhases(TurnWaitingForOps)),
	}, func(s *State, _ ToolCallsResolved) { s.TurnPhase = TurnCallingLlm }, emitCompaction[ToolCallsResolved]),
}

var turnDrainingBoundary = "turn_draining_boundary: turn_phase is DrainingBoundary"

// BoundaryContinue reports a boundary after which the turn calls the LLM again, or ends
// Cancelled when a cancel after boundary was requested (spec §5.4, §5.7).
type BoundaryContinue struct {
	RunID string `json:"run_id"`
}

// Name returns "BoundaryContinue".
func (BoundaryContinue) Name() string { return "BoundaryContinue" }

func (in BoundaryContinue) runID() string { return in.RunID }

func (in BoundaryContinue) step(s *State) (Effects, error) { return step(s, in, boundaryContinueRules) }

var boundaryContinueRules = []rule[BoundaryContinue]{
	turnRule("BoundaryContinueToCalling", []guard[BoundaryContinue]{
		turnIn[BoundaryContinue](turnDrainingBoundary, turnPhases(TurnDrainingBoundary)), cancelNotRequested[BoundaryContinue](),
	}, func(s *State, _ BoundaryContinue) {
		s.BoundaryCount++
		s.TurnPhase = TurnCallingLlm
	}, func(s *State, _ BoundaryContinue) Effects {
		return Effects{TurnBoundaryApplied{RunID: s.CurrentRunID.Get(), BoundarySequence: s.BoundaryCount}, TurnCheckCompaction{}}
	}),
	turnRule("BoundaryContinueToCancelled", []guard[BoundaryContinue]{
		turnIn[BoundaryContinue](turnDrainingBoundary, turnPhases(TurnDrainingBoundary)), cancelRequested[BoundaryContinue](),
	}, cancelAtBoundary[BoundaryContinue], emitBoundaryCancelled[BoundaryContinue]),
}

// BoundaryComplete reports the turn's final boundary: it ends Completed, or Cancelled
// when a cancel after boundary was requested (spec §5.4, §5.7).
type BoundaryComplete struct {
	RunID string `json:"run_id"`
}

// Name returns "BoundaryComplete".
func (BoundaryComplete) Name() string { return "BoundaryComplete" }

func (in BoundaryComplete) runID() string { return in.RunID }

func (in BoundaryComplete) step(s *State) (Effects, error) { return step(s, in, boundaryCompleteRules) }

var boundaryCompleteRules = []rule[BoundaryComplete]{
	turnRule("BoundaryCompleteCompleted", []guard[BoundaryComplete]{
		turnIn[BoundaryComplete](turnDrainingBoundary, turnPhases(TurnDrainingBoundary)), cancelNotRequested[BoundaryComplete](),
	}, completeAtBoundary[BoundaryComplete], emitBoundaryCompleted[BoundaryComplete]),
	turnRule("BoundaryCompleteCancelled", []guard[BoundaryComplete]{
		turnIn[BoundaryComplete](turnDrainingBoundary, turnPhases(TurnDrainingBoundary)), cancelRequested[BoundaryComplete](),
	}, cancelAtBoundary[BoundaryComplete], emitBoundaryCancelled[BoundaryComplete]),
}

// LlmFailureKindRecoverable reports whether an LLM failure kind may put a turn into
// ErrorRecovery (the DSL helper llm_failure_kind_recoverable): the machine, not the
// shell's retry policy, owns that decision (spec §5.7).
func LlmFailureKindRecoverable(kind LlmRetryFailureKind) bool {
	switch kind {
	case RetryFailureRateLimited, RetryFailureNetworkTimeout, RetryFailureCallTimeout, RetryFailureRetryableProviderError:
		return true
	}
	return false
}

// RecoverableFailure reports an LLM failure the runtime wants to retry (spec §5.7). The
// machine checks that the kind is recoverable and that retry_attempt (one-based) is within
// max_retries, then records the retry and moves the turn to ErrorRecovery.
type RecoverableFailure struct {
	RunID           string              `json:"run_id"`
	FailureKind     LlmRetryFailureKind `json:"failure_kind"`
	RetryAttempt    uint64              `json:"retry_attempt"`
	MaxRetries      uint64              `json:"max_retries"`
	SelectedDelayMs uint64              `json:"selected_delay_ms"`
	Error           string              `json:"error"`
}

// Name returns "RecoverableFailure".
func (RecoverableFailure) Name() string { return "RecoverableFailure" }

func (in RecoverableFailure) runID() string { return in.RunID }

func (in RecoverableFailure) step(s *State) (Effects, error) {
	return step(s, in, recoverableFailureRules)
}

var recoverableFailureRules = []rule[RecoverableFailure]{
	turnRule("RecoverableFailure", []guard[RecoverableFailure]{
		turnIn[RecoverableFailure]("turn_non_terminal: turn_phase is CallingLlm, WaitingForOps, DrainingBoundary or Extracting", recoverableTurnPhases),
		{"retry_attempt_present: retry_attempt > 0", func(_ *State, in RecoverableFailure) bool { return in.RetryAttempt > 0 }},
		{"failure_kind_recoverable: failure_kind is RateLimited, NetworkTimeout, CallTimeout or RetryableProviderError", func(_ *State, in RecoverableFailure) bool {
			return LlmFailureKindRecoverable(in.FailureKind)
		}},
		{"retries_remaining: retry_attempt <= max_retries", func(_ *State, in RecoverableFailure) bool { return in.RetryAttempt <= in.MaxRetries }},
	}, func(s *State, in RecoverableFailure) {
		s.TurnPhase = TurnErrorRecovery
		s.LlmRetryAttempt = in.RetryAttempt
		s.LlmRetryMaxRetries = in.MaxRetries
		s.LlmRetrySelectedDelayMs = in.SelectedDelayMs
		s.LlmRetryLastFailureKind = Some(in.FailureKind)
	}, nil),
}

// RetryRequested leaves ErrorRecovery for another LLM call once the selected delay has
// passed (spec §5.7). retry_attempt must be the attempt recorded by RecoverableFailure.
type RetryRequested struct {
	RunID        string `json:"run_id"`
	RetryAttempt uint64 `json:"retry_attempt"`
}

// Name returns "RetryRequested".
func (RetryRequested) Name() string { return "RetryRequested" }

func (in RetryRequested) runID() string { return in.RunID }

func (in RetryRequested) step(s *State) (Effects, error) { return step(s, in, retryRequestedRules) }

var retryRequestedRules = []rule[RetryRequested]{
	turnRule("RetryRequested", []guard[RetryRequested]{
		turnIn[RetryRequested]("turn_error_recovery: turn_phase is ErrorRecovery", turnPhases(TurnErrorRecovery)),
		{"retry_attempt_matches: retry_attempt equals llm_retry_attempt", func(s *State, in RetryRequested) bool { return in.RetryAttempt == s.LlmRetryAttempt }},
	}, func(s *State, _ RetryRequested) { s.TurnPhase = TurnCallingLlm }, emitCompaction[RetryRequested]),
}

// FatalFailure ends a non-terminal turn as Failed; the failure source decides the outcome
// and the cause (spec §5.7, same tables as RunFailed in §5.2 without a runtime-apply cause).
type FatalFailure struct {
	RunID                 string               `json:"run_id"`
	TerminalFailureSource RunFailureSourceKind `json:"terminal_failure_source"`
	Error                 string               `json:"error"`
}

// Name returns "FatalFailure".
func (FatalFailure) Name() string { return "FatalFailure" }

func (in FatalFailure) runID() string { return in.RunID }

func (in FatalFailure) step(s *State) (Effects, error) { return step(s, in, fatalFailureRules) }

var fatalFailureRules = []rule[FatalFailure]{
	turnRule("FatalFailure", []guard[FatalFailure]{
		turnNotTerminal[FatalFailure](),
		{"terminal_failure_source_known: terminal_failure_source is not Unknown", func(_ *State, in FatalFailure) bool {
			return in.TerminalFailureSource != FailureSourceUnknown
		}},
	}, func(s *State, in FatalFailure) {
		src := Some(in.TerminalFailureSource)
		s.endTurn(TurnFailed, OutcomeForFailureSource(src))
		s.TerminalCauseKind = Some(CauseForFailure(None[RuntimeApplyFailureCause](), src))
	}, func(s *State, in FatalFailure) Effects {
		return Effects{TurnRunFailed{RunID: s.CurrentRunID.Get(), TerminalCauseKind: s.TerminalCauseKind.Get(), Error: in.Error}}
	}),
}

// limitRules builds the TurnLimitReached / BudgetExhausted / TimeBudgetExceeded
// transitions: a non-terminal turn fails with a fixed outcome and cause, and the effect's
// error is the input's name, as in the DSL.
func limitRules[I turnInput](name string, outcome TurnTerminalOutcome, cause TurnTerminalCauseKind) []rule[I] {
	return []rule[I]{turnRule(name, []guard[I]{turnNotTerminal[I]()}, func(s *State, _ I) {
		s.endTurn(TurnFailed, outcome)
		s.TerminalCauseKind = Some(cause)
	}, func(s *State, _ I) Effects {
		return Effects{TurnRunFailed{RunID: s.CurrentRunID.Get(), TerminalCauseKind: cause, Error: name}}
	})}
}

// TurnLimitReached ends a non-terminal turn as Failed: the run reached its turn limit
// (spec §5.7).
type TurnLimitReached struct {
	RunID string `json:"run_id"`
}

// Name returns "TurnLimitReached".
func (TurnLimitReached) Name() string { return "TurnLimitReached" }

func (in TurnLimitReached) runID() string { return in.RunID }

func (in TurnLimitReached) step(s *State) (Effects, error) { return step(s, in, turnLimitReachedRules) }

var turnLimitReachedRules = limitRules[TurnLimitReached]("TurnLimitReached", OutcomeFailed, CauseTurnLimitReached)

// BudgetExhausted ends a non-terminal turn: its token or tool-call budget is spent
// (spec §5.7).
type BudgetExhausted struct {
	RunID string `json:"run_id"`
}

// Name returns "BudgetExhausted".
func (BudgetExhausted) Name() string { return "BudgetExhausted" }

func (in BudgetExhausted) runID() string { return in.RunID }

func (in BudgetExhausted) step(s *State) (Effects, error) { return step(s, in, budgetExhaustedRules) }

var budgetExhaustedRules = limitRules[BudgetExhausted]("BudgetExhausted", OutcomeBudgetExhausted, CauseBudgetExhausted)

// TimeBudgetExceeded ends a non-terminal turn: its time budget is spent (spec §5.7).
type TimeBudgetExceeded struct {
	RunID string `json:"run_id"`
}

// Name returns "TimeBudgetExceeded".
func (TimeBudgetExceeded) Name() string { return "TimeBudgetExceeded" }

func (in TimeBudgetExceeded) runID() string { return in.RunID }

func (in TimeBudgetExceeded) step(s *State) (Effects, error) {
	return step(s, in, timeBudgetExceededRules)
}

var timeBudgetExceededRules = limitRules[TimeBudgetExceeded]("TimeBudgetExceeded", OutcomeTimeBudgetExceeded, CauseTimeBudgetExceeded)

// CancelNow reports that the runtime started cancelling the in-flight turn (spec §5.5,
// §5.7): the turn moves to Cancelling until CancellationObserved.
type CancelNow struct {
	RunID string `json:"run_id"`
}

// Name returns "CancelNow".
func (CancelNow) Name() string { return "CancelNow" }

func (in CancelNow) runID() string { return in.RunID }

func (in CancelNow) step(s *State) (Effects, error) { return step(s, in, cancelNowRules) }

var cancelNowRules = []rule[CancelNow]{
	turnRule("CancelNow", []guard[CancelNow]{turnCancellable[CancelNow]()},
		func(s *State, _ CancelNow) { s.TurnPhase = TurnCancelling }, nil),
}

// RequestCancelAfterBoundary asks that the in-flight turn end as Cancelled at its next
// boundary instead of continuing (spec §5.4). It is the only turn input a caller sends.
type RequestCancelAfterBoundary struct {
	RunID string `json:"run_id"`
}

// Name returns "RequestCancelAfterBoundary".
func (RequestCancelAfterBoundary) Name() string { return "RequestCancelAfterBoundary" }

func (in RequestCancelAfterBoundary) runID() string { return in.RunID }

func (in RequestCancelAfterBoundary) step(s *State) (Effects, error) {
	return step(s, in, requestCancelAfterBoundaryRules)
}

var requestCancelAfterBoundaryRules = []rule[RequestCancelAfterBoundary]{
	turnRule("RequestCancelAfterBoundary", []guard[RequestCancelAfterBoundary]{turnCancellable[RequestCancelAfterBoundary]()},
		func(s *State, _ RequestCancelAfterBoundary) { s.CancelAfterBoundary = true }, nil),
}

// CancellationObserved reports that the cancelling turn stopped: it ends Cancelled
// (spec §5.5, §5.7).
type CancellationObserved struct {
	RunID string `json:"run_id"`
}

// Name returns "CancellationObserved".
func (CancellationObserved) Name() string { return "CancellationObserved" }

func (in CancellationObserved) runID() string { return in.RunID }

func (in CancellationObserved) step(s *State) (Effects, error) {
	return step(s, in, cancellationObservedRules)
}

var cancellationObservedRules = []rule[CancellationObserved]{
	turnRule("CancellationObserved", []guard[CancellationObserved]{
		turnIn[CancellationObserved]("turn_cancelling: turn_phase is Cancelling", turnPhases(TurnCancelling)),
	}, func(s *State, _ CancellationObserved) { s.endTurn(TurnCancelled, OutcomeCancelled) },
		func(s *State, _ CancellationObserved) Effects {
			return Effects{TurnRunCancelled{RunID: s.CurrentRunID.Get(), Reason: CancelReasonObserved}}
		}),
}

// AcknowledgeTerminal returns a finished turn to Ready (spec §5.7). It resets the
// per-turn fields like a start does, except that terminal_outcome records the given
// outcome and the last runtime-apply failure is kept.
type AcknowledgeTerminal struct {
	RunID   string              `json:"run_id"`
	Outcome TurnTerminalOutcome `json:"outcome"`
}

// Name returns "AcknowledgeTerminal".
func (AcknowledgeTerminal) Name() string { return "AcknowledgeTerminal" }

func (in AcknowledgeTerminal) runID() string { return in.RunID }

func (in AcknowledgeTerminal) step(s *State) (Effects, error) {
	return step(s, in, acknowledgeTerminalRules)
}

var acknowledgeTerminalRules = []rule[AcknowledgeTerminal]{
	turnRule("AcknowledgeTerminal", []guard[AcknowledgeTerminal]{
		turnIn[AcknowledgeTerminal]("turn_terminal: turn_phase is Completed, Failed or Cancelled", terminalTurnPhases),
	}, func(s *State, in AcknowledgeTerminal) {
		s.TurnPhase = TurnReady
		s.PrimitiveKind = None[TurnPrimitiveKind]()
		s.AdmittedContentShape = None[ContentShape]()
		s.VisionEnabled = false
		s.ImageToolResultsEnabled = false
		s.ToolCallsPending = 0
		s.BoundaryCount = 0
		s.CancelAfterBoundary = false
		s.TerminalOutcome = Some(in.Outcome)
		s.TerminalCauseKind = None[TurnTerminalCauseKind]()
		s.ExtractionAttempts = 0
		s.ExtractionActive = false
		s.MaxExtractionRetries = 0
		s.clearLlmRetry()
	}, nil),
}

// TurnRunStarted reports that a turn of run_id started (spec §5.7; local).
type TurnRunStarted struct {
	effect
	RunID string `json:"run_id"`
}

// Name returns "TurnRunStarted".
func (TurnRunStarted) Name() string { return "TurnRunStarted" }

// TurnBoundaryApplied reports a boundary of the turn; boundary_sequence is the turn's
// boundary_count after it (spec §5.7; local).
type TurnBoundaryApplied struct {
	effect
	RunID            string `json:"run_id"`
	BoundarySequence uint64 `json:"boundary_sequence"`
}

// Name returns "TurnBoundaryApplied".
func (TurnBoundaryApplied) Name() string { return "TurnBoundaryApplied" }

// TurnRunCompleted reports that the turn completed (spec §5.7; local).
type TurnRunCompleted struct {
	effect
	RunID   string              `json:"run_id"`
	Outcome TurnTerminalOutcome `json:"outcome"`
}

// Name returns "TurnRunCompleted".
func (TurnRunCompleted) Name() string { return "TurnRunCompleted" }

// TurnRunFailed reports that the turn failed, with its cause (spec §5.7; local).
type TurnRunFailed struct {
	effect
	RunID             string                `json:"run_id"`
	TerminalCauseKind TurnTerminalCauseKind `json:"terminal_cause_kind"`
	Error             string                `json:"error"`
}

// Name returns "TurnRunFailed".
func (TurnRunFailed) Name() string { return "TurnRunFailed" }

// TurnRunCancelled reports that the turn was cancelled (spec §5.7; local).
type TurnRunCancelled struct {
	effect
	RunID  string                 `json:"run_id"`
	Reason TurnCancellationReason `json:"reason"`
}

// Name returns "TurnRunCancelled".
func (TurnRunCancelled) Name() string { return "TurnRunCancelled" }

// TurnCheckCompaction asks the shell to consider compacting the conversation before the
// next LLM call (spec §5.7; local).
type TurnCheckCompaction struct{ effect }

// Name returns "TurnCheckCompaction".
func (TurnCheckCompaction) Name() string { return "TurnCheckCompaction" }

var turnCatalogue = []InputSpec{
	specOf("turn", OriginRuntime, "Start a conversation turn of a run.", startConversationRunRules),
	specOf("turn", OriginRuntime, "Start an immediate-append turn of a run.", startImmediateAppendRules),
	specOf("turn", OriginRuntime, "Start an immediate context-append turn of a run.", startImmediateContextRules),
	specOf("turn", OriginRuntime, "Report that the turn's primitive was applied.", primitiveAppliedRules),
	specOf("turn", OriginRuntime, "Report that the LLM answered with tool calls.", llmReturnedToolCallsRules),
	specOf("turn", OriginRuntime, "Report that the LLM answered without tool calls.", llmReturnedTerminalRules),
	specOf("turn", OriginRuntime, "Report that every pending tool call has its result.", toolCallsResolvedRules),
	specOf("turn", OriginRuntime, "Report a boundary after which the turn calls the LLM again.", boundaryContinueRules),
	specOf("turn", OriginRuntime, "Report the turn's final boundary.", boundaryCompleteRules),
	specOf("turn", OriginRuntime, "Report a retryable LLM failure.", recoverableFailureRules),
	specOf("turn", OriginRuntime, "Leave error recovery for another LLM call.", retryRequestedRules),
	specOf("turn", OriginRuntime, "End the turn as failed with its failure source.", fatalFailureRules),
	specOf("turn", OriginRuntime, "End the turn: the turn limit is reached.", turnLimitReachedRules),
	specOf("turn", OriginRuntime, "End the turn: the token or tool-call budget is spent.", budgetExhaustedRules),
	specOf("turn", OriginRuntime, "End the turn: the time budget is spent.", timeBudgetExceededRules),
	specOf("turn", OriginRuntime, "Report that the runtime started cancelling the turn now.", cancelNowRules),
	specOf("turn", OriginCaller, "End the running turn at its next boundary instead of continuing.", requestCancelAfterBoundaryRules),
	specOf("turn", OriginRuntime, "Report that the cancelling turn stopped.", cancellationObservedRules),
	specOf("turn", OriginRuntime, "Return a finished turn to Ready.", acknowledgeTerminalRules),
}

var turnEffects = []Effect{
	TurnRunStarted{}, TurnBoundaryApplied{}, TurnRunCompleted{}, TurnRunFailed{}, TurnRunCancelled{}, TurnCheckCompaction{},
}

// checkTurnInvariants holds what every DSL transition keeps true of the turn fields
// (the v0.7.1 DSL declares no turn invariant of its own; each one below is preserved by
// all its transitions, including RunCompleted/RunFailed/RunCancelled and extraction):
//   - a terminal turn phase has its terminal_outcome recorded; Completed records
//     Completed, Cancelled records Cancelled, Failed also has a known cause (every move
//     to Failed sets one, RunFailed included);
//   - a terminal cause never exists without an outcome;
//   - ApplyingPrimitive has its primitive; primitive and content shape come and go
//     together (Start* sets both, AcknowledgeTerminal clears both);
//   - ErrorRecovery has a recorded retry; a recorded retry has attempt > 0, its failure
//     kind, and attempt <= max_retries (RecoverableFailure's guards).
func (s *State) checkTurnInvariants() error {
	switch {
	case !s.TurnPhase.Valid():
		return broken("turn_phase is a declared turn phase")
	case terminalTurnPhases.has(s.TurnPhase) && !s.TerminalOutcome.Present():
		return broken("terminal_turn_has_outcome")
	case s.TurnPhase == TurnCompleted && !s.TerminalOutcome.Is(OutcomeCompleted):
		return broken("completed_turn_has_completed_outcome")
	case s.TurnPhase == TurnCancelled && !s.TerminalOutcome.Is(OutcomeCancelled):
		return broken("cancelled_turn_has_cancelled_outcome")
	case s.TurnPhase == TurnFailed && (!s.TerminalCauseKind.Present() || s.TerminalCauseKind.Is(CauseUnknown)):
		return broken("failed_turn_has_known_cause")
	case s.TerminalCauseKind.Present() && !s.TerminalOutcome.Present():
		return broken("terminal_cause_requires_outcome")
	case s.TurnPhase == TurnApplyingPrimitive && !s.PrimitiveKind.Present():
		return broken("applying_primitive_has_primitive")
	case s.PrimitiveKind.Present() != s.AdmittedContentShape.Present():
		return broken("primitive_kind_and_content_shape_together")
	case s.TurnPhase == TurnErrorRecovery && s.LlmRetryAttempt == 0:
		return broken("error_recovery_has_retry_attempt")
	case (s.LlmRetryAttempt > 0) != s.LlmRetryLastFailureKind.Present():
		return broken("llm_retry_attempt_has_failure_kind")
	case s.LlmRetryAttempt > s.LlmRetryMaxRetries:
		return broken("llm_retry_attempt_within_max_retries")
	}
	return nil
}
