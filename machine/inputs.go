package machine

import (
	"cmp"
	"slices"
)

// This file holds the input lifecycle of spec §7.6 and its public projections (§7.7):
// queue and steer lanes ordered by admission sequence, staging for a run with the
// staged-rollback budget, and the terminal transitions (consumed, superseded, coalesced,
// abandoned).
//
// State layout: one TrackedInput per input replaces the DSL's parallel maps input_phases
// (presence = tracked), input_terminal_kind, input_superseded_by, input_aggregate_id,
// input_abandon_reason, input_abandon_attempt_count, input_attempt_counts,
// input_run_associations, input_boundary_sequences, input_admission_seq, input_lane and
// input_recovery_lanes; one AdmissionWitness per input id replaces
// admission_authorized_{lanes,plans,existing_actions,existing_targets}.

// inputLedger holds the input lifecycle fields (spec §3.3).
type inputLedger struct {
	InputStates                      map[string]TrackedInput     `json:"input_states"`
	AdmissionWitnesses               map[string]AdmissionWitness `json:"admission_witnesses"`
	AdmissionIdempotencyInputs       map[string]string           `json:"admission_idempotency_inputs"`
	LiveBoundaryContextSequenceByRun map[string]uint64           `json:"live_boundary_context_sequence_by_run"`
	MaxStageAttempts                 uint64                      `json:"max_stage_attempts"`
	NextAdmissionSeq                 uint64                      `json:"next_admission_seq"`
	NextPriorityAdmissionSeq         uint64                      `json:"next_priority_admission_seq"`
}

func initialInputLedger() inputLedger {
	return inputLedger{MaxStageAttempts: 3, NextAdmissionSeq: 1_000_000_000, NextPriorityAdmissionSeq: 999_999_999}
}

// TrackedInput is everything the machine records about one admitted input.
type TrackedInput struct {
	Phase               InputPhase              `json:"phase"`
	TerminalKind        Opt[InputTerminalKind]  `json:"terminal_kind,omitzero"`
	SupersededBy        Opt[string]             `json:"superseded_by,omitzero"`
	AggregateID         Opt[string]             `json:"aggregate_id,omitzero"`
	AbandonReason       Opt[InputAbandonReason] `json:"abandon_reason,omitzero"`
	AbandonAttemptCount Opt[uint64]             `json:"abandon_attempt_count,omitzero"`
	AttemptCount        Opt[uint64]             `json:"attempt_count,omitzero"`
	RunID               Opt[string]             `json:"run_id,omitzero"`
	BoundarySequence    Opt[uint64]             `json:"boundary_sequence,omitzero"`
	AdmissionSeq        Opt[uint64]             `json:"admission_seq,omitzero"`
	Lane                Opt[InputLane]          `json:"lane,omitzero"`
	RecoveryLane        Opt[InputLane]          `json:"recovery_lane,omitzero"`
}

// Terminal reports whether the input reached a terminal phase.
func (t TrackedInput) Terminal() bool { return t.TerminalKind.Present() }

// AdmissionWitness is what ResolveAdmissionPlan authorised for an input id.
type AdmissionWitness struct {
	Lane           Opt[InputLane]                         `json:"lane,omitzero"`
	Plan           Opt[AdmissionPlanKind]                 `json:"plan,omitzero"`
	ExistingAction Opt[AdmissionExistingQueuedActionKind] `json:"existing_action,omitzero"`
	ExistingTarget Opt[string]                            `json:"existing_target,omitzero"`
}

func (s *State) tracked(id string) bool {
	_, ok := s.InputStates[id]
	return ok
}

func (s *State) setInput(id string, t TrackedInput) { put(s, &s.InputStates, id, t) }

func inputTracked[I any](id func(I) string) guard[I] {
	return guard[I]{"input_tracked: the input is tracked", func(s *State, in I) bool { return s.tracked(id(in)) }}
}

func emitNotice[I any](*State, I) Effects          { return Effects{InputLifecycleNotice{}} }
func emitTerminalOutcome[I any](*State, I) Effects { return Effects{RecordTerminalOutcome{}} }

// inputStep is the shape of the lifecycle inputs that only name an input.
type inputStep interface{ inputID() string }

// lifecycleRule is a per_phase [Idle..Stopped] rule over a tracked, non-terminal input
// whose update rewrites the input's record. Upstream leaves "not terminal" to the shell;
// the machine checks it, so a terminal outcome can never be overwritten (doc.go,
// Interpretations).
func lifecycleRule[I inputStep](name string, extra []guard[I], change func(s *State, t *TrackedInput, in I), emit func(*State, I) Effects) []rule[I] {
	return []rule[I]{{
		name: name, from: livePhases,
		guards: append([]guard[I]{
			inputTracked(func(in I) string { return in.inputID() }),
			{"input_not_terminal: the input has no terminal outcome yet", func(s *State, in I) bool { return !s.InputStates[in.inputID()].Terminal() }},
		}, extra...),
		update: func(s *State, in I) {
			t := s.InputStates[in.inputID()]
			change(s, &t, in)
			s.setInput(in.inputID(), t)
		},
		emit: emit,
	}}
}

