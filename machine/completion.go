package machine

// This file holds the completion authority of spec §6 (v0.7.1 DSL section 16a-16c):
// which public class a finished run's waiters receive (ResolveRuntimeCompletionResult),
// whether the runtime is cleaned up after a delivered outcome
// (ResolveRuntimeCompletionCleanup, preview only), and how a broken wait is reported
// (ResolveRuntimeCompletionWaitFailure, preview only). None of them changes the state:
// they are decision tables read through their one effect. Each table row is one rule,
// named and ordered as the DSL declares it; the DSL's `to Idle` of these per_phase
// transitions is a self-loop (spec §1.4).

// ResolveRuntimeCompletionResult asks which completion class the waiters of a run
// receive and which cleanup outcome goes with it (spec §6.2). Every row needs a
// registered session. "Run correlated" means run_id is present and equals
// runtime_completion_result_run_id (set by RunCompleted/RunFailed/RunCancelled); the
// finalization-failure rows also accept the current run. RuntimeTerminated needs no run
// and is the only row accepted in Destroyed. The shell evaluates it with Preview.
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
	completionRegistered = guard[completionResult]{"session_registered: session_id is present", func(s *State, _ completionResult) bool { return s.registered() }}
	completionCorrelated = guard[completionResult]{"run_correlated: run_id is present and equals runtime_completion_result_run_id", func(s *State, in completionResult) bool {
		return in.RunID.Present() && s.RuntimeCompletionResultRunID == in.RunID
	}}
	completionCorrelatedOrCurrent = guard[completionResult]{"run_correlated: run_id is present and equals runtime_completion_result_run_id or current_run_id", func(s *State, in completionResult) bool {
		return in.RunID.Present() && (s.RuntimeCompletionResultRunID == in.RunID || s.CurrentRunID == in.RunID)
	}}
	completionNoRun = guard[completionResult]{"no_run_result: run_id is absent", func(_ *State, in completionResult) bool { return !in.RunID.Present() }}

	finalizationSucceeded = guard[completionResult]{"finalization_succeeded: finalization is Succeeded", func(_ *State, in completionResult) bool {
		return in.Finalization == FinalizationSucceeded
	}}
	finalizationFailed = guard[completionResult]{"finalization_failed: finalization is Failed", func(_ *State, in completionResult) bool {
		return in.Finalization == FinalizationFailed
	}}

	machineCancelled = guard[completionResult]{"machine_cancelled: terminal_outcome is Cancelled", func(s *State, _ completionResult) bool {
		return s.TerminalOutcome.Is(OutcomeCancelled)
	}}
	machineFailed = guard[completionResult]{"machine_failed: terminal_outcome is Failed, BudgetExhausted, TimeBudgetExceeded or StructuredOutputValidationFailed", func(s *State, _ completionResult) bool {
		if !s.TerminalOutcome.Present() {
			return false
		}
		switch s.TerminalOutcome.Get() {
		case OutcomeFailed, OutcomeBudgetExhausted, OutcomeTimeBudgetExceeded, OutcomeStructuredOutputValidationFailed:
			return true
		}
		return false
	}}
	machineCauseKnown = guard[completionResult]{"machine_failure_cause_known: terminal_cause_kind is present and not Unknown", func(s *State, _ completionResult) bool {
		return s.TerminalCauseKind.Present() && !s.TerminalCauseKind.Is(CauseUnknown)
	}}
	machineRuntimeApplyFailed = guard[completionResult]{"machine_runtime_apply_failed: terminal_cause_kind is RuntimeApplyFailure", func(s *State, _ completionResult) bool {
		return s.TerminalCauseKind.Is(CauseRuntimeApplyFailure)
	}}
	machineNotRuntimeApplyFailed = guard[completionResult]{"machine_not_runtime_apply_failed: terminal_cause_kind is not RuntimeApplyFailure", func(s *State, _ completionResult) bool {
		return !s.TerminalCauseKind.Is(CauseRuntimeApplyFailure)
	}}
)

