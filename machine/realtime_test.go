package machine

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// rtRejected fails unless err is a guard rejection naming guard.
func rtRejected(t testing.TB, err error, guard string) {
	t.Helper()
	var r *Rejection
	if !errors.As(err, &r) || r.Kind != KindRejected || r.Guard != guard {
		t.Fatalf("got %v; want rejection by guard %q", err, guard)
	}
}

// rtApplyAll applies every input, failing on the first rejection.
func rtApplyAll(t testing.TB, s *State, ins ...Input) {
	t.Helper()
	for _, in := range ins {
		mustApply(t, s, in)
	}
}

var rtAllInputs = []Input{
	ProjectRealtimeIntent{Present: true}, BeginRealtimeBinding{}, ReplaceRealtimeBinding{}, DetachRealtimeBinding{},
	RequireRealtimeReattach{}, RequireRealtimeReattachForAuthority{AuthorityEpoch: 1},
	PublishRealtimeSignal{AuthorityEpoch: 1, NextBindingState: BindingBindingReady},
	BeginRealtimeReconnectCycle{}, ScheduleRealtimeReconnectRetry{}, ExhaustRealtimeReconnectCycle{},
	ClearRealtimeReconnectProgress{}, BeginLiveTopologyReconfigure{AuthorityEpoch: 1}, MarkLiveTopologyDetached{},
	ApplyLiveTopologyIdentity{}, ApplyLiveTopologyVisibility{}, CompleteLiveTopology{},
	AbortLiveTopologyBeforeDetach{}, FailLiveTopologyAfterDetach{},
}

// spec §9.2: every input is per_phase [Idle, Attached, Running, Retired, Stopped] and needs
// a registered session, except PublishRealtimeSignal which needs only the current epoch.
func TestRealtimePhasesAndRegistration(t *testing.T) {
	for _, in := range rtAllInputs {
		t.Run(in.Name(), func(t *testing.T) {
			for _, p := range []Phase{PhaseInitializing, PhaseDestroyed} {
				s := stateIn(t, p)
				_, err := applyChecked(t, &s, in)
				if k := KindOf(err); k != KindNotReady && k != KindDestroyed {
					t.Fatalf("%s: got %v, want NotReady/Destroyed", p, err)
				}
			}
			// Idle without a session.
			s := NewState()
			mustApply(t, &s, Initialize{})
			_, err := applyChecked(t, &s, in)
			if in.Name() == "PublishRealtimeSignal" {
				rtRejected(t, err, guardRealtimeAuthority)
			} else {
				rtRejected(t, err, guardRealtimeRegistered)
			}
		})
	}
	// Inputs without further guards fire in every live phase and keep it.
	for _, in := range []Input{ProjectRealtimeIntent{Present: true}, BeginRealtimeBinding{}, ReplaceRealtimeBinding{},
		DetachRealtimeBinding{}, RequireRealtimeReattach{}, ClearRealtimeReconnectProgress{}} {
		for _, p := range []Phase{PhaseIdle, PhaseAttached, PhaseRunning, PhaseRetired, PhaseStopped} {
			s := stateIn(t, p)
			mustApply(t, &s, in)
			if s.LifecyclePhase != p {
				t.Fatalf("%s moved %s to %s", in.Name(), p, s.LifecyclePhase)
			}
		}
	}
}

// PublishRealtimeSignal needs no registered session: a provider callback with the current
// epoch is accepted even after the session was unregistered.
func TestPublishRealtimeSignalWithoutSession(t *testing.T) {
	s := stateIn(t, PhaseIdle)
	mustApply(t, &s, BeginRealtimeBinding{})
	mustApply(t, &s, UnregisterSession{SessionID: testSession})
	if s.registered() {
		t.Fatal("still registered")
	}
	mustApply(t, &s, PublishRealtimeSignal{AuthorityEpoch: 1, NextBindingState: BindingBindingReady})
	if s.RealtimeBindingState != BindingBindingReady {
		t.Fatal(s.RealtimeBindingState)
	}
}

// rtCase is one row of the §9.2 table: a setup, the input, and either the failing guard
// or the effects and a check of the new state.
type rtCase struct {
	name  string
	phase Phase
	setup []Input
	prep  func(s *State)
	in    Input
	guard string
	fx    Effects
	check func(t *testing.T, s *State)
}

func (c rtCase) run(t *testing.T) {
	t.Helper()
	p := c.phase
	if p == 0 {
		p = PhaseAttached
	}
	s := stateIn(t, p)
	rtApplyAll(t, &s, c.setup...)
	if c.prep != nil {
		c.prep(&s)
	}
	fx, err := applyChecked(t, &s, c.in)
	if c.guard != "" {
		rtRejected(t, err, c.guard)
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fx, c.fx) {
		t.Fatalf("effects %#v, want %#v", fx, c.fx)
	}
	if s.LifecyclePhase != p {
		t.Fatalf("phase moved to %s", s.LifecyclePhase)
	}
	if c.check != nil {
		c.check(t, &s)
	}
}

// rtBinding checks the binding state, epoch (0 = none), next epoch and reattach flag.
func rtBinding(state RealtimeBindingState, epoch, next uint64, reattach bool) func(*testing.T, *State) {
	return func(t *testing.T, s *State) {
		t.Helper()
		want := None[uint64]()
		if epoch != 0 {
			want = Some(epoch)
		}
		if s.RealtimeBindingState != state || s.RealtimeBindingAuthorityEpoch != want ||
			s.RealtimeNextAuthorityEpoch != next || s.RealtimeReattachRequired != reattach {
			t.Fatalf("binding %s epoch %s next %d reattach %v; want %s %s %d %v", s.RealtimeBindingState,
				s.RealtimeBindingAuthorityEpoch, s.RealtimeNextAuthorityEpoch, s.RealtimeReattachRequired, state, want, next, reattach)
		}
	}
}

// rtReconnect checks the reconnect cycle fields (0 = absent for the times).
func rtReconnect(cycle RealtimeReconnectCycleState, attempts, retry, deadline uint64) func(*testing.T, *State) {
	return func(t *testing.T, s *State) {
		t.Helper()
		opt := func(v uint64) Opt[uint64] {
			if v == 0 {
				return None[uint64]()
			}
			return Some(v)
		}
		if s.RealtimeReconnectCycleState != cycle || s.RealtimeReconnectAttemptCount != attempts ||
			s.RealtimeReconnectNextRetryAtMs != opt(retry) || s.RealtimeReconnectDeadlineAtMs != opt(deadline) {
			t.Fatalf("reconnect %s %d %s %s; want %s %d %d %d", s.RealtimeReconnectCycleState, s.RealtimeReconnectAttemptCount,
				s.RealtimeReconnectNextRetryAtMs, s.RealtimeReconnectDeadlineAtMs, cycle, attempts, retry, deadline)
		}
	}
}

func rtAll(checks ...func(*testing.T, *State)) func(*testing.T, *State) {
	return func(t *testing.T, s *State) {
		t.Helper()
		for _, c := range checks {
			c(t, s)
		}
	}
}

