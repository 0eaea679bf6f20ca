package machine

// This file holds admission (spec §7.2-§7.5): validation of an input's durability and
// peer facts, idempotency-key deduplication, the admission plan with its eleven ordered
// arms, and the AcceptWithCompletion / AcceptWithoutWake signals that follow a plan. The
// input lifecycle is in inputs.go and the §7.1 pipeline that strings them together in
// accept.go.

// ResolveAdmissionValidation checks an input's durability and peer facts (spec §7.2).
type ResolveAdmissionValidation struct {
	InputID                               string                             `json:"input_id"`
	InputKind                             AdmissionInputKind                 `json:"input_kind"`
	InputOrigin                           AdmissionInputOriginKind           `json:"input_origin"`
	Durability                            InputDurabilityKind                `json:"durability"`
	PeerHandlingModeValid                 bool                               `json:"peer_handling_mode_valid"`
	PeerResponseTerminalStructurallyValid bool                               `json:"peer_response_terminal_structurally_valid"`
	PeerResponseTerminalObservedStatus    PeerResponseTerminalObservedStatus `json:"peer_response_terminal_observed_status"`
}

// Name returns "ResolveAdmissionValidation".
func (ResolveAdmissionValidation) Name() string { return "ResolveAdmissionValidation" }

func (in ResolveAdmissionValidation) step(s *State) (Effects, error) {
	return step(s, in, validationRules)
}

type validation = ResolveAdmissionValidation

func derivedFromFlowOrSystem(in validation) bool {
	return in.Durability == DurabilityDerived && (in.InputOrigin == OriginFlow || in.InputOrigin == OriginSystem)
}

func derivedForbiddenKind(k AdmissionInputKind) bool {
	switch k {
	case KindPrompt, KindPeerMessage, KindPeerRequest, KindPeerResponseTerminal, KindFlowStep:
		return true
	}
	return false
}

func durabilityAuthorized(in validation) bool {
	return in.Durability == DurabilityDurable || in.Durability == DurabilityEphemeral ||
		(derivedFromFlowOrSystem(in) && !derivedForbiddenKind(in.InputKind))
}

func peerTerminalInvalid(in validation) bool {
	return !in.PeerResponseTerminalStructurallyValid || in.PeerResponseTerminalObservedStatus == PeerTerminalCancelled
}

// validationArm is one ordered §7.2 transition: its DSL name, its guards (named as the
// DSL names them) and the verdict it emits (reject 0: Accept).
func validationArm(name string, reject AdmissionRejectReasonKind, guards ...guard[validation]) rule[validation] {
	return rule[validation]{
		name: name, from: openPhases, guards: guards,
		emit: func(_ *State, in validation) Effects {
			e := AdmissionValidationResolved{InputID: in.InputID, Result: ValidationAccept}
			if reject != 0 {
				e.Result, e.RejectReason = ValidationReject, Some(reject)
			}
			return Effects{e}
		},
	}
}

func validationGuard(name string, holds func(validation) bool) guard[validation] {
	return guard[validation]{name, func(_ *State, in validation) bool { return holds(in) }}
}

var (
	durabilityAuthorizedGuard = validationGuard("durability_authorized: Durable, Ephemeral, or Derived from Flow/System for a kind that allows it", durabilityAuthorized)
	peerHandlingValidGuard    = validationGuard("peer_handling_mode_valid", func(in validation) bool { return in.PeerHandlingModeValid })
)

