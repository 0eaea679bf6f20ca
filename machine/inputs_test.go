package machine

import (
	"reflect"
	"strings"
	"testing"
)

// oracleOutcome is the §7.7 table written out directly: the public terminal outcome of
// consistent facts, or ok=false (GuardRejected) for inconsistent ones.
func oracleOutcome(f InputFacts) (outcome InputPublicTerminalOutcome, ok bool) {
	kind, reason := f.TerminalKind, f.AbandonReason
	switch f.Phase {
	case RecoveredAccepted, RecoveredQueued, RecoveredStaged, RecoveredApplied, RecoveredAppliedPendingConsumption:
		return 0, !kind.Present() && !reason.Present()
	case RecoveredConsumed:
		return PublicOutcomeCompleted, kind.Is(TerminalConsumed) && !reason.Present()
	case RecoveredSuperseded:
		return PublicOutcomeSuperseded, kind.Is(TerminalSuperseded) && !reason.Present()
	case RecoveredCoalesced:
		return PublicOutcomeCoalesced, kind.Is(TerminalCoalesced) && !reason.Present()
	case RecoveredAbandoned:
		if reason.Is(AbandonCancelled) {
			return PublicOutcomeCancelled, kind.Is(TerminalAbandoned)
		}
		return PublicOutcomeAbandoned, kind.Is(TerminalAbandoned) && reason.Present()
	}
	return 0, false
}

// spec §7.7: both classifiers over every phase × terminal kind × abandon reason.
func TestInputClassifiersExhaustive(t *testing.T) {
	p := ProjectionAuthority()
	kinds := []Opt[InputTerminalKind]{None[InputTerminalKind]()}
	for k := TerminalConsumed; k <= TerminalAbandoned; k++ {
		kinds = append(kinds, Some(k))
	}
	reasons := []Opt[InputAbandonReason]{None[InputAbandonReason]()}
	for r := AbandonRetired; r <= AbandonMaxAttemptsExhausted; r++ {
		reasons = append(reasons, Some(r))
	}
	consistent := 0
	for phase := RecoveredAccepted; phase <= RecoveredAbandoned; phase++ {
		for _, kind := range kinds {
			for _, reason := range reasons {
				f := InputFacts{InputID: "i", Phase: phase, TerminalKind: kind, AbandonReason: reason}
				want, ok := oracleOutcome(f)
				got, gotOK := f.PublicTerminalOutcome()
				if gotOK != ok || (ok && got.Get() != want) {
					t.Fatalf("%+v: PublicTerminalOutcome %v %v, want %v %v", f, got, gotOK, want, ok)
				}
				fx, err := applyChecked(t, &p, ResolveInputPublicTerminalOutcome{f})
				fx2, err2 := applyChecked(t, &p, ClassifyInputTerminality{f})
				if !ok {
					if KindOf(err) != KindRejected || KindOf(err2) != KindRejected {
						t.Fatalf("%+v: %v %v", f, err, err2)
					}
					continue
				}
				consistent++
				wantFx := InputPublicTerminalOutcomeResolved{InputID: "i"}
				if want != 0 {
					wantFx.TerminalOutcome = Some(want)
				}
				if err != nil || !reflect.DeepEqual(fx, Effects{wantFx}) {
					t.Fatalf("%+v: %v %v", f, fx, err)
				}
				if err2 != nil || !reflect.DeepEqual(fx2, Effects{InputBehavioralTerminalityResolved{InputID: "i", Terminal: want != 0}}) {
					t.Fatalf("%+v: %v %v", f, fx2, err2)
				}
			}
		}
	}
	if consistent != 5+3+6 { // 5 non-terminal phases, 3 single terminals, Abandoned with each of 6 reasons
		t.Fatalf("%d consistent combinations", consistent)
	}
	// A rejection names the guard that failed, as the DSL names it.
	_, err := p.Apply(ResolveInputPublicTerminalOutcome{InputFacts{Phase: RecoveredAbandoned, TerminalKind: Some(TerminalAbandoned)}})
	if err == nil || !strings.Contains(err.Error(), "cancelled_terminal") {
		t.Fatal(err)
	}
	// Projection-authority inputs: Idle only.
	s := stateIn(t, PhaseAttached)
	if _, err := s.Apply(ClassifyInputTerminality{InputFacts{Phase: RecoveredQueued}}); KindOf(err) != KindNotReady {
		t.Fatal(err)
	}
}

