package machine

// This file holds the runtime lifecycle of spec §5.1-§5.5: session registration, the
// runtime binding, runs, retire/reset/recycle/recover, stop and exit, destroy and the
// boundary cancel. The pure classifications of §5.6 are in classify.go.
//
// Departures from the v0.7.1 text, each because the text breaks its own §1.7 invariants or
// strands a run (all listed in doc.go under Interpretations):
//   - Retire while a run is bound keeps the phase Running and records pre_run_phase :=
//     Retired, as upstream HEAD does, so the run can still end through Commit, Fail,
//     CancelRun or RollbackRun and converge to Retired (spec §12, §15).
//   - A run that ends into Idle or Retired, and UnregisterSession, clear
//     runtime_stop_deferred (the stop was already handed to the shell; the invariant allows
//     the flag only in Attached and Running).
//   - Recycle clears pre_run_phase together with current_run_id.
//   - Identifiers that name something (session_id, run_id) must not be empty.

// Initialize is the DSL signal that moves a fresh machine from Initializing to Idle
// (spec §5.2). Every production authority is created already initialised.
type Initialize struct{}

// Name returns "Initialize".
func (Initialize) Name() string { return "Initialize" }

func (in Initialize) step(s *State) (Effects, error) { return step(s, in, initializeRules) }

var initializeRules = []rule[Initialize]{
	{name: "Initialize", from: phasesOf(PhaseInitializing), to: PhaseIdle},
}

// RegisterSession binds the machine to a session (spec §5.2). Registering the session it
// is already bound to is an idempotent no-op; a new binding resets the LLM identity and
// capability fields. Registering in Destroyed is refused.
type RegisterSession struct {
	SessionID string `json:"session_id"`
}

// Name returns "RegisterSession".
func (RegisterSession) Name() string { return "RegisterSession" }

func (in RegisterSession) step(s *State) (Effects, error) { return step(s, in, registerSessionRules) }

var registerSessionRules = []rule[RegisterSession]{
	{
		name: "RegisterSession", from: livePhases,
		guards: []guard[RegisterSession]{
			{"session_id is not empty", func(s *State, in RegisterSession) bool { return in.SessionID != "" }},
			{"new_session_binding: stored session_id differs", func(s *State, in RegisterSession) bool { return !s.isSession(in.SessionID) }},
		},
		update: func(s *State, in RegisterSession) {
			s.SessionID = Some(in.SessionID)
			s.resetSessionLlm()
		},
	},
	{
		name: "RegisterSessionIdempotent", from: livePhases,
		guards: []guard[RegisterSession]{
			{"same_session_binding: stored session_id equals session_id", func(s *State, in RegisterSession) bool { return s.isSession(in.SessionID) }},
		},
	},
}

// RuntimeBindingObservation is an observed runtime binding: the four binding fields as
// the caller last saw them. Guards compare them exactly (absent must match absent).
type RuntimeBindingObservation struct {
	AgentRuntimeID Opt[string] `json:"agent_runtime_id,omitzero"`
	FenceToken     Opt[uint64] `json:"fence_token,omitzero"`
	Generation     Opt[uint64] `json:"generation,omitzero"`
	RuntimeEpochID Opt[string] `json:"runtime_epoch_id,omitzero"`
}

// matchesBinding reports whether the observation equals the machine's binding exactly.
func (s *State) matchesBinding(o RuntimeBindingObservation) bool {
	return s.ActiveRuntimeID == o.AgentRuntimeID && s.ActiveFenceToken == o.FenceToken &&
		s.ActiveRuntimeGeneration == o.Generation && s.ActiveRuntimeEpochID == o.RuntimeEpochID
}

// UnregisterSession unbinds the session, its runtime and run binding and its LLM state,
// returning to Idle (spec §5.2). The observed binding must be the current one.
type UnregisterSession struct {
	SessionID string `json:"session_id"`
	RuntimeBindingObservation
}

// Name returns "UnregisterSession".
func (UnregisterSession) Name() string { return "UnregisterSession" }

func (in UnregisterSession) step(s *State) (Effects, error) {
	return step(s, in, unregisterSessionRules)
}

var unregisterSessionRules = []rule[UnregisterSession]{
	{
		name: "UnregisterSession", from: livePhases, to: PhaseIdle,
		guards: []guard[UnregisterSession]{
			{"session_matches_current: session_id equals the registered session", func(s *State, in UnregisterSession) bool { return s.isSession(in.SessionID) }},
			{"binding_matches_observation: the four observed binding fields equal the current binding exactly", func(s *State, in UnregisterSession) bool {
				return s.matchesBinding(in.RuntimeBindingObservation)
			}},
		},
		update: func(s *State, in UnregisterSession) {
			s.SessionID = None[string]()
			s.clearRuntimeBinding()
			s.CurrentRunID = None[string]()
			s.PreRunPhase = None[PreRunPhase]()
			s.RuntimeStopDeferred = false
			s.resetSessionLlm()
			s.RegistrationPhase = RegistrationQueuing
		},
	},
}

// ResolveRuntimeOpsLifecycleDurability decides whether the ops-lifecycle snapshot of an
// unregistering session is deleted (Idle/Attached/Running) or retained (Retired/Stopped)
// (spec §5.2). No state change.
type ResolveRuntimeOpsLifecycleDurability struct {
	SessionID string `json:"session_id"`
	RuntimeBindingObservation
}

// Name returns "ResolveRuntimeOpsLifecycleDurability".
func (ResolveRuntimeOpsLifecycleDurability) Name() string {
	return "ResolveRuntimeOpsLifecycleDurability"
}

func (in ResolveRuntimeOpsLifecycleDurability) step(s *State) (Effects, error) {
	return step(s, in, resolveOpsDurabilityRules)
}

func opsDurability(action RuntimeOpsLifecycleDurabilityAction, from phaseSet) rule[ResolveRuntimeOpsLifecycleDurability] {
	return rule[ResolveRuntimeOpsLifecycleDurability]{
		name: "ResolveRuntimeOpsLifecycleDurability", from: from,
		guards: []guard[ResolveRuntimeOpsLifecycleDurability]{
			{"session_matches_current: session_id equals the registered session", func(s *State, in ResolveRuntimeOpsLifecycleDurability) bool {
				return s.isSession(in.SessionID)
			}},
			{"binding_matches_observation: the four observed binding fields equal the current binding exactly", func(s *State, in ResolveRuntimeOpsLifecycleDurability) bool {
				return s.matchesBinding(in.RuntimeBindingObservation)
			}},
		},
		emit: func(s *State, in ResolveRuntimeOpsLifecycleDurability) Effects {
			return Effects{RuntimeOpsLifecycleDurabilityResolved{
				SessionID: in.SessionID, RuntimeBindingObservation: in.RuntimeBindingObservation, Action: action,
			}}
		},
	}
}