// terminalIs is the DSL's terminal_<kind> guard.
func terminalIs(name string, ts ...RuntimeCompletionTerminalObservation) guard[completionResult] {
	cond := "terminal is " + ts[0].String()
	for _, t := range ts[1:] {
		cond += " or " + t.String()
	}
	return guard[completionResult]{name + ": " + cond, func(_ *State, in completionResult) bool {
		for _, t := range ts {
			if in.Terminal == t {
				return true
			}
		}
		return false
	}}
}

// completionRow is one row of the §6.2 table: session_registered, then the row's guards;
// the effect echoes the session, the current runtime binding and run_id.
func completionRow(name string, from phaseSet, class RuntimeCompletionResultClass, outcome RuntimeCompletionObservedOutcome, guards ...guard[completionResult]) rule[completionResult] {
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
	terminalRunResult  = terminalIs("terminal_run_result", TerminalRunResult)
	terminalMachine    = terminalIs("terminal_machine", TerminalMachineTerminal)
	terminalTerminated = terminalIs("terminal_runtime_terminated", TerminalRuntimeTerminated)
)

var resolveCompletionResultRules = []rule[completionResult]{
	completionRow("ResolveRuntimeCompletionResultCompleted", aliveStates, ResultClassCompleted, ObservedOutcomeCompleted,
		completionCorrelated, finalizationSucceeded, terminalRunResult),
	completionRow("ResolveRuntimeCompletionResultWithoutResult", aliveStates, ResultClassCompletedWithoutResult, ObservedOutcomeCompletedWithoutResult,
		completionCorrelated, finalizationSucceeded, terminalIs("terminal_no_result", TerminalNoResult)),
	completionRow("ResolveRuntimeCompletionResultCallbackPending", aliveStates, ResultClassCallbackPending, ObservedOutcomeCallbackPending,
		completionCorrelated, finalizationSucceeded, terminalIs("terminal_callback_pending", TerminalCallbackPending)),
	completionRow("ResolveRuntimeCompletionResultCancelled", aliveStates, ResultClassCancelled, ObservedOutcomeCancelled,
		completionCorrelated, finalizationSucceeded, terminalMachine, machineCancelled),
	completionRow("ResolveRuntimeCompletionResultRuntimeApplyFailed", aliveStates, ResultClassAbandonedWithError, ObservedOutcomeRuntimeApplyFailed,
		completionCorrelated, finalizationSucceeded, terminalMachine, machineFailed, machineCauseKnown, machineRuntimeApplyFailed),
	completionRow("ResolveRuntimeCompletionResultMachineFailed", aliveStates, ResultClassAbandonedWithError, ObservedOutcomeAbandoned,
		completionCorrelated, finalizationSucceeded, terminalMachine, machineFailed, machineCauseKnown, machineNotRuntimeApplyFailed),
	completionRow("ResolveRuntimeCompletionResultFinalizationFailureWithResult", aliveStates, ResultClassCompletedWithFinalizationFailure, ObservedOutcomeFinalizationFailed,
		completionCorrelatedOrCurrent, finalizationFailed, terminalRunResult),
	completionRow("ResolveRuntimeCompletionResultFinalizationFailureWithoutResult", aliveStates, ResultClassAbandonedWithError, ObservedOutcomeRuntimeApplyFailed,
		completionCorrelatedOrCurrent, finalizationFailed, terminalIs("terminal_without_result", TerminalNoResult, TerminalCallbackPending)),
	completionRow("ResolveRuntimeCompletionResultRuntimeTerminated", aliveStates, ResultClassRuntimeTerminated, ObservedOutcomeRuntimeTerminated,
		completionNoRun, finalizationSucceeded, terminalTerminated),
	completionRow("ResolveRuntimeCompletionResultRuntimeTerminatedDestroyed", phasesOf(PhaseDestroyed), ResultClassRuntimeTerminated, ObservedOutcomeRuntimeTerminated,
		completionNoRun, finalizationSucceeded, terminalTerminated),
}

