package machine

import (
	"reflect"
	"strings"
	"testing"
)

// acceptNames runs Accept and returns the outcome and effect names, failing on an error.
func acceptOK(t *testing.T, s *State, req AcceptRequest) AcceptResult {
	t.Helper()
	res, err := s.Accept(req)
	if err != nil {
		t.Fatalf("Accept(%s): %v", req.InputID, err)
	}
	if err := s.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	return res
}

// spec §7.1 step 5: the inputs applied, in order, for each kind of plan.
func TestAcceptAppliesTheDocumentedOrder(t *testing.T) {
	verdicts := []string{"AdmissionValidationResolved", "AdmissionIdempotencyResolved", "AdmissionResolved"}
	tests := []struct {
		name   string
		phase  Phase
		setup  []AcceptRequest
		req    AcceptRequest
		steps  []string // after the verdicts
		state  InputPublicLifecycleState
		signal Opt[PostAdmissionSignalKind]
		waitOn bool
		inputs uint64 // inputs applied
	}{
		{
			name: "prompt in Idle: queue, wake", inputs: 5, phase: PhaseIdle, req: prompt("p"),
			steps: []string{"IngressAccepted", "IngressAccepted", "PostAdmissionSignal"},
			state: PublicLifecycleQueued, signal: Some(SignalWakeLoop), waitOn: true,
		},
		{
			name: "prompt with a key in Attached", inputs: 6, phase: PhaseAttached, req: withKey(prompt("p"), "k"),
			steps: []string{"IngressAccepted", "InputLifecycleNotice", "IngressAccepted", "PostAdmissionSignal"},
			state: PublicLifecycleQueued, signal: Some(SignalWakeLoop), waitOn: true,
		},
		{
			name: "steer request in Attached: immediate processing, SubmitRunPrimitive", inputs: 5, phase: PhaseAttached,
			req:   AcceptRequest{InputID: "s", InputKind: KindPeerMessage, InputOrigin: OriginPeer, Durability: DurabilityDurable, RequestedLane: Some(LaneSteer)},
			steps: []string{"IngressAccepted", "IngressAccepted", "PostAdmissionSignal", "SubmitRunPrimitive"},
			state: PublicLifecycleQueued, signal: Some(SignalRequestImmediateProcessing), waitOn: true,
		},
		{
			name: "peer response progress coalesces the existing input", inputs: 6, phase: PhaseRunning, setup: []AcceptRequest{prompt("old")},
			req:   AcceptRequest{InputID: "new", InputKind: KindPeerResponseProgress, InputOrigin: OriginPeer, Durability: DurabilityDurable, ExistingSupersededInputID: Some("old")},
			steps: []string{"IngressAccepted", "RecordTerminalOutcome", "IngressAccepted"},
			state: PublicLifecycleQueued, waitOn: true,
		},
		{
			name: "operation: consumed on accept, no waiter", inputs: 7, phase: PhaseIdle,
			req:   withKey(AcceptRequest{InputID: "op", InputKind: KindOperation, InputOrigin: OriginSystem, Durability: DurabilityEphemeral}, "k"),
			steps: []string{"IngressAccepted", "RecordTerminalOutcome", "InputLifecycleNotice", "IngressAccepted", "PostAdmissionSignal"},
			state: PublicLifecycleConsumed, signal: Some(SignalWakeLoop),
		},
		{
			name: "without wake: AcceptWithoutWake, Idle stays Idle", inputs: 5, phase: PhaseIdle,
			req:   func() AcceptRequest { r := prompt("w"); r.WithoutWake = true; return r }(),
			steps: []string{"IngressAccepted", "IngressAccepted"},
			state: PublicLifecycleQueued, waitOn: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := stateIn(t, tt.phase)
			for _, r := range tt.setup {
				acceptOK(t, &s, r)
			}
			applied := s.Applied
			res := acceptOK(t, &s, tt.req)
			want := append(append([]string{}, verdicts...), tt.steps...)
			if got := res.Effects.Names(); !reflect.DeepEqual(got, want) {
				t.Fatalf("effects %v, want %v", got, want)
			}
			if res.Outcome.Outcome != AcceptAccepted || !res.Outcome.State.Is(tt.state) || res.Signal != tt.signal ||
				res.WaitOn.Present() != tt.waitOn || (tt.waitOn && !res.WaitOn.Is(tt.req.InputID)) {
				t.Fatalf("%+v", res)
			}
			if pol := res.Outcome.Policy.Get(); pol.InputID != tt.req.InputID || pol.PolicyVersion != 1 {
				t.Fatalf("policy %+v", pol)
			}
			if s.Applied != applied+tt.inputs {
				t.Fatalf("applied %d inputs, want %d", s.Applied-applied, tt.inputs)
			}
			if s.LifecyclePhase != tt.phase {
				t.Fatal("admission never moves the phase")
			}
		})
	}
}