var resolveOpsDurabilityRules = []rule[ResolveRuntimeOpsLifecycleDurability]{
	opsDurability(OpsDurabilityDeleteSnapshot, openPhases),
	opsDurability(OpsDurabilityRetainSnapshot, phasesOf(PhaseRetired, PhaseStopped)),
}

// PrepareBindings binds the session to a runtime (spec §5.2). The exact binding again is
// an idempotent no-op; a binding field once set cannot change without being cleared
// first (Recycle, Reset clears the fence, UnregisterSession). From Idle it attaches.
type PrepareBindings struct {
	AgentRuntimeID string      `json:"agent_runtime_id"`
	FenceToken     uint64      `json:"fence_token"`
	Generation     Opt[uint64] `json:"generation,omitzero"`
	RuntimeEpochID Opt[string] `json:"runtime_epoch_id,omitzero"`
	SessionID      string      `json:"session_id"`
}

// Name returns "PrepareBindings".
func (PrepareBindings) Name() string { return "PrepareBindings" }

func (in PrepareBindings) step(s *State) (Effects, error) { return step(s, in, prepareBindingsRules) }

func (in PrepareBindings) exact(s *State) bool {
	return s.ActiveRuntimeID.Is(in.AgentRuntimeID) && s.ActiveFenceToken.Is(in.FenceToken) &&
		s.ActiveRuntimeGeneration == in.Generation && s.ActiveRuntimeEpochID == in.RuntimeEpochID
}

var (
	prepareBindingsSession = guard[PrepareBindings]{"session_matches_current: session_id equals the registered session", func(s *State, in PrepareBindings) bool {
		return s.isSession(in.SessionID)
	}}
	prepareBindingsTyped = guard[PrepareBindings]{"typed_binding_identity_present: generation or runtime_epoch_id is given", func(s *State, in PrepareBindings) bool {
		return in.Generation.Present() || in.RuntimeEpochID.Present()
	}}
)

func prepareBindingsNew(from phaseSet, to Phase) rule[PrepareBindings] {
	return rule[PrepareBindings]{
		name: "PrepareBindings", from: from, to: to,
		guards: []guard[PrepareBindings]{
			prepareBindingsSession,
			{"binding_absent_or_same: a bound runtime id, fence, generation or epoch cannot change without being cleared", func(s *State, in PrepareBindings) bool {
				return (!s.ActiveRuntimeID.Present() || s.ActiveRuntimeID.Is(in.AgentRuntimeID)) &&
					(!s.ActiveFenceToken.Present() || s.ActiveFenceToken.Is(in.FenceToken)) &&
					(!s.ActiveRuntimeGeneration.Present() || s.ActiveRuntimeGeneration == in.Generation) &&
					(!s.ActiveRuntimeEpochID.Present() || s.ActiveRuntimeEpochID == in.RuntimeEpochID)
			}},
			prepareBindingsTyped,
			{"runtime_binding_not_already_exact", func(s *State, in PrepareBindings) bool { return !in.exact(s) }},
		},
		update: func(s *State, in PrepareBindings) {
			s.ActiveRuntimeID = Some(in.AgentRuntimeID)
			s.ActiveFenceToken = Some(in.FenceToken)
			s.ActiveRuntimeGeneration = in.Generation
			s.ActiveRuntimeEpochID = in.RuntimeEpochID
		},
		emit: func(s *State, in PrepareBindings) Effects {
			return Effects{RuntimeBound{AgentRuntimeID: s.ActiveRuntimeID.Get(), FenceToken: s.ActiveFenceToken.Get()}}
		},
	}
}

var prepareBindingsRules = []rule[PrepareBindings]{
	{
		name: "PrepareBindingsIdempotent", from: aliveStates,
		guards: []guard[PrepareBindings]{
			prepareBindingsSession,
			{"runtime_binding_exact: the binding equals the current one", func(s *State, in PrepareBindings) bool { return in.exact(s) }},
			prepareBindingsTyped,
		},
	},
	prepareBindingsNew(phasesOf(PhaseIdle), PhaseAttached),
	prepareBindingsNew(phasesOf(PhaseInitializing, PhaseAttached, PhaseRunning, PhaseRetired, PhaseStopped), 0),
}

// EnsureSessionWithExecutor records that a runtime loop and executor are attached
// (spec §5.2): Idle → Attached; Attached also cancels a deferred stop.
type EnsureSessionWithExecutor struct {
	SessionID string `json:"session_id"`
}

// Name returns "EnsureSessionWithExecutor".
func (EnsureSessionWithExecutor) Name() string { return "EnsureSessionWithExecutor" }

func (in EnsureSessionWithExecutor) step(s *State) (Effects, error) {
	return step(s, in, ensureSessionWithExecutorRules)
}

var ensureSessionWithExecutorRules = []rule[EnsureSessionWithExecutor]{
	{name: "EnsureSessionWithExecutor", from: phasesOf(PhaseIdle), to: PhaseAttached,
		update: func(s *State, in EnsureSessionWithExecutor) { s.RegistrationPhase = RegistrationActive }},
	{name: "EnsureSessionWithExecutor", from: phasesOf(PhaseAttached),
		update: func(s *State, in EnsureSessionWithExecutor) {
			s.RegistrationPhase = RegistrationActive
			s.RuntimeStopDeferred = false
		}},
	{name: "EnsureSessionWithExecutor", from: phasesOf(PhaseRunning),
		update: func(s *State, in EnsureSessionWithExecutor) { s.RegistrationPhase = RegistrationActive }},
	{name: "EnsureSessionWithExecutorNoop", from: phasesOf(PhaseRetired, PhaseStopped)},
}

// SetSilentIntents replaces the session's silent-intent overrides (the intents whose
// inputs are admitted without waking the loop).
type SetSilentIntents struct {
	SessionID string `json:"session_id"`
	Intents   Set    `json:"intents"`
}

// Name returns "SetSilentIntents".
func (SetSilentIntents) Name() string { return "SetSilentIntents" }

func (in SetSilentIntents) step(s *State) (Effects, error) {
	return step(s, in, setSilentIntentsRules)
}

var setSilentIntentsRules = []rule[SetSilentIntents]{
	{
		name: "SetSilentIntents", from: livePhases,
		guards: []guard[SetSilentIntents]{{"session_registered", func(s *State, in SetSilentIntents) bool { return s.registered() }}},
		update: func(s *State, in SetSilentIntents) { s.SilentIntentOverrides = in.Intents.Clone() },
	},
}

// Prepare starts a run from Idle or Attached (spec §5.2). It is the only run-start
// authority of the runtime loop.
type Prepare struct {
	SessionID string `json:"session_id"`
	RunID     string `json:"run_id"`
}

// Name returns "Prepare".
func (Prepare) Name() string { return "Prepare" }

