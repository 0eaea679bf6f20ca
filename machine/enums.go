// The closed enumerations of the machine, from spec §2 and Appendix A.4, with the DSL's variant order.

package machine

// Phase is the DSL enumeration `MeerkatPhase`.
type Phase = enum[phaseNames]

type phaseNames struct{}

func (phaseNames) enumName() string   { return "MeerkatPhase" }
func (phaseNames) variants() []string { return phaseNamesList[:] }

var phaseNamesList = [...]string{"", "Initializing", "Idle", "Attached", "Running", "Retired", "Stopped", "Destroyed"}

// Phase variants.
const (
	PhaseInitializing Phase = 1 + iota
	PhaseIdle
	PhaseAttached
	PhaseRunning
	PhaseRetired
	PhaseStopped
	PhaseDestroyed
)

// PreRunPhase is the DSL enumeration `PreRunPhase`.
type PreRunPhase = enum[preRunPhaseNames]

type preRunPhaseNames struct{}

func (preRunPhaseNames) enumName() string   { return "PreRunPhase" }
func (preRunPhaseNames) variants() []string { return preRunPhaseNamesList[:] }

var preRunPhaseNamesList = [...]string{"", "Idle", "Attached", "Retired"}

// PreRunPhase variants.
const (
	PreRunIdle PreRunPhase = 1 + iota
	PreRunAttached
	PreRunRetired
)

// RegistrationPhase is the DSL enumeration `RegistrationPhase`.
type RegistrationPhase = enum[registrationPhaseNames]

type registrationPhaseNames struct{}

func (registrationPhaseNames) enumName() string   { return "RegistrationPhase" }
func (registrationPhaseNames) variants() []string { return registrationPhaseNamesList[:] }

var registrationPhaseNamesList = [...]string{"", "Queuing", "Active"}

// RegistrationPhase variants.
const (
	RegistrationQueuing RegistrationPhase = 1 + iota
	RegistrationActive
)

// TurnPhase is the DSL enumeration `TurnPhase`.
type TurnPhase = enum[turnPhaseNames]

type turnPhaseNames struct{}

func (turnPhaseNames) enumName() string   { return "TurnPhase" }
func (turnPhaseNames) variants() []string { return turnPhaseNamesList[:] }

var turnPhaseNamesList = [...]string{"", "Ready", "ApplyingPrimitive", "CallingLlm", "WaitingForOps", "DrainingBoundary", "Extracting", "ErrorRecovery", "Cancelling", "Completed", "Failed", "Cancelled"}

// TurnPhase variants.
const (
	TurnReady TurnPhase = 1 + iota
	TurnApplyingPrimitive
	TurnCallingLlm
	TurnWaitingForOps
	TurnDrainingBoundary
	TurnExtracting
	TurnErrorRecovery
	TurnCancelling
	TurnCompleted
	TurnFailed
	TurnCancelled
)

// TurnPrimitiveKind is the DSL enumeration `TurnPrimitiveKind`.
type TurnPrimitiveKind = enum[turnPrimitiveKindNames]

type turnPrimitiveKindNames struct{}

func (turnPrimitiveKindNames) enumName() string   { return "TurnPrimitiveKind" }
func (turnPrimitiveKindNames) variants() []string { return turnPrimitiveKindNamesList[:] }

var turnPrimitiveKindNamesList = [...]string{"", "None", "ConversationTurn", "ImmediateAppend", "ImmediateContextAppend"}

// TurnPrimitiveKind variants.
const (
	PrimitiveNone TurnPrimitiveKind = 1 + iota
	PrimitiveConversationTurn
	PrimitiveImmediateAppend
	PrimitiveImmediateContextAppend
)

// ContentShape is the DSL enumeration `ContentShape`.
type ContentShape = enum[contentShapeNames]

type contentShapeNames struct{}

func (contentShapeNames) enumName() string   { return "ContentShape" }
func (contentShapeNames) variants() []string { return contentShapeNamesList[:] }

var contentShapeNamesList = [...]string{"", "Conversation", "ConversationAndContext", "Context", "Empty", "ImmediateAppend", "ImmediateContext"}

// ContentShape variants.
const (
	ContentConversation ContentShape = 1 + iota
	ContentConversationAndContext
	ContentContext
	ContentEmpty
	ContentImmediateAppend
	ContentImmediateContext
)

// TurnTerminalOutcome is the DSL enumeration `TurnTerminalOutcome`.
type TurnTerminalOutcome = enum[turnTerminalOutcomeNames]

type turnTerminalOutcomeNames struct{}

func (turnTerminalOutcomeNames) enumName() string   { return "TurnTerminalOutcome" }
func (turnTerminalOutcomeNames) variants() []string { return turnTerminalOutcomeNamesList[:] }

var turnTerminalOutcomeNamesList = [...]string{"", "None", "Completed", "Failed", "Cancelled", "BudgetExhausted", "TimeBudgetExceeded", "StructuredOutputValidationFailed"}

// TurnTerminalOutcome variants.
const (
	OutcomeNone TurnTerminalOutcome = 1 + iota
	OutcomeCompleted
	OutcomeFailed
	OutcomeCancelled
	OutcomeBudgetExhausted
	OutcomeTimeBudgetExceeded
	OutcomeStructuredOutputValidationFailed
)

// TurnTerminalCauseKind is the DSL enumeration `TurnTerminalCauseKind`.
type TurnTerminalCauseKind = enum[turnTerminalCauseKindNames]

type turnTerminalCauseKindNames struct{}

func (turnTerminalCauseKindNames) enumName() string   { return "TurnTerminalCauseKind" }
func (turnTerminalCauseKindNames) variants() []string { return turnTerminalCauseKindNamesList[:] }

var turnTerminalCauseKindNamesList = [...]string{"", "Unknown", "HookDenied", "HookFailure", "LlmFailure", "ToolFailure", "StructuredOutputValidationFailed", "BudgetExhausted", "TimeBudgetExceeded", "RetryExhausted", "TurnLimitReached", "RuntimeApplyFailure", "FatalFailure"}

// TurnTerminalCauseKind variants.
const (
	CauseUnknown TurnTerminalCauseKind = 1 + iota
	CauseHookDenied
	CauseHookFailure
	CauseLlmFailure
	CauseToolFailure
	CauseStructuredOutputValidationFailed
	CauseBudgetExhausted
	CauseTimeBudgetExceeded
	CauseRetryExhausted
	CauseTurnLimitReached
	CauseRuntimeApplyFailure
	CauseFatalFailure
)

// TurnCancellationReason is the DSL enumeration `TurnCancellationReason`.
type TurnCancellationReason = enum[turnCancellationReasonNames]

type turnCancellationReasonNames struct{}

func (turnCancellationReasonNames) enumName() string   { return "TurnCancellationReason" }
func (turnCancellationReasonNames) variants() []string { return turnCancellationReasonNamesList[:] }

var turnCancellationReasonNamesList = [...]string{"", "Observed"}

// TurnCancellationReason variants.
const (
	CancelReasonObserved TurnCancellationReason = 1 + iota
)

// LlmRetryFailureKind is the DSL enumeration `LlmRetryFailureKind`.
type LlmRetryFailureKind = enum[llmRetryFailureKindNames]

type llmRetryFailureKindNames struct{}

func (llmRetryFailureKindNames) enumName() string   { return "LlmRetryFailureKind" }
func (llmRetryFailureKindNames) variants() []string { return llmRetryFailureKindNamesList[:] }

var llmRetryFailureKindNamesList = [...]string{"", "RateLimited", "NetworkTimeout", "CallTimeout", "RetryableProviderError"}

// LlmRetryFailureKind variants.
const (
	RetryFailureRateLimited LlmRetryFailureKind = 1 + iota
	RetryFailureNetworkTimeout
	RetryFailureCallTimeout
	RetryFailureRetryableProviderError
)

// RunFailureSourceKind is the DSL enumeration `RunFailureSourceKind`.
type RunFailureSourceKind = enum[runFailureSourceKindNames]

type runFailureSourceKindNames struct{}

func (runFailureSourceKindNames) enumName() string   { return "RunFailureSourceKind" }
func (runFailureSourceKindNames) variants() []string { return runFailureSourceKindNamesList[:] }

var runFailureSourceKindNamesList = [...]string{"", "Unknown", "Llm", "StoreError", "ToolError", "McpError", "SessionNotFound", "TokenBudgetExceeded", "TimeBudgetExceeded", "ToolCallBudgetExceeded", "MaxTokensReached", "ContentFiltered", "MaxTurnsReached", "Cancelled", "InvalidStateTransition", "OperationNotFound", "DepthLimitExceeded", "ConcurrencyLimitExceeded", "ConfigError", "InvalidToolAccess", "InternalError", "BuildError", "AuthReauthRequired", "CallbackPending", "StructuredOutputValidationFailed", "InvalidOutputSchema", "HookDenied", "HookTimeout", "HookExecutionFailed", "HookConfigInvalid", "TerminalFailure", "NoPendingBoundary", "LlmRetryExhausted"}