func withKey(r AcceptRequest, key string) AcceptRequest {
	r.IdempotencyKey = Some(key)
	return r
}

// spec §7.1: a refused accept leaves the state exactly as it was, whatever refused it.
func TestAcceptRefusalsChangeNothing(t *testing.T) {
	type refusal struct {
		name    string
		phase   Phase
		req     AcceptRequest
		kind    Kind     // an error of this kind, or
		outcome string   // a Rejected outcome with this reject_type
		effects []string // the effects reported with an outcome
		detail  string   // part of the error or detail
		state   Opt[RuntimeLifecycleObservedState]
	}
	peerBusy := AcceptRequest{InputID: "n", InputKind: KindPeerMessage, InputOrigin: OriginPeer, Durability: DurabilityDurable, ActiveTurnBoundaryAvailable: true}
	silent := prompt("n")
	silent.SilentIntentMatch = true
	terminalTarget := AcceptRequest{InputID: "n", InputKind: KindPeerResponseProgress, InputOrigin: OriginPeer, Durability: DurabilityDurable, ExistingSupersededInputID: Some("op")}
	cases := []refusal{
		{name: "destroyed", phase: PhaseDestroyed, req: prompt("n"), kind: KindDestroyed},
		{name: "initializing", phase: PhaseInitializing, req: prompt("n"), outcome: RejectTypeNotReady, state: Some(ObservedInitializing)},
		{name: "retired", phase: PhaseRetired, req: prompt("n"), outcome: RejectTypeNotReady, state: Some(ObservedRetired)},
		{name: "stopped", phase: PhaseStopped, req: prompt("n"), outcome: RejectTypeNotReady, state: Some(ObservedStopped)},
		{name: "no input id", phase: PhaseIdle, req: AcceptRequest{InputKind: KindPrompt, InputOrigin: OriginOperator}, kind: KindValidationFailed, detail: "input_id"},
		{name: "no kind", phase: PhaseIdle, req: AcceptRequest{InputID: "n", InputOrigin: OriginOperator}, kind: KindValidationFailed, detail: "input_kind"},
		{name: "no origin", phase: PhaseIdle, req: AcceptRequest{InputID: "n", InputKind: KindPrompt}, kind: KindValidationFailed, detail: "input_origin"},
		// Step 3: no plan admits a silent prompt without a lane.
		{name: "no plan", phase: PhaseIdle, req: silent, kind: KindValidationFailed, detail: "no admission plan"},
		// Step 4: arm 6 asks for interrupt_yielding, which Idle does not accept.
		{name: "flags the phase refuses", phase: PhaseIdle, req: peerBusy, kind: KindValidationFailed, detail: "interrupt_yielding=true"},
		{name: "durability missing", phase: PhaseIdle, req: func() AcceptRequest { r := prompt("n"); r.Durability = 0; return r }(),
			outcome: RejectTypeDurabilityViolation, effects: []string{"AdmissionValidationResolved"}, detail: "DurabilityMissing"},
		{name: "derived from a peer", phase: PhaseIdle, req: AcceptRequest{InputID: "n", InputKind: KindPeerMessage, InputOrigin: OriginPeer, Durability: DurabilityDerived},
			outcome: RejectTypeDurabilityViolation, effects: []string{"AdmissionValidationResolved"}, detail: "ExternalDerivedDurabilityForbidden"},
		{name: "peer handling mode", phase: PhaseIdle, req: func() AcceptRequest { r := prompt("n"); r.PeerHandlingModeValid = Some(false); return r }(),
			outcome: RejectTypePeerHandlingModeInvalid, effects: []string{"AdmissionValidationResolved"}},
		{name: "cancelled peer terminal", phase: PhaseIdle, req: AcceptRequest{InputID: "n", InputKind: KindPeerResponseTerminal, InputOrigin: OriginPeer, Durability: DurabilityDurable, PeerResponseTerminalObservedStatus: PeerTerminalCancelled},
			outcome: RejectTypePeerResponseTerminalInvalid, effects: []string{"AdmissionValidationResolved"}},
		{name: "input id already tracked", phase: PhaseIdle, req: prompt("q"), kind: KindValidationFailed, detail: "already tracked"},
		{name: "coalesce target already terminal", phase: PhaseIdle, req: terminalTarget, kind: KindValidationFailed, detail: "terminal outcome"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := stateIn(t, c.phase)
			if c.phase == PhaseIdle {
				acceptOK(t, &s, prompt("q"))
				acceptOK(t, &s, AcceptRequest{InputID: "op", InputKind: KindOperation, InputOrigin: OriginSystem, Durability: DurabilityDurable})
			}
			before := snapshot(t, &s)
			res, err := s.Accept(c.req)
			if after := snapshot(t, &s); string(after) != string(before) {
				t.Fatalf("state changed:\n%s\n%s", before, after)
			}
			if c.kind != 0 {
				if KindOf(err) != c.kind || !strings.Contains(err.Error(), c.detail) {
					t.Fatalf("got %v, want a %s error naming %q", err, c.kind, c.detail)
				}
				return
			}
			reason := res.Outcome.Reason.Get()
			if err != nil || res.Outcome.Outcome != AcceptRejected || reason.RejectType != c.outcome || reason.State != c.state ||
				!strings.Contains(reason.Detail, c.detail) || res.WaitOn.Present() || res.Signal.Present() {
				t.Fatalf("%+v %v", res, err)
			}
			if got := res.Effects.Names(); len(got)+len(c.effects) > 0 && !reflect.DeepEqual(got, c.effects) {
				t.Fatalf("effects %v, want %v", got, c.effects)
			}
		})
	}
	// An unregistered (but initialised) authority refuses the admission signal.
	s := NewState()
	mustApply(t, &s, Initialize{})
	before := snapshot(t, &s)
	if _, err := s.Accept(prompt("n")); KindOf(err) != KindValidationFailed || !strings.Contains(err.Error(), "not registered") ||
		string(snapshot(t, &s)) != string(before) {
		t.Fatal(err)
	}
}