func (in Prepare) step(s *State) (Effects, error) { return step(s, in, prepareRules) }

func startRun(s *State, runID string, pre PreRunPhase) {
	s.CurrentRunID = Some(runID)
	s.PreRunPhase = Some(pre)
	s.RuntimeCompletionResultRunID = None[string]()
}

func prepareFrom(p Phase, pre PreRunPhase) rule[Prepare] {
	return rule[Prepare]{
		name: "Prepare", from: phasesOf(p), to: PhaseRunning,
		guards: []guard[Prepare]{
			{"session_registered", func(s *State, in Prepare) bool { return s.registered() }},
			{"run_id is not empty", func(s *State, in Prepare) bool { return in.RunID != "" }},
		},
		update: func(s *State, in Prepare) { startRun(s, in.RunID, pre) },
		emit:   func(s *State, in Prepare) Effects { return Effects{SubmitRunPrimitive{}} },
	}
}

var prepareRules = []rule[Prepare]{prepareFrom(PhaseIdle, PreRunIdle), prepareFrom(PhaseAttached, PreRunAttached)}

// DrainQueuedRun is the DSL signal that starts a run from Retired so queued work can drain
// (spec §5.2).
type DrainQueuedRun struct {
	RunID string `json:"run_id"`
}

// Name returns "DrainQueuedRun".
func (DrainQueuedRun) Name() string { return "DrainQueuedRun" }

func (in DrainQueuedRun) step(s *State) (Effects, error) { return step(s, in, drainQueuedRunRules) }

var drainQueuedRunRules = []rule[DrainQueuedRun]{
	{
		name: "DrainQueuedRun", from: phasesOf(PhaseRetired), to: PhaseRunning,
		guards: []guard[DrainQueuedRun]{
			{"run_id is not empty", func(s *State, in DrainQueuedRun) bool { return in.RunID != "" }},
			{"no run is bound", func(s *State, in DrainQueuedRun) bool { return !s.CurrentRunID.Present() }},
		},
		update: func(s *State, in DrainQueuedRun) { startRun(s, in.RunID, PreRunRetired) },
		emit:   func(s *State, in DrainQueuedRun) Effects { return Effects{SubmitRunPrimitive{}} },
	},
}

// runInput is implemented by the inputs that name the run they concern.
type runInput interface {
	Input
	runID() string
}

// runEndRules builds the three "Running → pre_run_phase" arms shared by Commit, Fail,
// CancelRun, RollbackRun and ServiceTurnCommitted.
func runEndRules[I runInput](name string, extra []guard[I], emit func(*State, I) Effects) []rule[I] {
	ends := []struct {
		pre PreRunPhase
		to  Phase
	}{{PreRunIdle, PhaseIdle}, {PreRunAttached, PhaseAttached}, {PreRunRetired, PhaseRetired}}
	rules := make([]rule[I], 0, len(ends))
	for _, end := range ends {
		guards := []guard[I]{
			{"pre_run_phase_matches_" + end.to.String(), func(s *State, in I) bool { return s.PreRunPhase.Is(end.pre) }},
			{"current_run_id_matches_binding: run_id equals current_run_id", func(s *State, in I) bool { return s.CurrentRunID.Is(in.runID()) }},
		}
		rules = append(rules, rule[I]{
			name: name + "RunningTo" + end.to.String(), from: phasesOf(PhaseRunning), to: end.to,
			guards: append(guards, extra...),
			update: func(s *State, in I) {
				s.CurrentRunID = None[string]()
				s.PreRunPhase = None[PreRunPhase]()
				if end.to != PhaseAttached {
					s.RuntimeStopDeferred = false
				}
			},
			emit: emit,
		})
	}
	return rules
}

func emitRecordTerminalOutcome[I any](*State, I) Effects { return Effects{RecordTerminalOutcome{}} }

// Commit ends the current run successfully, returning to the phase the run started from
// (spec §5.2).
type Commit struct {
	InputID string `json:"input_id"`
	RunID   string `json:"run_id"`
}

// Name returns "Commit".
func (Commit) Name() string { return "Commit" }

func (in Commit) runID() string { return in.RunID }

func (in Commit) step(s *State) (Effects, error) { return step(s, in, commitRules) }

var commitRules = runEndRules[Commit]("Commit", nil, nil)

// Fail ends the current run after the turn failed with a known cause (spec §5.2).
type Fail struct {
	RunID string `json:"run_id"`
}

// Name returns "Fail".
func (Fail) Name() string { return "Fail" }

func (in Fail) runID() string { return in.RunID }

func (in Fail) step(s *State) (Effects, error) { return step(s, in, failRules) }

var failRules = runEndRules("Fail", []guard[Fail]{
	{"turn_failed_with_cause: turn_phase is Failed with a known terminal_cause_kind", func(s *State, in Fail) bool {
		return s.TurnPhase == TurnFailed && s.TerminalCauseKind.Present() && !s.TerminalCauseKind.Is(CauseUnknown)
	}},
}, emitRecordTerminalOutcome[Fail])

// CancelRun ends the current run after the turn was observed cancelled (spec §5.2).
type CancelRun struct {
	RunID string `json:"run_id"`
}

// Name returns "CancelRun".
func (CancelRun) Name() string { return "CancelRun" }

func (in CancelRun) runID() string { return in.RunID }

func (in CancelRun) step(s *State) (Effects, error) { return step(s, in, cancelRunRules) }

var cancelRunRules = runEndRules("Cancel", []guard[CancelRun]{
	{"turn_cancelled: turn_phase is Cancelled with terminal_outcome Cancelled", func(s *State, in CancelRun) bool {
		return s.TurnPhase == TurnCancelled && s.TerminalOutcome.Is(OutcomeCancelled)
	}},
}, emitRecordTerminalOutcome[CancelRun])

// RollbackRun ends the current run without a terminal outcome: non-terminal cleanup when
// the run could not really start (spec §5.2).
type RollbackRun struct {
	RunID string `json:"run_id"`
}

// Name returns "RollbackRun".
func (RollbackRun) Name() string { return "RollbackRun" }

func (in RollbackRun) runID() string { return in.RunID }

func (in RollbackRun) step(s *State) (Effects, error) { return step(s, in, rollbackRunRules) }

var rollbackRunRules = runEndRules[RollbackRun]("RollbackRun", nil, nil)

// ServiceTurnCommitted ends a run whose turn completed on the direct service-turn path
// (spec §5.2).
type ServiceTurnCommitted struct {
	RunID string `json:"run_id"`
}

// Name returns "ServiceTurnCommitted".
func (ServiceTurnCommitted) Name() string { return "ServiceTurnCommitted" }

func (in ServiceTurnCommitted) runID() string { return in.RunID }

func (in ServiceTurnCommitted) step(s *State) (Effects, error) {
	return step(s, in, serviceTurnCommittedRules)
}