// terminate records a terminal outcome and leaves both lanes.
func terminate(t *TrackedInput, phase InputPhase, kind InputTerminalKind) {
	t.Phase, t.TerminalKind = phase, Some(kind)
	t.Lane, t.RecoveryLane = None[InputLane](), None[InputLane]()
	t.SupersededBy, t.AggregateID = None[string](), None[string]()
	t.AbandonReason, t.AbandonAttemptCount = None[InputAbandonReason](), None[uint64]()
}

// InputRef is the shape of the inputs that carry only an input id.
type InputRef struct {
	InputID string `json:"input_id"`
}

func (in InputRef) inputID() string { return in.InputID }

// QueueAccepted tracks a newly admitted input in the queue lane (spec §7.6).
type QueueAccepted struct{ InputRef }

// Name returns "QueueAccepted".
func (QueueAccepted) Name() string { return "QueueAccepted" }

func (in QueueAccepted) step(s *State) (Effects, error) { return step(s, in, queueAcceptedRules) }

// SteerAccepted tracks a newly admitted input in the steer lane (spec §7.6).
type SteerAccepted struct{ InputRef }

// Name returns "SteerAccepted".
func (SteerAccepted) Name() string { return "SteerAccepted" }

func (in SteerAccepted) step(s *State) (Effects, error) { return step(s, in, steerAcceptedRules) }

func acceptedRules[I inputStep](name string, lane InputLane) []rule[I] {
	return []rule[I]{{
		name: name, from: livePhases,
		guards: []guard[I]{
			{"not_already_tracked", func(s *State, in I) bool { return !s.tracked(in.inputID()) }},
			{"admission authorised the " + lane.String() + " lane", func(s *State, in I) bool {
				return s.AdmissionWitnesses[in.inputID()].Lane.Is(lane)
			}},
		},
		update: func(s *State, in I) {
			s.setInput(in.inputID(), TrackedInput{Phase: InputQueued, Lane: Some(lane), RecoveryLane: Some(lane), AdmissionSeq: Some(s.NextAdmissionSeq)})
			s.NextAdmissionSeq++
		},
		emit: func(*State, I) Effects { return Effects{IngressAccepted{}} },
	}}
}

var (
	queueAcceptedRules = acceptedRules[QueueAccepted]("QueueAccepted", LaneQueue)
	steerAcceptedRules = acceptedRules[SteerAccepted]("SteerAccepted", LaneSteer)
)

// ChangeLane moves a tracked input to another lane (spec §7.6).
type ChangeLane struct {
	InputID string    `json:"input_id"`
	NewLane InputLane `json:"new_lane"`
}

// Name returns "ChangeLane".
func (ChangeLane) Name() string { return "ChangeLane" }

func (in ChangeLane) inputID() string { return in.InputID }

func (in ChangeLane) step(s *State) (Effects, error) { return step(s, in, changeLaneRules) }

var changeLaneRules = lifecycleRule("ChangeLane", nil, func(_ *State, t *TrackedInput, in ChangeLane) {
	t.Lane, t.RecoveryLane = Some(in.NewLane), Some(in.NewLane)
}, nil)

func inLane[I inputStep]() guard[I] {
	return guard[I]{"input_queued: the input is in a lane", func(s *State, in I) bool { return s.InputStates[in.inputID()].Lane.Present() }}
}

// PrioritizeInput moves an input to the front of its lane (spec §7.6).
type PrioritizeInput struct{ InputRef }

// Name returns "PrioritizeInput".
func (PrioritizeInput) Name() string { return "PrioritizeInput" }

func (in PrioritizeInput) step(s *State) (Effects, error) { return step(s, in, prioritizeRules) }

var prioritizeRules = lifecycleRule("PrioritizeInput", []guard[PrioritizeInput]{
	inLane[PrioritizeInput](),
	{"priority_sequence_available: next_priority_admission_seq > 0", func(s *State, _ PrioritizeInput) bool { return s.NextPriorityAdmissionSeq > 0 }},
}, func(s *State, t *TrackedInput, _ PrioritizeInput) {
	t.AdmissionSeq = Some(s.NextPriorityAdmissionSeq)
	s.NextPriorityAdmissionSeq--
}, nil)