var validationRules = []rule[validation]{
	validationArm("ResolveAdmissionValidationDurabilityMissingRejected", RejectDurabilityMissing,
		validationGuard("durability_missing: durability is Missing", func(in validation) bool { return in.Durability == DurabilityMissing })),
	validationArm("ResolveAdmissionValidationExternalDerivedRejected", RejectExternalDerivedDurabilityForbidden,
		validationGuard("external_derived_forbidden: Derived durability from an Operator, Peer or External origin", func(in validation) bool {
			return in.Durability == DurabilityDerived && (in.InputOrigin == OriginOperator || in.InputOrigin == OriginPeer || in.InputOrigin == OriginExternal)
		})),
	validationArm("ResolveAdmissionValidationDerivedKindRejected", RejectDerivedDurabilityForbiddenForInputKind,
		validationGuard("derived_forbidden_for_input_kind: Derived durability from Flow/System for a Prompt, PeerMessage, PeerRequest, PeerResponseTerminal or FlowStep", func(in validation) bool {
			return derivedFromFlowOrSystem(in) && derivedForbiddenKind(in.InputKind)
		})),
	validationArm("ResolveAdmissionValidationPeerHandlingRejected", RejectPeerHandlingModeInvalid,
		durabilityAuthorizedGuard,
		validationGuard("peer_handling_mode_invalid", func(in validation) bool { return !in.PeerHandlingModeValid })),
	validationArm("ResolveAdmissionValidationPeerTerminalRejected", RejectPeerResponseTerminalInvalid,
		durabilityAuthorizedGuard, peerHandlingValidGuard,
		validationGuard("peer_response_terminal_invalid: structurally invalid or observed status Cancelled", peerTerminalInvalid)),
	validationArm("ResolveAdmissionValidationAccepted", 0,
		durabilityAuthorizedGuard, peerHandlingValidGuard,
		validationGuard("peer_response_terminal_structurally_valid", func(in validation) bool { return in.PeerResponseTerminalStructurallyValid }),
		validationGuard("peer_response_terminal_status_supported: observed status is not Cancelled", func(in validation) bool {
			return in.PeerResponseTerminalObservedStatus != PeerTerminalCancelled
		})),
}

// AdmissionValidationResolved is the validation verdict (local).
type AdmissionValidationResolved struct {
	effect
	InputID      string                         `json:"input_id"`
	Result       AdmissionValidationResultKind  `json:"result"`
	RejectReason Opt[AdmissionRejectReasonKind] `json:"reject_reason,omitzero"`
}

// Name returns "AdmissionValidationResolved".
func (AdmissionValidationResolved) Name() string { return "AdmissionValidationResolved" }

// ResolveAdmissionIdempotency says whether an idempotency key was already accepted
// (spec §7.3). Keys are never evicted.
type ResolveAdmissionIdempotency struct {
	InputID        string      `json:"input_id"`
	IdempotencyKey Opt[string] `json:"idempotency_key,omitzero"`
}

// Name returns "ResolveAdmissionIdempotency".
func (ResolveAdmissionIdempotency) Name() string { return "ResolveAdmissionIdempotency" }

func (in ResolveAdmissionIdempotency) step(s *State) (Effects, error) {
	return step(s, in, idempotencyRules)
}

func (s *State) claimedBy(key Opt[string]) (string, bool) {
	k, ok := key.Lookup()
	if !ok {
		return "", false
	}
	id, claimed := s.AdmissionIdempotencyInputs[k]
	return id, claimed
}

type idempotency = ResolveAdmissionIdempotency

var (
	keyPresent = guard[idempotency]{"idempotency_key_present", func(_ *State, in idempotency) bool { return in.IdempotencyKey.Present() }}
	emitFresh  = func(_ *State, in idempotency) Effects {
		return Effects{AdmissionIdempotencyResolved{InputID: in.InputID, Result: IdempotencyAccept}}
	}
)

var idempotencyRules = []rule[idempotency]{
	{
		name: "ResolveAdmissionIdempotencyNoKey", from: openPhases,
		guards: []guard[idempotency]{{"no_idempotency_key", func(_ *State, in idempotency) bool { return !in.IdempotencyKey.Present() }}},
		emit:   emitFresh,
	},
	{
		name: "ResolveAdmissionIdempotencyNewKey", from: openPhases,
		guards: []guard[idempotency]{keyPresent, {"idempotency_key_unclaimed", func(s *State, in idempotency) bool {
			_, claimed := s.claimedBy(in.IdempotencyKey)
			return !claimed
		}}},
		emit: emitFresh,
	},
	{
		name: "ResolveAdmissionIdempotencyDuplicate", from: openPhases,
		guards: []guard[idempotency]{keyPresent, {"idempotency_key_claimed", func(s *State, in idempotency) bool {
			_, claimed := s.claimedBy(in.IdempotencyKey)
			return claimed
		}}},
		emit: func(s *State, in idempotency) Effects {
			existing, _ := s.claimedBy(in.IdempotencyKey)
			return Effects{AdmissionIdempotencyResolved{InputID: in.InputID, Result: IdempotencyDeduplicated, ExistingInputID: Some(existing)}}
		},
	},
}