var serviceTurnCommittedRules = runEndRules("ServiceTurnCommitted", []guard[ServiceTurnCommitted]{
	{"turn_completed: turn_phase is Completed with terminal_outcome Completed", func(s *State, in ServiceTurnCommitted) bool {
		return s.TurnPhase == TurnCompleted && s.TerminalOutcome.Is(OutcomeCompleted)
	}},
}, nil)

var runMatches = "run_matches_binding: run_id equals current_run_id"

// RunCompleted reports that the current run produced its result (spec §5.2). It records
// the turn as completed if the turn had not reached a terminal phase, and marks the run
// as the one whose completion result may be published. The phase stays Running.
type RunCompleted struct {
	RunID string `json:"run_id"`
}

// Name returns "RunCompleted".
func (RunCompleted) Name() string { return "RunCompleted" }

func (in RunCompleted) step(s *State) (Effects, error) { return step(s, in, runCompletedRules) }

var runCompletedRules = []rule[RunCompleted]{
	{
		name: "RunCompleted", from: phasesOf(PhaseRunning),
		guards: []guard[RunCompleted]{{runMatches, func(s *State, in RunCompleted) bool { return s.CurrentRunID.Is(in.RunID) }}},
		update: func(s *State, in RunCompleted) {
			if !s.turnTerminal() {
				s.TurnPhase = TurnCompleted
				s.ExtractionActive = false
				s.TerminalOutcome = Some(OutcomeCompleted)
			}
			s.RuntimeCompletionResultRunID = Some(in.RunID)
		},
	},
}

// turnTerminal reports whether the turn is Completed, Failed or Cancelled.
func (s *State) turnTerminal() bool {
	return s.TurnPhase == TurnCompleted || s.TurnPhase == TurnFailed || s.TurnPhase == TurnCancelled
}

// RunFailed reports that the current run failed (spec §5.2). Unless the machine already
// recorded the turn's terminal failure (machine_terminal_failure_observed), the outcome
// and cause are derived from the failure source; a runtime-apply failure cause wins.
type RunFailed struct {
	RunID                          string                        `json:"run_id"`
	RuntimeApplyFailureCause       Opt[RuntimeApplyFailureCause] `json:"runtime_apply_failure_cause,omitzero"`
	RuntimeApplyFailureMessage     Opt[string]                   `json:"runtime_apply_failure_message,omitzero"`
	MachineTerminalFailureObserved bool                          `json:"machine_terminal_failure_observed"`
	TerminalFailureSource          Opt[RunFailureSourceKind]     `json:"terminal_failure_source,omitzero"`
	Error                          string                        `json:"error"`
}

// Name returns "RunFailed".
func (RunFailed) Name() string { return "RunFailed" }

func (in RunFailed) step(s *State) (Effects, error) { return step(s, in, runFailedRules) }

// OutcomeForFailureSource is the outcome a failure source implies (spec §5.2).
func OutcomeForFailureSource(src Opt[RunFailureSourceKind]) TurnTerminalOutcome {
	switch src.Get() {
	case FailureSourceTokenBudgetExceeded, FailureSourceToolCallBudgetExceeded:
		return OutcomeBudgetExhausted
	case FailureSourceTimeBudgetExceeded:
		return OutcomeTimeBudgetExceeded
	case FailureSourceStructuredOutputValidationFailed, FailureSourceInvalidOutputSchema:
		return OutcomeStructuredOutputValidationFailed
	}
	return OutcomeFailed
}

// CauseForFailure is the terminal cause a failure implies (spec §5.2): a runtime-apply
// failure cause wins, otherwise the source decides.
func CauseForFailure(applyCause Opt[RuntimeApplyFailureCause], src Opt[RunFailureSourceKind]) TurnTerminalCauseKind {
	if applyCause.Present() {
		return CauseRuntimeApplyFailure
	}
	switch src.Get() {
	case FailureSourceHookDenied:
		return CauseHookDenied
	case FailureSourceHookTimeout, FailureSourceHookExecutionFailed, FailureSourceHookConfigInvalid:
		return CauseHookFailure
	case FailureSourceLlm:
		return CauseLlmFailure
	case FailureSourceToolError, FailureSourceInvalidToolAccess:
		return CauseToolFailure
	case FailureSourceStructuredOutputValidationFailed, FailureSourceInvalidOutputSchema:
		return CauseStructuredOutputValidationFailed
	case FailureSourceTokenBudgetExceeded, FailureSourceToolCallBudgetExceeded:
		return CauseBudgetExhausted
	case FailureSourceTimeBudgetExceeded:
		return CauseTimeBudgetExceeded
	case FailureSourceLlmRetryExhausted:
		return CauseRetryExhausted
	case FailureSourceMaxTurnsReached:
		return CauseTurnLimitReached
	}
	return CauseFatalFailure
}

// outcomeForCause is the outcome consistent with a recorded cause.
func outcomeForCause(c TurnTerminalCauseKind) TurnTerminalOutcome {
	switch c {
	case CauseBudgetExhausted:
		return OutcomeBudgetExhausted
	case CauseTimeBudgetExceeded:
		return OutcomeTimeBudgetExceeded
	case CauseStructuredOutputValidationFailed:
		return OutcomeStructuredOutputValidationFailed
	}
	return OutcomeFailed
}

var runFailedRules = []rule[RunFailed]{
	{
		name: "RunFailed", from: phasesOf(PhaseRunning),
		guards: []guard[RunFailed]{
			{runMatches, func(s *State, in RunFailed) bool { return s.CurrentRunID.Is(in.RunID) }},
			{"runtime_apply_failure_not_machine_terminal_failure: a runtime_apply_failure_cause cannot come with machine_terminal_failure_observed", func(s *State, in RunFailed) bool {
				return !in.RuntimeApplyFailureCause.Present() || !in.MachineTerminalFailureObserved
			}},
			{"machine_terminal_failure_not_raw_source: machine_terminal_failure_observed cannot come with a terminal_failure_source", func(s *State, in RunFailed) bool {
				return !in.MachineTerminalFailureObserved || !in.TerminalFailureSource.Present()
			}},
			{"machine_terminal_failure_requires_existing_outcome: the turn has a failure outcome recorded", func(s *State, in RunFailed) bool {
				o := s.TerminalOutcome
				return !in.MachineTerminalFailureObserved ||
					(o.Present() && !o.Is(OutcomeNone) && !o.Is(OutcomeCompleted) && !o.Is(OutcomeCancelled))
			}},
			{"machine_terminal_failure_requires_existing_known_cause: the turn has a known cause recorded", func(s *State, in RunFailed) bool {
				return !in.MachineTerminalFailureObserved || (s.TerminalCauseKind.Present() && !s.TerminalCauseKind.Is(CauseUnknown))
			}},
			{"machine_terminal_failure_existing_outcome_matches_cause", func(s *State, in RunFailed) bool {
				return !in.MachineTerminalFailureObserved || s.TerminalOutcome.Is(outcomeForCause(s.TerminalCauseKind.Get()))
			}},
			{"terminal_failure_source_known_if_present: terminal_failure_source is not Unknown", func(s *State, in RunFailed) bool {
				return !in.TerminalFailureSource.Is(FailureSourceUnknown)
			}},
		},
		update: func(s *State, in RunFailed) {
			s.TurnPhase = TurnFailed
			s.ExtractionActive = false
			if !s.TerminalOutcome.Present() || s.TerminalOutcome.Is(OutcomeNone) {
				s.TerminalOutcome = Some(OutcomeForFailureSource(in.TerminalFailureSource))
			}
			if !s.TerminalCauseKind.Present() || s.TerminalCauseKind.Is(CauseUnknown) {
				s.TerminalCauseKind = Some(CauseForFailure(in.RuntimeApplyFailureCause, in.TerminalFailureSource))
			}
			s.LastRuntimeApplyFailureCause = in.RuntimeApplyFailureCause
			s.LastRuntimeApplyFailureMessage = in.RuntimeApplyFailureMessage
			s.RuntimeCompletionResultRunID = Some(in.RunID)
		},
		emit: func(s *State, in RunFailed) Effects {
			return Effects{
				TurnRunFailed{RunID: in.RunID, TerminalCauseKind: s.TerminalCauseKind.Get(), Error: in.Error},
				PostAdmissionSignal{Signal: SignalWakeLoop},
			}
		},
	},
}

