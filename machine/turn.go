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

func (s *State) checkTurnInvariants() error { return nil }

// This file also holds the turn sub-machine of spec §5.7, without extraction and without
// the ops barrier (both out of scope): a turn applies its primitive, calls the LLM, waits
// for tool calls, drains a boundary and either continues or completes; failures are
// recoverable (ErrorRecovery, then RetryRequested) or fatal; cancellation is immediate
// (CancelNow, CancellationObserved) or at the next boundary (RequestCancelAfterBoundary).
// With no ops barrier, ToolCallsResolved always returns to CallingLlm.

// AtSafeBoundary reports whether the turn is at a safe boundary: Ready, DrainingBoundary,
// Completed, Failed or Cancelled (spec §5.7). The live topology may detach only there.
func (s *State) AtSafeBoundary() bool {
	switch s.TurnPhase {
	case TurnReady, TurnDrainingBoundary, TurnCompleted, TurnFailed, TurnCancelled:
		return true
	}
	return false
}

// turnInput is implemented by every turn input: they all name their run.
type turnInput interface {
	Input
	runID() string
}

func runMatchesCurrent[I turnInput]() guard[I] {
	return guard[I]{"run_matches_current: run_id equals current_run_id", func(s *State, in I) bool { return s.CurrentRunID.Is(in.runID()) }}
}

func turnIs[I any](name string, phases ...TurnPhase) guard[I] {
	return guard[I]{name, func(s *State, _ I) bool {
		for _, p := range phases {
			if s.TurnPhase == p {
				return true
			}
		}
		return false
	}}
}

func turnNotTerminal[I any]() guard[I] {
	return guard[I]{"turn_not_terminal: turn_phase is not Completed, Failed or Cancelled", func(s *State, _ I) bool { return !s.turnTerminal() }}
}

func turnCancellable[I any]() guard[I] {
	return guard[I]{"turn_cancellable: turn_phase is not Ready, Completed, Failed or Cancelled", func(s *State, _ I) bool {
		return s.TurnPhase != TurnReady && !s.turnTerminal()
	}}
}

func cancelRequested[I any](want bool) guard[I] {
	name := "cancel_after_boundary_not_requested"
	if want {
		name = "cancel_after_boundary_requested"
	}
	return guard[I]{name, func(s *State, _ I) bool { return s.CancelAfterBoundary == want }}
}

// startTurn resets every per-turn field for a new primitive (spec §5.7).
func (s *State) startTurn(runID string, kind TurnPrimitiveKind, shape ContentShape, vision, imageToolResults bool, maxExtraction uint64) {
	s.CurrentRunID = Some(runID)
	s.turnState = turnState{
		TurnPhase:               TurnApplyingPrimitive,
		PrimitiveKind:           Some(kind),
		AdmittedContentShape:    Some(shape),
		VisionEnabled:           vision,
		ImageToolResultsEnabled: imageToolResults,
		MaxExtractionRetries:    maxExtraction,
	}
}

func (s *State) boundaryReached() { s.BoundaryCount++ }

func (s *State) endTurn(phase TurnPhase, outcome TurnTerminalOutcome) {
	s.TurnPhase = phase
	s.ExtractionActive = false
	s.TerminalOutcome = Some(outcome)
}

// startRules builds the Start* arms shared by the three start inputs: from Initializing,
// Idle (with a runtime bound, for conversation runs only), Attached and Running. The run
// starts with pre_run_phase Attached unless it was already Running.
func startRules[I turnInput](name string, fromIdle bool, extra []guard[I], begin func(*State, I)) []rule[I] {
	resettable := turnIs[I]("turn_resettable: turn_phase is Ready, Completed, Failed or Cancelled", TurnReady, TurnCompleted, TurnFailed, TurnCancelled)
	start := func(s *State, in I) {
		begin(s, in)
		if !s.PreRunPhase.Present() {
			s.PreRunPhase = Some(PreRunAttached)
		}
	}
	emit := func(s *State, in I) Effects { return Effects{TurnRunStarted{RunID: in.runID()}} }
	entered := func(s *State, in I) {
		s.PreRunPhase = Some(PreRunAttached)
		start(s, in)
	}
	from := phasesOf(PhaseInitializing, PhaseAttached)
	rules := []rule[I]{}
	if fromIdle {
		rules = append(rules, rule[I]{
			name: name + "IdleWithBinding", from: phasesOf(PhaseIdle), to: PhaseRunning,
			guards: append([]guard[I]{
				{"runtime_binding_present: a runtime id is bound", func(s *State, _ I) bool { return s.ActiveRuntimeID.Present() }},
				resettable,
			}, extra...),
			update: entered, emit: emit,
		})
	}
	guards := append([]guard[I]{resettable}, extra...)
	return append(rules,
		rule[I]{name: name, from: from, to: PhaseRunning, guards: guards, update: entered, emit: emit},
		rule[I]{name: name + "Running", from: phasesOf(PhaseRunning), guards: guards, update: start, emit: emit},
	)
}