// DeferInputBehindBacklog moves an input to the back of its lane (spec §7.6).
type DeferInputBehindBacklog struct{ InputRef }

// Name returns "DeferInputBehindBacklog".
func (DeferInputBehindBacklog) Name() string { return "DeferInputBehindBacklog" }

func (in DeferInputBehindBacklog) step(s *State) (Effects, error) { return step(s, in, deferRules) }

var deferRules = lifecycleRule("DeferInputBehindBacklog", []guard[DeferInputBehindBacklog]{inLane[DeferInputBehindBacklog]()},
	func(s *State, t *TrackedInput, _ DeferInputBehindBacklog) {
		t.AdmissionSeq = Some(s.NextAdmissionSeq)
		s.NextAdmissionSeq++
	}, nil)

// StageForRun stages an input into a run's batch, taking it out of its lane (spec §7.6).
type StageForRun struct {
	InputID string `json:"input_id"`
	RunID   string `json:"run_id"`
}

// Name returns "StageForRun".
func (StageForRun) Name() string { return "StageForRun" }

func (in StageForRun) inputID() string { return in.InputID }

func (in StageForRun) step(s *State) (Effects, error) { return step(s, in, stageRules) }

var stageRules = lifecycleRule("StageForRun", nil, func(_ *State, t *TrackedInput, in StageForRun) {
	t.Phase, t.RunID, t.Lane = InputStaged, Some(in.RunID), None[InputLane]()
}, func(*State, StageForRun) Effects { return Effects{RecordRunAssociation{}} })

// IncrementAttemptCount counts one more staging attempt (spec §7.6).
type IncrementAttemptCount struct{ InputRef }

// Name returns "IncrementAttemptCount".
func (IncrementAttemptCount) Name() string { return "IncrementAttemptCount" }

func (in IncrementAttemptCount) step(s *State) (Effects, error) { return step(s, in, incrementRules) }

var incrementRules = lifecycleRule("IncrementAttemptCount", nil, func(_ *State, t *TrackedInput, _ IncrementAttemptCount) {
	t.AttemptCount = Some(t.AttemptCount.Get() + 1)
}, nil)

// RollbackStaged returns a staged input to a lane (spec §7.6).
type RollbackStaged struct {
	InputID string    `json:"input_id"`
	Lane    InputLane `json:"lane"`
}

// Name returns "RollbackStaged".
func (RollbackStaged) Name() string { return "RollbackStaged" }

func (in RollbackStaged) inputID() string { return in.InputID }

func (in RollbackStaged) step(s *State) (Effects, error) { return step(s, in, rollbackStagedRules) }

func requeue(t *TrackedInput, lane InputLane) {
	t.Phase, t.RunID = InputQueued, None[string]()
	t.Lane, t.RecoveryLane = Some(lane), Some(lane)
}

var rollbackStagedRules = lifecycleRule("RollbackStaged", nil, func(_ *State, t *TrackedInput, in RollbackStaged) { requeue(t, in.Lane) }, emitNotice[RollbackStaged])

// ResolveStagedRollback returns a staged input to its lane while the staging budget
// (max_stage_attempts, 3) lasts, and abandons it with MaxAttemptsExhausted after that
// (spec §7.6).
type ResolveStagedRollback struct {
	InputID string    `json:"input_id"`
	Lane    InputLane `json:"lane"`
}

// Name returns "ResolveStagedRollback".
func (ResolveStagedRollback) Name() string { return "ResolveStagedRollback" }

func (in ResolveStagedRollback) inputID() string { return in.InputID }

func (in ResolveStagedRollback) step(s *State) (Effects, error) {
	return step(s, in, resolveStagedRollbackRules)
}

var stagedRollbackGuards = []guard[ResolveStagedRollback]{
	{"input_staged", func(s *State, in ResolveStagedRollback) bool { return s.InputStates[in.InputID].Phase == InputStaged }},
	{"attempt_count_tracked", func(s *State, in ResolveStagedRollback) bool { return s.InputStates[in.InputID].AttemptCount.Present() }},
	{"recovery_lane_matches: the recovery lane is the given lane", func(s *State, in ResolveStagedRollback) bool {
		return s.InputStates[in.InputID].RecoveryLane.Is(in.Lane)
	}},
}