func rtTopology(p LiveTopologyPhase) func(*testing.T, *State) {
	return func(t *testing.T, s *State) {
		t.Helper()
		if s.LiveTopologyPhase != p {
			t.Fatalf("topology %s, want %s", s.LiveTopologyPhase, p)
		}
	}
}

// A session with a reattach required and a running reconnect cycle of 2 attempts.
var rtReconnecting = []Input{
	BeginRealtimeBinding{}, RequireRealtimeReattach{},
	BeginRealtimeReconnectCycle{NextRetryAtMs: Some[uint64](1000), DeadlineAtMs: Some[uint64](9000)},
	ScheduleRealtimeReconnectRetry{NextRetryAtMs: Some[uint64](2000)},
}

// spec §9.2, the realtime attachment rows.
func TestRealtimeAttachmentTable(t *testing.T) {
	pub := func(epoch uint64, st RealtimeBindingState) PublishRealtimeSignal {
		return PublishRealtimeSignal{AuthorityEpoch: epoch, NextBindingState: st}
	}
	cases := []rtCase{
		{name: "intent on", in: ProjectRealtimeIntent{Present: true}, fx: Effects{RealtimeIntentProjected{Present: true}},
			check: func(t *testing.T, s *State) {
				if !s.RealtimeIntentPresent {
					t.Fatal("intent not recorded")
				}
			}},
		{name: "intent off", setup: []Input{ProjectRealtimeIntent{Present: true}}, in: ProjectRealtimeIntent{},
			fx: Effects{RealtimeIntentProjected{}}, check: func(t *testing.T, s *State) {
				if s.RealtimeIntentPresent {
					t.Fatal("intent still set")
				}
			}},
		// The first epoch of a session is 1; the next epoch moves to 2.
		{name: "begin mints epoch 1", in: BeginRealtimeBinding{}, fx: Effects{RealtimeBindingRotated{AuthorityEpoch: 1}},
			check: rtAll(rtBinding(BindingBindingNotReady, 1, 2, false), rtReconnect(ReconnectIdle, 0, 0, 0))},
		{name: "begin again mints epoch 2", setup: []Input{BeginRealtimeBinding{}}, in: BeginRealtimeBinding{},
			fx: Effects{RealtimeBindingRotated{AuthorityEpoch: 2}}, check: rtBinding(BindingBindingNotReady, 2, 3, false)},
		// Detach rotated to 3, so the next bind is epoch 3, not 2.
		{name: "begin after detach skips the rotated epoch", setup: []Input{BeginRealtimeBinding{}, DetachRealtimeBinding{}},
			in: BeginRealtimeBinding{}, fx: Effects{RealtimeBindingRotated{AuthorityEpoch: 3}}, check: rtBinding(BindingBindingNotReady, 3, 4, false)},
		{name: "begin clears reattach and the reconnect cycle", setup: rtReconnecting, in: BeginRealtimeBinding{},
			fx:    Effects{RealtimeBindingRotated{AuthorityEpoch: 3}},
			check: rtAll(rtBinding(BindingBindingNotReady, 3, 4, false), rtReconnect(ReconnectIdle, 0, 0, 0))},
		{name: "begin during topology reconfigure", setup: []Input{BeginRealtimeBinding{}, BeginLiveTopologyReconfigure{AuthorityEpoch: 1}},
			in: BeginRealtimeBinding{}, guard: guardRealtimeTopologyIdle},
		{name: "replace", setup: []Input{BeginRealtimeBinding{}}, in: ReplaceRealtimeBinding{},
			fx: Effects{RealtimeBindingRotated{AuthorityEpoch: 2}}, check: rtBinding(BindingReplacementPending, 2, 3, false)},
		{name: "replace from unbound", in: ReplaceRealtimeBinding{},
			fx: Effects{RealtimeBindingRotated{AuthorityEpoch: 1}}, check: rtBinding(BindingReplacementPending, 1, 2, false)},
		{name: "replace clears the reconnect cycle", setup: rtReconnecting, in: ReplaceRealtimeBinding{},
			fx:    Effects{RealtimeBindingRotated{AuthorityEpoch: 3}},
			check: rtAll(rtBinding(BindingReplacementPending, 3, 4, false), rtReconnect(ReconnectIdle, 0, 0, 0))},
		{name: "replace during topology reconfigure", setup: []Input{BeginRealtimeBinding{}, BeginLiveTopologyReconfigure{AuthorityEpoch: 1}},
			in: ReplaceRealtimeBinding{}, guard: guardRealtimeTopologyIdle},
		{name: "detach keeps the intent", setup: []Input{ProjectRealtimeIntent{Present: true}, BeginRealtimeBinding{}},
			in: DetachRealtimeBinding{}, check: rtAll(rtBinding(BindingUnbound, 0, 3, false), func(t *testing.T, s *State) {
				if s.RealtimeAttachmentStatus() != AttachmentIntentPresentUnbound {
					t.Fatal(s.RealtimeAttachmentStatus())
				}
			})},
		{name: "detach clears reattach and the reconnect cycle", setup: rtReconnecting, in: DetachRealtimeBinding{},
			check: rtAll(rtBinding(BindingUnbound, 0, 4, false), rtReconnect(ReconnectIdle, 0, 0, 0))},
		{name: "detach when unbound still rotates", in: DetachRealtimeBinding{}, check: rtBinding(BindingUnbound, 0, 2, false)},
		{name: "require reattach", setup: []Input{BeginRealtimeBinding{}}, in: RequireRealtimeReattach{},
			check: rtBinding(BindingUnbound, 0, 3, true)},
		{name: "require reattach resets the reconnect cycle", setup: rtReconnecting, in: RequireRealtimeReattach{},
			check: rtAll(rtBinding(BindingUnbound, 0, 4, true), rtReconnect(ReconnectIdle, 0, 0, 0))},
		{name: "require reattach for current authority", setup: []Input{BeginRealtimeBinding{}, BeginRealtimeBinding{}},
			in: RequireRealtimeReattachForAuthority{AuthorityEpoch: 2}, check: rtBinding(BindingUnbound, 0, 4, true)},
		{name: "require reattach for a stale authority", setup: []Input{BeginRealtimeBinding{}, BeginRealtimeBinding{}},
			in: RequireRealtimeReattachForAuthority{AuthorityEpoch: 1}, guard: guardRealtimeAuthority},
		{name: "require reattach for authority when unbound", in: RequireRealtimeReattachForAuthority{AuthorityEpoch: 0},
			guard: guardRealtimeAuthority},
		{name: "require reattach for authority during topology", setup: []Input{BeginRealtimeBinding{}, BeginLiveTopologyReconfigure{AuthorityEpoch: 1}},
			in: RequireRealtimeReattachForAuthority{AuthorityEpoch: 1}, check: rtAll(rtBinding(BindingUnbound, 0, 3, true), rtTopology(TopologyReconfiguring))},
		{name: "publish ready", setup: []Input{BeginRealtimeBinding{}}, in: pub(1, BindingBindingReady),
			check: rtBinding(BindingBindingReady, 1, 2, false)},
		{name: "publish not ready", setup: []Input{BeginRealtimeBinding{}, pub(1, BindingBindingReady)}, in: pub(1, BindingBindingNotReady),
			check: rtBinding(BindingBindingNotReady, 1, 2, false)},
		{name: "publish replacement pending", setup: []Input{BeginRealtimeBinding{}}, in: pub(1, BindingReplacementPending),
			check: rtBinding(BindingReplacementPending, 1, 2, false)},
		{name: "publish a stale epoch", setup: []Input{BeginRealtimeBinding{}, ReplaceRealtimeBinding{}}, in: pub(1, BindingBindingReady),
			guard: guardRealtimeAuthority},
		{name: "publish a future epoch", setup: []Input{BeginRealtimeBinding{}}, in: pub(2, BindingBindingReady), guard: guardRealtimeAuthority},
		{name: "publish unbound", setup: []Input{BeginRealtimeBinding{}}, in: pub(1, BindingUnbound), guard: guardRealtimeNextState},
		{name: "publish during topology reconfigure", setup: []Input{BeginRealtimeBinding{}, BeginLiveTopologyReconfigure{AuthorityEpoch: 1}},
			in: pub(1, BindingBindingReady), guard: guardRealtimeTopologyIdle},
	}
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}

