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

var turnCatalogue []InputSpec

var turnEffects []Effect

func (s *State) checkTurnInvariants() error { return nil }
