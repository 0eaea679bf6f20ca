package machine

import (
	"reflect"
	"testing"
)

// oraclePlan is a second, literal transcription of the eleven v0.7.1
// ResolveAdmissionPlan transitions (meerkat_machine.rs, "26d. ResolveAdmissionPlan"),
// written field by field in the DSL's own if/else form and kept independent of
// admission.go. ok is false when no arm's guards hold (GuardRejected).
func oraclePlan(phase Phase, in ResolveAdmissionPlan) (r AdmissionResolved, ok bool) {
	if phase != PhaseIdle && phase != PhaseAttached && phase != PhaseRunning {
		return r, false
	}
	if !((in.RuntimeRunning && phase == PhaseRunning) || (!in.RuntimeRunning && phase != PhaseRunning)) {
		return r, false
	}
	kind, lane, silent, ww := in.InputKind, in.RequestedLane, in.SilentIntentMatch, in.WithoutWake
	running, boundary := in.RuntimeRunning, in.ActiveTurnBoundaryAvailable
	none := None[InputLane]()
	r = AdmissionResolved{
		InputID: in.InputID, PolicyVersion: 1, PolicyConsumePoint: ConsumePointOnRunComplete,
		Plan: PlanQueued, QueueAction: QueueActionEnqueueTo, ExistingAction: ExistingNone,
	}
	queueDefaults := func() {
		r.PolicyApplyMode, r.PolicyQueueMode = ApplyStageRunStart, QueueModeFifo
		r.PolicyDrainPolicy, r.PolicyRoutingDisposition, r.Lane = DrainQueueNextTurn, RoutingQueue, LaneQueue
		r.RuntimeBoundary, r.RuntimeExecutionKind = BoundaryRunStart, ExecutionContentTurn
	}
	steerDefaults := func() {
		r.PolicyQueueMode = QueueModeFifo
		r.PolicyDrainPolicy, r.PolicyRoutingDisposition, r.Lane = DrainSteerBatch, RoutingSteer, LaneSteer
		r.RuntimeExecutionKind = ExecutionContentTurn
	}
	execKind := func() AdmissionRuntimeExecutionKind {
		if kind == KindContinuation {
			return ExecutionResumePending
		}
		return ExecutionContentTurn
	}
	overrideKind := kind != KindPeerResponseProgress && kind != KindPeerResponseTerminal &&
		in.ContinuationKind == ContinuationOrdinary && (!silent || kind == KindPeerRequest)

	switch {
	case kind == KindPeerResponseTerminal && lane == Some(LaneQueue) && !silent: // RequestedTerminalQueue
		queueDefaults()
		if ww {
			r.PolicyWakeMode = WakeNone
		} else {
			r.PolicyWakeMode = WakeWakeIfIdle
		}
		r.RequiresActivePreAdmission = !ww
		r.RuntimePeerResponseTerminalApplyIntent = Some(IntentAppendContextAndRun)
		r.RecordTranscript, r.WakeIfIdle, r.ExecutionHandlingMode = true, !ww, none
	case kind == KindPeerResponseTerminal && lane == Some(LaneSteer) && !silent: // RequestedTerminalSteer
		steerDefaults()
		r.PolicyApplyMode, r.RuntimeBoundary = ApplyStageRunStart, BoundaryRunStart
		if ww {
			r.PolicyWakeMode = WakeNone
		} else if running || boundary {
			r.PolicyWakeMode = WakeInterruptYielding
		} else {
			r.PolicyWakeMode = WakeWakeIfIdle
		}
		r.RequiresActivePreAdmission = true
		r.RuntimePeerResponseTerminalApplyIntent = Some(IntentAppendContextAndRun)
		r.RecordTranscript, r.RequestImmediateProcessing = true, true
		if !running {
			r.ExecutionHandlingMode = Some(LaneQueue)
		}
		r.LiveInterruptRequired = true
	case lane == Some(LaneQueue) && overrideKind: // RequestedQueue
		queueDefaults()
		if ww || silent {
			r.PolicyWakeMode = WakeNone
		} else if running || boundary {
			r.PolicyWakeMode = WakeNone
		} else {
			r.PolicyWakeMode = WakeWakeIfIdle
		}
		r.RequiresActivePreAdmission = !ww && !silent && !running && !boundary
		r.RuntimeExecutionKind = execKind()
		r.RecordTranscript = kind != KindContinuation && kind != KindOperation
		r.WakeIfIdle = !ww && !silent && !running && !boundary
	case lane == Some(LaneSteer) && overrideKind: // RequestedSteer
		steerDefaults()
		if silent {
			r.PolicyApplyMode, r.RuntimeBoundary = ApplyStageRunStart, BoundaryRunStart
		} else {
			r.PolicyApplyMode, r.RuntimeBoundary = ApplyStageRunBoundary, BoundaryRunCheckpoint
		}
		if ww || silent {
			r.PolicyWakeMode = WakeNone
		} else if running || boundary {
			r.PolicyWakeMode = WakeInterruptYielding
		} else {
			r.PolicyWakeMode = WakeWakeIfIdle
		}
		r.RequiresActivePreAdmission = true
		r.RuntimeExecutionKind = execKind()
		r.RecordTranscript = kind != KindContinuation && kind != KindOperation
		r.RequestImmediateProcessing = true
		if (kind == KindPeerMessage || kind == KindPeerRequest) && !running {
			r.ExecutionHandlingMode = Some(LaneQueue)
		}
		r.LiveInterruptRequired = true
	case lane == none && !silent && (kind == KindPrompt || kind == KindFlowStep || kind == KindExternalEvent): // DefaultQueueKind
		queueDefaults()
		if ww || running || boundary {
			r.PolicyWakeMode = WakeNone
		} else {
			r.PolicyWakeMode = WakeWakeIfIdle
		}
		r.RequiresActivePreAdmission = !ww && !running && !boundary
		r.RecordTranscript, r.WakeIfIdle = true, !ww && !running && !boundary
	case lane == none && (kind == KindPeerMessage || kind == KindPeerRequest) && (!silent || kind == KindPeerRequest): // DefaultPeerMessageOrRequest
		queueDefaults()
		if ww || silent {
			r.PolicyWakeMode = WakeNone
		} else if running || boundary {
			r.PolicyWakeMode = WakeInterruptYielding
		} else {
			r.PolicyWakeMode = WakeWakeIfIdle
		}
		r.RequiresActivePreAdmission = !ww && !silent
		r.RecordTranscript = true
		r.InterruptYielding = !ww && !silent && (running || boundary)
		r.WakeIfIdle = !ww && !silent && !running && !boundary
	case kind == KindPeerResponseProgress && !silent: // PeerResponseProgress
		// guard coalesce_target_tracked_if_present is checked by the caller.
		steerDefaults()
		r.PolicyApplyMode, r.PolicyWakeMode, r.PolicyQueueMode = ApplyStageRunBoundary, WakeNone, QueueModeCoalesce
		if in.ExistingSupersededInputID.Present() {
			r.ExistingAction = ExistingCoalesce
		}
		r.ExistingInputID = in.ExistingSupersededInputID
		r.RuntimeBoundary, r.RecordTranscript = BoundaryRunCheckpoint, true
		if !running {
			r.ExecutionHandlingMode = Some(LaneQueue)
		}
		r.LiveInterruptRequired = true
	case kind == KindPeerResponseTerminal && lane == none && !silent: // DefaultPeerResponseTerminal
		queueDefaults()
		if ww {
			r.PolicyWakeMode = WakeNone
		} else {
			r.PolicyWakeMode = WakeWakeIfIdle
		}
		r.RequiresActivePreAdmission = !ww
		r.RuntimePeerResponseTerminalApplyIntent = Some(IntentAppendContextAndRun)
		r.RecordTranscript, r.WakeIfIdle = true, !ww
	case kind == KindContinuation && lane == none && in.ContinuationKind == ContinuationOrdinary && !silent: // DefaultContinuation
		steerDefaults()
		r.PolicyApplyMode = ApplyStageRunBoundary
		if ww {
			r.PolicyWakeMode = WakeNone
		} else if running || boundary {
			r.PolicyWakeMode = WakeInterruptYielding
		} else {
			r.PolicyWakeMode = WakeWakeIfIdle
		}
		r.RequiresActivePreAdmission = !ww
		r.RuntimeBoundary, r.RuntimeExecutionKind = BoundaryRunCheckpoint, ExecutionResumePending
		r.InterruptYielding = !ww && (running || boundary)
		r.WakeIfIdle = !ww && !running && !boundary
		r.LiveInterruptRequired = true
	case kind == KindContinuation && in.ContinuationKind == ContinuationWorkgraphAttention && !silent: // WorkgraphAttentionContinuation
		queueDefaults()
		if ww || running || boundary {
			r.PolicyWakeMode = WakeNone
		} else {
			r.PolicyWakeMode = WakeWakeIfIdle
		}
		r.RequiresActivePreAdmission = !ww && !running && !boundary
		r.WakeIfIdle = !ww && !running && !boundary
	case kind == KindOperation && lane == none && !silent: // Operation
		queueDefaults()
		r.PolicyApplyMode, r.PolicyWakeMode, r.PolicyQueueMode = ApplyIgnore, WakeNone, QueueModePriority
		r.PolicyConsumePoint, r.PolicyDrainPolicy, r.PolicyRoutingDisposition = ConsumePointOnAccept, DrainIgnore, RoutingDrop
		r.Plan, r.QueueAction = PlanConsumedOnAccept, QueueActionNone
	default:
		return AdmissionResolved{}, false
	}
	return r, true
}