// AdmissionIdempotencyResolved is the deduplication verdict (local).
type AdmissionIdempotencyResolved struct {
	effect
	InputID         string                         `json:"input_id"`
	Result          AdmissionIdempotencyResultKind `json:"result"`
	ExistingInputID Opt[string]                    `json:"existing_input_id,omitzero"`
}

// Name returns "AdmissionIdempotencyResolved".
func (AdmissionIdempotencyResolved) Name() string { return "AdmissionIdempotencyResolved" }

// RegisterAcceptedIdempotency claims an idempotency key for an accepted input (spec §7.3).
type RegisterAcceptedIdempotency struct {
	InputID        string `json:"input_id"`
	IdempotencyKey string `json:"idempotency_key"`
}

// Name returns "RegisterAcceptedIdempotency".
func (RegisterAcceptedIdempotency) Name() string { return "RegisterAcceptedIdempotency" }

func (in RegisterAcceptedIdempotency) step(s *State) (Effects, error) {
	return step(s, in, registerIdempotencyRules)
}

var registerIdempotencyRules = []rule[RegisterAcceptedIdempotency]{
	{
		name: "RegisterAcceptedIdempotency", from: livePhases,
		guards: []guard[RegisterAcceptedIdempotency]{
			inputTracked(func(in RegisterAcceptedIdempotency) string { return in.InputID }),
			{"idempotency_key_unclaimed_or_same_input", func(s *State, in RegisterAcceptedIdempotency) bool {
				id, claimed := s.AdmissionIdempotencyInputs[in.IdempotencyKey]
				return !claimed || id == in.InputID
			}},
		},
		update: func(s *State, in RegisterAcceptedIdempotency) {
			put(s, &s.AdmissionIdempotencyInputs, in.IdempotencyKey, in.InputID)
		},
		emit: emitNotice[RegisterAcceptedIdempotency],
	},
}

// ResolveAdmissionPlan decides how an input is admitted: its lane, plan, policy and
// wake behaviour (spec §7.4). It records the authorisation witnesses that QueueAccepted,
// SteerAccepted, ConsumeOnAccept, SupersedeInput and CoalesceInput require.
type ResolveAdmissionPlan struct {
	InputID                     string                    `json:"input_id"`
	InputKind                   AdmissionInputKind        `json:"input_kind"`
	RequestedLane               Opt[InputLane]            `json:"requested_lane,omitzero"`
	ContinuationKind            AdmissionContinuationKind `json:"continuation_kind"`
	SilentIntentMatch           bool                      `json:"silent_intent_match"`
	ExistingSupersededInputID   Opt[string]               `json:"existing_superseded_input_id,omitzero"`
	RuntimeRunning              bool                      `json:"runtime_running"`
	ActiveTurnBoundaryAvailable bool                      `json:"active_turn_boundary_available"`
	WithoutWake                 bool                      `json:"without_wake"`
}

// Name returns "ResolveAdmissionPlan".
func (ResolveAdmissionPlan) Name() string { return "ResolveAdmissionPlan" }

func (in ResolveAdmissionPlan) step(s *State) (Effects, error) { return step(s, in, planRules) }

type plan = ResolveAdmissionPlan

// wake is W (¬without_wake) and busy is B (runtime running or a turn boundary available),
// as spec §7.4 names them.
func (in plan) wake() bool { return !in.WithoutWake }
func (in plan) busy() bool { return in.RuntimeRunning || in.ActiveTurnBoundaryAvailable }

// wakeMode is the common wake-mode shape: None without wake (or with a silent match when
// it counts), onBusy when busy, WakeIfIdle otherwise.
func (in plan) wakeMode(silentCounts bool, onBusy AdmissionPolicyWakeMode) AdmissionPolicyWakeMode {
	switch {
	case !in.wake() || (silentCounts && in.SilentIntentMatch):
		return WakeNone
	case in.busy():
		return onBusy
	}
	return WakeWakeIfIdle
}