// spec §9.2: the reconnect cycle rows. BindingReady from the provider ends a cycle; other
// published states keep it.
func TestRealtimeReconnectCycle(t *testing.T) {
	progress := func(n, retry, deadline uint64) RealtimeReconnectProgressProjected {
		e := RealtimeReconnectProgressProjected{AttemptCount: n}
		if retry != 0 {
			e.NextRetryAtMs = Some(retry)
		}
		if deadline != 0 {
			e.DeadlineAtMs = Some(deadline)
		}
		return e
	}
	reattach := []Input{BeginRealtimeBinding{}, RequireRealtimeReattach{}}
	begin := BeginRealtimeReconnectCycle{NextRetryAtMs: Some[uint64](1000), DeadlineAtMs: Some[uint64](9000)}
	cases := []rtCase{
		{name: "begin", setup: reattach, in: begin, fx: Effects{progress(1, 1000, 9000)}, check: rtReconnect(ReconnectReconnecting, 1, 1000, 9000)},
		{name: "begin without times", setup: reattach, in: BeginRealtimeReconnectCycle{}, fx: Effects{progress(1, 0, 0)},
			check: rtReconnect(ReconnectReconnecting, 1, 0, 0)},
		{name: "begin without a required reattach", setup: []Input{BeginRealtimeBinding{}}, in: begin, guard: guardRealtimeReattachReq},
		{name: "begin while reconnecting", setup: append(append([]Input{}, reattach...), begin), in: begin, guard: guardRealtimeCycleIdle},
		{name: "begin after exhaustion", setup: append(append([]Input{}, reattach...), begin, ExhaustRealtimeReconnectCycle{}), in: begin,
			guard: guardRealtimeCycleIdle},
		{name: "schedule", setup: append(append([]Input{}, reattach...), begin), in: ScheduleRealtimeReconnectRetry{NextRetryAtMs: Some[uint64](2000)},
			fx: Effects{progress(2, 2000, 9000)}, check: rtReconnect(ReconnectReconnecting, 2, 2000, 9000)},
		{name: "schedule a third attempt", setup: rtReconnecting, in: ScheduleRealtimeReconnectRetry{},
			fx: Effects{progress(3, 0, 9000)}, check: rtReconnect(ReconnectReconnecting, 3, 0, 9000)},
		{name: "schedule without a cycle", in: ScheduleRealtimeReconnectRetry{}, guard: guardRealtimeCycleRunning},
		{name: "exhaust", setup: rtReconnecting, in: ExhaustRealtimeReconnectCycle{}, fx: Effects{progress(0, 0, 0)},
			check: rtReconnect(ReconnectExhausted, 0, 0, 0)},
		{name: "exhaust without a cycle", in: ExhaustRealtimeReconnectCycle{}, guard: guardRealtimeCycleRunning},
		{name: "exhaust twice", setup: append(append([]Input{}, rtReconnecting...), ExhaustRealtimeReconnectCycle{}),
			in: ExhaustRealtimeReconnectCycle{}, guard: guardRealtimeCycleRunning},
		{name: "clear a running cycle", setup: rtReconnecting, in: ClearRealtimeReconnectProgress{}, fx: Effects{progress(0, 0, 0)},
			check: rtAll(rtReconnect(ReconnectIdle, 0, 0, 0), rtBinding(BindingUnbound, 0, 3, true))},
		{name: "clear an exhausted cycle", setup: append(append([]Input{}, rtReconnecting...), ExhaustRealtimeReconnectCycle{}),
			in: ClearRealtimeReconnectProgress{}, fx: Effects{progress(0, 0, 0)}, check: rtReconnect(ReconnectIdle, 0, 0, 0)},
		{name: "clear when idle", in: ClearRealtimeReconnectProgress{}, fx: Effects{progress(0, 0, 0)}, check: rtReconnect(ReconnectIdle, 0, 0, 0)},
		{name: "publish ready ends the cycle", setup: []Input{BeginRealtimeBinding{}}, prep: func(s *State) {
			// A cycle still running under a bound epoch (the shell attached while reconnecting).
			s.RealtimeReconnectCycleState, s.RealtimeReconnectAttemptCount = ReconnectReconnecting, 2
			s.RealtimeReconnectNextRetryAtMs = Some[uint64](2000)
		}, in: PublishRealtimeSignal{AuthorityEpoch: 1, NextBindingState: BindingBindingReady}, check: rtReconnect(ReconnectIdle, 0, 0, 0)},
		{name: "publish not ready keeps the cycle", setup: []Input{BeginRealtimeBinding{}}, prep: func(s *State) {
			s.RealtimeReconnectCycleState, s.RealtimeReconnectAttemptCount = ReconnectReconnecting, 2
			s.RealtimeReconnectDeadlineAtMs = Some[uint64](9000)
		}, in: PublishRealtimeSignal{AuthorityEpoch: 1, NextBindingState: BindingReplacementPending}, check: rtReconnect(ReconnectReconnecting, 2, 0, 9000)},
	}
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}