// RunCancelled reports that the current run was cancelled (spec §5.2). The phase stays
// Running until CancelRun.
type RunCancelled struct {
	RunID string `json:"run_id"`
}

// Name returns "RunCancelled".
func (RunCancelled) Name() string { return "RunCancelled" }

func (in RunCancelled) step(s *State) (Effects, error) { return step(s, in, runCancelledRules) }

var runCancelledRules = []rule[RunCancelled]{
	{
		name: "RunCancelled", from: phasesOf(PhaseRunning),
		guards: []guard[RunCancelled]{{runMatches, func(s *State, in RunCancelled) bool { return s.CurrentRunID.Is(in.RunID) }}},
		update: func(s *State, in RunCancelled) {
			s.TurnPhase = TurnCancelled
			s.ExtractionActive = false
			s.TerminalOutcome = Some(OutcomeCancelled)
			s.RuntimeCompletionResultRunID = Some(in.RunID)
		},
	},
}

// Retire stops the session taking new input while queued work may still drain
// (spec §5.2). Retiring while a run is bound keeps Running with pre_run_phase Retired (see
// the note at the top of this file).
type Retire struct {
	SessionID string `json:"session_id"`
}

// Name returns "Retire".
func (Retire) Name() string { return "Retire" }

func (in Retire) step(s *State) (Effects, error) { return step(s, in, retireRules) }

func emitRuntimeRetired(s *State, in Retire) Effects {
	return Effects{RuntimeRetired{AgentRuntimeID: s.ActiveRuntimeID.Get(), FenceToken: s.ActiveFenceToken.Get()}}
}

var (
	retireBound = guard[Retire]{"runtime_binding_present: a runtime id and fence are bound", func(s *State, in Retire) bool {
		return s.runtimeBound()
	}}
	retireUnbound  = guard[Retire]{"runtime_binding_absent", func(s *State, in Retire) bool { return !s.runtimeBound() }}
	retireRunBound = guard[Retire]{"a run is bound", func(s *State, in Retire) bool { return s.CurrentRunID.Present() }}
	retireRunFree  = guard[Retire]{"no run is bound", func(s *State, in Retire) bool { return !s.CurrentRunID.Present() }}
)

func retireRunning(s *State, in Retire) {
	s.RuntimeStopDeferred = false
	s.PreRunPhase = Some(PreRunRetired)
}

func retireStopDeferredCleared(s *State, in Retire) { s.RuntimeStopDeferred = false }

var retireRules = []rule[Retire]{
	{name: "RetireWhileRunning", from: phasesOf(PhaseRunning), guards: []guard[Retire]{retireRunBound, retireBound},
		update: retireRunning, emit: emitRuntimeRetired},
	{name: "RetireWhileRunningUnbound", from: phasesOf(PhaseRunning), guards: []guard[Retire]{retireRunBound, retireUnbound},
		update: retireRunning},
	{name: "RetireRequested", from: openPhases, to: PhaseRetired, guards: []guard[Retire]{retireRunFree, retireBound},
		update: retireStopDeferredCleared, emit: emitRuntimeRetired},
	{name: "RetireRequestedUnbound", from: openPhases, to: PhaseRetired, guards: []guard[Retire]{retireRunFree, retireUnbound},
		update: retireStopDeferredCleared},
	{name: "RetireAlreadyRetired", from: phasesOf(PhaseRetired), guards: []guard[Retire]{retireBound}, emit: emitRuntimeRetired},
	{name: "RetireAlreadyRetiredUnbound", from: phasesOf(PhaseRetired), guards: []guard[Retire]{retireUnbound}},
}

// Reset returns the runtime to Idle, clearing the run, the fence and any deferred stop
// (spec §5.2). Refused while Running or Stopped.
type Reset struct{}

// Name returns "Reset".
func (Reset) Name() string { return "Reset" }

func (in Reset) step(s *State) (Effects, error) { return step(s, in, resetRules) }

var resetRules = []rule[Reset]{
	{
		name: "Reset", from: phasesOf(PhaseInitializing, PhaseIdle, PhaseAttached, PhaseRetired), to: PhaseIdle,
		update: func(s *State, in Reset) {
			s.CurrentRunID = None[string]()
			s.ActiveFenceToken = None[uint64]()
			s.PreRunPhase = None[PreRunPhase]()
			s.RuntimeStopDeferred = false
			s.SilentIntentOverrides = nil
		},
		emit: func(s *State, in Reset) Effects {
			return Effects{RuntimeNotice{Kind: NoticeReset, Detail: "runtime reset"}}
		},
	},
}

// Recycle clears the whole runtime binding so a new runtime can be bound (spec §5.2).
type Recycle struct{}

// Name returns "Recycle".
func (Recycle) Name() string { return "Recycle" }

func (in Recycle) step(s *State) (Effects, error) { return step(s, in, recycleRules) }

func recycleFrom(from phaseSet, to Phase) rule[Recycle] {
	return rule[Recycle]{
		name: "Recycle", from: from, to: to,
		guards: []guard[Recycle]{{"session_registered", func(s *State, in Recycle) bool { return s.registered() }}},
		update: func(s *State, in Recycle) {
			s.clearRuntimeBinding()
			s.CurrentRunID = None[string]()
			s.PreRunPhase = None[PreRunPhase]()
		},
		emit: func(s *State, in Recycle) Effects { return Effects{InitiateRecycle{}} },
	}
}