func (in plan) execution() AdmissionRuntimeExecutionKind {
	if in.InputKind == KindContinuation {
		return ExecutionResumePending
	}
	return ExecutionContentTurn
}

func queueIfNotRunning(in plan, when bool) Opt[InputLane] {
	if when && !in.RuntimeRunning {
		return Some(LaneQueue)
	}
	return None[InputLane]()
}

// admissionBase fills the fields every arm shares.
func admissionBase(in plan, lane InputLane, steer bool) AdmissionResolved {
	r := AdmissionResolved{
		InputID: in.InputID, PolicyVersion: 1, PolicyApplyMode: ApplyStageRunStart, PolicyQueueMode: QueueModeFifo,
		PolicyConsumePoint: ConsumePointOnRunComplete, PolicyDrainPolicy: DrainQueueNextTurn, PolicyRoutingDisposition: RoutingQueue,
		Lane: lane, Plan: PlanQueued, QueueAction: QueueActionEnqueueTo, ExistingAction: ExistingNone,
		RuntimeBoundary: BoundaryRunStart, RuntimeExecutionKind: ExecutionContentTurn, RecordTranscript: true,
	}
	if steer {
		r.PolicyDrainPolicy, r.PolicyRoutingDisposition = DrainSteerBatch, RoutingSteer
	}
	return r
}