// spec §9.2: the live topology rows, each abort and fail path, and the mutual exclusion.
func TestLiveTopologyTable(t *testing.T) {
	changed := func(p LiveTopologyPhase) Effects { return Effects{LiveTopologyPhaseChanged{NewPhase: p}} }
	bound := []Input{BeginRealtimeBinding{}}
	reconf := []Input{BeginRealtimeBinding{}, BeginLiveTopologyReconfigure{AuthorityEpoch: 1}}
	detached := append(append([]Input{}, reconf...), MarkLiveTopologyDetached{})
	identity := append(append([]Input{}, detached...), ApplyLiveTopologyIdentity{})
	visibility := append(append([]Input{}, identity...), ApplyLiveTopologyVisibility{})
	cases := []rtCase{
		{name: "begin", setup: bound, in: BeginLiveTopologyReconfigure{AuthorityEpoch: 1}, fx: changed(TopologyReconfiguring),
			check: rtAll(rtTopology(TopologyReconfiguring), rtBinding(BindingBindingNotReady, 1, 2, false))},
		{name: "begin with a stale epoch", setup: []Input{BeginRealtimeBinding{}, ReplaceRealtimeBinding{}},
			in: BeginLiveTopologyReconfigure{AuthorityEpoch: 1}, guard: guardRealtimeAuthority},
		{name: "begin unbound", in: BeginLiveTopologyReconfigure{AuthorityEpoch: 0}, guard: guardRealtimeAuthority},
		{name: "begin twice", setup: reconf, in: BeginLiveTopologyReconfigure{AuthorityEpoch: 1}, guard: guardTopologyIdle},
		{name: "mark detached", setup: reconf, in: MarkLiveTopologyDetached{}, fx: changed(TopologyDetached),
			check: rtAll(rtTopology(TopologyDetached), rtBinding(BindingUnbound, 0, 3, false))},
		{name: "mark detached keeps the reconnect fields", setup: reconf, prep: func(s *State) {
			s.RealtimeReconnectCycleState, s.RealtimeReconnectAttemptCount = ReconnectReconnecting, 1
		}, in: MarkLiveTopologyDetached{}, fx: changed(TopologyDetached), check: rtReconnect(ReconnectReconnecting, 1, 0, 0)},
		{name: "mark detached from idle", setup: bound, in: MarkLiveTopologyDetached{}, guard: guardTopologyReconfiguring},
		{name: "mark detached twice", setup: detached, in: MarkLiveTopologyDetached{}, guard: guardTopologyReconfiguring},
		{name: "identity", setup: detached, in: ApplyLiveTopologyIdentity{}, fx: changed(TopologyHostIdentityApplied),
			check: rtTopology(TopologyHostIdentityApplied)},
		{name: "identity before detach", setup: reconf, in: ApplyLiveTopologyIdentity{}, guard: guardTopologyDetached},
		{name: "visibility", setup: identity, in: ApplyLiveTopologyVisibility{}, fx: changed(TopologyHostVisibilityApplied),
			check: rtTopology(TopologyHostVisibilityApplied)},
		{name: "visibility before identity", setup: detached, in: ApplyLiveTopologyVisibility{}, guard: guardTopologyIdentity},
		{name: "complete", setup: visibility, in: CompleteLiveTopology{}, fx: changed(TopologyIdle),
			check: rtAll(rtTopology(TopologyIdle), rtBinding(BindingUnbound, 0, 3, false))},
		{name: "complete before visibility", setup: identity, in: CompleteLiveTopology{}, guard: guardTopologyVisibility},
		{name: "abort before detach keeps the binding", setup: reconf, in: AbortLiveTopologyBeforeDetach{}, fx: changed(TopologyIdle),
			check: rtAll(rtTopology(TopologyIdle), rtBinding(BindingBindingNotReady, 1, 2, false))},
		{name: "abort after detach", setup: detached, in: AbortLiveTopologyBeforeDetach{}, guard: guardTopologyReconfiguring},
		{name: "abort when idle", setup: bound, in: AbortLiveTopologyBeforeDetach{}, guard: guardTopologyReconfiguring},
		{name: "fail after detach", setup: detached, in: FailLiveTopologyAfterDetach{}, fx: changed(TopologyIdle),
			check: rtAll(rtTopology(TopologyIdle), rtBinding(BindingUnbound, 0, 4, true))},
		{name: "fail after identity", setup: identity, in: FailLiveTopologyAfterDetach{}, fx: changed(TopologyIdle),
			check: rtAll(rtTopology(TopologyIdle), rtBinding(BindingUnbound, 0, 4, true))},
		{name: "fail after visibility", setup: visibility, in: FailLiveTopologyAfterDetach{}, fx: changed(TopologyIdle),
			check: rtAll(rtTopology(TopologyIdle), rtBinding(BindingUnbound, 0, 4, true), func(t *testing.T, s *State) {
				if s.RealtimeAttachmentStatus() != AttachmentReattachRequired {
					t.Fatal(s.RealtimeAttachmentStatus())
				}
			})},
		{name: "fail before detach", setup: reconf, in: FailLiveTopologyAfterDetach{}, guard: guardTopologyPastDetach},
		{name: "fail when idle", setup: bound, in: FailLiveTopologyAfterDetach{}, guard: guardTopologyPastDetach},
		// Mutual exclusion: detach and reattach are not blocked during a reconfigure.
		{name: "detach during reconfigure", setup: reconf, in: DetachRealtimeBinding{},
			check: rtAll(rtTopology(TopologyReconfiguring), rtBinding(BindingUnbound, 0, 3, false))},
		{name: "require reattach after detach", setup: identity, in: RequireRealtimeReattach{},
			check: rtAll(rtTopology(TopologyHostIdentityApplied), rtBinding(BindingUnbound, 0, 4, true))},
		{name: "begin binding after detach", setup: detached, in: BeginRealtimeBinding{}, guard: guardRealtimeTopologyIdle},
		{name: "replace binding while visibility applied", setup: visibility, in: ReplaceRealtimeBinding{}, guard: guardRealtimeTopologyIdle},
	}
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}

// spec §9.2 / §5.7: MarkLiveTopologyDetached waits for a safe turn boundary.
func TestMarkLiveTopologyDetachedSafeBoundary(t *testing.T) {
	safe := map[TurnPhase]bool{TurnReady: true, TurnDrainingBoundary: true, TurnCompleted: true, TurnFailed: true, TurnCancelled: true}
	for tp := TurnReady; tp <= TurnCancelled; tp++ {
		s := stateIn(t, PhaseRunning)
		rtApplyAll(t, &s, BeginRealtimeBinding{}, BeginLiveTopologyReconfigure{AuthorityEpoch: 1})
		forceTurnPhase(&s, tp)
		_, err := applyChecked(t, &s, MarkLiveTopologyDetached{})
		if safe[tp] {
			if err != nil {
				t.Fatalf("%s: %v", tp, err)
			}
			continue
		}
		rtRejected(t, err, guardTopologySafeBoundary)
		// The shell retries until the turn reaches a boundary.
		s.TurnPhase = TurnDrainingBoundary
		mustApply(t, &s, MarkLiveTopologyDetached{})
	}
}

