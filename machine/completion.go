package machine

// This file holds the completion authority of spec §6: which public class a finished
// run's waiters receive (ResolveRuntimeCompletionResult), whether the runtime is cleaned
// up after a delivered outcome (ResolveRuntimeCompletionCleanup, preview only), and how a
// broken wait is reported (ResolveRuntimeCompletionWaitFailure, preview only). None of
// them changes the state: they are decision tables read through their effects.

// ResolveRuntimeCompletionResult asks which completion class the waiters of a run
// receive (spec §6.2).
type ResolveRuntimeCompletionResult struct {
	RunID        Opt[string]                              `json:"run_id,omitzero"`
	Terminal     RuntimeCompletionTerminalObservation     `json:"terminal"`
	Finalization RuntimeCompletionFinalizationObservation `json:"finalization"`
}

// Name returns "ResolveRuntimeCompletionResult".
func (ResolveRuntimeCompletionResult) Name() string { return "ResolveRuntimeCompletionResult" }

func (in ResolveRuntimeCompletionResult) step(s *State) (Effects, error) {
	return step(s, in, resolveCompletionResultRules)
}

type completionResult = ResolveRuntimeCompletionResult

var (
	completionRegistered = guard[completionResult]{"session_registered", func(s *State, _ completionResult) bool { return s.registered() }}
	completionCorrelated = guard[completionResult]{"run_correlated: run_id equals the run whose result may be published", func(s *State, in completionResult) bool {
		return in.RunID.Present() && s.RuntimeCompletionResultRunID == in.RunID
	}}
	completionCorrelatedOrCurrent = guard[completionResult]{"run_correlated: run_id equals the published or the current run", func(s *State, in completionResult) bool {
		return in.RunID.Present() && (s.RuntimeCompletionResultRunID == in.RunID || s.CurrentRunID == in.RunID)
	}}
	completionMachineFailed = guard[completionResult]{"machine_failed: terminal_outcome is Failed, BudgetExhausted, TimeBudgetExceeded or StructuredOutputValidationFailed", func(s *State, _ completionResult) bool {
		switch s.TerminalOutcome.Get() {
		case OutcomeFailed, OutcomeBudgetExhausted, OutcomeTimeBudgetExceeded, OutcomeStructuredOutputValidationFailed:
			return s.TerminalOutcome.Present()
		}
		return false
	}}
	completionCauseKnown = guard[completionResult]{"machine_failure_cause_known: terminal_cause_kind is known", func(s *State, _ completionResult) bool {
		return s.TerminalCauseKind.Present() && !s.TerminalCauseKind.Is(CauseUnknown)
	}}
)

func finalizationIs(f RuntimeCompletionFinalizationObservation) guard[completionResult] {
	return guard[completionResult]{"finalization is " + f.String(), func(_ *State, in completionResult) bool { return in.Finalization == f }}
}

func terminalIs(ts ...RuntimeCompletionTerminalObservation) guard[completionResult] {
	name := "terminal is " + ts[0].String()
	for _, t := range ts[1:] {
		name += " or " + t.String()
	}
	return guard[completionResult]{name, func(_ *State, in completionResult) bool {
		for _, t := range ts {
			if in.Terminal == t {
				return true
			}
		}
		return false
	}}
}

// completionArm is one row of the §6.2 table.
func completionArm(name string, from phaseSet, class RuntimeCompletionResultClass, outcome RuntimeCompletionObservedOutcome, guards ...guard[completionResult]) rule[completionResult] {
	return rule[completionResult]{
		name: name, from: from,
		guards: append([]guard[completionResult]{completionRegistered}, guards...),
		emit: func(s *State, in completionResult) Effects {
			return Effects{RuntimeCompletionResultResolved{
				SessionID: s.SessionID.Get(), AgentRuntimeID: s.ActiveRuntimeID, FenceToken: s.ActiveFenceToken,
				RuntimeGeneration: s.ActiveRuntimeGeneration, RuntimeEpochID: s.ActiveRuntimeEpochID,
				RunID: in.RunID, ResultClass: class, CleanupOutcome: outcome,
			}}
		},
	}
}

var (
	succeeded = finalizationIs(FinalizationSucceeded)
	failed    = finalizationIs(FinalizationFailed)
	noRunID   = guard[completionResult]{"no_run_result: run_id is absent", func(_ *State, in completionResult) bool { return !in.RunID.Present() }}
)