var recycleRules = []rule[Recycle]{
	recycleFrom(phasesOf(PhaseIdle, PhaseRetired), PhaseIdle),
	recycleFrom(phasesOf(PhaseAttached), 0),
}

func (s *State) clearRuntimeBinding() {
	s.ActiveRuntimeID = None[string]()
	s.ActiveFenceToken = None[uint64]()
	s.ActiveRuntimeGeneration = None[uint64]()
	s.ActiveRuntimeEpochID = None[string]()
}

// Recover announces that the runtime recovered (spec §5.2); refused while Running.
type Recover struct{}

// Name returns "Recover".
func (Recover) Name() string { return "Recover" }

func (in Recover) step(s *State) (Effects, error) { return step(s, in, recoverRules) }

var recoverRules = []rule[Recover]{
	{
		name: "Recover", from: phasesOf(PhaseInitializing, PhaseIdle, PhaseAttached, PhaseRetired, PhaseStopped),
		emit: func(s *State, in Recover) Effects {
			return Effects{RuntimeNotice{Kind: NoticeRecover, Detail: "runtime recovered"}}
		},
	},
}

// RecoverRuntimeAuthority rebuilds a session authority from persisted runtime
// observations; only from Initializing, applied once (spec §5.2).
type RecoverRuntimeAuthority struct {
	SessionID             string                        `json:"session_id"`
	State                 RuntimeLifecycleObservedState `json:"state"`
	AgentRuntimeID        Opt[string]                   `json:"agent_runtime_id,omitzero"`
	FenceToken            Opt[uint64]                   `json:"fence_token,omitzero"`
	RuntimeGeneration     Opt[uint64]                   `json:"runtime_generation,omitzero"`
	RuntimeEpochID        Opt[string]                   `json:"runtime_epoch_id,omitzero"`
	CurrentRunID          Opt[string]                   `json:"current_run_id,omitzero"`
	PreRunPhase           Opt[PreRunPhase]              `json:"pre_run_phase,omitzero"`
	SilentIntentOverrides Set                           `json:"silent_intent_overrides"`
}

// Name returns "RecoverRuntimeAuthority".
func (RecoverRuntimeAuthority) Name() string { return "RecoverRuntimeAuthority" }

func (in RecoverRuntimeAuthority) step(s *State) (Effects, error) {
	return step(s, in, recoverRuntimeAuthorityRules)
}

var recoverStructural = []guard[RecoverRuntimeAuthority]{
	{"session_id is not empty", func(s *State, in RecoverRuntimeAuthority) bool { return in.SessionID != "" }},
	{"fence_requires_runtime", func(s *State, in RecoverRuntimeAuthority) bool {
		return !in.FenceToken.Present() || in.AgentRuntimeID.Present()
	}},
	{"generation_requires_runtime", func(s *State, in RecoverRuntimeAuthority) bool {
		return !in.RuntimeGeneration.Present() || in.AgentRuntimeID.Present()
	}},
	{"epoch_requires_runtime", func(s *State, in RecoverRuntimeAuthority) bool {
		return !in.RuntimeEpochID.Present() || in.AgentRuntimeID.Present()
	}},
	{"binding_identity_present_when_runtime_bound: a runtime id needs a generation or an epoch", func(s *State, in RecoverRuntimeAuthority) bool {
		return !in.AgentRuntimeID.Present() || in.RuntimeGeneration.Present() || in.RuntimeEpochID.Present()
	}},
}

var (
	recoverNoRun = guard[RecoverRuntimeAuthority]{"no_run_binding: current_run_id and pre_run_phase are absent", func(s *State, in RecoverRuntimeAuthority) bool {
		return !in.CurrentRunID.Present() && !in.PreRunPhase.Present()
	}}
	recoverRunComplete = guard[RecoverRuntimeAuthority]{"run_binding_complete: current_run_id and pre_run_phase are present", func(s *State, in RecoverRuntimeAuthority) bool {
		return in.CurrentRunID.Present() && in.PreRunPhase.Present()
	}}
	recoverRunPair = guard[RecoverRuntimeAuthority]{"run_binding_pair: current_run_id and pre_run_phase are both present or both absent", func(s *State, in RecoverRuntimeAuthority) bool {
		return in.CurrentRunID.Present() == in.PreRunPhase.Present()
	}}
)

func recoverAs(observed RuntimeLifecycleObservedState, run guard[RecoverRuntimeAuthority]) rule[RecoverRuntimeAuthority] {
	guards := []guard[RecoverRuntimeAuthority]{
		{"observed_" + observed.String(), func(s *State, in RecoverRuntimeAuthority) bool { return in.State == observed }},
		run,
	}
	return rule[RecoverRuntimeAuthority]{
		name: "RecoverRuntimeAuthority" + observed.String(), from: phasesOf(PhaseInitializing), to: Phase(observed),
		guards: append(guards, recoverStructural...),
		update: func(s *State, in RecoverRuntimeAuthority) {
			s.SessionID = Some(in.SessionID)
			s.ActiveRuntimeID = in.AgentRuntimeID
			s.ActiveFenceToken = in.FenceToken
			s.ActiveRuntimeGeneration = in.RuntimeGeneration
			s.ActiveRuntimeEpochID = in.RuntimeEpochID
			s.CurrentRunID = in.CurrentRunID
			s.PreRunPhase = in.PreRunPhase
			s.RuntimeStopDeferred = false
			s.SilentIntentOverrides = in.SilentIntentOverrides.Clone()
		},
	}
}

var recoverRuntimeAuthorityRules = []rule[RecoverRuntimeAuthority]{
	recoverAs(ObservedInitializing, recoverNoRun),
	recoverAs(ObservedIdle, recoverNoRun),
	recoverAs(ObservedAttached, recoverNoRun),
	recoverAs(ObservedRunning, recoverRunComplete),
	recoverAs(ObservedRetired, recoverRunPair),
	recoverAs(ObservedStopped, recoverNoRun),
	recoverAs(ObservedDestroyed, recoverNoRun),
}

// StopRuntimeExecutor requests that the runtime executor stop (spec §5.3). With an
// executor attached the stop is deferred (runtime_stop_deferred) until the in-flight
// apply returns; the phase reaches Stopped only through RuntimeExecutorExited.
type StopRuntimeExecutor struct {
	Reason string `json:"reason"`
}

// Name returns "StopRuntimeExecutor".
func (StopRuntimeExecutor) Name() string { return "StopRuntimeExecutor" }

func (in StopRuntimeExecutor) step(s *State) (Effects, error) { return step(s, in, stopRules) }