// StartConversationRun starts a conversation turn (spec §5.7).
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
	{"conversation_shape_matches_primitive: primitive_kind ConversationTurn with a conversation or context shape", func(s *State, in StartConversationRun) bool {
		switch in.AdmittedContentShape {
		case ContentConversation, ContentConversationAndContext, ContentContext, ContentEmpty:
			return in.PrimitiveKind == PrimitiveConversationTurn
		}
		return false
	}},
}, func(s *State, in StartConversationRun) {
	s.startTurn(in.RunID, in.PrimitiveKind, in.AdmittedContentShape, in.VisionEnabled, in.ImageToolResultsEnabled, in.MaxExtractionRetries)
})

// StartImmediateAppend starts an immediate-append turn (spec §5.7).
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

// StartImmediateContext starts an immediate context-append turn (spec §5.7).
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

// runOnly is the shape of the turn inputs that carry only the run id.
type runOnly struct {
	RunID string `json:"run_id"`
}

func (in runOnly) runID() string { return in.RunID }

// turnRule is a Running self-loop of a turn input, guarded by the run and the given guards.
func turnRule[I turnInput](name string, guards []guard[I], update func(*State, I), emit func(*State, I) Effects) rule[I] {
	return rule[I]{
		name: name, from: phasesOf(PhaseRunning),
		guards: append([]guard[I]{runMatchesCurrent[I]()}, guards...),
		update: update, emit: emit,
	}
}

func emitCompaction[I any](*State, I) Effects { return Effects{TurnCheckCompaction{}} }

// PrimitiveApplied reports that the turn's primitive was applied (spec §5.7).
type PrimitiveApplied struct{ runOnly }

// Name returns "PrimitiveApplied".
func (PrimitiveApplied) Name() string { return "PrimitiveApplied" }

func (in PrimitiveApplied) step(s *State) (Effects, error) { return step(s, in, primitiveAppliedRules) }

func boundaryThenEnd[I any](s *State, _ I) Effects {
	run := s.CurrentRunID.Get()
	applied := TurnBoundaryApplied{RunID: run, BoundarySequence: s.BoundaryCount}
	if s.TurnPhase == TurnCancelled {
		return Effects{applied, TurnRunCancelled{RunID: run, Reason: CancelReasonObserved}}
	}
	return Effects{applied, TurnRunCompleted{RunID: run, Outcome: OutcomeCompleted}}
}

func completeAtBoundary[I any](s *State, _ I) {
	s.boundaryReached()
	s.endTurn(TurnCompleted, OutcomeCompleted)
}

func cancelAtBoundary[I any](s *State, _ I) {
	s.boundaryReached()
	s.CancelAfterBoundary = false
	s.endTurn(TurnCancelled, OutcomeCancelled)
}

var applyingImmediate = guard[PrimitiveApplied]{"turn_applying_immediate: turn_phase ApplyingPrimitive with an immediate primitive", func(s *State, _ PrimitiveApplied) bool {
	return s.TurnPhase == TurnApplyingPrimitive && (s.PrimitiveKind.Is(PrimitiveImmediateAppend) || s.PrimitiveKind.Is(PrimitiveImmediateContextAppend))
}}

