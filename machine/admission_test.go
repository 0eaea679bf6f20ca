package machine

import (
	"encoding/json"
	"reflect"
	"strconv"
	"testing"
)

// spec §7.2: the ordered validation table.
func TestAdmissionValidation(t *testing.T) {
	base := ResolveAdmissionValidation{InputID: "i1", InputKind: KindPrompt, InputOrigin: OriginOperator, Durability: DurabilityDurable,
		PeerHandlingModeValid: true, PeerResponseTerminalStructurallyValid: true, PeerResponseTerminalObservedStatus: PeerTerminalNotPeerTerminal}
	tests := []struct {
		name   string
		change func(*ResolveAdmissionValidation)
		reject AdmissionRejectReasonKind
	}{
		{"durable prompt", func(*ResolveAdmissionValidation) {}, 0},
		{"missing", func(v *ResolveAdmissionValidation) { v.Durability = DurabilityMissing; v.PeerHandlingModeValid = false }, RejectDurabilityMissing},
		{"derived external", func(v *ResolveAdmissionValidation) { v.Durability, v.InputOrigin = DurabilityDerived, OriginPeer }, RejectExternalDerivedDurabilityForbidden},
		{"derived flow prompt", func(v *ResolveAdmissionValidation) { v.Durability, v.InputOrigin = DurabilityDerived, OriginFlow }, RejectDerivedDurabilityForbiddenForInputKind},
		{"derived system continuation", func(v *ResolveAdmissionValidation) {
			v.Durability, v.InputOrigin, v.InputKind = DurabilityDerived, OriginSystem, KindContinuation
		}, 0},
		{"bad handling", func(v *ResolveAdmissionValidation) { v.PeerHandlingModeValid = false }, RejectPeerHandlingModeInvalid},
		{"bad terminal", func(v *ResolveAdmissionValidation) { v.PeerResponseTerminalStructurallyValid = false }, RejectPeerResponseTerminalInvalid},
		{"cancelled terminal", func(v *ResolveAdmissionValidation) { v.PeerResponseTerminalObservedStatus = PeerTerminalCancelled }, RejectPeerResponseTerminalInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := stateIn(t, PhaseIdle)
			in := base
			tt.change(&in)
			got := mustApply(t, &s, in)[0].(AdmissionValidationResolved)
			if (tt.reject == 0) != (got.Result == ValidationAccept) || got.RejectReason.Get() != tt.reject {
				t.Fatalf("%+v", got)
			}
		})
	}
	s := stateIn(t, PhaseRetired)
	if _, err := s.Apply(base); KindOf(err) != KindNotReady {
		t.Fatal("validation is Idle/Attached/Running only")
	}
}

// planCase describes one §7.4 row: the request and the fields it must yield.
type planCase struct {
	name   string
	in     ResolveAdmissionPlan
	lane   InputLane
	plan   AdmissionPlanKind
	wake   AdmissionPolicyWakeMode
	flags  [3]bool // request_immediate_processing, interrupt_yielding, wake_if_idle
	intent bool
}