var resolveCompletionResultRules = []rule[completionResult]{
	completionArm("ResolveRuntimeCompletionResultCompleted", aliveStates, ResultClassCompleted, ObservedOutcomeCompleted,
		completionCorrelated, succeeded, terminalIs(TerminalRunResult)),
	completionArm("ResolveRuntimeCompletionResultWithoutResult", aliveStates, ResultClassCompletedWithoutResult, ObservedOutcomeCompletedWithoutResult,
		completionCorrelated, succeeded, terminalIs(TerminalNoResult)),
	completionArm("ResolveRuntimeCompletionResultCallbackPending", aliveStates, ResultClassCallbackPending, ObservedOutcomeCallbackPending,
		completionCorrelated, succeeded, terminalIs(TerminalCallbackPending)),
	completionArm("ResolveRuntimeCompletionResultCancelled", aliveStates, ResultClassCancelled, ObservedOutcomeCancelled,
		completionCorrelated, succeeded, terminalIs(TerminalMachineTerminal),
		guard[completionResult]{"machine_cancelled: terminal_outcome is Cancelled", func(s *State, _ completionResult) bool { return s.TerminalOutcome.Is(OutcomeCancelled) }}),
	completionArm("ResolveRuntimeCompletionResultRuntimeApplyFailed", aliveStates, ResultClassAbandonedWithError, ObservedOutcomeRuntimeApplyFailed,
		completionCorrelated, succeeded, terminalIs(TerminalMachineTerminal), completionMachineFailed, completionCauseKnown,
		guard[completionResult]{"machine_runtime_apply_failed: terminal_cause_kind is RuntimeApplyFailure", func(s *State, _ completionResult) bool {
			return s.TerminalCauseKind.Is(CauseRuntimeApplyFailure)
		}}),
	completionArm("ResolveRuntimeCompletionResultMachineFailed", aliveStates, ResultClassAbandonedWithError, ObservedOutcomeAbandoned,
		completionCorrelated, succeeded, terminalIs(TerminalMachineTerminal), completionMachineFailed, completionCauseKnown,
		guard[completionResult]{"machine_not_runtime_apply_failed: terminal_cause_kind is not RuntimeApplyFailure", func(s *State, _ completionResult) bool {
			return !s.TerminalCauseKind.Is(CauseRuntimeApplyFailure)
		}}),
	completionArm("ResolveRuntimeCompletionResultFinalizationFailureWithResult", aliveStates, ResultClassCompletedWithFinalizationFailure, ObservedOutcomeFinalizationFailed,
		completionCorrelatedOrCurrent, failed, terminalIs(TerminalRunResult)),
	completionArm("ResolveRuntimeCompletionResultFinalizationFailureWithoutResult", aliveStates, ResultClassAbandonedWithError, ObservedOutcomeRuntimeApplyFailed,
		completionCorrelatedOrCurrent, failed, terminalIs(TerminalNoResult, TerminalCallbackPending)),
	completionArm("ResolveRuntimeCompletionResultRuntimeTerminated", allPhases, ResultClassRuntimeTerminated, ObservedOutcomeRuntimeTerminated,
		noRunID, succeeded, terminalIs(TerminalRuntimeTerminated)),
}

// RuntimeCompletionResultResolved carries the class the waiters of a run receive and the
// cleanup outcome paired with it, with the owner binding echoed (local).
type RuntimeCompletionResultResolved struct {
	effect
	SessionID         string                           `json:"session_id"`
	AgentRuntimeID    Opt[string]                      `json:"agent_runtime_id,omitzero"`
	FenceToken        Opt[uint64]                      `json:"fence_token,omitzero"`
	RuntimeGeneration Opt[uint64]                      `json:"runtime_generation,omitzero"`
	RuntimeEpochID    Opt[string]                      `json:"runtime_epoch_id,omitzero"`
	RunID             Opt[string]                      `json:"run_id,omitzero"`
	ResultClass       RuntimeCompletionResultClass     `json:"result_class"`
	CleanupOutcome    RuntimeCompletionObservedOutcome `json:"cleanup_outcome"`
}

// Name returns "RuntimeCompletionResultResolved".
func (RuntimeCompletionResultResolved) Name() string { return "RuntimeCompletionResultResolved" }

// ResolveRuntimeCompletionCleanup decides, after an outcome was delivered, whether the
// runtime is cleaned up (spec §6.3). Preview only: the shell never commits it.
type ResolveRuntimeCompletionCleanup struct {
	SessionID                    string                                  `json:"session_id"`
	ObservationSessionID         string                                  `json:"observation_session_id"`
	ObservationAgentRuntimeID    Opt[string]                             `json:"observation_agent_runtime_id,omitzero"`
	ObservationFenceToken        Opt[uint64]                             `json:"observation_fence_token,omitzero"`
	ObservationRuntimeGeneration Opt[uint64]                             `json:"observation_runtime_generation,omitzero"`
	ObservationRuntimeEpochID    Opt[string]                             `json:"observation_runtime_epoch_id,omitzero"`
	Outcome                      RuntimeCompletionObservedOutcome        `json:"outcome"`
	ArchivedByAuthority          bool                                    `json:"archived_by_authority"`
	LiveSession                  RuntimeCompletionLiveSessionObservation `json:"live_session"`
}