var resolveStagedRollbackRules = append(
	lifecycleRule("ResolveStagedRollbackQueued", append(slices.Clone(stagedRollbackGuards),
		guard[ResolveStagedRollback]{"stage_attempts_remaining: attempt_count < max_stage_attempts", func(s *State, in ResolveStagedRollback) bool {
			return s.InputStates[in.InputID].AttemptCount.Get() < s.MaxStageAttempts
		}}), func(_ *State, t *TrackedInput, in ResolveStagedRollback) { requeue(t, in.Lane) }, emitNotice[ResolveStagedRollback]),
	lifecycleRule("ResolveStagedRollbackMaxAttemptsExhausted", append(slices.Clone(stagedRollbackGuards),
		guard[ResolveStagedRollback]{"stage_attempts_exhausted: attempt_count >= max_stage_attempts", func(s *State, in ResolveStagedRollback) bool {
			return s.InputStates[in.InputID].AttemptCount.Get() >= s.MaxStageAttempts
		}}), func(_ *State, t *TrackedInput, _ ResolveStagedRollback) {
		terminate(t, InputAbandoned, TerminalAbandoned)
		t.AbandonReason, t.AbandonAttemptCount = Some(AbandonMaxAttemptsExhausted), Some(t.AttemptCount.Get())
	}, emitTerminalOutcome[ResolveStagedRollback])...,
)

// MarkApplied records that a staged input was applied (spec §7.6).
type MarkApplied struct{ InputRef }

// Name returns "MarkApplied".
func (MarkApplied) Name() string { return "MarkApplied" }

func (in MarkApplied) step(s *State) (Effects, error) { return step(s, in, markAppliedRules) }

var markAppliedRules = lifecycleRule("MarkApplied", nil, func(_ *State, t *TrackedInput, _ MarkApplied) { t.Phase = InputApplied }, emitNotice[MarkApplied])

// MarkAppliedPendingConsumption records that an input was applied and awaits
// consumption (spec §7.6).
type MarkAppliedPendingConsumption struct{ InputRef }

// Name returns "MarkAppliedPendingConsumption".
func (MarkAppliedPendingConsumption) Name() string { return "MarkAppliedPendingConsumption" }

func (in MarkAppliedPendingConsumption) step(s *State) (Effects, error) {
	return step(s, in, markPendingRules)
}

var markPendingRules = lifecycleRule("MarkAppliedPendingConsumption", nil, func(_ *State, t *TrackedInput, _ MarkAppliedPendingConsumption) {
	t.Phase = InputAppliedPendingConsumption
}, emitNotice[MarkAppliedPendingConsumption])

// ConsumeOnAccept consumes an input whose plan is ConsumedOnAccept (spec §7.6).
type ConsumeOnAccept struct{ InputRef }

// Name returns "ConsumeOnAccept".
func (ConsumeOnAccept) Name() string { return "ConsumeOnAccept" }

func (in ConsumeOnAccept) step(s *State) (Effects, error) { return step(s, in, consumeOnAcceptRules) }

var consumeOnAcceptRules = lifecycleRule("ConsumeOnAccept", []guard[ConsumeOnAccept]{
	{"admission authorised plan ConsumedOnAccept", func(s *State, in ConsumeOnAccept) bool {
		return s.AdmissionWitnesses[in.InputID].Plan.Is(PlanConsumedOnAccept)
	}},
}, func(_ *State, t *TrackedInput, _ ConsumeOnAccept) { terminate(t, InputConsumed, TerminalConsumed) }, emitTerminalOutcome[ConsumeOnAccept])

// ConsumeInput consumes an input its run completed (spec §7.6).
type ConsumeInput struct{ InputRef }

// Name returns "ConsumeInput".
func (ConsumeInput) Name() string { return "ConsumeInput" }

func (in ConsumeInput) step(s *State) (Effects, error) { return step(s, in, consumeRules) }

var consumeRules = lifecycleRule("ConsumeInput", nil, func(_ *State, t *TrackedInput, _ ConsumeInput) { terminate(t, InputConsumed, TerminalConsumed) }, emitTerminalOutcome[ConsumeInput])

// RecordBoundarySeq records the live boundary sequence of the input's run (spec §7.6).
type RecordBoundarySeq struct {
	InputID string `json:"input_id"`
	RunID   string `json:"run_id"`
}

// Name returns "RecordBoundarySeq".
func (RecordBoundarySeq) Name() string { return "RecordBoundarySeq" }

func (in RecordBoundarySeq) inputID() string { return in.InputID }

func (in RecordBoundarySeq) step(s *State) (Effects, error) { return step(s, in, boundarySeqRules) }

var boundarySeqRules = lifecycleRule("RecordBoundarySeq", nil, func(s *State, t *TrackedInput, in RecordBoundarySeq) {
	t.BoundarySequence = Some(s.LiveBoundaryContextSequenceByRun[in.RunID])
}, func(*State, RecordBoundarySeq) Effects { return Effects{RecordBoundarySequence{}} })