// RunFailureSourceKind variants.
const (
	FailureSourceUnknown RunFailureSourceKind = 1 + iota
	FailureSourceLlm
	FailureSourceStoreError
	FailureSourceToolError
	FailureSourceMcpError
	FailureSourceSessionNotFound
	FailureSourceTokenBudgetExceeded
	FailureSourceTimeBudgetExceeded
	FailureSourceToolCallBudgetExceeded
	FailureSourceMaxTokensReached
	FailureSourceContentFiltered
	FailureSourceMaxTurnsReached
	FailureSourceCancelled
	FailureSourceInvalidStateTransition
	FailureSourceOperationNotFound
	FailureSourceDepthLimitExceeded
	FailureSourceConcurrencyLimitExceeded
	FailureSourceConfigError
	FailureSourceInvalidToolAccess
	FailureSourceInternalError
	FailureSourceBuildError
	FailureSourceAuthReauthRequired
	FailureSourceCallbackPending
	FailureSourceStructuredOutputValidationFailed
	FailureSourceInvalidOutputSchema
	FailureSourceHookDenied
	FailureSourceHookTimeout
	FailureSourceHookExecutionFailed
	FailureSourceHookConfigInvalid
	FailureSourceTerminalFailure
	FailureSourceNoPendingBoundary
	FailureSourceLlmRetryExhausted
)

// RuntimeApplyFailureCause is the DSL enumeration `RuntimeApplyFailureCause`.
type RuntimeApplyFailureCause = enum[runtimeApplyFailureCauseNames]

type runtimeApplyFailureCauseNames struct{}

func (runtimeApplyFailureCauseNames) enumName() string   { return "RuntimeApplyFailureCause" }
func (runtimeApplyFailureCauseNames) variants() []string { return runtimeApplyFailureCauseNamesList[:] }

var runtimeApplyFailureCauseNamesList = [...]string{"", "Unknown", "PrimitiveRejected", "RuntimeContextApply", "RuntimeTurn", "HookDenied", "HookRuntimeFailure", "ExecutorStopped", "ExecutorControlFailed", "ExecutorInternal"}

// RuntimeApplyFailureCause variants.
const (
	ApplyFailureUnknown RuntimeApplyFailureCause = 1 + iota
	ApplyFailurePrimitiveRejected
	ApplyFailureRuntimeContextApply
	ApplyFailureRuntimeTurn
	ApplyFailureHookDenied
	ApplyFailureHookRuntimeFailure
	ApplyFailureExecutorStopped
	ApplyFailureExecutorControlFailed
	ApplyFailureExecutorInternal
)

// RuntimeNoticeKind is the DSL enumeration `RuntimeNoticeKind`.
type RuntimeNoticeKind = enum[runtimeNoticeKindNames]

type runtimeNoticeKindNames struct{}

func (runtimeNoticeKindNames) enumName() string   { return "RuntimeNoticeKind" }
func (runtimeNoticeKindNames) variants() []string { return runtimeNoticeKindNamesList[:] }

var runtimeNoticeKindNamesList = [...]string{"", "Drain", "Reset", "Stop", "Exit", "Recover"}

// RuntimeNoticeKind variants.
const (
	NoticeDrain RuntimeNoticeKind = 1 + iota
	NoticeReset
	NoticeStop
	NoticeExit
	NoticeRecover
)

// RuntimeEffectKind is the DSL enumeration `RuntimeEffectKind`.
type RuntimeEffectKind = enum[runtimeEffectKindNames]

type runtimeEffectKindNames struct{}

func (runtimeEffectKindNames) enumName() string   { return "RuntimeEffectKind" }
func (runtimeEffectKindNames) variants() []string { return runtimeEffectKindNamesList[:] }

var runtimeEffectKindNamesList = [...]string{"", "CancelAfterBoundary", "StopRuntimeExecutor"}

// RuntimeEffectKind variants.
const (
	RuntimeEffectCancelAfterBoundary RuntimeEffectKind = 1 + iota
	RuntimeEffectStopRuntimeExecutor
)

// RuntimeLifecycleObservedState is the DSL enumeration `RuntimeLifecycleObservedState`.
type RuntimeLifecycleObservedState = enum[runtimeLifecycleObservedStateNames]

type runtimeLifecycleObservedStateNames struct{}

func (runtimeLifecycleObservedStateNames) enumName() string { return "RuntimeLifecycleObservedState" }
func (runtimeLifecycleObservedStateNames) variants() []string {
	return runtimeLifecycleObservedStateNamesList[:]
}

var runtimeLifecycleObservedStateNamesList = [...]string{"", "Initializing", "Idle", "Attached", "Running", "Retired", "Stopped", "Destroyed"}

// RuntimeLifecycleObservedState variants.
const (
	ObservedInitializing RuntimeLifecycleObservedState = 1 + iota
	ObservedIdle
	ObservedAttached
	ObservedRunning
	ObservedRetired
	ObservedStopped
	ObservedDestroyed
)

// RuntimeLifecycleTerminality is the DSL enumeration `RuntimeLifecycleTerminality`.
type RuntimeLifecycleTerminality = enum[runtimeLifecycleTerminalityNames]

type runtimeLifecycleTerminalityNames struct{}

func (runtimeLifecycleTerminalityNames) enumName() string { return "RuntimeLifecycleTerminality" }
func (runtimeLifecycleTerminalityNames) variants() []string {
	return runtimeLifecycleTerminalityNamesList[:]
}

var runtimeLifecycleTerminalityNamesList = [...]string{"", "NonTerminal", "Terminal"}

// RuntimeLifecycleTerminality variants.
const (
	LifecycleNonTerminal RuntimeLifecycleTerminality = 1 + iota
	LifecycleTerminal
)

// RuntimeInputAdmission is the DSL enumeration `RuntimeInputAdmission`.
type RuntimeInputAdmission = enum[runtimeInputAdmissionNames]

type runtimeInputAdmissionNames struct{}

func (runtimeInputAdmissionNames) enumName() string   { return "RuntimeInputAdmission" }
func (runtimeInputAdmissionNames) variants() []string { return runtimeInputAdmissionNamesList[:] }

var runtimeInputAdmissionNamesList = [...]string{"", "RejectsInput", "AcceptsInput"}

// RuntimeInputAdmission variants.
const (
	InputRejectsInput RuntimeInputAdmission = 1 + iota
	InputAcceptsInput
)

// RuntimeQueueAdmission is the DSL enumeration `RuntimeQueueAdmission`.
type RuntimeQueueAdmission = enum[runtimeQueueAdmissionNames]

type runtimeQueueAdmissionNames struct{}

func (runtimeQueueAdmissionNames) enumName() string   { return "RuntimeQueueAdmission" }
func (runtimeQueueAdmissionNames) variants() []string { return runtimeQueueAdmissionNamesList[:] }

var runtimeQueueAdmissionNamesList = [...]string{"", "BlocksQueue", "ProcessesQueue"}

// RuntimeQueueAdmission variants.
const (
	QueueBlocksQueue RuntimeQueueAdmission = 1 + iota
	QueueProcessesQueue
)

// RuntimePrepareAdmission is the DSL enumeration `RuntimePrepareAdmission`.
type RuntimePrepareAdmission = enum[runtimePrepareAdmissionNames]

type runtimePrepareAdmissionNames struct{}

func (runtimePrepareAdmissionNames) enumName() string   { return "RuntimePrepareAdmission" }
func (runtimePrepareAdmissionNames) variants() []string { return runtimePrepareAdmissionNamesList[:] }

var runtimePrepareAdmissionNamesList = [...]string{"", "NotReady", "Ready", "Destroyed"}

// RuntimePrepareAdmission variants.
const (
	PrepareNotReady RuntimePrepareAdmission = 1 + iota
	PrepareReady
	PrepareDestroyed
)

// RuntimeIngressAdmission is the DSL enumeration `RuntimeIngressAdmission`.
type RuntimeIngressAdmission = enum[runtimeIngressAdmissionNames]

type runtimeIngressAdmissionNames struct{}

func (runtimeIngressAdmissionNames) enumName() string   { return "RuntimeIngressAdmission" }
func (runtimeIngressAdmissionNames) variants() []string { return runtimeIngressAdmissionNamesList[:] }

var runtimeIngressAdmissionNamesList = [...]string{"", "Open", "NotReady", "Destroyed"}

// RuntimeIngressAdmission variants.
const (
	IngressOpen RuntimeIngressAdmission = 1 + iota
	IngressNotReady
	IngressDestroyed
)

// RuntimeLoopRunBinding is the DSL enumeration `RuntimeLoopRunBinding`.
type RuntimeLoopRunBinding = enum[runtimeLoopRunBindingNames]

type runtimeLoopRunBindingNames struct{}

func (runtimeLoopRunBindingNames) enumName() string   { return "RuntimeLoopRunBinding" }
func (runtimeLoopRunBindingNames) variants() []string { return runtimeLoopRunBindingNamesList[:] }