var (
	appendContext = Some(IntentAppendContextAndRun)
	planArms      = []struct {
		rule   string // the DSL transition
		name   string // its selecting guard
		when   func(in plan) bool
		decide func(in plan) AdmissionResolved
	}{
		{"ResolveAdmissionPlanRequestedTerminalQueue", "terminal_queue_override", func(in plan) bool {
			return in.InputKind == KindPeerResponseTerminal && in.RequestedLane.Is(LaneQueue) && !in.SilentIntentMatch
		}, func(in plan) AdmissionResolved {
			r := admissionBase(in, LaneQueue, false)
			r.PolicyWakeMode = in.wakeMode(false, WakeWakeIfIdle)
			r.RequiresActivePreAdmission, r.WakeIfIdle = in.wake(), in.wake()
			r.RuntimePeerResponseTerminalApplyIntent = appendContext
			return r
		}},
		{"ResolveAdmissionPlanRequestedTerminalSteer", "terminal_steer_override", func(in plan) bool {
			return in.InputKind == KindPeerResponseTerminal && in.RequestedLane.Is(LaneSteer) && !in.SilentIntentMatch
		}, func(in plan) AdmissionResolved {
			r := admissionBase(in, LaneSteer, true)
			r.PolicyWakeMode = in.wakeMode(false, WakeInterruptYielding)
			r.RequiresActivePreAdmission, r.RequestImmediateProcessing, r.LiveInterruptRequired = true, true, true
			r.RuntimePeerResponseTerminalApplyIntent = appendContext
			r.ExecutionHandlingMode = queueIfNotRunning(in, true)
			return r
		}},
		{"ResolveAdmissionPlanRequestedQueue", "queue_override", func(in plan) bool { return in.RequestedLane.Is(LaneQueue) && in.overridable() }, func(in plan) AdmissionResolved {
			r := admissionBase(in, LaneQueue, false)
			r.PolicyWakeMode = in.wakeMode(true, WakeNone)
			active := in.wake() && !in.SilentIntentMatch && !in.busy()
			r.RequiresActivePreAdmission, r.WakeIfIdle = active, active
			r.RuntimeExecutionKind, r.RecordTranscript = in.execution(), in.InputKind != KindContinuation && in.InputKind != KindOperation
			return r
		}},
		{"ResolveAdmissionPlanRequestedSteer", "steer_override", func(in plan) bool { return in.RequestedLane.Is(LaneSteer) && in.overridable() }, func(in plan) AdmissionResolved {
			r := admissionBase(in, LaneSteer, true)
			r.PolicyApplyMode, r.RuntimeBoundary = ApplyStageRunBoundary, BoundaryRunCheckpoint
			if in.SilentIntentMatch {
				r.PolicyApplyMode, r.RuntimeBoundary = ApplyStageRunStart, BoundaryRunStart
			}
			r.PolicyWakeMode = in.wakeMode(true, WakeInterruptYielding)
			r.RequiresActivePreAdmission, r.RequestImmediateProcessing, r.LiveInterruptRequired = true, true, true
			r.RuntimeExecutionKind, r.RecordTranscript = in.execution(), in.InputKind != KindContinuation && in.InputKind != KindOperation
			r.ExecutionHandlingMode = queueIfNotRunning(in, in.InputKind == KindPeerMessage || in.InputKind == KindPeerRequest)
			return r
		}},
		{"ResolveAdmissionPlanDefaultQueueKind", "default_queue_kind", func(in plan) bool {
			return !in.RequestedLane.Present() && !in.SilentIntentMatch && (in.InputKind == KindPrompt || in.InputKind == KindFlowStep || in.InputKind == KindExternalEvent)
		}, func(in plan) AdmissionResolved {
			r := admissionBase(in, LaneQueue, false)
			r.PolicyWakeMode = in.wakeMode(false, WakeNone)
			r.RequiresActivePreAdmission, r.WakeIfIdle = in.wake() && !in.busy(), in.wake() && !in.busy()
			return r
		}},
		{"ResolveAdmissionPlanDefaultPeerMessageOrRequest", "default_peer_message_or_request", func(in plan) bool {
			return !in.RequestedLane.Present() && (in.InputKind == KindPeerMessage || in.InputKind == KindPeerRequest) &&
				(!in.SilentIntentMatch || in.InputKind == KindPeerRequest)
		}, func(in plan) AdmissionResolved {
			r := admissionBase(in, LaneQueue, false)
			r.PolicyWakeMode = in.wakeMode(true, WakeInterruptYielding)
			loud := in.wake() && !in.SilentIntentMatch
			r.RequiresActivePreAdmission = loud
			r.InterruptYielding, r.WakeIfIdle = loud && in.busy(), loud && !in.busy()
			return r
		}},
		{"ResolveAdmissionPlanPeerResponseProgress", "peer_response_progress", func(in plan) bool { return in.InputKind == KindPeerResponseProgress && !in.SilentIntentMatch }, func(in plan) AdmissionResolved {
			r := admissionBase(in, LaneSteer, true)
			r.PolicyApplyMode, r.PolicyWakeMode, r.PolicyQueueMode = ApplyStageRunBoundary, WakeNone, QueueModeCoalesce
			r.RuntimeBoundary, r.LiveInterruptRequired = BoundaryRunCheckpoint, true
			r.ExecutionHandlingMode = queueIfNotRunning(in, true)
			if id, ok := in.ExistingSupersededInputID.Lookup(); ok {
				r.ExistingAction, r.ExistingInputID = ExistingCoalesce, Some(id)
			}
			return r
		}},
		{"ResolveAdmissionPlanDefaultPeerResponseTerminal", "default_peer_response_terminal", func(in plan) bool {
			return in.InputKind == KindPeerResponseTerminal && !in.RequestedLane.Present() && !in.SilentIntentMatch
		}, func(in plan) AdmissionResolved {
			r := admissionBase(in, LaneQueue, false)
			r.PolicyWakeMode = in.wakeMode(false, WakeWakeIfIdle)
			r.RequiresActivePreAdmission, r.WakeIfIdle = in.wake(), in.wake()
			r.RuntimePeerResponseTerminalApplyIntent = appendContext
			return r
		}},
		{"ResolveAdmissionPlanDefaultContinuation", "default_continuation", func(in plan) bool {
			return in.InputKind == KindContinuation && !in.RequestedLane.Present() && in.ContinuationKind == ContinuationOrdinary && !in.SilentIntentMatch
		}, func(in plan) AdmissionResolved {
			r := admissionBase(in, LaneSteer, true)
			r.PolicyApplyMode, r.RuntimeBoundary, r.RuntimeExecutionKind = ApplyStageRunBoundary, BoundaryRunCheckpoint, ExecutionResumePending
			r.PolicyWakeMode = in.wakeMode(false, WakeInterruptYielding)
			r.RequiresActivePreAdmission, r.RecordTranscript, r.LiveInterruptRequired = in.wake(), false, true
			r.InterruptYielding, r.WakeIfIdle = in.wake() && in.busy(), in.wake() && !in.busy()
			return r
		}},
		{"ResolveAdmissionPlanWorkgraphAttentionContinuation", "workgraph_attention_continuation", func(in plan) bool {
			return in.InputKind == KindContinuation && in.ContinuationKind == ContinuationWorkgraphAttention && !in.SilentIntentMatch
		}, func(in plan) AdmissionResolved {
			r := admissionBase(in, LaneQueue, false)
			r.PolicyWakeMode = in.wakeMode(false, WakeNone)
			r.RequiresActivePreAdmission, r.WakeIfIdle, r.RecordTranscript = in.wake() && !in.busy(), in.wake() && !in.busy(), false
			return r
		}},
		{"ResolveAdmissionPlanOperation", "operation", func(in plan) bool {
			return in.InputKind == KindOperation && !in.RequestedLane.Present() && !in.SilentIntentMatch
		}, func(in plan) AdmissionResolved {
			r := admissionBase(in, LaneQueue, false)
			r.PolicyApplyMode, r.PolicyWakeMode, r.PolicyQueueMode = ApplyIgnore, WakeNone, QueueModePriority
			r.PolicyConsumePoint, r.PolicyDrainPolicy, r.PolicyRoutingDisposition = ConsumePointOnAccept, DrainIgnore, RoutingDrop
			r.Plan, r.QueueAction, r.RecordTranscript = PlanConsumedOnAccept, QueueActionNone, false
			return r
		}},
	}
)