// SupersedeInput records that a newer input replaces this one, as its admission authorised
// (spec §7.6).
type SupersedeInput struct {
	InputID      string `json:"input_id"`
	SupersededBy string `json:"superseded_by"`
}

// Name returns "SupersedeInput".
func (SupersedeInput) Name() string { return "SupersedeInput" }

func (in SupersedeInput) inputID() string { return in.InputID }

func (in SupersedeInput) step(s *State) (Effects, error) { return step(s, in, supersedeRules) }

// witnessTargets reports whether the admission of `by` authorised action on target.
func (s *State) witnessTargets(by string, action AdmissionExistingQueuedActionKind, target string) bool {
	w := s.AdmissionWitnesses[by]
	return w.ExistingAction.Is(action) && w.ExistingTarget.Is(target)
}

// consumeWitness clears the existing-action witness of `by` once used.
func (s *State) consumeWitness(by string) {
	w := s.AdmissionWitnesses[by]
	w.ExistingAction, w.ExistingTarget = None[AdmissionExistingQueuedActionKind](), None[string]()
	put(s, &s.AdmissionWitnesses, by, w)
}

var supersedeRules = lifecycleRule("SupersedeInput", []guard[SupersedeInput]{
	{"admission of superseded_by authorised superseding this input", func(s *State, in SupersedeInput) bool {
		return s.witnessTargets(in.SupersededBy, ExistingSupersede, in.InputID)
	}},
}, func(s *State, t *TrackedInput, in SupersedeInput) {
	terminate(t, InputSuperseded, TerminalSuperseded)
	t.SupersededBy = Some(in.SupersededBy)
	s.consumeWitness(in.SupersededBy)
}, emitTerminalOutcome[SupersedeInput])

// CoalesceInput records that this input was folded into an aggregate, as its admission
// authorised (spec §7.6).
type CoalesceInput struct {
	InputID     string `json:"input_id"`
	AggregateID string `json:"aggregate_id"`
}

// Name returns "CoalesceInput".
func (CoalesceInput) Name() string { return "CoalesceInput" }

func (in CoalesceInput) inputID() string { return in.InputID }

func (in CoalesceInput) step(s *State) (Effects, error) { return step(s, in, coalesceRules) }

var coalesceRules = lifecycleRule("CoalesceInput", []guard[CoalesceInput]{
	{"admission of aggregate_id authorised coalescing this input", func(s *State, in CoalesceInput) bool {
		return s.witnessTargets(in.AggregateID, ExistingCoalesce, in.InputID)
	}},
}, func(s *State, t *TrackedInput, in CoalesceInput) {
	terminate(t, InputCoalesced, TerminalCoalesced)
	t.AggregateID = Some(in.AggregateID)
	s.consumeWitness(in.AggregateID)
}, emitTerminalOutcome[CoalesceInput])

// AbandonInput abandons an input with a reason (spec §7.6).
type AbandonInput struct {
	InputID      string             `json:"input_id"`
	Reason       InputAbandonReason `json:"reason"`
	AttemptCount uint64             `json:"attempt_count"`
}

// Name returns "AbandonInput".
func (AbandonInput) Name() string { return "AbandonInput" }

func (in AbandonInput) inputID() string { return in.InputID }

func (in AbandonInput) step(s *State) (Effects, error) { return step(s, in, abandonRules) }

var abandonRules = lifecycleRule("AbandonInput", nil, func(_ *State, t *TrackedInput, in AbandonInput) {
	terminate(t, InputAbandoned, TerminalAbandoned)
	t.AbandonReason, t.AbandonAttemptCount = Some(in.Reason), Some(in.AttemptCount)
}, emitTerminalOutcome[AbandonInput])

// InputLifecycleNotice reports a non-terminal lifecycle change (local).
type InputLifecycleNotice struct{ effect }

// Name returns "InputLifecycleNotice".
func (InputLifecycleNotice) Name() string { return "InputLifecycleNotice" }

// RecordTerminalOutcome asks the shell to persist an input's terminal outcome (local).
type RecordTerminalOutcome struct{ effect }

// Name returns "RecordTerminalOutcome".
func (RecordTerminalOutcome) Name() string { return "RecordTerminalOutcome" }

// RecordRunAssociation asks the shell to persist an input's run association (local).
type RecordRunAssociation struct{ effect }

// Name returns "RecordRunAssociation".
func (RecordRunAssociation) Name() string { return "RecordRunAssociation" }

// RecordBoundarySequence asks the shell to persist an input's boundary sequence (local).
type RecordBoundarySequence struct{ effect }

// Name returns "RecordBoundarySequence".
func (RecordBoundarySequence) Name() string { return "RecordBoundarySequence" }