var runtimeLoopRunBindingNamesList = [...]string{"", "Blocked", "AllocateNew", "UsePrebound"}

// RuntimeLoopRunBinding variants.
const (
	RunBindingBlocked RuntimeLoopRunBinding = 1 + iota
	RunBindingAllocateNew
	RunBindingUsePrebound
)

// RuntimeCompletionTerminalObservation is the DSL enumeration `RuntimeCompletionTerminalObservation`.
type RuntimeCompletionTerminalObservation = enum[runtimeCompletionTerminalObservationNames]

type runtimeCompletionTerminalObservationNames struct{}

func (runtimeCompletionTerminalObservationNames) enumName() string {
	return "RuntimeCompletionTerminalObservation"
}
func (runtimeCompletionTerminalObservationNames) variants() []string {
	return runtimeCompletionTerminalObservationNamesList[:]
}

var runtimeCompletionTerminalObservationNamesList = [...]string{"", "RunResult", "NoResult", "CallbackPending", "MachineTerminal", "RuntimeTerminated"}

// RuntimeCompletionTerminalObservation variants.
const (
	TerminalRunResult RuntimeCompletionTerminalObservation = 1 + iota
	TerminalNoResult
	TerminalCallbackPending
	TerminalMachineTerminal
	TerminalRuntimeTerminated
)

// RuntimeCompletionFinalizationObservation is the DSL enumeration `RuntimeCompletionFinalizationObservation`.
type RuntimeCompletionFinalizationObservation = enum[runtimeCompletionFinalizationObservationNames]

type runtimeCompletionFinalizationObservationNames struct{}

func (runtimeCompletionFinalizationObservationNames) enumName() string {
	return "RuntimeCompletionFinalizationObservation"
}
func (runtimeCompletionFinalizationObservationNames) variants() []string {
	return runtimeCompletionFinalizationObservationNamesList[:]
}

var runtimeCompletionFinalizationObservationNamesList = [...]string{"", "Succeeded", "Failed"}

// RuntimeCompletionFinalizationObservation variants.
const (
	FinalizationSucceeded RuntimeCompletionFinalizationObservation = 1 + iota
	FinalizationFailed
)

// RuntimeCompletionResultClass is the DSL enumeration `RuntimeCompletionResultClass`.
type RuntimeCompletionResultClass = enum[runtimeCompletionResultClassNames]

type runtimeCompletionResultClassNames struct{}

func (runtimeCompletionResultClassNames) enumName() string { return "RuntimeCompletionResultClass" }
func (runtimeCompletionResultClassNames) variants() []string {
	return runtimeCompletionResultClassNamesList[:]
}

var runtimeCompletionResultClassNamesList = [...]string{"", "Completed", "CompletedWithoutResult", "CallbackPending", "Cancelled", "AbandonedWithError", "CompletedWithFinalizationFailure", "RuntimeTerminated"}

// RuntimeCompletionResultClass variants.
const (
	ResultClassCompleted RuntimeCompletionResultClass = 1 + iota
	ResultClassCompletedWithoutResult
	ResultClassCallbackPending
	ResultClassCancelled
	ResultClassAbandonedWithError
	ResultClassCompletedWithFinalizationFailure
	ResultClassRuntimeTerminated
)

// RuntimeCompletionObservedOutcome is the DSL enumeration `RuntimeCompletionObservedOutcome`.
type RuntimeCompletionObservedOutcome = enum[runtimeCompletionObservedOutcomeNames]

type runtimeCompletionObservedOutcomeNames struct{}

func (runtimeCompletionObservedOutcomeNames) enumName() string {
	return "RuntimeCompletionObservedOutcome"
}
func (runtimeCompletionObservedOutcomeNames) variants() []string {
	return runtimeCompletionObservedOutcomeNamesList[:]
}

var runtimeCompletionObservedOutcomeNamesList = [...]string{"", "Completed", "CompletedWithoutResult", "CallbackPending", "Cancelled", "Abandoned", "RuntimeApplyFailed", "FinalizationFailed", "RuntimeTerminated"}

// RuntimeCompletionObservedOutcome variants.
const (
	ObservedOutcomeCompleted RuntimeCompletionObservedOutcome = 1 + iota
	ObservedOutcomeCompletedWithoutResult
	ObservedOutcomeCallbackPending
	ObservedOutcomeCancelled
	ObservedOutcomeAbandoned
	ObservedOutcomeRuntimeApplyFailed
	ObservedOutcomeFinalizationFailed
	ObservedOutcomeRuntimeTerminated
)

// RuntimeCompletionLiveSessionObservation is the DSL enumeration `RuntimeCompletionLiveSessionObservation`.
type RuntimeCompletionLiveSessionObservation = enum[runtimeCompletionLiveSessionObservationNames]

type runtimeCompletionLiveSessionObservationNames struct{}

func (runtimeCompletionLiveSessionObservationNames) enumName() string {
	return "RuntimeCompletionLiveSessionObservation"
}
func (runtimeCompletionLiveSessionObservationNames) variants() []string {
	return runtimeCompletionLiveSessionObservationNamesList[:]
}

var runtimeCompletionLiveSessionObservationNamesList = [...]string{"", "NotObserved", "Present", "Absent"}

// RuntimeCompletionLiveSessionObservation variants.
const (
	LiveSessionNotObserved RuntimeCompletionLiveSessionObservation = 1 + iota
	LiveSessionPresent
	LiveSessionAbsent
)

// RuntimeCompletionCleanupAction is the DSL enumeration `RuntimeCompletionCleanupAction`.
type RuntimeCompletionCleanupAction = enum[runtimeCompletionCleanupActionNames]

type runtimeCompletionCleanupActionNames struct{}

func (runtimeCompletionCleanupActionNames) enumName() string { return "RuntimeCompletionCleanupAction" }
func (runtimeCompletionCleanupActionNames) variants() []string {
	return runtimeCompletionCleanupActionNamesList[:]
}

var runtimeCompletionCleanupActionNamesList = [...]string{"", "RetainRuntime", "CleanupRuntime"}

// RuntimeCompletionCleanupAction variants.
const (
	CleanupRetainRuntime RuntimeCompletionCleanupAction = 1 + iota
	CleanupCleanupRuntime
)

// RuntimeCompletionPreAdmissionAction is the DSL enumeration `RuntimeCompletionPreAdmissionAction`.
type RuntimeCompletionPreAdmissionAction = enum[runtimeCompletionPreAdmissionActionNames]

type runtimeCompletionPreAdmissionActionNames struct{}

func (runtimeCompletionPreAdmissionActionNames) enumName() string {
	return "RuntimeCompletionPreAdmissionAction"
}
func (runtimeCompletionPreAdmissionActionNames) variants() []string {
	return runtimeCompletionPreAdmissionActionNamesList[:]
}

var runtimeCompletionPreAdmissionActionNamesList = [...]string{"", "RetainPreAdmission", "ReleasePreAdmission"}

// RuntimeCompletionPreAdmissionAction variants.
const (
	PreAdmissionRetainPreAdmission RuntimeCompletionPreAdmissionAction = 1 + iota
	PreAdmissionReleasePreAdmission
)

// RuntimeCompletionWaitFailureObservation is the DSL enumeration `RuntimeCompletionWaitFailureObservation`.
type RuntimeCompletionWaitFailureObservation = enum[runtimeCompletionWaitFailureObservationNames]

type runtimeCompletionWaitFailureObservationNames struct{}

func (runtimeCompletionWaitFailureObservationNames) enumName() string {
	return "RuntimeCompletionWaitFailureObservation"
}
func (runtimeCompletionWaitFailureObservationNames) variants() []string {
	return runtimeCompletionWaitFailureObservationNamesList[:]
}

var runtimeCompletionWaitFailureObservationNamesList = [...]string{"", "ChannelClosed", "AuthorityUnavailable"}

// RuntimeCompletionWaitFailureObservation variants.
const (
	WaitFailureChannelClosed RuntimeCompletionWaitFailureObservation = 1 + iota
	WaitFailureAuthorityUnavailable
)

// RuntimeCompletionWaitFailurePublicErrorClass is the DSL enumeration `RuntimeCompletionWaitFailurePublicErrorClass`.
type RuntimeCompletionWaitFailurePublicErrorClass = enum[runtimeCompletionWaitFailurePublicErrorClassNames]

type runtimeCompletionWaitFailurePublicErrorClassNames struct{}

func (runtimeCompletionWaitFailurePublicErrorClassNames) enumName() string {
	return "RuntimeCompletionWaitFailurePublicErrorClass"
}
func (runtimeCompletionWaitFailurePublicErrorClassNames) variants() []string {
	return runtimeCompletionWaitFailurePublicErrorClassNamesList[:]
}

var runtimeCompletionWaitFailurePublicErrorClassNamesList = [...]string{"", "InternalError"}

// RuntimeCompletionWaitFailurePublicErrorClass variants.
const (
	WaitFailureClassInternalError RuntimeCompletionWaitFailurePublicErrorClass = 1 + iota
)