// Our joining rule: detaching the topology asks the shell to close the session's active
// live channel, after LiveTopologyPhaseChanged.
func TestMarkLiveTopologyDetachedClosesLiveChannel(t *testing.T) {
	setup := func(channels map[string]string) State {
		s := stateIn(t, PhaseAttached)
		for session, ch := range channels {
			mustApply(t, &s, ResolveLiveOpenAdmission{SessionID: session, ChannelID: ch})
		}
		rtApplyAll(t, &s, BeginRealtimeBinding{}, BeginLiveTopologyReconfigure{AuthorityEpoch: 1})
		return s
	}
	s := setup(map[string]string{testSession: "ch1", "other": "ch9"})
	fx := mustApply(t, &s, MarkLiveTopologyDetached{})
	want := Effects{LiveTopologyPhaseChanged{NewPhase: TopologyDetached},
		LiveChannelCloseRequested{SessionID: testSession, ChannelID: "ch1", Reason: CloseRequestTopology}}
	if !reflect.DeepEqual(fx, want) {
		t.Fatalf("%#v", fx)
	}
	if s.LiveActiveChannelBySession[testSession] != "ch1" {
		t.Fatal("the machine must not unbind the channel itself; RecordLiveCloseClosed does")
	}
	b, err := MarshalEffects(fx)
	if err != nil || !strings.Contains(string(b), `"reason":"topology"`) || !strings.Contains(string(b), `"new_phase":"Detached"`) {
		t.Fatalf("%s %v", b, err)
	}
	for _, channels := range []map[string]string{nil, {"other": "ch9"}} {
		s := setup(channels)
		fx := mustApply(t, &s, MarkLiveTopologyDetached{})
		if !reflect.DeepEqual(fx, Effects{LiveTopologyPhaseChanged{NewPhase: TopologyDetached}}) {
			t.Fatalf("no active channel: %#v", fx)
		}
	}
	// The other topology inputs never ask for a close.
	s = setup(map[string]string{testSession: "ch1"})
	mustApply(t, &s, AbortLiveTopologyBeforeDetach{})
}

// spec §9.4 reconfigure_live_topology, the whole happy path with its epoch numbers, driven
// the way the workflow drives it (the planning calls are in llm_plan.go).
func TestLiveTopologyReconfigureHappyPath(t *testing.T) {
	s := stateIn(t, PhaseAttached)
	h := llmHydrated(true, true)
	mustApply(t, &s, h.Input())
	d, err := s.AttachLive()
	if err != nil || d.Action != TransportAttach {
		t.Fatal(d, err)
	}
	if fx := mustApply(t, &s, d.Input()); !reflect.DeepEqual(fx, Effects{RealtimeBindingRotated{AuthorityEpoch: 1}}) {
		t.Fatal(fx)
	}
	auth, err := s.RealtimeAuthority()
	if err != nil || auth != (RealtimeAttachmentSignalAuthority{SessionID: testSession, AuthorityEpoch: 1}) {
		t.Fatal(auth, err)
	}
	pub, err := PublishRealtimeAttachmentSignal(auth, AttachmentBindingReady)
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, &s, pub)
	if got := s.RealtimeChannelStatus(); got.State != RealtimeChannelReady {
		t.Fatal(got)
	}

	// 1. begin, 2. (cancel at boundary: lifecycle's), 3. prepare the plan.
	mustApply(t, &s, BeginLiveTopologyReconfigure{AuthorityEpoch: auth.AuthorityEpoch})
	target := ResolvedSessionLlmReconfigure{
		TargetIdentity:          SessionLlmIdentity{Model: "gpt-realtime-2", Provider: ProviderOpenAI},
		TargetCapabilitySurface: SessionLlmCapabilitySurface{Realtime: true, ImageToolResults: false},
	}
	plan := PlanSessionLlmReconfigure(h, target)
	// 4. detach at the boundary.
	mustApply(t, &s, MarkLiveTopologyDetached{})
	// The old authority is stale from here on.
	if _, err := applyChecked(t, &s, PublishRealtimeSignal{AuthorityEpoch: 1, NextBindingState: BindingBindingReady}); err == nil {
		t.Fatal("stale epoch accepted")
	}
	// 5-6. host identity, visibility and persist.
	mustApply(t, &s, ApplyLiveTopologyIdentity{})
	mustApply(t, &s, ApplyLiveTopologyVisibility{})
	// 7. the machine's LLM state follows the target.
	fx := mustApply(t, &s, plan)
	if _, err := ResolveSessionLlmReconfigureAuthority(plan, fx); err != nil {
		t.Fatal(err)
	}
	// 8. complete, then attach again under a new epoch: 2 was burnt by the detach.
	mustApply(t, &s, CompleteLiveTopology{})
	d, err = s.LiveTopologyCompletion(target)
	if err != nil || d.Action != TransportAttach {
		t.Fatal(d, err)
	}
	if fx := mustApply(t, &s, d.Input()); !reflect.DeepEqual(fx, Effects{RealtimeBindingRotated{AuthorityEpoch: 3}}) {
		t.Fatal(fx)
	}
	if s.RealtimeAttachmentStatus() != AttachmentBindingNotReady || s.LiveTopologyPhase != TopologyIdle {
		t.Fatal(s.RealtimeAttachmentStatus(), s.LiveTopologyPhase)
	}

	// A non-realtime target completes detached and says so.
	target.TargetCapabilitySurface.Realtime = false
	_, err = s.LiveTopologyCompletion(target)
	if KindOf(err) != KindValidationFailed || !strings.Contains(err.Error(), "target model 'gpt-realtime-2' has no realtime capability; live topology reconfigure completed detached") {
		t.Fatal(err)
	}
}

// spec §9.3 RealtimeAttachmentStatus: reattach wins over everything.
func TestRealtimeAttachmentStatusProjection(t *testing.T) {
	cases := []struct {
		intent, reattach bool
		binding          RealtimeBindingState
		want             RealtimeAttachmentStatus
	}{
		{false, false, BindingUnbound, AttachmentUnattached},
		{true, false, BindingUnbound, AttachmentIntentPresentUnbound},
		{false, false, BindingBindingNotReady, AttachmentBindingNotReady},
		{false, false, BindingBindingReady, AttachmentBindingReady},
		{true, false, BindingReplacementPending, AttachmentReplacementPending},
		{true, true, BindingUnbound, AttachmentReattachRequired},
		{false, true, BindingBindingReady, AttachmentReattachRequired},
	}
	for _, c := range cases {
		s := stateIn(t, PhaseIdle)
		s.RealtimeIntentPresent, s.RealtimeReattachRequired, s.RealtimeBindingState = c.intent, c.reattach, c.binding
		if got := s.RealtimeAttachmentStatus(); got != c.want {
			t.Errorf("%+v: got %s", c, got)
		}
	}
}