// spec §7.4: the eleven arms.
func TestAdmissionPlanArms(t *testing.T) {
	q, st := Some(LaneQueue), Some(LaneSteer)
	p := func(kind AdmissionInputKind, lane Opt[InputLane]) ResolveAdmissionPlan {
		return ResolveAdmissionPlan{InputID: "new", InputKind: kind, RequestedLane: lane, ContinuationKind: ContinuationOrdinary}
	}
	with := func(in ResolveAdmissionPlan, f func(*ResolveAdmissionPlan)) ResolveAdmissionPlan { f(&in); return in }
	cases := []planCase{
		{"1 terminal queue", p(KindPeerResponseTerminal, q), LaneQueue, PlanQueued, WakeWakeIfIdle, [3]bool{false, false, true}, true},
		{"2 terminal steer", p(KindPeerResponseTerminal, st), LaneSteer, PlanQueued, WakeWakeIfIdle, [3]bool{true, false, false}, true},
		{"3 queue override", p(KindPrompt, q), LaneQueue, PlanQueued, WakeWakeIfIdle, [3]bool{false, false, true}, false},
		{"3 queue override, busy", with(p(KindPrompt, q), func(r *ResolveAdmissionPlan) { r.ActiveTurnBoundaryAvailable = true }), LaneQueue, PlanQueued, WakeNone, [3]bool{}, false},
		{"4 steer override", p(KindPeerMessage, st), LaneSteer, PlanQueued, WakeWakeIfIdle, [3]bool{true, false, false}, false},
		{"5 default prompt", p(KindPrompt, None[InputLane]()), LaneQueue, PlanQueued, WakeWakeIfIdle, [3]bool{false, false, true}, false},
		{"5 default without wake", with(p(KindFlowStep, None[InputLane]()), func(r *ResolveAdmissionPlan) { r.WithoutWake = true }), LaneQueue, PlanQueued, WakeNone, [3]bool{}, false},
		{"6 peer message", p(KindPeerMessage, None[InputLane]()), LaneQueue, PlanQueued, WakeWakeIfIdle, [3]bool{false, false, true}, false},
		{"6 peer request busy", with(p(KindPeerRequest, None[InputLane]()), func(r *ResolveAdmissionPlan) { r.ActiveTurnBoundaryAvailable = true }), LaneQueue, PlanQueued, WakeInterruptYielding, [3]bool{false, true, false}, false},
		{"7 progress", p(KindPeerResponseProgress, None[InputLane]()), LaneSteer, PlanQueued, WakeNone, [3]bool{}, false},
		{"8 default terminal", p(KindPeerResponseTerminal, None[InputLane]()), LaneQueue, PlanQueued, WakeWakeIfIdle, [3]bool{false, false, true}, true},
		{"9 continuation", p(KindContinuation, None[InputLane]()), LaneSteer, PlanQueued, WakeWakeIfIdle, [3]bool{false, false, true}, false},
		{"10 workgraph", with(p(KindContinuation, None[InputLane]()), func(r *ResolveAdmissionPlan) { r.ContinuationKind = ContinuationWorkgraphAttention }), LaneQueue, PlanQueued, WakeWakeIfIdle, [3]bool{false, false, true}, false},
		{"11 operation", p(KindOperation, None[InputLane]()), LaneQueue, PlanConsumedOnAccept, WakeNone, [3]bool{}, false},
		// The DSL's arm 3 also takes an operation with a requested lane (spec §7.4's prose
		// calls that GR; the DSL guard does not exclude it and arm 3's record_transcript
		// excludes operations, so the DSL is followed).
		{"3 operation with a lane", p(KindOperation, q), LaneQueue, PlanQueued, WakeWakeIfIdle, [3]bool{false, false, true}, false},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			s := stateIn(t, PhaseAttached)
			got := mustApply(t, &s, tt.in)[0].(AdmissionResolved)
			flags := [3]bool{got.RequestImmediateProcessing, got.InterruptYielding, got.WakeIfIdle}
			if got.Lane != tt.lane || got.Plan != tt.plan || got.PolicyWakeMode != tt.wake || flags != tt.flags ||
				got.RuntimePeerResponseTerminalApplyIntent.Present() != tt.intent || got.PolicyVersion != 1 {
				t.Fatalf("%+v", got)
			}
			if w := s.AdmissionWitnesses["new"]; !w.Lane.Is(tt.lane) || !w.Plan.Is(tt.plan) {
				t.Fatalf("witness %+v", w)
			}
		})
	}
	rejected := map[string]ResolveAdmissionPlan{
		"silent prompt":          with(p(KindPrompt, None[InputLane]()), func(r *ResolveAdmissionPlan) { r.SilentIntentMatch = true }),
		"silent progress":        with(p(KindPeerResponseProgress, None[InputLane]()), func(r *ResolveAdmissionPlan) { r.SilentIntentMatch = true }),
		"running flag mismatch":  with(p(KindPrompt, None[InputLane]()), func(r *ResolveAdmissionPlan) { r.RuntimeRunning = true }),
		"untracked coalesce tgt": with(p(KindPeerResponseProgress, None[InputLane]()), func(r *ResolveAdmissionPlan) { r.ExistingSupersededInputID = Some("ghost") }),
	}
	for name, in := range rejected {
		s := stateIn(t, PhaseAttached)
		if _, err := applyChecked(t, &s, in); KindOf(err) != KindRejected {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// spec §7.5: the AcceptWithCompletion table.
func TestAcceptWithCompletionTable(t *testing.T) {
	tests := []struct {
		phase                     Phase
		immediate, yielding, wake bool
		want                      []string
	}{
		{PhaseIdle, false, false, false, []string{"IngressAccepted", "PostAdmissionSignal"}},
		{PhaseIdle, true, false, true, []string{"IngressAccepted", "PostAdmissionSignal"}},
		{PhaseAttached, true, false, false, []string{"IngressAccepted", "PostAdmissionSignal", "SubmitRunPrimitive"}},
		{PhaseAttached, false, false, true, []string{"IngressAccepted", "PostAdmissionSignal"}},
		{PhaseRunning, false, false, false, []string{"IngressAccepted"}},
		{PhaseRunning, false, false, true, []string{"IngressAccepted", "PostAdmissionSignal"}},
		{PhaseRunning, false, true, true, []string{"IngressAccepted", "PostAdmissionSignal"}},
		{PhaseRunning, true, false, false, []string{"IngressAccepted", "PostAdmissionSignal"}},
		{PhaseIdle, false, true, false, nil},
		{PhaseRunning, true, true, false, nil},
		{PhaseRetired, false, false, false, nil},
	}
	for _, tt := range tests {
		s := stateIn(t, tt.phase)
		fx, err := applyChecked(t, &s, AcceptWithCompletion{InputID: "i", RequestImmediateProcessing: tt.immediate, InterruptYielding: tt.yielding, WakeIfIdle: tt.wake})
		if tt.want == nil {
			if err == nil {
				t.Errorf("%+v accepted", tt)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(fx.Names(), tt.want) {
			t.Errorf("%+v: %v %v", tt, fx.Names(), err)
		}
	}
	s := stateIn(t, PhaseRunning)
	fx := mustApply(t, &s, AcceptWithCompletion{InputID: "i", InterruptYielding: true})
	if fx[1].(PostAdmissionSignal).Signal != SignalInterruptYielding {
		t.Fatal(fx)
	}
	if fx := mustApply(t, &s, AcceptWithoutWake{InputID: "i"}); !reflect.DeepEqual(fx.Names(), []string{"IngressAccepted"}) {
		t.Fatal(fx)
	}
}

func prompt(id string) AcceptRequest {
	return AcceptRequest{InputID: id, InputKind: KindPrompt, InputOrigin: OriginOperator, Durability: DurabilityDurable}
}

// spec §7.1: the whole pipeline.
func TestAcceptPipeline(t *testing.T) {
	s := stateIn(t, PhaseIdle)
	req := prompt("i1")
	req.IdempotencyKey = Some("k1")
	res, err := s.Accept(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome.Outcome != AcceptAccepted || !res.WaitOn.Is("i1") || !res.Signal.Is(SignalWakeLoop) || !res.Outcome.State.Is(PublicLifecycleQueued) {
		t.Fatalf("%+v", res)
	}
	if got := res.Effects.Names(); !reflect.DeepEqual(got, []string{
		"AdmissionValidationResolved", "AdmissionIdempotencyResolved", "AdmissionResolved", "IngressAccepted",
		"InputLifecycleNotice", "IngressAccepted", "PostAdmissionSignal",
	}) {
		t.Fatal(got)
	}
	if err := s.CheckInvariants(); err != nil {
		t.Fatal(err)
	}

	// A duplicate joins the original's waiter and applies nothing.
	before := snapshot(t, &s)
	dup := prompt("i2")
	dup.IdempotencyKey = Some("k1")
	res, err = s.Accept(dup)
	if err != nil || res.Outcome.Outcome != AcceptDeduplicated || !res.Outcome.ExistingID.Is("i1") || !res.WaitOn.Is("i1") ||
		!reflect.DeepEqual(res.Effects.Names(), []string{"AdmissionValidationResolved", "AdmissionIdempotencyResolved"}) {
		t.Fatalf("%+v %v", res, err)
	}
	if string(snapshot(t, &s)) != string(before) {
		t.Fatal("a duplicate must change nothing")
	}

	// An operation is consumed on accept: no waiter.
	op := AcceptRequest{InputID: "op", InputKind: KindOperation, InputOrigin: OriginSystem, Durability: DurabilityEphemeral, IdempotencyKey: Some("k-op")}
	res, err = s.Accept(op)
	if err != nil || !res.Outcome.State.Is(PublicLifecycleConsumed) || res.WaitOn.Present() {
		t.Fatalf("%+v %v", res, err)
	}
	op.InputID = "op2"
	if res, _ = s.Accept(op); res.Outcome.Outcome != AcceptDeduplicated || res.WaitOn.Present() {
		t.Fatal("a duplicate of a consumed input gets no waiter")
	}

	// Validation rejections are outcomes and change nothing.
	before = snapshot(t, &s)
	bad := prompt("i3")
	bad.Durability = 0
	res, err = s.Accept(bad)
	if err != nil || res.Outcome.Outcome != AcceptRejected || res.Outcome.Reason.Get().RejectType != "durability_violation" {
		t.Fatalf("%+v %v", res, err)
	}
	if string(snapshot(t, &s)) != string(before) {
		t.Fatal("a rejected accept must change nothing")
	}
	peer := prompt("i4")
	peer.PeerHandlingModeValid = Some(false)
	if res, _ = s.Accept(peer); res.Outcome.Reason.Get().RejectType != "peer_handling_mode_invalid" {
		t.Fatal(res)
	}

	// Progress coalesces into an existing input.
	progress := AcceptRequest{InputID: "p2", InputKind: KindPeerResponseProgress, InputOrigin: OriginPeer, Durability: DurabilityDurable, ExistingSupersededInputID: Some("i1")}
	if res, err = s.Accept(progress); err != nil || res.Outcome.Outcome != AcceptAccepted {
		t.Fatalf("%+v %v", res, err)
	}
	if v, _ := s.InputState("i1"); v.State != PublicLifecycleCoalesced || !v.AggregateID.Is("p2") {
		t.Fatalf("%+v", v)
	}

	// Lifecycle gate: Retired is an outcome, Destroyed an error.
	s = stateIn(t, PhaseRetired)
	if res, err = s.Accept(prompt("x")); err != nil || res.Outcome.Reason.Get().RejectType != "not_ready" || !res.Outcome.Reason.Get().State.Is(ObservedRetired) {
		t.Fatalf("%+v %v", res, err)
	}
	s = stateIn(t, PhaseDestroyed)
	if _, err = s.Accept(prompt("x")); KindOf(err) != KindDestroyed {
		t.Fatal(err)
	}
	s = stateIn(t, PhaseIdle)
	if _, err = s.Accept(AcceptRequest{InputID: "x"}); KindOf(err) != KindValidationFailed {
		t.Fatal(err)
	}
	// Running: queued passively when a boundary is available.
	s = stateIn(t, PhaseRunning)
	busy := prompt("r")
	busy.ActiveTurnBoundaryAvailable = true
	if res, err = s.Accept(busy); err != nil || res.Signal.Present() {
		t.Fatalf("%+v %v", res, err)
	}
	// An input id already tracked is refused and nothing changes.
	before = snapshot(t, &s)
	if _, err = s.Accept(prompt("r")); KindOf(err) != KindValidationFailed || string(snapshot(t, &s)) != string(before) {
		t.Fatalf("reused input id: %v", err)
	}
	if b, err := json.Marshal(res); err != nil || len(b) == 0 {
		t.Fatal(err)
	}
}

// spec §7.6: lanes, order, staging with the rollback budget of 3, and terminals.
func TestInputLifecycle(t *testing.T) {
	s := stateIn(t, PhaseAttached)
	for _, id := range []string{"a", "b", "c"} {
		if _, err := s.Accept(prompt(id)); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(vs []InputView) []string {
		var out []string
		for _, v := range vs {
			out = append(out, v.InputID)
		}
		return out
	}
	if got := ids(s.Queue(LaneQueue)); !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Fatal(got)
	}
	mustApply(t, &s, PrioritizeInput{InputRef{"c"}})
	mustApply(t, &s, DeferInputBehindBacklog{InputRef{"a"}})
	if got := ids(s.Queue(LaneQueue)); !reflect.DeepEqual(got, []string{"c", "b", "a"}) {
		t.Fatal(got)
	}
	if v, _ := s.InputState("c"); !v.AdmissionSeq.Is(999_999_999) {
		t.Fatal(v.AdmissionSeq)
	}
	mustApply(t, &s, ChangeLane{InputID: "b", NewLane: LaneSteer})
	if got := ids(s.Queue(LaneSteer)); !reflect.DeepEqual(got, []string{"b"}) {
		t.Fatal(got)
	}

	// The staging budget: three failed attempts, then MaxAttemptsExhausted.
	for attempt := 1; attempt <= 3; attempt++ {
		mustApply(t, &s, StageForRun{InputID: "a", RunID: "r" + strconv.Itoa(attempt)})
		if v, _ := s.InputState("a"); v.Lane.Present() || !v.RunID.Is("r"+strconv.Itoa(attempt)) {
			t.Fatal("staged inputs leave their lane")
		}
		mustApply(t, &s, IncrementAttemptCount{InputRef{"a"}})
		fx := mustApply(t, &s, ResolveStagedRollback{InputID: "a", Lane: LaneQueue})
		want := "InputLifecycleNotice"
		if attempt == 3 {
			want = "RecordTerminalOutcome"
		}
		if fx[0].Name() != want {
			t.Fatalf("attempt %d: %v", attempt, fx)
		}
	}
	v, _ := s.InputState("a")
	if v.State != PublicLifecycleAbandoned || !v.AbandonReason.Is(AbandonMaxAttemptsExhausted) || !v.AbandonAttemptCount.Is(3) || !v.TerminalOutcome.Is(PublicOutcomeAbandoned) {
		t.Fatalf("%+v", v)
	}
	if _, err := applyChecked(t, &s, ResolveStagedRollback{InputID: "c", Lane: LaneQueue}); KindOf(err) != KindRejected {
		t.Fatal("rollback of an input that is not staged")
	}

	mustApply(t, &s, StageForRun{InputID: "c", RunID: "r9"})
	mustApply(t, &s, MarkApplied{InputRef{"c"}})
	mustApply(t, &s, MarkAppliedPendingConsumption{InputRef{"c"}})
	s.LiveBoundaryContextSequenceByRun = map[string]uint64{"r9": 7}
	mustApply(t, &s, RecordBoundarySeq{InputID: "c", RunID: "r9"})
	mustApply(t, &s, ConsumeInput{InputRef{"c"}})
	if v, _ := s.InputState("c"); !v.TerminalOutcome.Is(PublicOutcomeCompleted) || !v.BoundarySequence.Is(7) {
		t.Fatalf("%+v", v)
	}
	mustApply(t, &s, RollbackStaged{InputID: "b", Lane: LaneQueue})
	fx := mustApply(t, &s, AbandonInput{InputID: "b", Reason: AbandonCancelled, AttemptCount: 0})
	if v, _ := s.InputState("b"); fx[0].Name() != "RecordTerminalOutcome" || !v.TerminalOutcome.Is(PublicOutcomeCancelled) {
		t.Fatalf("%+v", v)
	}
	if len(s.ActiveInputs()) != 0 {
		t.Fatal(s.ActiveInputs())
	}
	// A terminal outcome is never overwritten.
	if _, err := applyChecked(t, &s, AbandonInput{InputID: "c", Reason: AbandonReset}); KindOf(err) != KindRejected {
		t.Fatal("abandoning a consumed input")
	}
	// Witnesses: supersede needs the admission of the newer input to name this one.
	if _, err := s.Accept(prompt("d")); err != nil {
		t.Fatal(err)
	}
	if _, err := applyChecked(t, &s, SupersedeInput{InputID: "d", SupersededBy: "z"}); KindOf(err) != KindRejected {
		t.Fatal("supersede without a witness")
	}
	if _, err := applyChecked(t, &s, QueueAccepted{InputRef{"unplanned"}}); KindOf(err) != KindRejected {
		t.Fatal("QueueAccepted without an authorised lane")
	}
	s.AdmissionWitnesses["z"] = AdmissionWitness{ExistingAction: Some(ExistingSupersede), ExistingTarget: Some("d")}
	mustApply(t, &s, SupersedeInput{InputID: "d", SupersededBy: "z"})
	if v, _ := s.InputState("d"); v.State != PublicLifecycleSuperseded || !v.SupersededBy.Is("z") || s.AdmissionWitnesses["z"].ExistingAction.Present() {
		t.Fatalf("%+v", v)
	}
	if _, ok := s.InputState("nope"); ok {
		t.Fatal("untracked input")
	}
}

// spec §7.7: the public outcome and terminality classifiers.
func TestInputClassifiers(t *testing.T) {
	p := ProjectionAuthority()
	tests := []struct {
		facts   InputFacts
		outcome InputPublicTerminalOutcome
		ok      bool
	}{
		{InputFacts{Phase: RecoveredQueued}, 0, true},
		{InputFacts{Phase: RecoveredConsumed, TerminalKind: Some(TerminalConsumed)}, PublicOutcomeCompleted, true},
		{InputFacts{Phase: RecoveredSuperseded, TerminalKind: Some(TerminalSuperseded)}, PublicOutcomeSuperseded, true},
		{InputFacts{Phase: RecoveredCoalesced, TerminalKind: Some(TerminalCoalesced)}, PublicOutcomeCoalesced, true},
		{InputFacts{Phase: RecoveredAbandoned, TerminalKind: Some(TerminalAbandoned), AbandonReason: Some(AbandonCancelled)}, PublicOutcomeCancelled, true},
		{InputFacts{Phase: RecoveredAbandoned, TerminalKind: Some(TerminalAbandoned), AbandonReason: Some(AbandonReset)}, PublicOutcomeAbandoned, true},
		{InputFacts{Phase: RecoveredAbandoned, TerminalKind: Some(TerminalAbandoned)}, 0, false},
		{InputFacts{Phase: RecoveredQueued, TerminalKind: Some(TerminalConsumed)}, 0, false},
		{InputFacts{Phase: RecoveredConsumed}, 0, false},
	}
	for _, tt := range tests {
		fx, err := applyChecked(t, &p, ResolveInputPublicTerminalOutcome{tt.facts})
		if (err == nil) != tt.ok {
			t.Fatalf("%+v: %v", tt.facts, err)
		}
		if !tt.ok {
			continue
		}
		if got := fx[0].(InputPublicTerminalOutcomeResolved); got.TerminalOutcome.Get() != tt.outcome {
			t.Fatalf("%+v: %+v", tt.facts, got)
		}
		fx = mustApply(t, &p, ClassifyInputTerminality{tt.facts})
		if fx[0].(InputBehavioralTerminalityResolved).Terminal != (tt.outcome != 0) {
			t.Fatal(fx)
		}
	}
}

// spec §7.3: RegisterAcceptedIdempotency guards.
func TestRegisterAcceptedIdempotency(t *testing.T) {
	s := stateIn(t, PhaseIdle)
	if _, err := s.Accept(prompt("i1")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Accept(prompt("i2")); err != nil {
		t.Fatal(err)
	}
	mustApply(t, &s, RegisterAcceptedIdempotency{InputID: "i1", IdempotencyKey: "k"})
	mustApply(t, &s, RegisterAcceptedIdempotency{InputID: "i1", IdempotencyKey: "k"})
	if _, err := applyChecked(t, &s, RegisterAcceptedIdempotency{InputID: "i2", IdempotencyKey: "k"}); KindOf(err) != KindRejected {
		t.Fatal("a key claimed by another input")
	}
	if _, err := applyChecked(t, &s, RegisterAcceptedIdempotency{InputID: "ghost", IdempotencyKey: "k2"}); KindOf(err) != KindRejected {
		t.Fatal("untracked input")
	}
}

// admissionState returns an attached session tracking n queued inputs.
func admissionState(tb testing.TB, n int) State {
	s := stateIn(tb, PhaseAttached)
	for i := range n {
		if _, err := s.Accept(prompt("pre-" + strconv.Itoa(i))); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

// benchSeq keeps benchmark input ids unique across the repeated runs of one benchmark.
var benchSeq int

func benchIDs(prefix string, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		benchSeq++
		ids[i] = prefix + strconv.Itoa(benchSeq)
	}
	return ids
}

// The admission and input-lifecycle inputs on a small ledger and on one tracking 100,000
// inputs: the cost must not grow with the ledger.
func BenchmarkAdmission(b *testing.B) {
	for _, n := range []int{10, 100_000} {
		s := admissionState(b, n)
		size := strconv.Itoa(n)
		b.Run("ResolveAdmissionPlan/"+size, func(b *testing.B) {
			var in Input = ResolveAdmissionPlan{InputID: "bench", InputKind: KindPrompt, ContinuationKind: ContinuationOrdinary}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Apply(in); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("ResolveAdmissionValidation/"+size, func(b *testing.B) {
			var in Input = prompt("bench").validation()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Apply(in); err != nil {
					b.Fatal(err)
				}
			}
		})
		// QueueAccepted, StageForRun and ConsumeInput each on a fresh input per iteration.
		var ids []string
		b.Run("QueueAccepted/"+size, func(b *testing.B) {
			ids = benchIDs("q-", b.N)
			ins := make([]Input, b.N)
			for i, id := range ids {
				s.AdmissionWitnesses[id] = AdmissionWitness{Lane: Some(LaneQueue), Plan: Some(PlanQueued)}
				ins[i] = QueueAccepted{InputRef{id}}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := s.Apply(ins[i]); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("StageForRun/"+size, func(b *testing.B) {
			ins := make([]Input, b.N)
			for i, id := range benchIDs("st-", b.N) {
				s.AdmissionWitnesses[id] = AdmissionWitness{Lane: Some(LaneQueue), Plan: Some(PlanQueued)}
				if _, err := s.Apply(QueueAccepted{InputRef{id}}); err != nil {
					b.Fatal(err)
				}
				ins[i] = StageForRun{InputID: id, RunID: "r1"}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := s.Apply(ins[i]); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("ConsumeInput/"+size, func(b *testing.B) {
			ins := make([]Input, b.N)
			for i, id := range benchIDs("c-", b.N) {
				s.AdmissionWitnesses[id] = AdmissionWitness{Lane: Some(LaneQueue), Plan: Some(PlanQueued)}
				if _, err := s.Apply(QueueAccepted{InputRef{id}}); err != nil {
					b.Fatal(err)
				}
				ins[i] = ConsumeInput{InputRef{id}}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := s.Apply(ins[i]); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("StageForRun+RollbackStaged/"+size, func(b *testing.B) {
			var stage, back Input = StageForRun{InputID: "pre-3", RunID: "r"}, RollbackStaged{InputID: "pre-3", Lane: LaneQueue}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Apply(stage); err != nil {
					b.Fatal(err)
				}
				if _, err := s.Apply(back); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("Accept/"+size, func(b *testing.B) {
			reqs := make([]AcceptRequest, b.N)
			for i, id := range benchIDs("a-", b.N) {
				reqs[i] = prompt(id)
				reqs[i].IdempotencyKey = Some("k" + id)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := s.Accept(reqs[i]); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("AcceptDeduplicated/"+size, func(b *testing.B) {
			dup := prompt("dup")
			dup.IdempotencyKey = Some("k-pre")
			put(&s, &s.AdmissionIdempotencyInputs, "k-pre", "pre-1")
			b.ReportAllocs()
			for b.Loop() {
				if res, err := s.Accept(dup); err != nil || res.Outcome.Outcome != AcceptDeduplicated {
					b.Fatal(res, err)
				}
			}
		})
	}
}

// BenchmarkStateJSON encodes and decodes a state tracking 10,000 inputs.
func BenchmarkStateJSON(b *testing.B) {
	s := admissionState(b, 10_000)
	data, err := json.Marshal(&s)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("state with 10,000 tracked inputs: %d bytes of JSON", len(data))
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(&s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Restore(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