// overridable is the shared condition of the two requested-lane arms (3 and 4).
func (in plan) overridable() bool {
	return in.InputKind != KindPeerResponseProgress && in.InputKind != KindPeerResponseTerminal &&
		in.ContinuationKind == ContinuationOrdinary && (!in.SilentIntentMatch || in.InputKind == KindPeerRequest)
}

var planRunningMatches = guard[plan]{"runtime_running_matches_phase: runtime_running equals (phase == Running)", func(s *State, in plan) bool {
	return in.RuntimeRunning == (s.LifecyclePhase == PhaseRunning)
}}

var planRules = func() []rule[plan] {
	rules := make([]rule[plan], 0, len(planArms))
	for _, arm := range planArms {
		guards := []guard[plan]{planRunningMatches, {arm.name, func(_ *State, in plan) bool { return arm.when(in) }}}
		if arm.rule == "ResolveAdmissionPlanPeerResponseProgress" {
			guards = append(guards, guard[plan]{"coalesce_target_tracked_if_present", func(s *State, in plan) bool {
				id, ok := in.ExistingSupersededInputID.Lookup()
				return !ok || s.tracked(id)
			}})
		}
		rules = append(rules, rule[plan]{
			name: arm.rule, from: openPhases, guards: guards,
			update: func(s *State, in plan) {
				r := arm.decide(in)
				w := AdmissionWitness{Lane: Some(r.Lane), Plan: Some(r.Plan)}
				if r.ExistingAction != ExistingNone {
					w.ExistingAction, w.ExistingTarget = Some(r.ExistingAction), r.ExistingInputID
				}
				put(s, &s.AdmissionWitnesses, in.InputID, w)
			},
			emit: func(_ *State, in plan) Effects { return Effects{arm.decide(in)} },
		})
	}
	return rules
}()