// Name returns "ResolveRuntimeCompletionCleanup".
func (ResolveRuntimeCompletionCleanup) Name() string { return "ResolveRuntimeCompletionCleanup" }

func (in ResolveRuntimeCompletionCleanup) step(s *State) (Effects, error) {
	return step(s, in, resolveCompletionCleanupRules)
}

type completionCleanup = ResolveRuntimeCompletionCleanup

func cleanupArm(name string, action RuntimeCompletionCleanupAction, decide guard[completionCleanup]) rule[completionCleanup] {
	return rule[completionCleanup]{
		name: name, from: aliveStates,
		guards: []guard[completionCleanup]{
			{"observation_matches_session: observation_session_id equals session_id", func(_ *State, in completionCleanup) bool {
				return in.ObservationSessionID == in.SessionID
			}},
			{"observation_matches_runtime_binding: the observed binding is the current one", func(s *State, in completionCleanup) bool {
				return s.matchesBinding(RuntimeBindingObservation{in.ObservationAgentRuntimeID, in.ObservationFenceToken, in.ObservationRuntimeGeneration, in.ObservationRuntimeEpochID})
			}},
			decide,
		},
		emit: func(_ *State, in completionCleanup) Effects {
			return Effects{RuntimeCompletionCleanupResolved{SessionID: in.SessionID, Action: action, PreAdmissionAction: PreAdmissionReleasePreAdmission}}
		},
	}
}

func cleanupWhen(name string, f func(in completionCleanup) bool) guard[completionCleanup] {
	return guard[completionCleanup]{name, func(_ *State, in completionCleanup) bool { return f(in) }}
}

var resolveCompletionCleanupRules = []rule[completionCleanup]{
	cleanupArm("ResolveRuntimeCompletionCleanupArchived", CleanupCleanupRuntime, cleanupWhen("archived_by_authority", func(in completionCleanup) bool { return in.ArchivedByAuthority })),
	cleanupArm("ResolveRuntimeCompletionCleanupRuntimeTerminated", CleanupCleanupRuntime, cleanupWhen("not archived and outcome is RuntimeTerminated", func(in completionCleanup) bool {
		return !in.ArchivedByAuthority && in.Outcome == ObservedOutcomeRuntimeTerminated
	})),
	cleanupArm("ResolveRuntimeCompletionCleanupFinalizationFailed", CleanupCleanupRuntime, cleanupWhen("not archived and outcome is FinalizationFailed", func(in completionCleanup) bool {
		return !in.ArchivedByAuthority && in.Outcome == ObservedOutcomeFinalizationFailed
	})),
	cleanupArm("ResolveRuntimeCompletionCleanupRuntimeApplyFailed", CleanupCleanupRuntime, cleanupWhen("not archived and outcome is RuntimeApplyFailed", func(in completionCleanup) bool {
		return !in.ArchivedByAuthority && in.Outcome == ObservedOutcomeRuntimeApplyFailed
	})),
	cleanupArm("ResolveRuntimeCompletionCleanupAbandonedWithoutLiveSession", CleanupCleanupRuntime, cleanupWhen("not archived, outcome Abandoned, live session Absent", func(in completionCleanup) bool {
		return !in.ArchivedByAuthority && in.Outcome == ObservedOutcomeAbandoned && in.LiveSession == LiveSessionAbsent
	})),
	cleanupArm("ResolveRuntimeCompletionCleanupCancelledWithoutLiveSession", CleanupCleanupRuntime, cleanupWhen("not archived, outcome Cancelled, live session Absent", func(in completionCleanup) bool {
		return !in.ArchivedByAuthority && in.Outcome == ObservedOutcomeCancelled && in.LiveSession == LiveSessionAbsent
	})),
	cleanupArm("ResolveRuntimeCompletionCleanupRetain", CleanupRetainRuntime, cleanupWhen("not archived and the outcome keeps the runtime", func(in completionCleanup) bool {
		if in.ArchivedByAuthority {
			return false
		}
		switch in.Outcome {
		case ObservedOutcomeCompleted, ObservedOutcomeCompletedWithoutResult, ObservedOutcomeCallbackPending:
			return true
		case ObservedOutcomeAbandoned, ObservedOutcomeCancelled:
			return in.LiveSession != LiveSessionAbsent
		}
		return false
	})),
}