// spec §7.1 steps 3-4 come before validation and idempotency: a duplicate whose flags the
// phase refuses is refused, not deduplicated (upstream previews the plan and the signal
// first).
func TestAcceptProbesComeFirst(t *testing.T) {
	s := stateIn(t, PhaseIdle)
	first := AcceptRequest{InputID: "a", InputKind: KindPeerMessage, InputOrigin: OriginPeer, Durability: DurabilityDurable, IdempotencyKey: Some("k")}
	acceptOK(t, &s, first)
	dup := first
	dup.InputID, dup.ActiveTurnBoundaryAvailable = "b", true
	if _, err := s.Accept(dup); KindOf(err) != KindValidationFailed {
		t.Fatal(err)
	}
	dup.ActiveTurnBoundaryAvailable = false
	if res := acceptOK(t, &s, dup); res.Outcome.Outcome != AcceptDeduplicated || !res.WaitOn.Is("a") {
		t.Fatalf("%+v", res)
	}
	// A retry with the same input id and key is deduplicated against itself.
	if res := acceptOK(t, &s, first); res.Outcome.Outcome != AcceptDeduplicated || !res.Outcome.ExistingID.Is("a") {
		t.Fatalf("%+v", res)
	}
	// Keys are never evicted: a duplicate of a consumed input is still deduplicated, without a waiter.
	mustApply(t, &s, ConsumeInput{InputRef{"a"}})
	if res := acceptOK(t, &s, dup); res.Outcome.Outcome != AcceptDeduplicated || res.WaitOn.Present() {
		t.Fatalf("%+v", res)
	}
}