var primitiveAppliedRules = []rule[PrimitiveApplied]{
	turnRule("PrimitiveAppliedConversation", []guard[PrimitiveApplied]{
		{"turn_applying_conversation: turn_phase ApplyingPrimitive with a ConversationTurn primitive", func(s *State, _ PrimitiveApplied) bool {
			return s.TurnPhase == TurnApplyingPrimitive && s.PrimitiveKind.Is(PrimitiveConversationTurn)
		}},
	}, func(s *State, _ PrimitiveApplied) { s.TurnPhase = TurnCallingLlm }, emitCompaction[PrimitiveApplied]),
	turnRule("PrimitiveAppliedImmediateCompleted", []guard[PrimitiveApplied]{applyingImmediate, cancelRequested[PrimitiveApplied](false)},
		completeAtBoundary[PrimitiveApplied], boundaryThenEnd[PrimitiveApplied]),
	turnRule("PrimitiveAppliedImmediateCancelled", []guard[PrimitiveApplied]{applyingImmediate, cancelRequested[PrimitiveApplied](true)},
		cancelAtBoundary[PrimitiveApplied], boundaryThenEnd[PrimitiveApplied]),
}

// LlmReturnedToolCalls reports that the LLM answered with tool calls (spec §5.7).
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

var callingLlm = "turn_calling_llm: turn_phase is CallingLlm"

var llmReturnedToolCallsRules = []rule[LlmReturnedToolCalls]{
	turnRule("LlmReturnedToolCallsPositive", []guard[LlmReturnedToolCalls]{
		turnIs[LlmReturnedToolCalls](callingLlm, TurnCallingLlm),
		{"tool_count > 0", func(s *State, in LlmReturnedToolCalls) bool { return in.ToolCount > 0 }},
	}, func(s *State, in LlmReturnedToolCalls) {
		s.TurnPhase = TurnWaitingForOps
		s.ToolCallsPending = in.ToolCount
	}, nil),
	turnRule("LlmReturnedToolCallsZero", []guard[LlmReturnedToolCalls]{
		turnIs[LlmReturnedToolCalls](callingLlm, TurnCallingLlm),
		{"tool_count == 0", func(s *State, in LlmReturnedToolCalls) bool { return in.ToolCount == 0 }},
	}, func(s *State, in LlmReturnedToolCalls) {
		s.TurnPhase = TurnDrainingBoundary
		s.ToolCallsPending = 0
	}, nil),
}

// LlmReturnedTerminal reports that the LLM answered without tool calls (spec §5.7).
type LlmReturnedTerminal struct{ runOnly }

// Name returns "LlmReturnedTerminal".
func (LlmReturnedTerminal) Name() string { return "LlmReturnedTerminal" }

func (in LlmReturnedTerminal) step(s *State) (Effects, error) {
	return step(s, in, llmReturnedTerminalRules)
}

var llmReturnedTerminalRules = []rule[LlmReturnedTerminal]{
	turnRule("LlmReturnedTerminal", []guard[LlmReturnedTerminal]{turnIs[LlmReturnedTerminal](callingLlm, TurnCallingLlm)},
		func(s *State, _ LlmReturnedTerminal) { s.TurnPhase = TurnDrainingBoundary }, nil),
}

// ToolCallsResolved reports that every pending tool call has its result (spec §5.7).
type ToolCallsResolved struct{ runOnly }

// Name returns "ToolCallsResolved".
func (ToolCallsResolved) Name() string { return "ToolCallsResolved" }

func (in ToolCallsResolved) step(s *State) (Effects, error) {
	return step(s, in, toolCallsResolvedRules)
}

var toolCallsResolvedRules = []rule[ToolCallsResolved]{
	turnRule("ToolCallsResolvedToCalling", []guard[ToolCallsResolved]{turnIs[ToolCallsResolved]("turn_waiting_for_ops: turn_phase is WaitingForOps", TurnWaitingForOps)},
		func(s *State, _ ToolCallsResolved) {
			s.TurnPhase = TurnCallingLlm
			s.ToolCallsPending = 0
		}, emitCompaction[ToolCallsResolved]),
}

var drainingBoundary = "turn_draining_boundary: turn_phase is DrainingBoundary"

// BoundaryContinue reports a boundary after which the turn calls the LLM again, or ends
// Cancelled when a cancel after boundary was requested (spec §5.7).
type BoundaryContinue struct{ runOnly }