// spec §9.3 RealtimeChannelStatus, with the RFC 3339 rendering of the reconnect times.
func TestRealtimeChannelStatusProjection(t *testing.T) {
	status := func(st RealtimeChannelState, n uint32, retry, deadline, reason string) RealtimeChannelStatus {
		opt := func(v string) Opt[string] {
			if v == "" {
				return None[string]()
			}
			return Some(v)
		}
		return RealtimeChannelStatus{State: st, AttemptCount: n, NextRetryAt: opt(retry), DeadlineAt: opt(deadline), Reason: opt(reason)}
	}
	cases := []struct {
		name  string
		setup []Input
		prep  func(*State)
		want  RealtimeChannelStatus
	}{
		{"unattached", nil, nil, status(RealtimeChannelClosed, 0, "", "", ReasonNoRealtimeChannel)},
		{"intent", []Input{ProjectRealtimeIntent{Present: true}}, nil, status(RealtimeChannelOpening, 0, "", "", ReasonAttachmentPending)},
		{"binding not ready", []Input{BeginRealtimeBinding{}}, nil, status(RealtimeChannelOpening, 0, "", "", ReasonAttachmentPending)},
		{"ready", []Input{BeginRealtimeBinding{}, PublishRealtimeSignal{AuthorityEpoch: 1, NextBindingState: BindingBindingReady}}, nil,
			status(RealtimeChannelReady, 0, "", "", "")},
		{"replacement without a cycle", []Input{ReplaceRealtimeBinding{}}, nil,
			status(RealtimeChannelReconnecting, 0, "", "", ReasonReplacementPending)},
		{"reattach without a cycle", []Input{RequireRealtimeReattach{}}, nil,
			status(RealtimeChannelReconnecting, 0, "", "", ReasonReattachRequiredMsg)},
		{"reconnecting", []Input{RequireRealtimeReattach{},
			BeginRealtimeReconnectCycle{NextRetryAtMs: Some[uint64](1_700_000_000_123), DeadlineAtMs: Some[uint64](1_700_000_060_000)},
			ScheduleRealtimeReconnectRetry{NextRetryAtMs: Some[uint64](1_700_000_001_000)}}, nil,
			status(RealtimeChannelReconnecting, 2, "2023-11-14T22:13:21+00:00", "2023-11-14T22:14:20+00:00", ReasonReattachRequiredMsg)},
		{"reconnecting, fractional", []Input{RequireRealtimeReattach{},
			BeginRealtimeReconnectCycle{NextRetryAtMs: Some[uint64](1_700_000_000_123)}}, nil,
			status(RealtimeChannelReconnecting, 1, "2023-11-14T22:13:20.123+00:00", "", ReasonReattachRequiredMsg)},
		{"reconnecting beyond year 9999", []Input{RequireRealtimeReattach{},
			BeginRealtimeReconnectCycle{NextRetryAtMs: Some[uint64](maxRFC3339Ms + 1), DeadlineAtMs: Some[uint64](maxRFC3339Ms)}}, nil,
			status(RealtimeChannelReconnecting, 1, "", "9999-12-31T23:59:59.999+00:00", ReasonReattachRequiredMsg)},
		{"attempts clamp to u32", []Input{RequireRealtimeReattach{}, BeginRealtimeReconnectCycle{}},
			func(s *State) { s.RealtimeReconnectAttemptCount = 1 << 40 },
			status(RealtimeChannelReconnecting, 1<<32-1, "", "", ReasonReattachRequiredMsg)},
		// A cycle running while the provider reports a not-ready binding: progress is only
		// shown for Reconnecting statuses.
		{"cycle but opening", []Input{BeginRealtimeBinding{}}, func(s *State) {
			s.RealtimeReconnectCycleState, s.RealtimeReconnectAttemptCount = ReconnectReconnecting, 3
		}, status(RealtimeChannelOpening, 0, "", "", ReasonAttachmentPending)},
		{"exhausted", append(append([]Input{}, rtReconnecting...), ExhaustRealtimeReconnectCycle{}), nil,
			status(RealtimeChannelError, 0, "", "", ReasonReconnectExhausted)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := stateIn(t, PhaseAttached)
			rtApplyAll(t, &s, c.setup...)
			if c.prep != nil {
				c.prep(&s)
			}
			if got := s.RealtimeChannelStatus(); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
	s := stateIn(t, PhaseIdle)
	if b, err := json.Marshal(s.RealtimeChannelStatus()); err != nil || string(b) != `{"state":"Closed","attempt_count":0,"reason":"no realtime channel is open for this target"}` {
		t.Fatal(b, err)
	}
}

// spec §9.4 attach_live / replace_realtime_attachment preconditions.
func TestAttachLivePreconditions(t *testing.T) {
	for _, p := range []Phase{PhaseIdle, PhaseRetired, PhaseStopped} {
		s := stateIn(t, p)
		for _, f := range []func() (RealtimeTransportDecision, error){s.AttachLive, s.ReplaceRealtimeAttachment} {
			_, err := f()
			var r *Rejection
			if !errors.As(err, &r) || r.Kind != KindNotReady || r.Phase != PhaseIdle {
				t.Fatalf("%s: %v", p, err)
			}
		}
		if s.RealtimeAttachmentStatus() != AttachmentUnattached {
			t.Fatal("status changed")
		}
	}
	for _, p := range []Phase{PhaseAttached, PhaseRunning} {
		s := stateIn(t, p)
		// Unknown capability surface: allowed.
		if d, err := s.AttachLive(); err != nil || d.Action != TransportAttach || d.Input() != (BeginRealtimeBinding{}) {
			t.Fatal(d, err)
		}
		if d, err := s.ReplaceRealtimeAttachment(); err != nil || d.Action != TransportReplace || d.Input() != (ReplaceRealtimeBinding{}) {
			t.Fatal(d, err)
		}
		// Known and not realtime: refused with the model's name.
		mustApply(t, &s, llmHydrated(false, true).Input())
		_, err := s.AttachLive()
		if KindOf(err) != KindValidationFailed || !strings.Contains(err.Error(),
			"attach_live: session model 'claude' does not support realtime; reconfigure to a realtime-capable model (e.g. gpt-realtime) before attach") {
			t.Fatal(err)
		}
		if _, err := s.ReplaceRealtimeAttachment(); KindOf(err) != KindValidationFailed || !strings.Contains(err.Error(), "replace_realtime_attachment:") {
			t.Fatal(err)
		}
		// A surface without an identity (corrupt, but the message must not panic).
		s.CurrentSessionLlmIdentity = None[SessionLlmIdentity]()
		if _, err := s.AttachLive(); err == nil || !strings.Contains(err.Error(), "'<unknown>'") {
			t.Fatal(err)
		}
		mustApply(t, &s, llmHydrated(true, true).Input())
		if d, err := s.AttachLive(); err != nil || d.Action != TransportAttach {
			t.Fatal(d, err)
		}
	}
}

// spec §9.4 apply_capability_driven_realtime_transport.
func TestCapabilityDrivenRealtimeTransport(t *testing.T) {
	s := stateIn(t, PhaseAttached)
	if d, err := s.CapabilityDrivenRealtimeTransport(false); err != nil || d.Action != TransportHydrateFirst || d.Input() != nil {
		t.Fatal(d, err)
	}
	// Hydrated, but the host has no surface either: no-op.
	mustApply(t, &s, llmHydratedUnresolved().Input())
	if d, err := s.CapabilityDrivenRealtimeTransport(true); err != nil || d.Action != TransportNoOp || d.Input() != nil {
		t.Fatal(d, err)
	}
	cases := []struct {
		realtime bool
		bind     []Input
		want     RealtimeTransportAction
	}{
		{true, nil, TransportAttach},
		{true, []Input{BeginRealtimeBinding{}}, TransportNoOp},
		{true, []Input{ReplaceRealtimeBinding{}}, TransportNoOp},
		{true, []Input{BeginRealtimeBinding{}, PublishRealtimeSignal{AuthorityEpoch: 1, NextBindingState: BindingBindingReady}}, TransportNoOp},
		{true, []Input{RequireRealtimeReattach{}}, TransportAttach},
		{false, []Input{BeginRealtimeBinding{}}, TransportDetach},
		{false, []Input{ReplaceRealtimeBinding{}}, TransportDetach},
		{false, nil, TransportNoOp},
		{false, []Input{RequireRealtimeReattach{}}, TransportNoOp},
	}
	for i, c := range cases {
		s := stateIn(t, PhaseAttached)
		mustApply(t, &s, llmHydrated(c.realtime, true).Input())
		rtApplyAll(t, &s, c.bind...)
		for _, hydrated := range []bool{false, true} {
			d, err := s.CapabilityDrivenRealtimeTransport(hydrated)
			if err != nil || d.Action != c.want {
				t.Fatalf("case %d: %v %v, want %s", i, d, err, c.want)
			}
		}
		if dec, _ := s.CapabilityDrivenRealtimeTransport(true); c.want == TransportDetach && dec.Input() != (DetachRealtimeBinding{}) {
			t.Fatal("detach input")
		}
	}
	// Realtime and unbound in Idle: the attach_live refusal.
	s = stateIn(t, PhaseIdle)
	mustApply(t, &s, llmHydrated(true, true).Input())
	if _, err := s.CapabilityDrivenRealtimeTransport(false); KindOf(err) != KindNotReady {
		t.Fatal(err)
	}
}

// spec §9.4 realtime_bootstrap_eligibility, fail closed.
func TestRealtimeBootstrapEligibility(t *testing.T) {
	s := stateIn(t, PhaseAttached)
	if e, err := s.RealtimeBootstrapEligibility(false); err != nil || !e.HydrateFirst {
		t.Fatal(e, err)
	}
	err := s.RealtimeBootstrapHostMissing(MsgLlmReconfigureHostMissing)
	if KindOf(err) != KindValidationFailed || !strings.Contains(err.Error(),
		"realtime bootstrap eligibility is unresolved for session s1: session llm reconfigure host is not configured") {
		t.Fatal(err)
	}
	mustApply(t, &s, llmHydratedUnresolved().Input())
	_, err = s.RealtimeBootstrapEligibility(true)
	if KindOf(err) != KindValidationFailed || !strings.Contains(err.Error(), "realtime bootstrap eligibility is unresolved for provider 'Anthropic' model 'claude'") {
		t.Fatal(err)
	}
	mustApply(t, &s, llmHydrated(false, true).Input())
	_, err = s.RealtimeBootstrapEligibility(false)
	if KindOf(err) != KindValidationFailed || !strings.Contains(err.Error(),
		"session model 'claude' does not support realtime; reconfigure to a realtime-capable model before opening realtime") {
		t.Fatal(err)
	}
	mustApply(t, &s, llmHydrated(true, true).Input())
	mustApply(t, &s, ProjectRealtimeIntent{Present: true})
	e, err := s.RealtimeBootstrapEligibility(false)
	if err != nil || e.HydrateFirst || e.Status != s.RealtimeChannelStatus() || e.Status.State != RealtimeChannelOpening {
		t.Fatal(e, err)
	}
}

// spec §9.4 publish_realtime_attachment_signal: projection-only statuses are refused.
func TestPublishRealtimeAttachmentSignal(t *testing.T) {
	auth := RealtimeAttachmentSignalAuthority{SessionID: testSession, AuthorityEpoch: 4}
	for st, want := range map[RealtimeAttachmentStatus]RealtimeBindingState{
		AttachmentBindingNotReady: BindingBindingNotReady, AttachmentBindingReady: BindingBindingReady,
		AttachmentReplacementPending: BindingReplacementPending,
	} {
		in, err := PublishRealtimeAttachmentSignal(auth, st)
		if err != nil || in != (PublishRealtimeSignal{AuthorityEpoch: 4, NextBindingState: want}) {
			t.Fatal(st, in, err)
		}
	}
	for _, st := range []RealtimeAttachmentStatus{AttachmentUnattached, AttachmentIntentPresentUnbound, AttachmentReattachRequired} {
		_, err := PublishRealtimeAttachmentSignal(auth, st)
		if KindOf(err) != KindValidationFailed || !strings.Contains(err.Error(), "realtime signal cannot publish projection-only status "+st.String()) {
			t.Fatal(err)
		}
	}
}

func TestRealtimeAuthority(t *testing.T) {
	s := stateIn(t, PhaseAttached)
	if _, err := s.RealtimeAuthority(); KindOf(err) != KindInternal {
		t.Fatal(err)
	}
	mustApply(t, &s, ReplaceRealtimeBinding{})
	if a, err := s.RealtimeAuthority(); err != nil || a.AuthorityEpoch != 1 || a.SessionID != testSession {
		t.Fatal(a, err)
	}
}

// spec §9.1: the realtime invariants catch corrupt snapshots.
func TestRealtimeInvariants(t *testing.T) {
	cases := map[string]func(s *State){
		"realtime enumerations":    func(s *State) { s.LiveTopologyPhase = 0 },
		"Unbound iff no authority": func(s *State) { s.RealtimeBindingAuthorityEpoch = Some[uint64](1) },
		"bound without epoch":      func(s *State) { s.RealtimeBindingState = BindingBindingReady },
		"below realtime_next": func(s *State) {
			s.RealtimeBindingState, s.RealtimeBindingAuthorityEpoch = BindingBindingReady, Some[uint64](1)
		},
		"epochs start at 1":             func(s *State) { s.RealtimeNextAuthorityEpoch = 0 },
		"reattach only while unbound":   func(s *State) { s.bindRealtime(BindingBindingReady); s.RealtimeReattachRequired = true },
		"attempts only in Reconnecting": func(s *State) { s.RealtimeReconnectAttemptCount = 1 },
		"Reconnecting counts attempts":  func(s *State) { s.RealtimeReconnectCycleState = ReconnectReconnecting },
		"retry only in Reconnecting":    func(s *State) { s.RealtimeReconnectDeadlineAtMs = Some[uint64](5) },
		"past detach keeps Unbound":     func(s *State) { s.bindRealtime(BindingBindingReady); s.LiveTopologyPhase = TopologyDetached },
	}
	for name, corrupt := range cases {
		s := stateIn(t, PhaseIdle)
		if err := s.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
		corrupt(&s)
		if err := s.CheckInvariants(); KindOf(err) != KindInternal {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestRealtimeCatalogue(t *testing.T) {
	for _, in := range rtAllInputs {
		sp, ok := Lookup(in.Name())
		if !ok || sp.Group != "realtime" || sp.Origin != OriginCaller || len(sp.Phases) != 5 {
			t.Errorf("%s: %+v", in.Name(), sp)
		}
		b, err := MarshalInput(in)
		if err != nil {
			t.Fatal(err)
		}
		back, err := UnmarshalInput(b)
		if err != nil || !reflect.DeepEqual(back, in) {
			t.Fatalf("%s: %v %v", b, back, err)
		}
	}
	if _, err := DecodeInput("PublishRealtimeSignal", []byte(`{"authority_epoch":1}`)); KindOf(err) != KindValidationFailed {
		t.Fatal("next_binding_state is required", err)
	}
}

// rtBenchStates returns a small attached session and one whose live channel maps hold
// 100,000 other sessions' channels (the only maps the topology plane reads).
func rtBenchStates(b *testing.B) map[string]State {
	small := stateIn(b, PhaseAttached)
	big := stateIn(b, PhaseAttached)
	for i := range 100_000 {
		if _, err := big.Apply(ResolveLiveOpenAdmission{SessionID: "session-" + strconv.Itoa(i), ChannelID: "channel-" + strconv.Itoa(i)}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := big.Apply(ResolveLiveOpenAdmission{SessionID: testSession, ChannelID: "ch1"}); err != nil {
		b.Fatal(err)
	}
	return map[string]State{"small": small, "100k": big}
}

// BenchmarkRealtimePublishSignal is one provider callback (PublishRealtimeSignal).
func BenchmarkRealtimePublishSignal(b *testing.B) {
	for name, s := range rtBenchStates(b) {
		b.Run(name, func(b *testing.B) {
			mustApply(b, &s, BeginRealtimeBinding{})
			epoch := s.RealtimeBindingAuthorityEpoch.Get()
			var ready, notReady Input = PublishRealtimeSignal{AuthorityEpoch: epoch, NextBindingState: BindingBindingReady},
				PublishRealtimeSignal{AuthorityEpoch: epoch, NextBindingState: BindingBindingNotReady}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				in := ready
				if i%2 == 1 {
					in = notReady
				}
				if _, err := s.Apply(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRealtimeBindDetach runs BeginRealtimeBinding then DetachRealtimeBinding (two
// inputs per iteration).
func BenchmarkRealtimeBindDetach(b *testing.B) {
	for name, s := range rtBenchStates(b) {
		b.Run(name, func(b *testing.B) {
			var begin, detach Input = BeginRealtimeBinding{}, DetachRealtimeBinding{}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Apply(begin); err != nil {
					b.Fatal(err)
				}
				if _, err := s.Apply(detach); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLiveTopologyCycle runs a whole reconfigure: bind, begin, detach (with the live
// channel close request in the 100k state), identity, visibility, complete (six inputs
// per iteration).
func BenchmarkLiveTopologyCycle(b *testing.B) {
	for name, s := range rtBenchStates(b) {
		b.Run(name, func(b *testing.B) {
			rest := []Input{MarkLiveTopologyDetached{}, ApplyLiveTopologyIdentity{}, ApplyLiveTopologyVisibility{}, CompleteLiveTopology{}}
			var begin Input = BeginRealtimeBinding{}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Apply(begin); err != nil {
					b.Fatal(err)
				}
				if _, err := s.Apply(BeginLiveTopologyReconfigure{AuthorityEpoch: s.RealtimeBindingAuthorityEpoch.Get()}); err != nil {
					b.Fatal(err)
				}
				for _, in := range rest {
					if _, err := s.Apply(in); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkRealtimeChannelStatus is the status query (projection), reconnecting with times.
func BenchmarkRealtimeChannelStatus(b *testing.B) {
	s := stateIn(b, PhaseAttached)
	rtApplyAll(b, &s, rtReconnecting...)
	b.ReportAllocs()
	for b.Loop() {
		_ = s.RealtimeChannelStatus()
	}
}

// The upstream scenarios realtime_reconnect_retry_lifecycle_is_machine_owned and
// realtime_reconnect_progress_clears_after_recovery (v0.6.3), driven through the machine.
func TestRealtimeReconnectScenarios(t *testing.T) {
	rfc := func(ms uint64) Opt[string] { return rfc3339FromMs(Some(ms)) }
	s := stateIn(t, PhaseAttached)
	mustApply(t, &s, ProjectRealtimeIntent{Present: true})
	attach := func() RealtimeAttachmentSignalAuthority {
		t.Helper()
		d, err := s.AttachLive()
		if err != nil {
			t.Fatal(err)
		}
		mustApply(t, &s, d.Input())
		a, err := s.RealtimeAuthority()
		if err != nil {
			t.Fatal(err)
		}
		pub, _ := PublishRealtimeAttachmentSignal(a, AttachmentBindingReady)
		mustApply(t, &s, pub)
		return a
	}
	first := attach()
	mustApply(t, &s, RequireRealtimeReattach{})
	mustApply(t, &s, BeginRealtimeReconnectCycle{NextRetryAtMs: Some[uint64](1_000), DeadlineAtMs: Some[uint64](10_000)})
	if st := s.RealtimeChannelStatus(); st.State != RealtimeChannelReconnecting || st.AttemptCount != 1 ||
		st.NextRetryAt != rfc(1_000) || st.DeadlineAt != rfc(10_000) || st.NextRetryAt.Get() != "1970-01-01T00:00:01+00:00" {
		t.Fatalf("%+v", st)
	}
	mustApply(t, &s, ScheduleRealtimeReconnectRetry{NextRetryAtMs: Some[uint64](2_500)})
	if st := s.RealtimeChannelStatus(); st.AttemptCount != 2 || st.NextRetryAt.Get() != "1970-01-01T00:00:02.500+00:00" || st.DeadlineAt != rfc(10_000) {
		t.Fatalf("%+v", st)
	}
	// Recovery: a fresh authority, BindingReady, progress cleared.
	second := attach()
	if second.AuthorityEpoch == first.AuthorityEpoch {
		t.Fatal("reattach reused the epoch")
	}
	if st := s.RealtimeChannelStatus(); st != (RealtimeChannelStatus{State: RealtimeChannelReady}) {
		t.Fatalf("%+v", st)
	}
	mustApply(t, &s, RequireRealtimeReattach{})
	mustApply(t, &s, BeginRealtimeReconnectCycle{NextRetryAtMs: Some[uint64](3_000), DeadlineAtMs: Some[uint64](12_000)})
	if st := s.RealtimeChannelStatus(); st.AttemptCount != 1 || st.NextRetryAt != rfc(3_000) || st.DeadlineAt != rfc(12_000) {
		t.Fatalf("%+v", st)
	}
	mustApply(t, &s, ExhaustRealtimeReconnectCycle{})
	if st := s.RealtimeChannelStatus(); st.State != RealtimeChannelError || st.AttemptCount != 0 || st.NextRetryAt.Present() ||
		!strings.Contains(st.Reason.Get(), "exhausted") {
		t.Fatalf("%+v", st)
	}
}