func stopEffects(detail string) func(*State, StopRuntimeExecutor) Effects {
	return func(s *State, in StopRuntimeExecutor) Effects {
		return Effects{
			RuntimeNotice{Kind: NoticeStop, Detail: detail},
			RuntimeEffectFact{Kind: RuntimeEffectStopRuntimeExecutor, Reason: in.Reason},
		}
	}
}

var stopRules = []rule[StopRuntimeExecutor]{
	{
		name: "StopRuntimeExecutor", from: phasesOf(PhaseInitializing, PhaseIdle, PhaseRetired),
		update: func(s *State, in StopRuntimeExecutor) {
			s.CurrentRunID = None[string]()
			s.PreRunPhase = None[PreRunPhase]()
			s.RuntimeStopDeferred = false
			s.SilentIntentOverrides = nil
		},
		emit: stopEffects("runtime executor stop requested"),
	},
	{
		name: "StopRuntimeExecutorDeferred", from: phasesOf(PhaseAttached, PhaseRunning),
		update: func(s *State, in StopRuntimeExecutor) {
			s.RuntimeStopDeferred = s.LifecyclePhase == PhaseAttached || s.CurrentRunID.Present()
			s.SilentIntentOverrides = nil
		},
		emit: stopEffects("runtime executor stopped"),
	},
}

// RuntimeExecutorExited reports that the executor exited; the single path to Stopped
// (spec §5.3).
type RuntimeExecutorExited struct{}

// Name returns "RuntimeExecutorExited".
func (RuntimeExecutorExited) Name() string { return "RuntimeExecutorExited" }

func (in RuntimeExecutorExited) step(s *State) (Effects, error) { return step(s, in, exitedRules) }

func emitExited(*State, RuntimeExecutorExited) Effects {
	return Effects{RuntimeNotice{Kind: NoticeExit, Detail: "runtime executor exited"}}
}

var exitedRules = []rule[RuntimeExecutorExited]{
	{
		name: "RuntimeExecutorExited", from: phasesOf(PhaseAttached, PhaseRunning, PhaseRetired), to: PhaseStopped,
		update: func(s *State, in RuntimeExecutorExited) {
			s.CurrentRunID = None[string]()
			s.PreRunPhase = None[PreRunPhase]()
			s.RuntimeStopDeferred = false
			s.SilentIntentOverrides = nil
			s.RegistrationPhase = RegistrationQueuing
		},
		emit: emitExited,
	},
	{
		name: "RuntimeExecutorExitedFromIdle", from: phasesOf(PhaseIdle), to: PhaseStopped,
		update: func(s *State, in RuntimeExecutorExited) {
			s.RuntimeStopDeferred = false
			s.SilentIntentOverrides = nil
			s.RegistrationPhase = RegistrationQueuing
		},
		emit: emitExited,
	},
	{
		name: "RuntimeExecutorExitedFromStopped", from: phasesOf(PhaseStopped),
		update: func(s *State, in RuntimeExecutorExited) {
			s.RuntimeStopDeferred = false
			s.RegistrationPhase = RegistrationQueuing
		},
	},
}

// Destroy ends the session for good (spec §5.2). From Initializing only when a runtime is
// bound. Destroyed is terminal.
type Destroy struct {
	SessionID string `json:"session_id"`
}

// Name returns "Destroy".
func (Destroy) Name() string { return "Destroy" }

func (in Destroy) step(s *State) (Effects, error) { return step(s, in, destroyRules) }

func destroyRule(from phaseSet, guards []guard[Destroy]) rule[Destroy] {
	return rule[Destroy]{
		name: "Destroy", from: from, to: PhaseDestroyed, guards: guards,
		update: func(s *State, in Destroy) {
			s.CurrentRunID = None[string]()
			s.PreRunPhase = None[PreRunPhase]()
			s.RuntimeStopDeferred = false
			s.SilentIntentOverrides = nil
			s.RegistrationPhase = RegistrationQueuing
		},
		emit: func(s *State, in Destroy) Effects {
			return Effects{RuntimeDestroyed{AgentRuntimeID: s.ActiveRuntimeID.Get(), FenceToken: s.ActiveFenceToken.Get()}}
		},
	}
}

var destroyRules = []rule[Destroy]{
	destroyRule(phasesOf(PhaseInitializing), []guard[Destroy]{
		{"runtime_is_bound: a runtime id is bound", func(s *State, in Destroy) bool { return s.ActiveRuntimeID.Present() }},
	}),
	destroyRule(livePhases, nil),
}

// CancelAfterBoundary asks the running turn to end at its next boundary (spec §5.4).
type CancelAfterBoundary struct {
	Reason string `json:"reason"`
}

// Name returns "CancelAfterBoundary".
func (CancelAfterBoundary) Name() string { return "CancelAfterBoundary" }

func (in CancelAfterBoundary) step(s *State) (Effects, error) {
	return step(s, in, cancelAfterBoundaryRules)
}

var cancelAfterBoundaryRules = []rule[CancelAfterBoundary]{
	{
		name: "CancelAfterBoundary", from: phasesOf(PhaseAttached, PhaseRunning),
		emit: func(s *State, in CancelAfterBoundary) Effects {
			return Effects{
				RequestCancellationAtBoundary{},
				RuntimeEffectFact{Kind: RuntimeEffectCancelAfterBoundary, Reason: in.Reason},
			}
		},
	},
}

// InterruptCurrentRun wakes the runtime loop and asks for cancellation at the next
// boundary (spec §5.5).
type InterruptCurrentRun struct{}

// Name returns "InterruptCurrentRun".
func (InterruptCurrentRun) Name() string { return "InterruptCurrentRun" }

func (in InterruptCurrentRun) step(s *State) (Effects, error) {
	return step(s, in, interruptCurrentRunRules)
}

var interruptCurrentRunRules = []rule[InterruptCurrentRun]{
	{
		name: "InterruptCurrentRun", from: phasesOf(PhaseAttached, PhaseRunning),
		emit: func(s *State, in InterruptCurrentRun) Effects {
			return Effects{WakeInterrupt{}, RequestCancellationAtBoundary{}}
		},
	},
}

// RuntimeBound reports a new runtime binding (spec §4.1; routed to the mob machine).
type RuntimeBound struct {
	effect
	AgentRuntimeID string `json:"agent_runtime_id"`
	FenceToken     uint64 `json:"fence_token"`
}

// Name returns "RuntimeBound".
func (RuntimeBound) Name() string { return "RuntimeBound" }

// RuntimeRetired reports that a bound runtime was retired (spec §4.1; routed).
type RuntimeRetired struct {
	effect
	AgentRuntimeID string `json:"agent_runtime_id"`
	FenceToken     uint64 `json:"fence_token"`
}

// Name returns "RuntimeRetired".
func (RuntimeRetired) Name() string { return "RuntimeRetired" }

// RuntimeDestroyed reports that the session was destroyed; the fields are zero when no
// runtime was bound (spec §1.6; routed).
type RuntimeDestroyed struct {
	effect
	AgentRuntimeID string `json:"agent_runtime_id"`
	FenceToken     uint64 `json:"fence_token"`
}