// spec §7.6: every lifecycle input is per_phase Idle..Stopped and needs a tracked input.
func TestInputLifecyclePhasesAndTracking(t *testing.T) {
	ins := []Input{
		ChangeLane{InputID: "i", NewLane: LaneSteer}, PrioritizeInput{InputRef{"i"}}, DeferInputBehindBacklog{InputRef{"i"}},
		IncrementAttemptCount{InputRef{"i"}}, StageForRun{InputID: "i", RunID: "r"}, MarkApplied{InputRef{"i"}},
		MarkAppliedPendingConsumption{InputRef{"i"}}, RecordBoundarySeq{InputID: "i", RunID: "r"}, RollbackStaged{InputID: "i", Lane: LaneQueue},
		AbandonInput{InputID: "i", Reason: AbandonReset}, ConsumeInput{InputRef{"i"}},
	}
	for _, p := range []Phase{PhaseInitializing, PhaseDestroyed} {
		s := stateIn(t, p)
		for _, in := range ins {
			if _, err := s.Apply(in); KindOf(err) != KindNotReady && KindOf(err) != KindDestroyed {
				t.Fatalf("%s in %s: %v", in.Name(), p, err)
			}
		}
	}
	for _, p := range []Phase{PhaseIdle, PhaseRetired, PhaseStopped} {
		s := stateIn(t, p)
		for _, in := range ins {
			if _, err := applyChecked(t, &s, in); KindOf(err) != KindRejected || !strings.Contains(err.Error(), "input_tracked") {
				t.Fatalf("%s of an untracked input in %s: %v", in.Name(), p, err)
			}
		}
	}
	// Inputs admitted earlier still move through their lifecycle after Retire (Retired
	// processes its queue, spec §5.6).
	s := stateIn(t, PhaseAttached)
	acceptOK(t, &s, prompt("i"))
	acceptOK(t, &s, withKey(prompt("j"), "kj"))
	mustApply(t, &s, Retire{SessionID: testSession})
	for _, in := range ins[:10] {
		if _, err := applyChecked(t, &s, in); err != nil {
			t.Fatalf("%s in Retired: %v", in.Name(), err)
		}
	}
	if v, _ := s.InputState("i"); !v.TerminalOutcome.Is(PublicOutcomeAbandoned) || !v.AttemptCount.Is(1) || !v.BoundarySequence.Is(0) {
		t.Fatalf("%+v", v)
	}
	// RegisterAcceptedIdempotency is Idle..Stopped too.
	mustApply(t, &s, RegisterAcceptedIdempotency{InputID: "j", IdempotencyKey: "kj"})
	if _, err := s.Apply(ResolveAdmissionIdempotency{InputID: "x"}); KindOf(err) != KindNotReady {
		t.Fatal("ResolveAdmissionIdempotency is Idle/Attached/Running only", err)
	}
}

// spec §7.6: exact sequence numbers and the priority counter's guard.
func TestAdmissionSequences(t *testing.T) {
	s := stateIn(t, PhaseIdle)
	acceptOK(t, &s, prompt("a"))
	acceptOK(t, &s, prompt("b"))
	if a, _ := s.InputState("a"); !a.AdmissionSeq.Is(1_000_000_000) || s.NextAdmissionSeq != 1_000_000_002 {
		t.Fatal(a.AdmissionSeq, s.NextAdmissionSeq)
	}
	mustApply(t, &s, PrioritizeInput{InputRef{"b"}})
	mustApply(t, &s, PrioritizeInput{InputRef{"a"}})
	if s.NextPriorityAdmissionSeq != 999_999_997 {
		t.Fatal(s.NextPriorityAdmissionSeq)
	}
	if q := s.Queue(LaneQueue); q[0].InputID != "a" || !q[0].AdmissionSeq.Is(999_999_998) || q[1].InputID != "b" {
		t.Fatalf("%+v", q)
	}
	s.NextPriorityAdmissionSeq = 0
	if _, err := applyChecked(t, &s, PrioritizeInput{InputRef{"a"}}); err == nil || !strings.Contains(err.Error(), "priority_sequence_available") {
		t.Fatal(err)
	}
	// Staged inputs have no lane: they cannot be reordered.
	mustApply(t, &s, StageForRun{InputID: "a", RunID: "r"})
	if _, err := applyChecked(t, &s, DeferInputBehindBacklog{InputRef{"a"}}); err == nil || !strings.Contains(err.Error(), "input_queued") {
		t.Fatal(err)
	}
	if v, _ := s.InputState("a"); !v.RecoveryLane.Is(LaneQueue) || v.Lane.Present() {
		t.Fatalf("a staged input keeps its recovery lane: %+v", v)
	}
	// ResolveStagedRollback needs a counted attempt and the recovery lane.
	if _, err := applyChecked(t, &s, ResolveStagedRollback{InputID: "a", Lane: LaneQueue}); err == nil || !strings.Contains(err.Error(), "attempt_count_tracked") {
		t.Fatal(err)
	}
	mustApply(t, &s, IncrementAttemptCount{InputRef{"a"}})
	if _, err := applyChecked(t, &s, ResolveStagedRollback{InputID: "a", Lane: LaneSteer}); err == nil || !strings.Contains(err.Error(), "recovery_lane_matches") {
		t.Fatal(err)
	}
	mustApply(t, &s, ResolveStagedRollback{InputID: "a", Lane: LaneQueue})
	if v, _ := s.InputState("a"); v.State != PublicLifecycleQueued || v.RunID.Present() || !v.Lane.Is(LaneQueue) {
		t.Fatalf("%+v", v)
	}
	// Projections: active inputs in admission order, the steer queue, an untracked input.
	mustApply(t, &s, ChangeLane{InputID: "b", NewLane: LaneSteer})
	if got := s.Queue(LaneSteer); len(got) != 1 || got[0].InputID != "b" {
		t.Fatalf("%+v", got)
	}
	if got := s.ActiveInputs(); len(got) != 2 || got[0].InputID != "a" || got[0].State != PublicLifecycleQueued {
		t.Fatalf("%+v", got)
	}
}