// RuntimeCompletionWaitFailurePublicReason is the DSL enumeration `RuntimeCompletionWaitFailurePublicReason`.
type RuntimeCompletionWaitFailurePublicReason = enum[runtimeCompletionWaitFailurePublicReasonNames]

type runtimeCompletionWaitFailurePublicReasonNames struct{}

func (runtimeCompletionWaitFailurePublicReasonNames) enumName() string {
	return "RuntimeCompletionWaitFailurePublicReason"
}
func (runtimeCompletionWaitFailurePublicReasonNames) variants() []string {
	return runtimeCompletionWaitFailurePublicReasonNamesList[:]
}

var runtimeCompletionWaitFailurePublicReasonNamesList = [...]string{"", "CompletionChannelClosed", "CompletionAuthorityUnavailable"}

// RuntimeCompletionWaitFailurePublicReason variants.
const (
	WaitFailureReasonCompletionChannelClosed RuntimeCompletionWaitFailurePublicReason = 1 + iota
	WaitFailureReasonCompletionAuthorityUnavailable
)

// RuntimeOpsLifecycleDurabilityAction is the DSL enumeration `RuntimeOpsLifecycleDurabilityAction`.
type RuntimeOpsLifecycleDurabilityAction = enum[runtimeOpsLifecycleDurabilityActionNames]

type runtimeOpsLifecycleDurabilityActionNames struct{}

func (runtimeOpsLifecycleDurabilityActionNames) enumName() string {
	return "RuntimeOpsLifecycleDurabilityAction"
}
func (runtimeOpsLifecycleDurabilityActionNames) variants() []string {
	return runtimeOpsLifecycleDurabilityActionNamesList[:]
}

var runtimeOpsLifecycleDurabilityActionNamesList = [...]string{"", "RetainSnapshot", "DeleteSnapshot"}

// RuntimeOpsLifecycleDurabilityAction variants.
const (
	OpsDurabilityRetainSnapshot RuntimeOpsLifecycleDurabilityAction = 1 + iota
	OpsDurabilityDeleteSnapshot
)

// InputPhase is the DSL enumeration `InputPhase`.
type InputPhase = enum[inputPhaseNames]

type inputPhaseNames struct{}

func (inputPhaseNames) enumName() string   { return "InputPhase" }
func (inputPhaseNames) variants() []string { return inputPhaseNamesList[:] }

var inputPhaseNamesList = [...]string{"", "Queued", "Staged", "Applied", "AppliedPendingConsumption", "Consumed", "Superseded", "Coalesced", "Abandoned"}

// InputPhase variants.
const (
	InputQueued InputPhase = 1 + iota
	InputStaged
	InputApplied
	InputAppliedPendingConsumption
	InputConsumed
	InputSuperseded
	InputCoalesced
	InputAbandoned
)

// InputTerminalKind is the DSL enumeration `InputTerminalKind`.
type InputTerminalKind = enum[inputTerminalKindNames]

type inputTerminalKindNames struct{}

func (inputTerminalKindNames) enumName() string   { return "InputTerminalKind" }
func (inputTerminalKindNames) variants() []string { return inputTerminalKindNamesList[:] }

var inputTerminalKindNamesList = [...]string{"", "Consumed", "Superseded", "Coalesced", "Abandoned"}

// InputTerminalKind variants.
const (
	TerminalConsumed InputTerminalKind = 1 + iota
	TerminalSuperseded
	TerminalCoalesced
	TerminalAbandoned
)

// InputPublicLifecycleState is the DSL enumeration `InputPublicLifecycleState`.
type InputPublicLifecycleState = enum[inputPublicLifecycleStateNames]

type inputPublicLifecycleStateNames struct{}

func (inputPublicLifecycleStateNames) enumName() string { return "InputPublicLifecycleState" }
func (inputPublicLifecycleStateNames) variants() []string {
	return inputPublicLifecycleStateNamesList[:]
}

var inputPublicLifecycleStateNamesList = [...]string{"", "Accepted", "Queued", "Staged", "Applied", "AppliedPendingConsumption", "Consumed", "Superseded", "Coalesced", "Abandoned"}

// InputPublicLifecycleState variants.
const (
	PublicLifecycleAccepted InputPublicLifecycleState = 1 + iota
	PublicLifecycleQueued
	PublicLifecycleStaged
	PublicLifecycleApplied
	PublicLifecycleAppliedPendingConsumption
	PublicLifecycleConsumed
	PublicLifecycleSuperseded
	PublicLifecycleCoalesced
	PublicLifecycleAbandoned
)

// InputPublicTerminalOutcome is the DSL enumeration `InputPublicTerminalOutcome`.
type InputPublicTerminalOutcome = enum[inputPublicTerminalOutcomeNames]

type inputPublicTerminalOutcomeNames struct{}

func (inputPublicTerminalOutcomeNames) enumName() string { return "InputPublicTerminalOutcome" }
func (inputPublicTerminalOutcomeNames) variants() []string {
	return inputPublicTerminalOutcomeNamesList[:]
}

var inputPublicTerminalOutcomeNamesList = [...]string{"", "Completed", "Abandoned", "Superseded", "Coalesced", "Cancelled"}

// InputPublicTerminalOutcome variants.
const (
	PublicOutcomeCompleted InputPublicTerminalOutcome = 1 + iota
	PublicOutcomeAbandoned
	PublicOutcomeSuperseded
	PublicOutcomeCoalesced
	PublicOutcomeCancelled
)

// InputAbandonReason is the DSL enumeration `InputAbandonReason`.
type InputAbandonReason = enum[inputAbandonReasonNames]

type inputAbandonReasonNames struct{}

func (inputAbandonReasonNames) enumName() string   { return "InputAbandonReason" }
func (inputAbandonReasonNames) variants() []string { return inputAbandonReasonNamesList[:] }

var inputAbandonReasonNamesList = [...]string{"", "Retired", "Reset", "Stopped", "Destroyed", "Cancelled", "MaxAttemptsExhausted"}

// InputAbandonReason variants.
const (
	AbandonRetired InputAbandonReason = 1 + iota
	AbandonReset
	AbandonStopped
	AbandonDestroyed
	AbandonCancelled
	AbandonMaxAttemptsExhausted
)

// InputLane is the DSL enumeration `InputLane`.
type InputLane = enum[inputLaneNames]

type inputLaneNames struct{}

func (inputLaneNames) enumName() string   { return "InputLane" }
func (inputLaneNames) variants() []string { return inputLaneNamesList[:] }

var inputLaneNamesList = [...]string{"", "Queue", "Steer"}

// InputLane variants.
const (
	LaneQueue InputLane = 1 + iota
	LaneSteer
)

// AdmissionInputKind is the DSL enumeration `AdmissionInputKind`.
type AdmissionInputKind = enum[admissionInputKindNames]

type admissionInputKindNames struct{}

func (admissionInputKindNames) enumName() string   { return "AdmissionInputKind" }
func (admissionInputKindNames) variants() []string { return admissionInputKindNamesList[:] }

var admissionInputKindNamesList = [...]string{"", "Prompt", "PeerMessage", "PeerRequest", "PeerResponseProgress", "PeerResponseTerminal", "FlowStep", "ExternalEvent", "Continuation", "Operation"}

// AdmissionInputKind variants.
const (
	KindPrompt AdmissionInputKind = 1 + iota
	KindPeerMessage
	KindPeerRequest
	KindPeerResponseProgress
	KindPeerResponseTerminal
	KindFlowStep
	KindExternalEvent
	KindContinuation
	KindOperation
)

// AdmissionContinuationKind is the DSL enumeration `AdmissionContinuationKind`.
type AdmissionContinuationKind = enum[admissionContinuationKindNames]

type admissionContinuationKindNames struct{}

func (admissionContinuationKindNames) enumName() string { return "AdmissionContinuationKind" }
func (admissionContinuationKindNames) variants() []string {
	return admissionContinuationKindNamesList[:]
}

var admissionContinuationKindNamesList = [...]string{"", "Ordinary", "WorkgraphAttention"}

// AdmissionContinuationKind variants.
const (
	ContinuationOrdinary AdmissionContinuationKind = 1 + iota
	ContinuationWorkgraphAttention
)

// InputDurabilityKind is the DSL enumeration `InputDurabilityKind`.
type InputDurabilityKind = enum[inputDurabilityKindNames]

type inputDurabilityKindNames struct{}

func (inputDurabilityKindNames) enumName() string   { return "InputDurabilityKind" }
func (inputDurabilityKindNames) variants() []string { return inputDurabilityKindNamesList[:] }

var inputDurabilityKindNamesList = [...]string{"", "Durable", "Ephemeral", "Derived", "Missing"}

// InputDurabilityKind variants.
const (
	DurabilityDurable InputDurabilityKind = 1 + iota
	DurabilityEphemeral
	DurabilityDerived
	DurabilityMissing
)