// InputFacts are the facts the pure input classifiers read (spec §7.7).
type InputFacts struct {
	InputID       string                      `json:"input_id"`
	Phase         RecoveredInputObservedPhase `json:"phase"`
	TerminalKind  Opt[InputTerminalKind]      `json:"terminal_kind,omitzero"`
	AbandonReason Opt[InputAbandonReason]     `json:"abandon_reason,omitzero"`
}

// PublicTerminalOutcome maps consistent input facts to the public terminal outcome:
// Consumed→Completed, Superseded, Coalesced, Abandoned with reason Cancelled→Cancelled,
// other abandonments→Abandoned, non-terminal→none. ok is false for inconsistent facts
// (spec §7.7; the same arms as ResolveInputPublicTerminalOutcome).
func (f InputFacts) PublicTerminalOutcome() (outcome Opt[InputPublicTerminalOutcome], ok bool) {
	for _, arm := range publicOutcomeArms {
		if arm.phase(f.Phase) && arm.facts(f) {
			if arm.outcome != 0 {
				outcome = Some(arm.outcome)
			}
			return outcome, true
		}
	}
	return outcome, false
}

// ResolveInputPublicTerminalOutcome classifies an input's public terminal outcome
// (spec §7.7; projection authority).
type ResolveInputPublicTerminalOutcome struct{ InputFacts }

// Name returns "ResolveInputPublicTerminalOutcome".
func (ResolveInputPublicTerminalOutcome) Name() string { return "ResolveInputPublicTerminalOutcome" }

func (in ResolveInputPublicTerminalOutcome) step(s *State) (Effects, error) {
	return step(s, in, publicOutcomeRules)
}

// factsArm is one §7.7 classifier transition over InputFacts: the phase guard and the
// terminal-facts guard, named as the DSL names them, and the public outcome it yields
// (0: none, the input is not terminal).
type factsArm struct {
	rule, phaseGuard, factsGuard string
	phase                        func(RecoveredInputObservedPhase) bool
	facts                        func(InputFacts) bool
	outcome                      InputPublicTerminalOutcome
}

func isPhase(p RecoveredInputObservedPhase) func(RecoveredInputObservedPhase) bool {
	return func(q RecoveredInputObservedPhase) bool { return q == p }
}

func nonTerminalPhase(p RecoveredInputObservedPhase) bool {
	switch p {
	case RecoveredAccepted, RecoveredQueued, RecoveredStaged, RecoveredApplied, RecoveredAppliedPendingConsumption:
		return true
	}
	return false
}

func terminalWith(kind InputTerminalKind) func(InputFacts) bool {
	return func(f InputFacts) bool { return f.TerminalKind.Is(kind) && !f.AbandonReason.Present() }
}

var (
	nonTerminalArm = factsArm{"NonTerminal", "non_terminal_phase: Accepted, Queued, Staged, Applied or AppliedPendingConsumption",
		"terminal_absent: no terminal_kind and no abandon_reason", nonTerminalPhase,
		func(f InputFacts) bool { return !f.TerminalKind.Present() && !f.AbandonReason.Present() }, 0}
	consumedArm = factsArm{"Consumed", "consumed_phase", "consumed_terminal: terminal_kind Consumed, no abandon_reason",
		isPhase(RecoveredConsumed), terminalWith(TerminalConsumed), PublicOutcomeCompleted}
	supersededArm = factsArm{"Superseded", "superseded_phase", "superseded_terminal: terminal_kind Superseded, no abandon_reason",
		isPhase(RecoveredSuperseded), terminalWith(TerminalSuperseded), PublicOutcomeSuperseded}
	coalescedArm = factsArm{"Coalesced", "coalesced_phase", "coalesced_terminal: terminal_kind Coalesced, no abandon_reason",
		isPhase(RecoveredCoalesced), terminalWith(TerminalCoalesced), PublicOutcomeCoalesced}
	cancelledArm = factsArm{"Cancelled", "abandoned_phase", "cancelled_terminal: terminal_kind Abandoned, abandon_reason Cancelled",
		isPhase(RecoveredAbandoned), func(f InputFacts) bool {
			return f.TerminalKind.Is(TerminalAbandoned) && f.AbandonReason.Is(AbandonCancelled)
		}, PublicOutcomeCancelled}
	abandonedArm = factsArm{"Abandoned", "abandoned_phase", "abandoned_terminal: terminal_kind Abandoned, an abandon_reason other than Cancelled",
		isPhase(RecoveredAbandoned), func(f InputFacts) bool {
			return f.TerminalKind.Is(TerminalAbandoned) && f.AbandonReason.Present() && !f.AbandonReason.Is(AbandonCancelled)
		}, PublicOutcomeAbandoned}
	// ClassifyInputTerminality has one Abandoned arm for every reason, Cancelled included.
	anyAbandonedArm = factsArm{"Abandoned", "abandoned_phase", "abandoned_terminal: terminal_kind Abandoned with an abandon_reason",
		isPhase(RecoveredAbandoned), func(f InputFacts) bool {
			return f.TerminalKind.Is(TerminalAbandoned) && f.AbandonReason.Present()
		}, PublicOutcomeAbandoned}
)