// Name returns "RuntimeDestroyed".
func (RuntimeDestroyed) Name() string { return "RuntimeDestroyed" }

// RuntimeNotice is an external notice about the runtime (spec §4.1).
type RuntimeNotice struct {
	effect
	Kind   RuntimeNoticeKind `json:"kind"`
	Detail string            `json:"detail"`
}

// Name returns "RuntimeNotice".
func (RuntimeNotice) Name() string { return "RuntimeNotice" }

// RuntimeEffectFact is a local effect the shell projects into a runtime-loop command:
// cancel after boundary, or stop the executor (spec §4.1, §5.3, §5.4).
type RuntimeEffectFact struct {
	effect
	Kind   RuntimeEffectKind `json:"kind"`
	Reason string            `json:"reason"`
}

// Name returns "RuntimeEffectFact".
func (RuntimeEffectFact) Name() string { return "RuntimeEffectFact" }

// RequestCancellationAtBoundary asks the shell to end the running turn at its next
// boundary (local).
type RequestCancellationAtBoundary struct{ effect }

// Name returns "RequestCancellationAtBoundary".
func (RequestCancellationAtBoundary) Name() string { return "RequestCancellationAtBoundary" }

// WakeInterrupt asks the shell to wake the runtime loop for an interrupt (local).
type WakeInterrupt struct{ effect }

// Name returns "WakeInterrupt".
func (WakeInterrupt) Name() string { return "WakeInterrupt" }

// InitiateRecycle asks the shell to recycle the runtime, keeping pending work (local).
type InitiateRecycle struct{ effect }

// Name returns "InitiateRecycle".
func (InitiateRecycle) Name() string { return "InitiateRecycle" }

// RuntimeOpsLifecycleDurabilityResolved says whether to keep the ops-lifecycle snapshot.
type RuntimeOpsLifecycleDurabilityResolved struct {
	effect
	SessionID string `json:"session_id"`
	RuntimeBindingObservation
	Action RuntimeOpsLifecycleDurabilityAction `json:"action"`
}

// Name returns "RuntimeOpsLifecycleDurabilityResolved".
func (RuntimeOpsLifecycleDurabilityResolved) Name() string {
	return "RuntimeOpsLifecycleDurabilityResolved"
}

var lifecycleCatalogue = []InputSpec{
	signalSpec(specOf("lifecycle", OriginRuntime, "Move a fresh machine from Initializing to Idle.", initializeRules)),
	specOf("lifecycle", OriginCaller, "Bind the machine to a session id; the same id again is a no-op.", registerSessionRules),
	specOf("lifecycle", OriginCaller, "Unbind the session, its runtime, run and LLM state, back to Idle.", unregisterSessionRules),
	specOf("lifecycle", OriginCaller, "Decide whether an unregistering session's ops snapshot is deleted or kept.", resolveOpsDurabilityRules),
	specOf("lifecycle", OriginCaller, "Bind the session to a runtime (id, fence, generation or epoch); Idle attaches.", prepareBindingsRules),
	specOf("lifecycle", OriginCaller, "Record that a runtime loop and executor are attached (Idle to Attached).", ensureSessionWithExecutorRules),
	specOf("lifecycle", OriginCaller, "Replace the silent-intent overrides.", setSilentIntentsRules),
	specOf("lifecycle", OriginRuntime, "Start a run from Idle or Attached; the runtime loop's run-start authority.", prepareRules),
	signalSpec(specOf("lifecycle", OriginRuntime, "Start a run from Retired so queued work drains.", drainQueuedRunRules)),
	specOf("lifecycle", OriginRuntime, "End the current run successfully.", commitRules),
	specOf("lifecycle", OriginRuntime, "End the current run after the turn failed with a known cause.", failRules),
	specOf("lifecycle", OriginRuntime, "End the current run after the turn was cancelled.", cancelRunRules),
	specOf("lifecycle", OriginRuntime, "End the current run without a terminal outcome.", rollbackRunRules),
	specOf("lifecycle", OriginRuntime, "End a run whose direct service turn completed.", serviceTurnCommittedRules),
	specOf("lifecycle", OriginRuntime, "Report that the current run produced its result.", runCompletedRules),
	specOf("lifecycle", OriginRuntime, "Report that the current run failed, with its failure source.", runFailedRules),
	specOf("lifecycle", OriginRuntime, "Report that the current run was cancelled.", runCancelledRules),
	specOf("lifecycle", OriginCaller, "Stop taking new input; queued work may still drain.", retireRules),
	specOf("lifecycle", OriginCaller, "Return the runtime to Idle, clearing the run and the fence.", resetRules),
	specOf("lifecycle", OriginCaller, "Clear the runtime binding so a new runtime can be bound.", recycleRules),
	specOf("lifecycle", OriginCaller, "Announce that the runtime recovered.", recoverRules),
	specOf("lifecycle", OriginRuntime, "Rebuild the authority from persisted runtime observations (Initializing only).", recoverRuntimeAuthorityRules),
	specOf("lifecycle", OriginCaller, "Request that the runtime executor stop; deferred while an executor is attached.", stopRules),
	specOf("lifecycle", OriginRuntime, "Report that the runtime executor exited (to Stopped).", exitedRules),
	specOf("lifecycle", OriginCaller, "Destroy the session for good.", destroyRules),
	specOf("lifecycle", OriginCaller, "End the running turn at its next boundary.", cancelAfterBoundaryRules),
	specOf("lifecycle", OriginCaller, "Wake the loop and cancel the current run at its next boundary.", interruptCurrentRunRules),
	specOf("lifecycle", OriginCaller, "Classify an observed lifecycle state (projection authority).", classifyLifecycleRules),
	specOf("lifecycle", OriginCaller, "Say which lifecycle state is persisted (projection authority).", classifyDurabilityRules),
	specOf("lifecycle", OriginCaller, "Classify the runtime loop's queue admission (projection authority).", classifyLoopQueueRules),
	specOf("lifecycle", OriginCaller, "Pick the public phase from machine and control phases (projection authority).", resolveVisiblePhaseRules),
}

var lifecycleEffects = []Effect{
	RuntimeBound{}, RuntimeRetired{}, RuntimeDestroyed{}, RuntimeNotice{}, RuntimeEffectFact{},
	RequestCancellationAtBoundary{}, WakeInterrupt{}, InitiateRecycle{}, RuntimeOpsLifecycleDurabilityResolved{},
	RuntimeLifecycleStateClassified{}, RuntimeLifecycleDurabilityClassified{}, RuntimeLoopQueueAdmissionClassified{},
	VisibleRuntimePhaseResolved{},
}

func signalSpec(sp InputSpec) InputSpec {
	sp.Signal = true
	return sp
}