// AdmissionInputOriginKind is the DSL enumeration `AdmissionInputOriginKind`.
type AdmissionInputOriginKind = enum[admissionInputOriginKindNames]

type admissionInputOriginKindNames struct{}

func (admissionInputOriginKindNames) enumName() string   { return "AdmissionInputOriginKind" }
func (admissionInputOriginKindNames) variants() []string { return admissionInputOriginKindNamesList[:] }

var admissionInputOriginKindNamesList = [...]string{"", "Operator", "Peer", "Flow", "System", "External"}

// AdmissionInputOriginKind variants.
const (
	OriginOperator AdmissionInputOriginKind = 1 + iota
	OriginPeer
	OriginFlow
	OriginSystem
	OriginExternal
)

// AdmissionPolicyApplyMode is the DSL enumeration `AdmissionPolicyApplyMode`.
type AdmissionPolicyApplyMode = enum[admissionPolicyApplyModeNames]

type admissionPolicyApplyModeNames struct{}

func (admissionPolicyApplyModeNames) enumName() string   { return "AdmissionPolicyApplyMode" }
func (admissionPolicyApplyModeNames) variants() []string { return admissionPolicyApplyModeNamesList[:] }

var admissionPolicyApplyModeNamesList = [...]string{"", "StageRunStart", "StageRunBoundary", "InjectNow", "Ignore"}

// AdmissionPolicyApplyMode variants.
const (
	ApplyStageRunStart AdmissionPolicyApplyMode = 1 + iota
	ApplyStageRunBoundary
	ApplyInjectNow
	ApplyIgnore
)

// AdmissionPolicyWakeMode is the DSL enumeration `AdmissionPolicyWakeMode`.
type AdmissionPolicyWakeMode = enum[admissionPolicyWakeModeNames]

type admissionPolicyWakeModeNames struct{}

func (admissionPolicyWakeModeNames) enumName() string   { return "AdmissionPolicyWakeMode" }
func (admissionPolicyWakeModeNames) variants() []string { return admissionPolicyWakeModeNamesList[:] }

var admissionPolicyWakeModeNamesList = [...]string{"", "WakeIfIdle", "InterruptYielding", "None"}

// AdmissionPolicyWakeMode variants.
const (
	WakeWakeIfIdle AdmissionPolicyWakeMode = 1 + iota
	WakeInterruptYielding
	WakeNone
)

// AdmissionPolicyQueueMode is the DSL enumeration `AdmissionPolicyQueueMode`.
type AdmissionPolicyQueueMode = enum[admissionPolicyQueueModeNames]

type admissionPolicyQueueModeNames struct{}

func (admissionPolicyQueueModeNames) enumName() string   { return "AdmissionPolicyQueueMode" }
func (admissionPolicyQueueModeNames) variants() []string { return admissionPolicyQueueModeNamesList[:] }

var admissionPolicyQueueModeNamesList = [...]string{"", "None", "Fifo", "Coalesce", "Supersede", "Priority"}

// AdmissionPolicyQueueMode variants.
const (
	QueueModeNone AdmissionPolicyQueueMode = 1 + iota
	QueueModeFifo
	QueueModeCoalesce
	QueueModeSupersede
	QueueModePriority
)

// AdmissionPolicyConsumePoint is the DSL enumeration `AdmissionPolicyConsumePoint`.
type AdmissionPolicyConsumePoint = enum[admissionPolicyConsumePointNames]

type admissionPolicyConsumePointNames struct{}

func (admissionPolicyConsumePointNames) enumName() string { return "AdmissionPolicyConsumePoint" }
func (admissionPolicyConsumePointNames) variants() []string {
	return admissionPolicyConsumePointNamesList[:]
}

var admissionPolicyConsumePointNamesList = [...]string{"", "OnAccept", "OnApply", "OnRunStart", "OnRunComplete", "ExplicitAck"}

// AdmissionPolicyConsumePoint variants.
const (
	ConsumePointOnAccept AdmissionPolicyConsumePoint = 1 + iota
	ConsumePointOnApply
	ConsumePointOnRunStart
	ConsumePointOnRunComplete
	ConsumePointExplicitAck
)

// AdmissionPolicyDrainPolicy is the DSL enumeration `AdmissionPolicyDrainPolicy`.
type AdmissionPolicyDrainPolicy = enum[admissionPolicyDrainPolicyNames]

type admissionPolicyDrainPolicyNames struct{}

func (admissionPolicyDrainPolicyNames) enumName() string { return "AdmissionPolicyDrainPolicy" }
func (admissionPolicyDrainPolicyNames) variants() []string {
	return admissionPolicyDrainPolicyNamesList[:]
}

var admissionPolicyDrainPolicyNamesList = [...]string{"", "QueueNextTurn", "SteerBatch", "Immediate", "Ignore"}

// AdmissionPolicyDrainPolicy variants.
const (
	DrainQueueNextTurn AdmissionPolicyDrainPolicy = 1 + iota
	DrainSteerBatch
	DrainImmediate
	DrainIgnore
)

// AdmissionRoutingDisposition is the DSL enumeration `AdmissionRoutingDisposition`.
type AdmissionRoutingDisposition = enum[admissionRoutingDispositionNames]

type admissionRoutingDispositionNames struct{}

func (admissionRoutingDispositionNames) enumName() string { return "AdmissionRoutingDisposition" }
func (admissionRoutingDispositionNames) variants() []string {
	return admissionRoutingDispositionNamesList[:]
}

var admissionRoutingDispositionNamesList = [...]string{"", "Queue", "Steer", "Immediate", "Drop"}

// AdmissionRoutingDisposition variants.
const (
	RoutingQueue AdmissionRoutingDisposition = 1 + iota
	RoutingSteer
	RoutingImmediate
	RoutingDrop
)

// AdmissionRunApplyBoundary is the DSL enumeration `AdmissionRunApplyBoundary`.
type AdmissionRunApplyBoundary = enum[admissionRunApplyBoundaryNames]

type admissionRunApplyBoundaryNames struct{}

func (admissionRunApplyBoundaryNames) enumName() string { return "AdmissionRunApplyBoundary" }
func (admissionRunApplyBoundaryNames) variants() []string {
	return admissionRunApplyBoundaryNamesList[:]
}

var admissionRunApplyBoundaryNamesList = [...]string{"", "RunStart", "RunCheckpoint", "Immediate"}

// AdmissionRunApplyBoundary variants.
const (
	BoundaryRunStart AdmissionRunApplyBoundary = 1 + iota
	BoundaryRunCheckpoint
	BoundaryImmediate
)

// AdmissionRuntimeExecutionKind is the DSL enumeration `AdmissionRuntimeExecutionKind`.
type AdmissionRuntimeExecutionKind = enum[admissionRuntimeExecutionKindNames]

type admissionRuntimeExecutionKindNames struct{}

func (admissionRuntimeExecutionKindNames) enumName() string { return "AdmissionRuntimeExecutionKind" }
func (admissionRuntimeExecutionKindNames) variants() []string {
	return admissionRuntimeExecutionKindNamesList[:]
}

var admissionRuntimeExecutionKindNamesList = [...]string{"", "ContentTurn", "ResumePending"}

// AdmissionRuntimeExecutionKind variants.
const (
	ExecutionContentTurn AdmissionRuntimeExecutionKind = 1 + iota
	ExecutionResumePending
)

// AdmissionPeerResponseTerminalApplyIntent is the DSL enumeration `AdmissionPeerResponseTerminalApplyIntent`.
type AdmissionPeerResponseTerminalApplyIntent = enum[admissionPeerResponseTerminalApplyIntentNames]

type admissionPeerResponseTerminalApplyIntentNames struct{}

func (admissionPeerResponseTerminalApplyIntentNames) enumName() string {
	return "AdmissionPeerResponseTerminalApplyIntent"
}
func (admissionPeerResponseTerminalApplyIntentNames) variants() []string {
	return admissionPeerResponseTerminalApplyIntentNamesList[:]
}

var admissionPeerResponseTerminalApplyIntentNamesList = [...]string{"", "AppendContextAndRun"}

// AdmissionPeerResponseTerminalApplyIntent variants.
const (
	IntentAppendContextAndRun AdmissionPeerResponseTerminalApplyIntent = 1 + iota
)

// AdmissionPlanKind is the DSL enumeration `AdmissionPlanKind`.
type AdmissionPlanKind = enum[admissionPlanKindNames]

type admissionPlanKindNames struct{}

func (admissionPlanKindNames) enumName() string   { return "AdmissionPlanKind" }
func (admissionPlanKindNames) variants() []string { return admissionPlanKindNamesList[:] }

var admissionPlanKindNamesList = [...]string{"", "ConsumedOnAccept", "Queued"}

// AdmissionPlanKind variants.
const (
	PlanConsumedOnAccept AdmissionPlanKind = 1 + iota
	PlanQueued
)

// AdmissionQueueActionKind is the DSL enumeration `AdmissionQueueActionKind`.
type AdmissionQueueActionKind = enum[admissionQueueActionKindNames]