// factsRules builds the per_phase [Idle] transitions of a classifier from its arms.
func factsRules[I interface {
	Input
	facts() InputFacts
}](prefix string, arms []factsArm, emit func(in I, outcome InputPublicTerminalOutcome) Effect) []rule[I] {
	rules := make([]rule[I], len(arms))
	for i, arm := range arms {
		rules[i] = rule[I]{
			name: prefix + arm.rule, from: phasesOf(PhaseIdle),
			guards: []guard[I]{
				{arm.phaseGuard, func(_ *State, in I) bool { return arm.phase(in.facts().Phase) }},
				{arm.factsGuard, func(_ *State, in I) bool { return arm.facts(in.facts()) }},
			},
			emit: func(_ *State, in I) Effects { return Effects{emit(in, arm.outcome)} },
		}
	}
	return rules
}

func (f InputFacts) facts() InputFacts { return f }

var publicOutcomeArms = []factsArm{nonTerminalArm, consumedArm, supersededArm, coalescedArm, cancelledArm, abandonedArm}

var publicOutcomeRules = factsRules("ResolveInputPublicTerminalOutcome", publicOutcomeArms,
	func(in ResolveInputPublicTerminalOutcome, outcome InputPublicTerminalOutcome) Effect {
		e := InputPublicTerminalOutcomeResolved{InputID: in.InputID}
		if outcome != 0 {
			e.TerminalOutcome = Some(outcome)
		}
		return e
	})

// InputPublicTerminalOutcomeResolved carries the public terminal outcome (local).
type InputPublicTerminalOutcomeResolved struct {
	effect
	InputID         string                          `json:"input_id"`
	TerminalOutcome Opt[InputPublicTerminalOutcome] `json:"terminal_outcome,omitzero"`
}

// Name returns "InputPublicTerminalOutcomeResolved".
func (InputPublicTerminalOutcomeResolved) Name() string {
	return "InputPublicTerminalOutcomeResolved"
}

// ClassifyInputTerminality says whether consistent input facts are terminal (spec §7.7;
// projection authority).
type ClassifyInputTerminality struct{ InputFacts }

// Name returns "ClassifyInputTerminality".
func (ClassifyInputTerminality) Name() string { return "ClassifyInputTerminality" }

func (in ClassifyInputTerminality) step(s *State) (Effects, error) {
	return step(s, in, terminalityRules)
}

var terminalityRules = factsRules("ClassifyInputTerminality",
	[]factsArm{nonTerminalArm, consumedArm, supersededArm, coalescedArm, anyAbandonedArm},
	func(in ClassifyInputTerminality, outcome InputPublicTerminalOutcome) Effect {
		return InputBehavioralTerminalityResolved{InputID: in.InputID, Terminal: outcome != 0}
	})

// InputBehavioralTerminalityResolved says whether an input is terminal (local).
type InputBehavioralTerminalityResolved struct {
	effect
	InputID  string `json:"input_id"`
	Terminal bool   `json:"terminal"`
}

// Name returns "InputBehavioralTerminalityResolved".
func (InputBehavioralTerminalityResolved) Name() string {
	return "InputBehavioralTerminalityResolved"
}

// InputView is the public projection of one tracked input.
type InputView struct {
	InputID         string                          `json:"input_id"`
	State           InputPublicLifecycleState       `json:"state"`
	TerminalOutcome Opt[InputPublicTerminalOutcome] `json:"terminal_outcome,omitzero"`
	TrackedInput
}

// publicLifecycle maps a machine input phase to its public lifecycle state (1:1 after
// the shell's pre-admission Accepted).
func publicLifecycle(p InputPhase) InputPublicLifecycleState { return InputPublicLifecycleState(p + 1) }

func (s *State) inputView(id string, t TrackedInput) InputView {
	facts := InputFacts{InputID: id, Phase: RecoveredInputObservedPhase(publicLifecycle(t.Phase)), TerminalKind: t.TerminalKind, AbandonReason: t.AbandonReason}
	outcome, _ := facts.PublicTerminalOutcome()
	return InputView{InputID: id, State: publicLifecycle(t.Phase), TerminalOutcome: outcome, TrackedInput: t}
}