// spec §7.4: every combination of the plan's inputs, in every phase, against the oracle:
// the effect's 24 fields, the witnesses, and which combinations are rejected.
func TestAdmissionPlanExhaustive(t *testing.T) {
	lanes := []Opt[InputLane]{None[InputLane](), Some(LaneQueue), Some(LaneSteer)}
	phases := []Phase{PhaseInitializing, PhaseIdle, PhaseAttached, PhaseRunning, PhaseRetired, PhaseStopped, PhaseDestroyed}
	states := map[Phase]State{}
	for _, p := range phases {
		s := stateIn(t, p)
		if p == PhaseAttached {
			// A tracked coalesce target for PeerResponseProgress.
			if _, err := s.Accept(prompt("target")); err != nil {
				t.Fatal(err)
			}
		}
		states[p] = s
	}
	accepted, rejected := 0, 0
	for _, p := range phases {
		base := states[p]
		for kind := KindPrompt; kind <= KindOperation; kind++ {
			for _, lane := range lanes {
				for cont := ContinuationOrdinary; cont <= ContinuationWorkgraphAttention; cont++ {
					for bits := 0; bits < 32; bits++ {
						for _, existing := range []Opt[string]{None[string](), Some("target"), Some("ghost")} {
							in := ResolveAdmissionPlan{
								InputID: "new", InputKind: kind, RequestedLane: lane, ContinuationKind: cont,
								SilentIntentMatch: bits&1 != 0, RuntimeRunning: bits&2 != 0,
								ActiveTurnBoundaryAvailable: bits&4 != 0, WithoutWake: bits&8 != 0,
								ExistingSupersededInputID: existing,
							}
							if bits&16 != 0 {
								in.InputID = "target" // re-planning a tracked id is allowed; the witness is rewritten
							}
							want, ok := oraclePlan(p, in)
							if ok && kind == KindPeerResponseProgress && !in.SilentIntentMatch && existing.Present() {
								_, ok = base.InputStates[existing.Get()]
							}
							s := base
							s.AdmissionWitnesses = map[string]AdmissionWitness{in.InputID: {ExistingAction: Some(ExistingSupersede), ExistingTarget: Some("stale")}}
							fx, err := s.Apply(in)
							if !ok {
								rejected++
								if err == nil {
									t.Fatalf("%s %+v: accepted, the DSL rejects it", p, in)
								}
								continue
							}
							accepted++
							if err != nil {
								t.Fatalf("%s %+v: %v", p, in, err)
							}
							if got := fx[0].(AdmissionResolved); len(fx) != 1 || !reflect.DeepEqual(got, want) {
								t.Fatalf("%s %+v:\n got %+v\nwant %+v", p, in, got, want)
							}
							w := s.AdmissionWitnesses[in.InputID]
							wantW := AdmissionWitness{Lane: Some(want.Lane), Plan: Some(want.Plan)}
							if want.ExistingAction != ExistingNone {
								wantW.ExistingAction, wantW.ExistingTarget = Some(want.ExistingAction), want.ExistingInputID
							}
							if w != wantW {
								t.Fatalf("%s %+v: witness %+v, want %+v", p, in, w, wantW)
							}
						}
					}
				}
			}
		}
	}
	if accepted == 0 || rejected == 0 {
		t.Fatal(accepted, rejected)
	}
}