type admissionQueueActionKindNames struct{}

func (admissionQueueActionKindNames) enumName() string   { return "AdmissionQueueActionKind" }
func (admissionQueueActionKindNames) variants() []string { return admissionQueueActionKindNamesList[:] }

var admissionQueueActionKindNamesList = [...]string{"", "None", "EnqueueTo", "EnqueueFront"}

// AdmissionQueueActionKind variants.
const (
	QueueActionNone AdmissionQueueActionKind = 1 + iota
	QueueActionEnqueueTo
	QueueActionEnqueueFront
)

// AdmissionExistingQueuedActionKind is the DSL enumeration `AdmissionExistingQueuedActionKind`.
type AdmissionExistingQueuedActionKind = enum[admissionExistingQueuedActionKindNames]

type admissionExistingQueuedActionKindNames struct{}

func (admissionExistingQueuedActionKindNames) enumName() string {
	return "AdmissionExistingQueuedActionKind"
}
func (admissionExistingQueuedActionKindNames) variants() []string {
	return admissionExistingQueuedActionKindNamesList[:]
}

var admissionExistingQueuedActionKindNamesList = [...]string{"", "None", "Coalesce", "Supersede"}

// AdmissionExistingQueuedActionKind variants.
const (
	ExistingNone AdmissionExistingQueuedActionKind = 1 + iota
	ExistingCoalesce
	ExistingSupersede
)

// AdmissionIdempotencyResultKind is the DSL enumeration `AdmissionIdempotencyResultKind`.
type AdmissionIdempotencyResultKind = enum[admissionIdempotencyResultKindNames]

type admissionIdempotencyResultKindNames struct{}

func (admissionIdempotencyResultKindNames) enumName() string { return "AdmissionIdempotencyResultKind" }
func (admissionIdempotencyResultKindNames) variants() []string {
	return admissionIdempotencyResultKindNamesList[:]
}

var admissionIdempotencyResultKindNamesList = [...]string{"", "Accept", "Deduplicated"}

// AdmissionIdempotencyResultKind variants.
const (
	IdempotencyAccept AdmissionIdempotencyResultKind = 1 + iota
	IdempotencyDeduplicated
)

// AdmissionValidationResultKind is the DSL enumeration `AdmissionValidationResultKind`.
type AdmissionValidationResultKind = enum[admissionValidationResultKindNames]

type admissionValidationResultKindNames struct{}

func (admissionValidationResultKindNames) enumName() string { return "AdmissionValidationResultKind" }
func (admissionValidationResultKindNames) variants() []string {
	return admissionValidationResultKindNamesList[:]
}

var admissionValidationResultKindNamesList = [...]string{"", "Accept", "Reject"}

// AdmissionValidationResultKind variants.
const (
	ValidationAccept AdmissionValidationResultKind = 1 + iota
	ValidationReject
)

// PeerResponseTerminalObservedStatus is the DSL enumeration `PeerResponseTerminalObservedStatus`.
type PeerResponseTerminalObservedStatus = enum[peerResponseTerminalObservedStatusNames]

type peerResponseTerminalObservedStatusNames struct{}

func (peerResponseTerminalObservedStatusNames) enumName() string {
	return "PeerResponseTerminalObservedStatus"
}
func (peerResponseTerminalObservedStatusNames) variants() []string {
	return peerResponseTerminalObservedStatusNamesList[:]
}

var peerResponseTerminalObservedStatusNamesList = [...]string{"", "NotPeerTerminal", "Completed", "Failed", "Cancelled"}

// PeerResponseTerminalObservedStatus variants.
const (
	PeerTerminalNotPeerTerminal PeerResponseTerminalObservedStatus = 1 + iota
	PeerTerminalCompleted
	PeerTerminalFailed
	PeerTerminalCancelled
)

// AdmissionRejectReasonKind is the DSL enumeration `AdmissionRejectReasonKind`.
type AdmissionRejectReasonKind = enum[admissionRejectReasonKindNames]

type admissionRejectReasonKindNames struct{}

func (admissionRejectReasonKindNames) enumName() string { return "AdmissionRejectReasonKind" }
func (admissionRejectReasonKindNames) variants() []string {
	return admissionRejectReasonKindNamesList[:]
}

var admissionRejectReasonKindNamesList = [...]string{"", "DurabilityMissing", "ExternalDerivedDurabilityForbidden", "DerivedDurabilityForbiddenForInputKind", "PeerHandlingModeInvalid", "PeerResponseTerminalInvalid"}

// AdmissionRejectReasonKind variants.
const (
	RejectDurabilityMissing AdmissionRejectReasonKind = 1 + iota
	RejectExternalDerivedDurabilityForbidden
	RejectDerivedDurabilityForbiddenForInputKind
	RejectPeerHandlingModeInvalid
	RejectPeerResponseTerminalInvalid
)

// PostAdmissionSignalKind is the DSL enumeration `PostAdmissionSignalKind`.
type PostAdmissionSignalKind = enum[postAdmissionSignalKindNames]

type postAdmissionSignalKindNames struct{}

func (postAdmissionSignalKindNames) enumName() string   { return "PostAdmissionSignalKind" }
func (postAdmissionSignalKindNames) variants() []string { return postAdmissionSignalKindNamesList[:] }

var postAdmissionSignalKindNamesList = [...]string{"", "WakeLoop", "InterruptYielding", "RequestImmediateProcessing"}

// PostAdmissionSignalKind variants.
const (
	SignalWakeLoop PostAdmissionSignalKind = 1 + iota
	SignalInterruptYielding
	SignalRequestImmediateProcessing
)

// RecoveredInputObservedPhase is the DSL enumeration `RecoveredInputObservedPhase`.
type RecoveredInputObservedPhase = enum[recoveredInputObservedPhaseNames]

type recoveredInputObservedPhaseNames struct{}

func (recoveredInputObservedPhaseNames) enumName() string { return "RecoveredInputObservedPhase" }
func (recoveredInputObservedPhaseNames) variants() []string {
	return recoveredInputObservedPhaseNamesList[:]
}

var recoveredInputObservedPhaseNamesList = [...]string{"", "Accepted", "Queued", "Staged", "Applied", "AppliedPendingConsumption", "Consumed", "Superseded", "Coalesced", "Abandoned"}

// RecoveredInputObservedPhase variants.
const (
	RecoveredAccepted RecoveredInputObservedPhase = 1 + iota
	RecoveredQueued
	RecoveredStaged
	RecoveredApplied
	RecoveredAppliedPendingConsumption
	RecoveredConsumed
	RecoveredSuperseded
	RecoveredCoalesced
	RecoveredAbandoned
)

// LiveOpenAdmissionRejection is the DSL enumeration `LiveOpenAdmissionRejection`.
type LiveOpenAdmissionRejection = enum[liveOpenAdmissionRejectionNames]

type liveOpenAdmissionRejectionNames struct{}

func (liveOpenAdmissionRejectionNames) enumName() string { return "LiveOpenAdmissionRejection" }
func (liveOpenAdmissionRejectionNames) variants() []string {
	return liveOpenAdmissionRejectionNamesList[:]
}

var liveOpenAdmissionRejectionNamesList = [...]string{"", "AlreadyBound", "ChannelAlreadyBound", "TopologyReconfiguring"}

// LiveOpenAdmissionRejection variants.
const (
	OpenAlreadyBound LiveOpenAdmissionRejection = 1 + iota
	OpenChannelAlreadyBound
	OpenTopologyReconfiguring
)

// LiveRefreshPublicStatus is the DSL enumeration `LiveRefreshPublicStatus`.
type LiveRefreshPublicStatus = enum[liveRefreshPublicStatusNames]

type liveRefreshPublicStatusNames struct{}

func (liveRefreshPublicStatusNames) enumName() string   { return "LiveRefreshPublicStatus" }
func (liveRefreshPublicStatusNames) variants() []string { return liveRefreshPublicStatusNamesList[:] }

var liveRefreshPublicStatusNamesList = [...]string{"", "Queued"}

// LiveRefreshPublicStatus variants.
const (
	RefreshQueued LiveRefreshPublicStatus = 1 + iota
)

// LiveClosePublicStatus is the DSL enumeration `LiveClosePublicStatus`.
type LiveClosePublicStatus = enum[liveClosePublicStatusNames]

type liveClosePublicStatusNames struct{}

func (liveClosePublicStatusNames) enumName() string   { return "LiveClosePublicStatus" }
func (liveClosePublicStatusNames) variants() []string { return liveClosePublicStatusNamesList[:] }

var liveClosePublicStatusNamesList = [...]string{"", "Closed"}

// LiveClosePublicStatus variants.
const (
	CloseClosed LiveClosePublicStatus = 1 + iota
)

// LiveCommandPublicKind is the DSL enumeration `LiveCommandPublicKind`.
type LiveCommandPublicKind = enum[liveCommandPublicKindNames]

type liveCommandPublicKindNames struct{}