// Name returns "BoundaryContinue".
func (BoundaryContinue) Name() string { return "BoundaryContinue" }

func (in BoundaryContinue) step(s *State) (Effects, error) { return step(s, in, boundaryContinueRules) }

var boundaryContinueRules = []rule[BoundaryContinue]{
	turnRule("BoundaryContinueToCalling", []guard[BoundaryContinue]{
		turnIs[BoundaryContinue](drainingBoundary, TurnDrainingBoundary), cancelRequested[BoundaryContinue](false),
	}, func(s *State, _ BoundaryContinue) {
		s.boundaryReached()
		s.TurnPhase = TurnCallingLlm
	}, func(s *State, _ BoundaryContinue) Effects {
		return Effects{TurnBoundaryApplied{RunID: s.CurrentRunID.Get(), BoundarySequence: s.BoundaryCount}, TurnCheckCompaction{}}
	}),
	turnRule("BoundaryContinueToCancelled", []guard[BoundaryContinue]{
		turnIs[BoundaryContinue](drainingBoundary, TurnDrainingBoundary), cancelRequested[BoundaryContinue](true),
	}, cancelAtBoundary[BoundaryContinue], boundaryThenEnd[BoundaryContinue]),
}

// BoundaryComplete reports the final boundary of the turn: Completed, or Cancelled when a
// cancel after boundary was requested (spec §5.7).
type BoundaryComplete struct{ runOnly }

// Name returns "BoundaryComplete".
func (BoundaryComplete) Name() string { return "BoundaryComplete" }

func (in BoundaryComplete) step(s *State) (Effects, error) { return step(s, in, boundaryCompleteRules) }

var boundaryCompleteRules = []rule[BoundaryComplete]{
	turnRule("BoundaryCompleteCompleted", []guard[BoundaryComplete]{
		turnIs[BoundaryComplete](drainingBoundary, TurnDrainingBoundary), cancelRequested[BoundaryComplete](false),
	}, completeAtBoundary[BoundaryComplete], boundaryThenEnd[BoundaryComplete]),
	turnRule("BoundaryCompleteCancelled", []guard[BoundaryComplete]{
		turnIs[BoundaryComplete](drainingBoundary, TurnDrainingBoundary), cancelRequested[BoundaryComplete](true),
	}, cancelAtBoundary[BoundaryComplete], boundaryThenEnd[BoundaryComplete]),
}

// RecoverableFailure reports an LLM failure the machine allows to retry (spec §5.7).
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
		turnIs[RecoverableFailure]("turn_non_terminal: turn_phase is CallingLlm, WaitingForOps, DrainingBoundary or Extracting",
			TurnCallingLlm, TurnWaitingForOps, TurnDrainingBoundary, TurnExtracting),
		{"retry_attempt > 0", func(s *State, in RecoverableFailure) bool { return in.RetryAttempt > 0 }},
		{"failure_kind_recoverable: failure_kind is a retryable kind", func(s *State, in RecoverableFailure) bool { return in.FailureKind.Valid() }},
		{"retries_remaining: retry_attempt <= max_retries", func(s *State, in RecoverableFailure) bool { return in.RetryAttempt <= in.MaxRetries }},
	}, func(s *State, in RecoverableFailure) {
		s.TurnPhase = TurnErrorRecovery
		s.LlmRetryAttempt = in.RetryAttempt
		s.LlmRetryMaxRetries = in.MaxRetries
		s.LlmRetrySelectedDelayMs = in.SelectedDelayMs
		s.LlmRetryLastFailureKind = Some(in.FailureKind)
	}, nil),
}

// RetryRequested leaves ErrorRecovery for another LLM call (spec §5.7).
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
		turnIs[RetryRequested]("turn_error_recovery: turn_phase is ErrorRecovery", TurnErrorRecovery),
		{"retry_attempt_matches: retry_attempt equals the recorded attempt", func(s *State, in RetryRequested) bool { return in.RetryAttempt == s.LlmRetryAttempt }},
	}, func(s *State, _ RetryRequested) { s.TurnPhase = TurnCallingLlm }, emitCompaction[RetryRequested]),
}