// InputState returns the public state of one input, or false when it is not tracked.
func (s *State) InputState(id string) (InputView, bool) {
	t, ok := s.InputStates[id]
	if !ok {
		return InputView{}, false
	}
	return s.inputView(id, t), true
}

// ActiveInputs lists the non-terminal inputs in admission order.
func (s *State) ActiveInputs() []InputView {
	return s.inputsWhere(func(t TrackedInput) bool { return !t.Terminal() })
}

// Queue lists the inputs of a lane in admission-sequence order (the order they run in).
func (s *State) Queue(lane InputLane) []InputView {
	return s.inputsWhere(func(t TrackedInput) bool { return t.Lane.Is(lane) })
}

func (s *State) inputsWhere(keep func(TrackedInput) bool) []InputView {
	var out []InputView
	for id, t := range s.InputStates {
		if keep(t) {
			out = append(out, s.inputView(id, t))
		}
	}
	slices.SortFunc(out, func(a, b InputView) int {
		return cmp.Or(cmp.Compare(a.AdmissionSeq.Get(), b.AdmissionSeq.Get()), cmp.Compare(a.InputID, b.InputID))
	})
	return out
}

// checkInputInvariants: every tracked input's phase, terminal kind and abandon reason are
// consistent (the §7.7 classifiers accept them); a terminal input is in no lane; a staged
// input has a run; every tracked input has an admission sequence.
func (s *State) checkInputInvariants() error {
	for id, t := range s.InputStates {
		facts := InputFacts{InputID: id, Phase: RecoveredInputObservedPhase(publicLifecycle(t.Phase)), TerminalKind: t.TerminalKind, AbandonReason: t.AbandonReason}
		if _, ok := facts.PublicTerminalOutcome(); !ok {
			return broken("input " + id + ": phase " + t.Phase.String() + ", terminal kind " + t.TerminalKind.String() +
				" and abandon reason " + t.AbandonReason.String() + " disagree")
		}
		if t.Terminal() && (t.Lane.Present() || t.RecoveryLane.Present()) {
			return broken("input " + id + ": a terminal input has no lane")
		}
		if t.Phase == InputStaged && !t.RunID.Present() {
			return broken("input " + id + ": a staged input has a run")
		}
		if !t.AdmissionSeq.Present() {
			return broken("input " + id + ": a tracked input has an admission sequence")
		}
	}
	return nil
}

var inputLifecycleCatalogue = []InputSpec{
	specOf("inputs", OriginRuntime, "Track a newly admitted input in the queue lane.", queueAcceptedRules),
	specOf("inputs", OriginRuntime, "Track a newly admitted input in the steer lane.", steerAcceptedRules),
	specOf("inputs", OriginRuntime, "Move a tracked input to another lane.", changeLaneRules),
	specOf("inputs", OriginRuntime, "Move an input to the front of its lane.", prioritizeRules),
	specOf("inputs", OriginRuntime, "Move an input to the back of its lane.", deferRules),
	specOf("inputs", OriginRuntime, "Stage an input into a run's batch.", stageRules),
	specOf("inputs", OriginRuntime, "Count one more staging attempt.", incrementRules),
	specOf("inputs", OriginRuntime, "Return a staged input to a lane.", rollbackStagedRules),
	specOf("inputs", OriginRuntime, "Return a staged input to its lane, or abandon it after 3 attempts.", resolveStagedRollbackRules),
	specOf("inputs", OriginRuntime, "Record that an input was applied.", markAppliedRules),
	specOf("inputs", OriginRuntime, "Record that an input was applied and awaits consumption.", markPendingRules),
	specOf("inputs", OriginRuntime, "Consume an input whose plan is ConsumedOnAccept.", consumeOnAcceptRules),
	specOf("inputs", OriginRuntime, "Record the live boundary sequence of an input's run.", boundarySeqRules),
	specOf("inputs", OriginRuntime, "Consume an input its run completed.", consumeRules),
	specOf("inputs", OriginRuntime, "Supersede an input by a newer one, as admission authorised.", supersedeRules),
	specOf("inputs", OriginRuntime, "Coalesce an input into an aggregate, as admission authorised.", coalesceRules),
	specOf("inputs", OriginRuntime, "Abandon an input with a reason.", abandonRules),
	specOf("inputs", OriginCaller, "Classify an input's public terminal outcome (projection authority).", publicOutcomeRules),
	specOf("inputs", OriginCaller, "Say whether input facts are terminal (projection authority).", terminalityRules),
}

var inputLifecycleEffects = []Effect{
	InputLifecycleNotice{}, RecordTerminalOutcome{}, RecordRunAssociation{}, RecordBoundarySequence{},
	InputPublicTerminalOutcomeResolved{}, InputBehavioralTerminalityResolved{},
}