func (liveCommandPublicKindNames) enumName() string   { return "LiveCommandPublicKind" }
func (liveCommandPublicKindNames) variants() []string { return liveCommandPublicKindNamesList[:] }

var liveCommandPublicKindNamesList = [...]string{"", "SendInput", "CommitInput", "Interrupt", "TruncateAssistantOutput"}

// LiveCommandPublicKind variants.
const (
	CommandSendInput LiveCommandPublicKind = 1 + iota
	CommandCommitInput
	CommandInterrupt
	CommandTruncateAssistantOutput
)

// LiveCommandRejectionReason is the DSL enumeration `LiveCommandRejectionReason`.
type LiveCommandRejectionReason = enum[liveCommandRejectionReasonNames]

type liveCommandRejectionReasonNames struct{}

func (liveCommandRejectionReasonNames) enumName() string { return "LiveCommandRejectionReason" }
func (liveCommandRejectionReasonNames) variants() []string {
	return liveCommandRejectionReasonNamesList[:]
}

var liveCommandRejectionReasonNamesList = [...]string{"", "ChannelNotFound", "NoAdapter", "ChannelNotReady", "UnsupportedCommand", "AdapterError", "InternalHostError"}

// LiveCommandRejectionReason variants.
const (
	CommandRejectionChannelNotFound LiveCommandRejectionReason = 1 + iota
	CommandRejectionNoAdapter
	CommandRejectionChannelNotReady
	CommandRejectionUnsupportedCommand
	CommandRejectionAdapterError
	CommandRejectionInternalHostError
)

// LiveCommandRejectionPublicErrorClass is the DSL enumeration `LiveCommandRejectionPublicErrorClass`.
type LiveCommandRejectionPublicErrorClass = enum[liveCommandRejectionPublicErrorClassNames]

type liveCommandRejectionPublicErrorClassNames struct{}

func (liveCommandRejectionPublicErrorClassNames) enumName() string {
	return "LiveCommandRejectionPublicErrorClass"
}
func (liveCommandRejectionPublicErrorClassNames) variants() []string {
	return liveCommandRejectionPublicErrorClassNamesList[:]
}

var liveCommandRejectionPublicErrorClassNamesList = [...]string{"", "InvalidParams", "InternalError"}

// LiveCommandRejectionPublicErrorClass variants.
const (
	CommandClassInvalidParams LiveCommandRejectionPublicErrorClass = 1 + iota
	CommandClassInternalError
)

// LiveChannelRequestPublicKind is the DSL enumeration `LiveChannelRequestPublicKind`.
type LiveChannelRequestPublicKind = enum[liveChannelRequestPublicKindNames]

type liveChannelRequestPublicKindNames struct{}

func (liveChannelRequestPublicKindNames) enumName() string { return "LiveChannelRequestPublicKind" }
func (liveChannelRequestPublicKindNames) variants() []string {
	return liveChannelRequestPublicKindNamesList[:]
}

var liveChannelRequestPublicKindNamesList = [...]string{"", "Status", "Close", "Refresh", "WebrtcAnswer"}

// LiveChannelRequestPublicKind variants.
const (
	RequestStatus LiveChannelRequestPublicKind = 1 + iota
	RequestClose
	RequestRefresh
	RequestWebrtcAnswer
)

// LiveChannelRequestRejectionReason is the DSL enumeration `LiveChannelRequestRejectionReason`.
type LiveChannelRequestRejectionReason = enum[liveChannelRequestRejectionReasonNames]

type liveChannelRequestRejectionReasonNames struct{}

func (liveChannelRequestRejectionReasonNames) enumName() string {
	return "LiveChannelRequestRejectionReason"
}
func (liveChannelRequestRejectionReasonNames) variants() []string {
	return liveChannelRequestRejectionReasonNamesList[:]
}

var liveChannelRequestRejectionReasonNamesList = [...]string{"", "ChannelNotFound", "NoAdapter", "InvalidToken", "InvalidPayload", "WebrtcAnswerError", "InternalHostError"}

// LiveChannelRequestRejectionReason variants.
const (
	RequestRejectionChannelNotFound LiveChannelRequestRejectionReason = 1 + iota
	RequestRejectionNoAdapter
	RequestRejectionInvalidToken
	RequestRejectionInvalidPayload
	RequestRejectionWebrtcAnswerError
	RequestRejectionInternalHostError
)

// LiveChannelRequestRejectionPublicErrorClass is the DSL enumeration `LiveChannelRequestRejectionPublicErrorClass`.
type LiveChannelRequestRejectionPublicErrorClass = enum[liveChannelRequestRejectionPublicErrorClassNames]

type liveChannelRequestRejectionPublicErrorClassNames struct{}

func (liveChannelRequestRejectionPublicErrorClassNames) enumName() string {
	return "LiveChannelRequestRejectionPublicErrorClass"
}
func (liveChannelRequestRejectionPublicErrorClassNames) variants() []string {
	return liveChannelRequestRejectionPublicErrorClassNamesList[:]
}

var liveChannelRequestRejectionPublicErrorClassNamesList = [...]string{"", "InvalidParams", "InternalError"}

// LiveChannelRequestRejectionPublicErrorClass variants.
const (
	RequestClassInvalidParams LiveChannelRequestRejectionPublicErrorClass = 1 + iota
	RequestClassInternalError
)

// LiveWebrtcAnswerAdmissionRejection is the DSL enumeration `LiveWebrtcAnswerAdmissionRejection`.
type LiveWebrtcAnswerAdmissionRejection = enum[liveWebrtcAnswerAdmissionRejectionNames]

type liveWebrtcAnswerAdmissionRejectionNames struct{}

func (liveWebrtcAnswerAdmissionRejectionNames) enumName() string {
	return "LiveWebrtcAnswerAdmissionRejection"
}
func (liveWebrtcAnswerAdmissionRejectionNames) variants() []string {
	return liveWebrtcAnswerAdmissionRejectionNamesList[:]
}

var liveWebrtcAnswerAdmissionRejectionNamesList = [...]string{"", "TokenNotFound", "TokenExpired", "TokenChannelMismatch", "TokenAlreadyConsumed", "ChannelNotBound"}

// LiveWebrtcAnswerAdmissionRejection variants.
const (
	WebrtcTokenNotFound LiveWebrtcAnswerAdmissionRejection = 1 + iota
	WebrtcTokenExpired
	WebrtcTokenChannelMismatch
	WebrtcTokenAlreadyConsumed
	WebrtcChannelNotBound
)

// LiveWebsocketTokenAdmissionRejection is the DSL enumeration `LiveWebsocketTokenAdmissionRejection`.
type LiveWebsocketTokenAdmissionRejection = enum[liveWebsocketTokenAdmissionRejectionNames]

type liveWebsocketTokenAdmissionRejectionNames struct{}

func (liveWebsocketTokenAdmissionRejectionNames) enumName() string {
	return "LiveWebsocketTokenAdmissionRejection"
}
func (liveWebsocketTokenAdmissionRejectionNames) variants() []string {
	return liveWebsocketTokenAdmissionRejectionNamesList[:]
}

var liveWebsocketTokenAdmissionRejectionNamesList = [...]string{"", "TokenNotFound", "TokenExpired", "TokenChannelMismatch", "TokenAlreadyConsumed", "ChannelNotBound"}

// LiveWebsocketTokenAdmissionRejection variants.
const (
	WebsocketTokenNotFound LiveWebsocketTokenAdmissionRejection = 1 + iota
	WebsocketTokenExpired
	WebsocketTokenChannelMismatch
	WebsocketTokenAlreadyConsumed
	WebsocketChannelNotBound
)

// LiveWebsocketTokenAdmissionPublicErrorClass is the DSL enumeration `LiveWebsocketTokenAdmissionPublicErrorClass`.
type LiveWebsocketTokenAdmissionPublicErrorClass = enum[liveWebsocketTokenAdmissionPublicErrorClassNames]

type liveWebsocketTokenAdmissionPublicErrorClassNames struct{}

func (liveWebsocketTokenAdmissionPublicErrorClassNames) enumName() string {
	return "LiveWebsocketTokenAdmissionPublicErrorClass"
}
func (liveWebsocketTokenAdmissionPublicErrorClassNames) variants() []string {
	return liveWebsocketTokenAdmissionPublicErrorClassNamesList[:]
}

var liveWebsocketTokenAdmissionPublicErrorClassNamesList = [...]string{"", "InvalidToken"}

// LiveWebsocketTokenAdmissionPublicErrorClass variants.
const (
	WebsocketClassInvalidToken LiveWebsocketTokenAdmissionPublicErrorClass = 1 + iota
)

// LiveWebrtcAnswerPublicStatus is the DSL enumeration `LiveWebrtcAnswerPublicStatus`.
type LiveWebrtcAnswerPublicStatus = enum[liveWebrtcAnswerPublicStatusNames]

type liveWebrtcAnswerPublicStatusNames struct{}