// AdmissionResolved is the admission plan with its full policy (spec §7.4; local).
type AdmissionResolved struct {
	effect
	InputID                                string                                        `json:"input_id"`
	PolicyVersion                          uint64                                        `json:"policy_version"`
	PolicyApplyMode                        AdmissionPolicyApplyMode                      `json:"policy_apply_mode"`
	PolicyWakeMode                         AdmissionPolicyWakeMode                       `json:"policy_wake_mode"`
	PolicyQueueMode                        AdmissionPolicyQueueMode                      `json:"policy_queue_mode"`
	PolicyConsumePoint                     AdmissionPolicyConsumePoint                   `json:"policy_consume_point"`
	PolicyDrainPolicy                      AdmissionPolicyDrainPolicy                    `json:"policy_drain_policy"`
	PolicyRoutingDisposition               AdmissionRoutingDisposition                   `json:"policy_routing_disposition"`
	Lane                                   InputLane                                     `json:"lane"`
	Plan                                   AdmissionPlanKind                             `json:"plan"`
	QueueAction                            AdmissionQueueActionKind                      `json:"queue_action"`
	ExistingAction                         AdmissionExistingQueuedActionKind             `json:"existing_action"`
	ExistingInputID                        Opt[string]                                   `json:"existing_input_id,omitzero"`
	RequiresActivePreAdmission             bool                                          `json:"requires_active_pre_admission"`
	RuntimeBoundary                        AdmissionRunApplyBoundary                     `json:"runtime_boundary"`
	RuntimeExecutionKind                   AdmissionRuntimeExecutionKind                 `json:"runtime_execution_kind"`
	RuntimePeerResponseTerminalApplyIntent Opt[AdmissionPeerResponseTerminalApplyIntent] `json:"runtime_peer_response_terminal_apply_intent,omitzero"`
	RecordTranscript                       bool                                          `json:"record_transcript"`
	RequestImmediateProcessing             bool                                          `json:"request_immediate_processing"`
	InterruptYielding                      bool                                          `json:"interrupt_yielding"`
	WakeIfIdle                             bool                                          `json:"wake_if_idle"`
	ExecutionHandlingMode                  Opt[InputLane]                                `json:"execution_handling_mode,omitzero"`
	LiveInterruptRequired                  bool                                          `json:"live_interrupt_required"`
}

// Name returns "AdmissionResolved".
func (AdmissionResolved) Name() string { return "AdmissionResolved" }

// HandlingMode is the shell's projection of the routing disposition: Steer for a steer or
// immediate disposition, Queue otherwise (spec §7.4).
func (r AdmissionResolved) HandlingMode() InputLane {
	if r.PolicyRoutingDisposition == RoutingSteer || r.PolicyRoutingDisposition == RoutingImmediate {
		return LaneSteer
	}
	return LaneQueue
}

// AcceptWithCompletion signals an accepted input with its wake flags (spec §7.5). It never
// changes state and never starts a run: Prepare does.
type AcceptWithCompletion struct {
	InputID                    string `json:"input_id"`
	RequestImmediateProcessing bool   `json:"request_immediate_processing"`
	InterruptYielding          bool   `json:"interrupt_yielding"`
	WakeIfIdle                 bool   `json:"wake_if_idle"`
}

// Name returns "AcceptWithCompletion".
func (AcceptWithCompletion) Name() string { return "AcceptWithCompletion" }

func (in AcceptWithCompletion) step(s *State) (Effects, error) { return step(s, in, acceptRules) }

type accept = AcceptWithCompletion

func acceptArm(name string, from Phase, immediate, yielding bool, wakeIfIdle Opt[bool], signal Opt[PostAdmissionSignalKind], submit bool) rule[accept] {
	guards := []guard[accept]{
		{"session_registered", func(s *State, _ accept) bool { return s.registered() }},
		{"request_immediate_processing is " + boolWord(immediate), func(_ *State, in accept) bool { return in.RequestImmediateProcessing == immediate }},
		{"interrupt_yielding is " + boolWord(yielding), func(_ *State, in accept) bool { return in.InterruptYielding == yielding }},
	}
	if want, ok := wakeIfIdle.Lookup(); ok {
		guards = append(guards, guard[accept]{"wake_if_idle is " + boolWord(want), func(_ *State, in accept) bool { return in.WakeIfIdle == want }})
	}
	return rule[accept]{
		name: name, from: phasesOf(from), guards: guards,
		emit: func(*State, accept) Effects {
			fx := Effects{IngressAccepted{}}
			if sig, ok := signal.Lookup(); ok {
				fx = append(fx, PostAdmissionSignal{Signal: sig})
			}
			if submit {
				fx = append(fx, SubmitRunPrimitive{})
			}
			return fx
		},
	}
}