// RuntimeCompletionCleanupResolved says whether the runtime is cleaned up (local).
type RuntimeCompletionCleanupResolved struct {
	effect
	SessionID          string                              `json:"session_id"`
	Action             RuntimeCompletionCleanupAction      `json:"action"`
	PreAdmissionAction RuntimeCompletionPreAdmissionAction `json:"pre_admission_action"`
}

// Name returns "RuntimeCompletionCleanupResolved".
func (RuntimeCompletionCleanupResolved) Name() string { return "RuntimeCompletionCleanupResolved" }

// RequiresRuntimeCleanup reports whether the action is CleanupRuntime.
func (e RuntimeCompletionCleanupResolved) RequiresRuntimeCleanup() bool {
	return e.Action == CleanupCleanupRuntime
}

// ResolveRuntimeCompletionWaitFailure classifies a wait that broke without an outcome
// (spec §6.4). Preview only.
type ResolveRuntimeCompletionWaitFailure struct {
	SessionID string                                  `json:"session_id"`
	Failure   RuntimeCompletionWaitFailureObservation `json:"failure"`
}

// Name returns "ResolveRuntimeCompletionWaitFailure".
func (ResolveRuntimeCompletionWaitFailure) Name() string {
	return "ResolveRuntimeCompletionWaitFailure"
}

func (in ResolveRuntimeCompletionWaitFailure) step(s *State) (Effects, error) {
	return step(s, in, resolveWaitFailureRules)
}

func waitFailureArm(failure RuntimeCompletionWaitFailureObservation, reason RuntimeCompletionWaitFailurePublicReason) rule[ResolveRuntimeCompletionWaitFailure] {
	return rule[ResolveRuntimeCompletionWaitFailure]{
		name: "ResolveRuntimeCompletionWaitFailure" + failure.String(), from: aliveStates,
		guards: []guard[ResolveRuntimeCompletionWaitFailure]{
			{"session_registered", func(s *State, _ ResolveRuntimeCompletionWaitFailure) bool { return s.registered() }},
			{"session_matches: session_id equals the registered session", func(s *State, in ResolveRuntimeCompletionWaitFailure) bool {
				return s.isSession(in.SessionID)
			}},
			{"failure is " + failure.String(), func(_ *State, in ResolveRuntimeCompletionWaitFailure) bool { return in.Failure == failure }},
		},
		emit: func(_ *State, in ResolveRuntimeCompletionWaitFailure) Effects {
			return Effects{RuntimeCompletionWaitFailureResolved{
				SessionID: in.SessionID, Failure: in.Failure, PreAdmissionAction: PreAdmissionReleasePreAdmission,
				PublicErrorClass: WaitFailureClassInternalError, PublicReason: reason, Resumable: false,
			}}
		},
	}
}

var resolveWaitFailureRules = []rule[ResolveRuntimeCompletionWaitFailure]{
	waitFailureArm(WaitFailureChannelClosed, WaitFailureReasonCompletionChannelClosed),
	waitFailureArm(WaitFailureAuthorityUnavailable, WaitFailureReasonCompletionAuthorityUnavailable),
}

// RuntimeCompletionWaitFailureResolved is the public form of a broken wait (local).
type RuntimeCompletionWaitFailureResolved struct {
	effect
	SessionID          string                                       `json:"session_id"`
	Failure            RuntimeCompletionWaitFailureObservation      `json:"failure"`
	PreAdmissionAction RuntimeCompletionPreAdmissionAction          `json:"pre_admission_action"`
	PublicErrorClass   RuntimeCompletionWaitFailurePublicErrorClass `json:"public_error_class"`
	PublicReason       RuntimeCompletionWaitFailurePublicReason     `json:"public_reason"`
	Resumable          bool                                         `json:"resumable"`
}

// Name returns "RuntimeCompletionWaitFailureResolved".
func (RuntimeCompletionWaitFailureResolved) Name() string {
	return "RuntimeCompletionWaitFailureResolved"
}

func previewOnly(sp InputSpec) InputSpec {
	sp.PreviewOnly = true
	return sp
}

var completionCatalogue = []InputSpec{
	specOf("completion", OriginRuntime, "Decide the completion class a finished run's waiters receive.", resolveCompletionResultRules),
	previewOnly(specOf("completion", OriginRuntime, "Decide whether the runtime is cleaned up after a delivered outcome (preview only).", resolveCompletionCleanupRules)),
	previewOnly(specOf("completion", OriginRuntime, "Classify a completion wait that broke without an outcome (preview only).", resolveWaitFailureRules)),
}

var completionEffects = []Effect{
	RuntimeCompletionResultResolved{}, RuntimeCompletionCleanupResolved{}, RuntimeCompletionWaitFailureResolved{},
}