// RuntimeCompletionResultResolved carries the class the waiters of a run receive and the
// cleanup outcome paired with it, with the owner session and runtime binding echoed
// (spec §6.2; local).
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

// ResolveRuntimeCompletionCleanup decides, after an outcome was delivered to waiters,
// whether the runtime is cleaned up (spec §6.3). The observation must name the session
// it claims and the machine's current runtime binding exactly (a stale owner is
// rejected); it is rejected in Destroyed. Preview only: the shell never commits it.
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

func cleanupWhen(name string, f func(in completionCleanup) bool) guard[completionCleanup] {
	return guard[completionCleanup]{name, func(_ *State, in completionCleanup) bool { return f(in) }}
}

func cleanupOutcomeIs(name string, o RuntimeCompletionObservedOutcome) guard[completionCleanup] {
	return cleanupWhen(name+": outcome is "+o.String(), func(in completionCleanup) bool { return in.Outcome == o })
}

var (
	cleanupNotArchived = cleanupWhen("not_archived: archived_by_authority is false", func(in completionCleanup) bool { return !in.ArchivedByAuthority })
	cleanupLiveAbsent  = cleanupWhen("live_absent: live_session is Absent", func(in completionCleanup) bool { return in.LiveSession == LiveSessionAbsent })
)

// cleanupRow is one row of the §6.3 table: the two owner guards, then the row's guards.
// Every row releases the pre-admission.
func cleanupRow(name string, action RuntimeCompletionCleanupAction, guards ...guard[completionCleanup]) rule[completionCleanup] {
	return rule[completionCleanup]{
		name: name, from: aliveStates,
		guards: append([]guard[completionCleanup]{
			cleanupWhen("observation_matches_session: observation_session_id equals session_id", func(in completionCleanup) bool {
				return in.ObservationSessionID == in.SessionID
			}),
			{"observation_matches_runtime_binding: the observed runtime id, fence, generation and epoch are exactly the current binding", func(s *State, in completionCleanup) bool {
				return s.ActiveRuntimeID == in.ObservationAgentRuntimeID && s.ActiveFenceToken == in.ObservationFenceToken &&
					s.ActiveRuntimeGeneration == in.ObservationRuntimeGeneration && s.ActiveRuntimeEpochID == in.ObservationRuntimeEpochID
			}},
		}, guards...),
		emit: func(_ *State, in completionCleanup) Effects {
			return Effects{RuntimeCompletionCleanupResolved{SessionID: in.SessionID, Action: action, PreAdmissionAction: PreAdmissionReleasePreAdmission}}
		},
	}
}

var resolveCompletionCleanupRules = []rule[completionCleanup]{
	cleanupRow("ResolveRuntimeCompletionCleanupArchived", CleanupCleanupRuntime,
		cleanupWhen("archived_by_generated_authority: archived_by_authority is true", func(in completionCleanup) bool { return in.ArchivedByAuthority })),
	cleanupRow("ResolveRuntimeCompletionCleanupRuntimeTerminated", CleanupCleanupRuntime,
		cleanupNotArchived, cleanupOutcomeIs("runtime_terminated", ObservedOutcomeRuntimeTerminated)),
	cleanupRow("ResolveRuntimeCompletionCleanupFinalizationFailed", CleanupCleanupRuntime,
		cleanupNotArchived, cleanupOutcomeIs("finalization_failed", ObservedOutcomeFinalizationFailed)),
	cleanupRow("ResolveRuntimeCompletionCleanupRuntimeApplyFailed", CleanupCleanupRuntime,
		cleanupNotArchived, cleanupOutcomeIs("runtime_apply_failed", ObservedOutcomeRuntimeApplyFailed)),
	cleanupRow("ResolveRuntimeCompletionCleanupAbandonedWithoutLiveSession", CleanupCleanupRuntime,
		cleanupNotArchived, cleanupOutcomeIs("abandoned", ObservedOutcomeAbandoned), cleanupLiveAbsent),
	cleanupRow("ResolveRuntimeCompletionCleanupCancelledWithoutLiveSession", CleanupCleanupRuntime,
		cleanupNotArchived, cleanupOutcomeIs("cancelled", ObservedOutcomeCancelled), cleanupLiveAbsent),
	cleanupRow("ResolveRuntimeCompletionCleanupRetain", CleanupRetainRuntime,
		cleanupNotArchived,
		cleanupWhen("cleanup_outcome_absent: outcome is Completed, CompletedWithoutResult or CallbackPending, or Abandoned or Cancelled with live_session not Absent",
			func(in completionCleanup) bool {
				switch in.Outcome {
				case ObservedOutcomeCompleted, ObservedOutcomeCompletedWithoutResult, ObservedOutcomeCallbackPending:
					return true
				case ObservedOutcomeAbandoned, ObservedOutcomeCancelled:
					return in.LiveSession != LiveSessionAbsent
				}
				return false
			})),
}