func boolWord(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

var (
	anyWake      = None[bool]()
	wakeLoop     = Some(SignalWakeLoop)
	immediateSig = Some(SignalRequestImmediateProcessing)
	acceptRules  = []rule[accept]{
		acceptArm("AcceptWithCompletionIdleQueued", PhaseIdle, false, false, anyWake, wakeLoop, false),
		acceptArm("AcceptWithCompletionIdleImmediate", PhaseIdle, true, false, anyWake, immediateSig, false),
		acceptArm("AcceptWithCompletionAttachedImmediate", PhaseAttached, true, false, anyWake, immediateSig, true),
		acceptArm("AcceptWithCompletionAttachedQueued", PhaseAttached, false, false, anyWake, wakeLoop, false),
		acceptArm("AcceptWithCompletionRunningQueuedPassive", PhaseRunning, false, false, Some(false), None[PostAdmissionSignalKind](), false),
		acceptArm("AcceptWithCompletionRunningQueuedWakeIfIdle", PhaseRunning, false, false, Some(true), wakeLoop, false),
		acceptArm("AcceptWithCompletionRunningInterruptYielding", PhaseRunning, false, true, anyWake, Some(SignalInterruptYielding), false),
		acceptArm("AcceptWithCompletionRunningImmediate", PhaseRunning, true, false, anyWake, immediateSig, false),
	}
)

// AcceptWithoutWake signals an accepted input that must not wake the runtime loop
// (spec §7.1).
type AcceptWithoutWake struct {
	InputID string `json:"input_id"`
}

// Name returns "AcceptWithoutWake".
func (AcceptWithoutWake) Name() string { return "AcceptWithoutWake" }

func (in AcceptWithoutWake) step(s *State) (Effects, error) {
	return step(s, in, acceptWithoutWakeRules)
}

var acceptWithoutWakeRules = []rule[AcceptWithoutWake]{
	{
		name: "AcceptWithoutWake", from: openPhases,
		guards: []guard[AcceptWithoutWake]{{"session_registered", func(s *State, _ AcceptWithoutWake) bool { return s.registered() }}},
		emit:   func(*State, AcceptWithoutWake) Effects { return Effects{IngressAccepted{}} },
	},
}

// IngressAccepted reports an accepted input (external).
type IngressAccepted struct{ effect }

// Name returns "IngressAccepted".
func (IngressAccepted) Name() string { return "IngressAccepted" }

// PostAdmissionSignal tells the runtime loop how to react to an admission or a failed run
// (local).
type PostAdmissionSignal struct {
	effect
	Signal PostAdmissionSignalKind `json:"signal"`
}

// Name returns "PostAdmissionSignal".
func (PostAdmissionSignal) Name() string { return "PostAdmissionSignal" }

// SubmitRunPrimitive asks the runtime loop to run the staged primitive (local).
type SubmitRunPrimitive struct{ effect }

// Name returns "SubmitRunPrimitive".
func (SubmitRunPrimitive) Name() string { return "SubmitRunPrimitive" }

var admissionCatalogue = []InputSpec{
	specOf("admission", OriginRuntime, "Check an input's durability and peer facts before admission.", validationRules),
	specOf("admission", OriginRuntime, "Say whether an idempotency key was already accepted.", idempotencyRules),
	specOf("admission", OriginRuntime, "Claim an idempotency key for an accepted input.", registerIdempotencyRules),
	specOf("admission", OriginRuntime, "Decide an input's lane, plan and wake policy, recording the witnesses.", planRules),
	specOf("admission", OriginRuntime, "Signal an accepted input with its wake flags.", acceptRules),
	specOf("admission", OriginRuntime, "Signal an accepted input that must not wake the loop.", acceptWithoutWakeRules),
}

var admissionEffects = []Effect{
	AdmissionValidationResolved{}, AdmissionIdempotencyResolved{}, AdmissionResolved{},
	IngressAccepted{}, PostAdmissionSignal{}, SubmitRunPrimitive{},
}