// FatalFailure ends the turn as failed with a known failure source (spec §5.7).
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
		{"terminal_failure_source_known: terminal_failure_source is not Unknown", func(s *State, in FatalFailure) bool {
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

// limitRule builds the TurnLimitReached / BudgetExhausted / TimeBudgetExceeded arms: the
// turn fails with a fixed outcome and cause.
func limitRule[I turnInput](name string, outcome TurnTerminalOutcome, cause TurnTerminalCauseKind) []rule[I] {
	return []rule[I]{turnRule(name, []guard[I]{turnNotTerminal[I]()}, func(s *State, _ I) {
		s.endTurn(TurnFailed, outcome)
		s.TerminalCauseKind = Some(cause)
	}, func(s *State, _ I) Effects {
		return Effects{TurnRunFailed{RunID: s.CurrentRunID.Get(), TerminalCauseKind: cause, Error: name}}
	})}
}

// TurnLimitReached ends the turn: too many turns (spec §5.7).
type TurnLimitReached struct{ runOnly }

// Name returns "TurnLimitReached".
func (TurnLimitReached) Name() string { return "TurnLimitReached" }

func (in TurnLimitReached) step(s *State) (Effects, error) { return step(s, in, turnLimitReachedRules) }

var turnLimitReachedRules = limitRule[TurnLimitReached]("TurnLimitReached", OutcomeFailed, CauseTurnLimitReached)

// BudgetExhausted ends the turn: the token or tool-call budget is spent (spec §5.7).
type BudgetExhausted struct{ runOnly }

// Name returns "BudgetExhausted".
func (BudgetExhausted) Name() string { return "BudgetExhausted" }

func (in BudgetExhausted) step(s *State) (Effects, error) { return step(s, in, budgetExhaustedRules) }

var budgetExhaustedRules = limitRule[BudgetExhausted]("BudgetExhausted", OutcomeBudgetExhausted, CauseBudgetExhausted)

// TimeBudgetExceeded ends the turn: the time budget is spent (spec §5.7).
type TimeBudgetExceeded struct{ runOnly }

// Name returns "TimeBudgetExceeded".
func (TimeBudgetExceeded) Name() string { return "TimeBudgetExceeded" }

func (in TimeBudgetExceeded) step(s *State) (Effects, error) {
	return step(s, in, timeBudgetExceededRules)
}

var timeBudgetExceededRules = limitRule[TimeBudgetExceeded]("TimeBudgetExceeded", OutcomeTimeBudgetExceeded, CauseTimeBudgetExceeded)

// CancelNow asks the running turn to stop now (spec §5.5, §5.7).
type CancelNow struct{ runOnly }

// Name returns "CancelNow".
func (CancelNow) Name() string { return "CancelNow" }

func (in CancelNow) step(s *State) (Effects, error) { return step(s, in, cancelNowRules) }

var cancelNowRules = []rule[CancelNow]{
	turnRule("CancelNow", []guard[CancelNow]{turnCancellable[CancelNow]()}, func(s *State, _ CancelNow) { s.TurnPhase = TurnCancelling }, nil),
}

// RequestCancelAfterBoundary makes the turn's next boundary end it as Cancelled instead
// of continuing (spec §5.4).
type RequestCancelAfterBoundary struct{ runOnly }

// Name returns "RequestCancelAfterBoundary".
func (RequestCancelAfterBoundary) Name() string { return "RequestCancelAfterBoundary" }

func (in RequestCancelAfterBoundary) step(s *State) (Effects, error) {
	return step(s, in, requestCancelAfterBoundaryRules)
}

var requestCancelAfterBoundaryRules = []rule[RequestCancelAfterBoundary]{
	turnRule("RequestCancelAfterBoundary", []guard[RequestCancelAfterBoundary]{turnCancellable[RequestCancelAfterBoundary]()},
		func(s *State, _ RequestCancelAfterBoundary) { s.CancelAfterBoundary = true }, nil),
}

// CancellationObserved reports that the cancelling turn stopped (spec §5.7).
type CancellationObserved struct{ runOnly }

// Name returns "CancellationObserved".
func (CancellationObserved) Name() string { return "CancellationObserved" }

func (in CancellationObserved) step(s *State) (Effects, error) {
	return step(s, in, cancellationObservedRules)
}

var cancellationObservedRules = []rule[CancellationObserved]{
	turnRule("CancellationObserved", []guard[CancellationObserved]{turnIs[CancellationObserved]("turn_cancelling: turn_phase is Cancelling", TurnCancelling)},
		func(s *State, _ CancellationObserved) { s.endTurn(TurnCancelled, OutcomeCancelled) },
		func(s *State, _ CancellationObserved) Effects {
			return Effects{TurnRunCancelled{RunID: s.CurrentRunID.Get(), Reason: CancelReasonObserved}}
		}),
}

// AcknowledgeTerminal returns a finished turn to Ready, recording its outcome (spec §5.7).
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
		turnIs[AcknowledgeTerminal]("turn_terminal: turn_phase is Completed, Failed or Cancelled", TurnCompleted, TurnFailed, TurnCancelled),
	}, func(s *State, in AcknowledgeTerminal) {
		s.TurnPhase = TurnReady
		s.PrimitiveKind = None[TurnPrimitiveKind]()
		s.AdmittedContentShape = None[ContentShape]()
		s.VisionEnabled = false
		s.ImageToolResultsEnabled = false
		s.CancelAfterBoundary = false
		s.TerminalOutcome = Some(in.Outcome)
		s.ExtractionActive = false
		s.MaxExtractionRetries = 0
	}, nil),
}