// spec §7.1 step 7: the shell can restore the pre-accept snapshot.
func TestStageAcceptRestores(t *testing.T) {
	s := stateIn(t, PhaseAttached)
	before := snapshot(t, &s)
	st, res, err := s.StageAccept(withKey(prompt("x"), "k"))
	if err != nil || st == nil || res.Outcome.Outcome != AcceptAccepted {
		t.Fatal(res, err)
	}
	if _, ok := s.InputState("x"); !ok {
		t.Fatal("not admitted")
	}
	if !st.Restore() || string(snapshot(t, &s)) != string(before) {
		t.Fatal("restore")
	}
	// Nothing to restore for an outcome that changed nothing.
	if st, res, err = s.StageAccept(withKey(prompt("y"), "")); err != nil || st == nil {
		t.Fatal(res, err)
	}
	st2, res, err := s.StageAccept(withKey(prompt("z"), ""))
	if err != nil || st2 != nil || res.Outcome.Outcome != AcceptDeduplicated {
		t.Fatal(res, err)
	}
	// Restore is compare-and-restore: a deduplicated accept applied nothing, another
	// admitted input blocks it.
	acceptOK(t, &s, prompt("w"))
	if st.Restore() {
		t.Fatal("restored over a later input")
	}
}

// The steps the upstream driver applies for plan shapes no v0.7.1 arm produces
// (Supersede, EnqueueFront) are still wired as §7.1 step 5d describes them.
func TestAdmissionStepsForEveryPlanShape(t *testing.T) {
	req := withKey(prompt("new"), "k")
	policy := AdmissionResolved{Lane: LaneSteer, Plan: PlanQueued, QueueAction: QueueActionEnqueueFront,
		ExistingAction: ExistingSupersede, ExistingInputID: Some("old")}
	got := admissionSteps(req, policy)
	want := []Input{SteerAccepted{InputRef{"new"}}, SupersedeInput{InputID: "old", SupersededBy: "new"},
		PrioritizeInput{InputRef{"new"}}, RegisterAcceptedIdempotency{InputID: "new", IdempotencyKey: "k"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%v", got)
	}
}

// A step the checks said would hold but the machine refuses is an internal error, and
// everything the pipeline applied before it is undone.
func TestPipelineFailureRollsBack(t *testing.T) {
	s := stateIn(t, PhaseIdle)
	acceptOK(t, &s, withKey(prompt("a"), "k"))
	before := snapshot(t, &s)
	p := s.beginPipeline()
	if _, err := p.apply(ResolveAdmissionPlan{InputID: "b", InputKind: KindPrompt, ContinuationKind: ContinuationOrdinary}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.apply(QueueAccepted{InputRef{"b"}}); err != nil {
		t.Fatal(err)
	}
	_, err := p.apply(RegisterAcceptedIdempotency{InputID: "b", IdempotencyKey: "k"})
	if err == nil {
		t.Fatal("a key claimed by another input")
	}
	if err := p.fail(err); KindOf(err) != KindInternal || !strings.Contains(err.Error(), "idempotency_key_unclaimed_or_same_input") {
		t.Fatal(err)
	}
	if string(snapshot(t, &s)) != string(before) {
		t.Fatal("the pipeline's writes were not undone")
	}
}