// The shell's handling mode of a policy (spec §7.4, last line).
func TestHandlingMode(t *testing.T) {
	for disp, want := range map[AdmissionRoutingDisposition]InputLane{
		RoutingQueue: LaneQueue, RoutingSteer: LaneSteer, RoutingImmediate: LaneSteer, RoutingDrop: LaneQueue,
	} {
		if got := (AdmissionResolved{PolicyRoutingDisposition: disp}).HandlingMode(); got != want {
			t.Errorf("%s: %s", disp, got)
		}
	}
}

// The ledger invariants catch inconsistent records (a restored snapshot is checked).
func TestInputInvariants(t *testing.T) {
	broken := map[string]TrackedInput{
		"disagree":        {Phase: InputConsumed},
		"terminal lane":   {Phase: InputConsumed, TerminalKind: Some(TerminalConsumed), Lane: Some(LaneQueue)},
		"staged, no run":  {Phase: InputStaged, RecoveryLane: Some(LaneQueue)},
		"queued terminal": {Phase: InputQueued, TerminalKind: Some(TerminalAbandoned)},
		"no reason":       {Phase: InputAbandoned, TerminalKind: Some(TerminalAbandoned)},
		"no sequence":     {Phase: InputQueued, Lane: Some(LaneQueue)},
	}
	for name, rec := range broken {
		s := stateIn(t, PhaseIdle)
		s.InputStates = map[string]TrackedInput{"x": rec}
		if err := s.CheckInvariants(); KindOf(err) != KindInternal {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// The catalogue lists the DSL's transitions for the admission inputs.
func TestAdmissionCatalogueNames(t *testing.T) {
	want := map[string][]string{
		"ResolveAdmissionValidation": {
			"ResolveAdmissionValidationDurabilityMissingRejected", "ResolveAdmissionValidationExternalDerivedRejected",
			"ResolveAdmissionValidationDerivedKindRejected", "ResolveAdmissionValidationPeerHandlingRejected",
			"ResolveAdmissionValidationPeerTerminalRejected", "ResolveAdmissionValidationAccepted",
		},
		"ResolveAdmissionIdempotency": {"ResolveAdmissionIdempotencyNoKey", "ResolveAdmissionIdempotencyNewKey", "ResolveAdmissionIdempotencyDuplicate"},
		"ResolveStagedRollback":       {"ResolveStagedRollbackQueued", "ResolveStagedRollbackMaxAttemptsExhausted"},
		"ClassifyInputTerminality": {
			"ClassifyInputTerminalityNonTerminal", "ClassifyInputTerminalityConsumed", "ClassifyInputTerminalitySuperseded",
			"ClassifyInputTerminalityCoalesced", "ClassifyInputTerminalityAbandoned",
		},
	}
	for name, transitions := range want {
		sp, ok := Lookup(name)
		if !ok || !reflect.DeepEqual(sp.Transitions, transitions) {
			t.Errorf("%s: %v", name, sp.Transitions)
		}
	}
	sp, _ := Lookup("ResolveAdmissionPlan")
	if len(sp.Transitions) != 11 || sp.Transitions[0] != "ResolveAdmissionPlanRequestedTerminalQueue" || sp.Transitions[10] != "ResolveAdmissionPlanOperation" {
		t.Error(sp.Transitions)
	}
	for _, name := range []string{"QueueAccepted", "ConsumeInput", "ResolveAdmissionPlan", "AcceptWithCompletion"} {
		if sp, _ := Lookup(name); sp.Origin != OriginRuntime {
			t.Errorf("%s: %s", name, sp.Origin)
		}
	}
	for _, name := range []string{"ResolveInputPublicTerminalOutcome", "ClassifyInputTerminality"} {
		if sp, _ := Lookup(name); sp.Origin != OriginCaller {
			t.Errorf("%s: %s", name, sp.Origin)
		}
	}
}