// TurnRunStarted reports that a turn started (local).
type TurnRunStarted struct {
	effect
	RunID string `json:"run_id"`
}

// Name returns "TurnRunStarted".
func (TurnRunStarted) Name() string { return "TurnRunStarted" }

// TurnBoundaryApplied reports a boundary of the turn with its sequence (local).
type TurnBoundaryApplied struct {
	effect
	RunID            string `json:"run_id"`
	BoundarySequence uint64 `json:"boundary_sequence"`
}

// Name returns "TurnBoundaryApplied".
func (TurnBoundaryApplied) Name() string { return "TurnBoundaryApplied" }

// TurnRunCompleted reports that the turn completed (local).
type TurnRunCompleted struct {
	effect
	RunID   string              `json:"run_id"`
	Outcome TurnTerminalOutcome `json:"outcome"`
}

// Name returns "TurnRunCompleted".
func (TurnRunCompleted) Name() string { return "TurnRunCompleted" }

// TurnRunFailed reports that the turn failed, with its cause (local).
type TurnRunFailed struct {
	effect
	RunID             string                `json:"run_id"`
	TerminalCauseKind TurnTerminalCauseKind `json:"terminal_cause_kind"`
	Error             string                `json:"error"`
}

// Name returns "TurnRunFailed".
func (TurnRunFailed) Name() string { return "TurnRunFailed" }

// TurnRunCancelled reports that the turn was cancelled (local).
type TurnRunCancelled struct {
	effect
	RunID  string                 `json:"run_id"`
	Reason TurnCancellationReason `json:"reason"`
}

// Name returns "TurnRunCancelled".
func (TurnRunCancelled) Name() string { return "TurnRunCancelled" }

// TurnCheckCompaction asks the shell to consider compacting the conversation before the
// next LLM call (local).
type TurnCheckCompaction struct{ effect }

// Name returns "TurnCheckCompaction".
func (TurnCheckCompaction) Name() string { return "TurnCheckCompaction" }

var turnCatalogue = []InputSpec{
	specOf("turn", OriginRuntime, "Start a conversation turn.", startConversationRunRules),
	specOf("turn", OriginRuntime, "Start an immediate-append turn.", startImmediateAppendRules),
	specOf("turn", OriginRuntime, "Start an immediate context-append turn.", startImmediateContextRules),
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
	specOf("turn", OriginCaller, "End the running turn at its next boundary.", requestCancelAfterBoundaryRules),
	specOf("turn", OriginRuntime, "Report that the cancelling turn stopped.", cancellationObservedRules),
	specOf("turn", OriginRuntime, "Return a finished turn to Ready.", acknowledgeTerminalRules),
}

var turnEffects = []Effect{
	TurnRunStarted{}, TurnBoundaryApplied{}, TurnRunCompleted{}, TurnRunFailed{}, TurnRunCancelled{}, TurnCheckCompaction{},
}