func (liveWebrtcAnswerPublicStatusNames) enumName() string { return "LiveWebrtcAnswerPublicStatus" }
func (liveWebrtcAnswerPublicStatusNames) variants() []string {
	return liveWebrtcAnswerPublicStatusNamesList[:]
}

var liveWebrtcAnswerPublicStatusNamesList = [...]string{"", "Answered"}

// LiveWebrtcAnswerPublicStatus variants.
const (
	AnswerAnswered LiveWebrtcAnswerPublicStatus = 1 + iota
)

// LiveChannelPublicStatus is the DSL enumeration `LiveChannelPublicStatus`.
type LiveChannelPublicStatus = enum[liveChannelPublicStatusNames]

type liveChannelPublicStatusNames struct{}

func (liveChannelPublicStatusNames) enumName() string   { return "LiveChannelPublicStatus" }
func (liveChannelPublicStatusNames) variants() []string { return liveChannelPublicStatusNamesList[:] }

var liveChannelPublicStatusNamesList = [...]string{"", "Idle", "Opening", "Ready", "Degraded", "Closing", "Closed"}

// LiveChannelPublicStatus variants.
const (
	LiveStatusIdle LiveChannelPublicStatus = 1 + iota
	LiveStatusOpening
	LiveStatusReady
	LiveStatusDegraded
	LiveStatusClosing
	LiveStatusClosed
)

// LiveChannelDegradationReason is the DSL enumeration `LiveChannelDegradationReason`.
type LiveChannelDegradationReason = enum[liveChannelDegradationReasonNames]

type liveChannelDegradationReasonNames struct{}

func (liveChannelDegradationReasonNames) enumName() string { return "LiveChannelDegradationReason" }
func (liveChannelDegradationReasonNames) variants() []string {
	return liveChannelDegradationReasonNamesList[:]
}

var liveChannelDegradationReasonNamesList = [...]string{"", "Unknown", "RateLimited", "ProviderThrottled", "NetworkUnstable", "Other"}

// LiveChannelDegradationReason variants.
const (
	DegradationUnknown LiveChannelDegradationReason = 1 + iota
	DegradationRateLimited
	DegradationProviderThrottled
	DegradationNetworkUnstable
	DegradationOther
)

// SessionLlmCapabilitySurfaceStatus is the DSL enumeration `SessionLlmCapabilitySurfaceStatus`.
type SessionLlmCapabilitySurfaceStatus = enum[sessionLlmCapabilitySurfaceStatusNames]

type sessionLlmCapabilitySurfaceStatusNames struct{}

func (sessionLlmCapabilitySurfaceStatusNames) enumName() string {
	return "SessionLlmCapabilitySurfaceStatus"
}
func (sessionLlmCapabilitySurfaceStatusNames) variants() []string {
	return sessionLlmCapabilitySurfaceStatusNamesList[:]
}

var sessionLlmCapabilitySurfaceStatusNamesList = [...]string{"", "Resolved", "Unresolved"}

// SessionLlmCapabilitySurfaceStatus variants.
const (
	SurfaceResolved SessionLlmCapabilitySurfaceStatus = 1 + iota
	SurfaceUnresolved
)

// Provider is the DSL enumeration `Provider`.
type Provider = enum[providerNames]

type providerNames struct{}

func (providerNames) enumName() string   { return "Provider" }
func (providerNames) variants() []string { return providerNamesList[:] }

var providerNamesList = [...]string{"", "Anthropic", "OpenAI", "Gemini", "SelfHosted", "Other"}

// Provider variants.
const (
	ProviderAnthropic Provider = 1 + iota
	ProviderOpenAI
	ProviderGemini
	ProviderSelfHosted
	ProviderOther
)

// ToolFilterKind is the DSL enumeration `ToolFilter`.
type ToolFilterKind = enum[toolFilterKindNames]

type toolFilterKindNames struct{}

func (toolFilterKindNames) enumName() string   { return "ToolFilter" }
func (toolFilterKindNames) variants() []string { return toolFilterKindNamesList[:] }

var toolFilterKindNamesList = [...]string{"", "All", "Allow", "Deny"}

// ToolFilterKind variants.
const (
	FilterAll ToolFilterKind = 1 + iota
	FilterAllow
	FilterDeny
)

// RealtimeBindingState is the DSL enumeration `RealtimeBindingState`.
type RealtimeBindingState = enum[realtimeBindingStateNames]

type realtimeBindingStateNames struct{}

func (realtimeBindingStateNames) enumName() string   { return "RealtimeBindingState" }
func (realtimeBindingStateNames) variants() []string { return realtimeBindingStateNamesList[:] }

var realtimeBindingStateNamesList = [...]string{"", "Unbound", "BindingNotReady", "BindingReady", "ReplacementPending"}

// RealtimeBindingState variants.
const (
	BindingUnbound RealtimeBindingState = 1 + iota
	BindingBindingNotReady
	BindingBindingReady
	BindingReplacementPending
)

// LiveTopologyPhase is the DSL enumeration `LiveTopologyPhase`.
type LiveTopologyPhase = enum[liveTopologyPhaseNames]

type liveTopologyPhaseNames struct{}

func (liveTopologyPhaseNames) enumName() string   { return "LiveTopologyPhase" }
func (liveTopologyPhaseNames) variants() []string { return liveTopologyPhaseNamesList[:] }

var liveTopologyPhaseNamesList = [...]string{"", "Idle", "Reconfiguring", "Detached", "HostIdentityApplied", "HostVisibilityApplied"}

// LiveTopologyPhase variants.
const (
	TopologyIdle LiveTopologyPhase = 1 + iota
	TopologyReconfiguring
	TopologyDetached
	TopologyHostIdentityApplied
	TopologyHostVisibilityApplied
)

// RealtimeReconnectCycleState is the DSL enumeration `RealtimeReconnectCycleState`.
type RealtimeReconnectCycleState = enum[realtimeReconnectCycleStateNames]

type realtimeReconnectCycleStateNames struct{}

func (realtimeReconnectCycleStateNames) enumName() string { return "RealtimeReconnectCycleState" }
func (realtimeReconnectCycleStateNames) variants() []string {
	return realtimeReconnectCycleStateNamesList[:]
}

var realtimeReconnectCycleStateNamesList = [...]string{"", "Idle", "Reconnecting", "Exhausted"}

// RealtimeReconnectCycleState variants.
const (
	ReconnectIdle RealtimeReconnectCycleState = 1 + iota
	ReconnectReconnecting
	ReconnectExhausted
)

// RealtimeAttachmentStatus is the DSL enumeration `RealtimeAttachmentStatus`.
type RealtimeAttachmentStatus = enum[realtimeAttachmentStatusNames]

type realtimeAttachmentStatusNames struct{}

func (realtimeAttachmentStatusNames) enumName() string   { return "RealtimeAttachmentStatus" }
func (realtimeAttachmentStatusNames) variants() []string { return realtimeAttachmentStatusNamesList[:] }

var realtimeAttachmentStatusNamesList = [...]string{"", "Unattached", "IntentPresentUnbound", "BindingNotReady", "BindingReady", "ReplacementPending", "ReattachRequired"}

// RealtimeAttachmentStatus variants.
const (
	AttachmentUnattached RealtimeAttachmentStatus = 1 + iota
	AttachmentIntentPresentUnbound
	AttachmentBindingNotReady
	AttachmentBindingReady
	AttachmentReplacementPending
	AttachmentReattachRequired
)

// RealtimeChannelState is the DSL enumeration `RealtimeChannelState`.
type RealtimeChannelState = enum[realtimeChannelStateNames]

type realtimeChannelStateNames struct{}

func (realtimeChannelStateNames) enumName() string   { return "RealtimeChannelState" }
func (realtimeChannelStateNames) variants() []string { return realtimeChannelStateNamesList[:] }

var realtimeChannelStateNamesList = [...]string{"", "Closed", "Opening", "Ready", "Reconnecting", "Error"}

// RealtimeChannelState variants.
const (
	RealtimeChannelClosed RealtimeChannelState = 1 + iota
	RealtimeChannelOpening
	RealtimeChannelReady
	RealtimeChannelReconnecting
	RealtimeChannelError
)

// ToolSourceKind is the DSL enumeration `ToolSourceKind` (where a tool came from).
type ToolSourceKind = enum[toolSourceKindNames]

type toolSourceKindNames struct{}

func (toolSourceKindNames) enumName() string   { return "ToolSourceKind" }
func (toolSourceKindNames) variants() []string { return toolSourceKindNamesList[:] }

var toolSourceKindNamesList = [...]string{"", "Builtin", "Shell", "Comms", "Memory", "Schedule", "WorkGraph", "Mob", "Callback", "Mcp", "RustBundle"}

// ToolSourceKind variants.
const (
	SourceBuiltin ToolSourceKind = 1 + iota
	SourceShell
	SourceComms
	SourceMemory
	SourceSchedule
	SourceWorkGraph
	SourceMob
	SourceCallback
	SourceMcp
	SourceRustBundle
)