// RuntimeCompletionCleanupResolved says whether the runtime is cleaned up after a
// delivered outcome, and what happens to the pre-admission (spec §6.3; local).
type RuntimeCompletionCleanupResolved struct {
	effect
	SessionID          string                              `json:"session_id"`
	Action             RuntimeCompletionCleanupAction      `json:"action"`
	PreAdmissionAction RuntimeCompletionPreAdmissionAction `json:"pre_admission_action"`
}

// Name returns "RuntimeCompletionCleanupResolved".
func (RuntimeCompletionCleanupResolved) Name() string { return "RuntimeCompletionCleanupResolved" }

// RequiresRuntimeCleanup reports whether the action is CleanupRuntime (spec §6.3).
func (e RuntimeCompletionCleanupResolved) RequiresRuntimeCleanup() bool {
	return e.Action == CleanupCleanupRuntime
}

// ReleasesPreAdmission reports whether the pre-admission is released (spec §6.3).
func (e RuntimeCompletionCleanupResolved) ReleasesPreAdmission() bool {
	return e.PreAdmissionAction == PreAdmissionReleasePreAdmission
}

// ResolveRuntimeCompletionWaitFailure classifies a completion wait that broke without an
// outcome (spec §6.4): the session must be registered and be session_id; rejected in
// Destroyed. Preview only.
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

type waitFailure = ResolveRuntimeCompletionWaitFailure

func waitFailureRow(failure RuntimeCompletionWaitFailureObservation, guardName string, reason RuntimeCompletionWaitFailurePublicReason) rule[waitFailure] {
	return rule[waitFailure]{
		name: "ResolveRuntimeCompletionWaitFailure" + failure.String(), from: aliveStates,
		guards: []guard[waitFailure]{
			{"session_registered: session_id is present", func(s *State, _ waitFailure) bool { return s.registered() }},
			{"session_matches: session_id equals the registered session", func(s *State, in waitFailure) bool { return s.isSession(in.SessionID) }},
			{guardName + ": failure is " + failure.String(), func(_ *State, in waitFailure) bool { return in.Failure == failure }},
		},
		emit: func(_ *State, in waitFailure) Effects {
			return Effects{RuntimeCompletionWaitFailureResolved{
				SessionID: in.SessionID, Failure: in.Failure, PreAdmissionAction: PreAdmissionReleasePreAdmission,
				PublicErrorClass: WaitFailureClassInternalError, PublicReason: reason, Resumable: false,
			}}
		},
	}
}

var resolveWaitFailureRules = []rule[waitFailure]{
	waitFailureRow(WaitFailureChannelClosed, "channel_closed", WaitFailureReasonCompletionChannelClosed),
	waitFailureRow(WaitFailureAuthorityUnavailable, "authority_unavailable", WaitFailureReasonCompletionAuthorityUnavailable),
}

// RuntimeCompletionWaitFailureResolved is the public form of a broken wait (spec §6.4;
// local).
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
