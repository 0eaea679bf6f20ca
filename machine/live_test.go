package machine

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

var identityA = SessionLlmIdentity{Model: "gpt-realtime", Provider: ProviderOpenAI}

func open(session, channel string) ResolveLiveOpenAdmission {
	return ResolveLiveOpenAdmission{SessionID: session, ChannelID: channel, LlmIdentity: identityA}
}

func openResult(t *testing.T, fx Effects) LiveOpenAdmissionResolved {
	t.Helper()
	if len(fx) != 1 {
		t.Fatalf("want one effect, got %v", fx.Names())
	}
	return fx[0].(LiveOpenAdmissionResolved)
}

// spec §8: every live input works in Idle..Stopped, never moves the phase, and is
// rejected (no outcome) in Initializing and Destroyed.
func TestLivePhases(t *testing.T) {
	for _, p := range livePhases.list() {
		s := stateIn(t, p)
		got := openResult(t, mustApply(t, &s, open(testSession, "ch1")))
		if !got.Admitted || got.Sequence != 1 || s.LifecyclePhase != p {
			t.Fatalf("%s: %+v, phase %s", p, got, s.LifecyclePhase)
		}
	}
	for _, tt := range []struct {
		p    Phase
		kind Kind
	}{{PhaseInitializing, KindNotReady}, {PhaseDestroyed, KindDestroyed}} {
		s := stateIn(t, tt.p)
		for _, in := range []Input{
			open(testSession, "ch1"), RecordLiveChannelStatus{ChannelID: "ch1", Status: LiveStatusReady, StatusObservationSequence: 1},
			UnboundCommand("ch1", CommandInterrupt), UnboundWebsocketAdmission("ch1", "t", 1),
		} {
			if _, err := applyChecked(t, &s, in); KindOf(err) != tt.kind {
				t.Fatalf("%s in %s: %v", in.Name(), tt.p, err)
			}
		}
	}
	// Every live input is in the catalogue as a caller input with the live phases.
	n := 0
	for _, sp := range Catalogue() {
		if sp.Group != "live" {
			continue
		}
		n++
		if sp.Origin != OriginCaller || !reflect.DeepEqual(sp.Phases, livePhases.list()) {
			t.Errorf("%s: origin %v phases %v", sp.Name, sp.Origin, sp.Phases)
		}
	}
	if n != 13 || len(liveEffects) != 13 {
		t.Fatalf("13 live inputs and effects, got %d and %d", n, len(liveEffects))
	}
}

// spec §8.1: the ordered arms, the shared counter and the bindings; spec §8.2 abandon.
func TestLiveOpenAdmission(t *testing.T) {
	type want struct {
		admitted  bool
		rejection LiveOpenAdmissionRejection
		seq       uint64
	}
	s := stateIn(t, PhaseIdle)
	steps := []struct {
		name string
		in   Input
		want *want // nil: guard rejection, no outcome
	}{
		{"admitted", open(testSession, "ch1"), &want{true, 0, 1}},
		// Session already active wins over channel already bound (arm 2 before arm 3).
		{"same session, same channel", open(testSession, "ch1"), &want{false, OpenAlreadyBound, 2}},
		{"same session, other channel", open(testSession, "ch2"), &want{false, OpenAlreadyBound, 3}},
		{"other session, bound channel", open("s2", "ch1"), &want{false, OpenChannelAlreadyBound, 4}},
		// v0.7.1 does not check the session is the machine's own.
		{"other session, free channel", open("s2", "ch2"), &want{true, 0, 5}},
		{"empty session", open("", "ch3"), nil},
		{"empty channel", open("s3", ""), nil},
		{"abandon wrong pairing", AbandonLiveOpenAdmission{SessionID: testSession, ChannelID: "ch2"}, nil},
		{"abandon empty session", AbandonLiveOpenAdmission{ChannelID: "ch1"}, nil},
		{"abandon empty channel", AbandonLiveOpenAdmission{SessionID: testSession}, nil},
		{"abandon", AbandonLiveOpenAdmission{SessionID: testSession, ChannelID: "ch1"}, &want{false, 0, 6}},
		{"abandon again", AbandonLiveOpenAdmission{SessionID: testSession, ChannelID: "ch1"}, nil},
		{"reopen after abandon", open(testSession, "ch1"), &want{true, 0, 7}},
	}
	for _, st := range steps {
		fx, err := applyChecked(t, &s, st.in)
		if st.want == nil {
			if KindOf(err) != KindRejected {
				t.Fatalf("%s: want a guard rejection, got %v %v", st.name, fx, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		switch got := fx[0].(type) {
		case LiveOpenAdmissionResolved:
			in := st.in.(ResolveLiveOpenAdmission)
			exp := LiveOpenAdmissionResolved{SessionID: in.SessionID, ChannelID: in.ChannelID, Admitted: st.want.admitted, Sequence: st.want.seq}
			if st.want.admitted {
				exp.BoundLlmIdentity = Some(identityA)
			} else {
				exp.Rejection = Some(st.want.rejection)
			}
			if !reflect.DeepEqual(got, exp) {
				t.Fatalf("%s: got %+v want %+v", st.name, got, exp)
			}
		case LiveOpenAdmissionAbandoned:
			if got.Sequence != st.want.seq || got.SessionID != testSession || got.ChannelID != "ch1" {
				t.Fatalf("%s: %+v", st.name, got)
			}
			// spec §8.2: all three bindings are gone.
			if s.OwnsLiveChannel("ch1") || s.LiveChannelBoundIdentity("ch1").Present() || s.LiveChannelIsActiveForSession(testSession, "ch1") {
				t.Fatal("abandon left a binding")
			}
		}
	}
	if ch, ok := s.LiveActiveChannel(); !ok || ch != "ch1" || !s.OwnsLiveChannel("ch1") || s.OwnsLiveChannel("ch2") {
		t.Fatal("projections after reopen")
	}
	if ch, ok := s.LiveActiveChannelForSession("s2"); !ok || ch != "ch2" || !s.LiveChannelIsActiveForSession("s2", "ch2") || s.LiveChannelIsActiveForSession("s2", "ch1") {
		t.Fatal("per-session projections")
	}
	if s.LiveOpenAdmissionSequence != 7 {
		t.Fatal("guard rejections must not advance the counter")
	}
}

// Our joining rules: TopologyReconfiguring, checked first, in every non-Idle topology
// phase; and the machine's current identity is what an admitted channel binds.
func TestLiveOpenJoinsTopology(t *testing.T) {
	s := stateIn(t, PhaseAttached)
	mustApply(t, &s, BeginRealtimeBinding{})
	mustApply(t, &s, BeginLiveTopologyReconfigure{AuthorityEpoch: 1})
	seq := uint64(0)
	refused := func(session, channel string) {
		t.Helper()
		seq++
		got := openResult(t, mustApply(t, &s, open(session, channel)))
		want := LiveOpenAdmissionResolved{SessionID: session, ChannelID: channel, Rejection: Some(OpenTopologyReconfiguring), Sequence: seq}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("topology %s: got %+v", s.LiveTopologyPhase, got)
		}
	}
	refused(testSession, "ch1")
	for _, in := range []Input{MarkLiveTopologyDetached{}, ApplyLiveTopologyIdentity{}, ApplyLiveTopologyVisibility{}} {
		mustApply(t, &s, in)
		refused(testSession, "ch1")
	}
	// Checked before AlreadyBound: a session with an active channel still gets
	// TopologyReconfiguring. (Bind one directly: no admission is possible right now.)
	put(&s, &s.LiveActiveChannelBySession, "s2", "chX")
	put(&s, &s.LiveChannelSessionByChannel, "chX", "s2")
	put(&s, &s.LiveChannelIdentityByChannel, "chX", identityA)
	refused("s2", "chY")
	refused("s3", "chX")
	mustApply(t, &s, CompleteLiveTopology{})
	if s.LiveTopologyPhase != TopologyIdle {
		t.Fatalf("topology %s", s.LiveTopologyPhase)
	}
	if got := openResult(t, mustApply(t, &s, open("s2", "chY"))); !got.Rejection.Is(OpenAlreadyBound) {
		t.Fatalf("%+v", got)
	}

	// No current identity: the input's identity is bound.
	s = stateIn(t, PhaseIdle)
	s.CurrentSessionLlmIdentity = None[SessionLlmIdentity]()
	if got := openResult(t, mustApply(t, &s, open(testSession, "ch1"))); !got.BoundLlmIdentity.Is(identityA) {
		t.Fatalf("%+v", got)
	}
	// A current identity wins over the caller's.
	current := SessionLlmIdentity{Model: "gpt-4o-mini-realtime", Provider: ProviderOpenAI}
	s.CurrentSessionLlmIdentity = Some(current)
	got := openResult(t, mustApply(t, &s, open("s2", "ch2")))
	if !got.Admitted || !got.BoundLlmIdentity.Is(current) || !s.LiveChannelBoundIdentity("ch2").Is(current) || !s.LiveChannelBoundIdentity("ch1").Is(identityA) {
		t.Fatalf("the current identity must be bound: %+v", got)
	}
}

// spec §8.3: Record* results with per-family counters and strictly advancing evidence.
func TestLiveRecords(t *testing.T) {
	s := stateIn(t, PhaseRunning)
	mustApply(t, &s, open(testSession, "ch1"))

	// Refresh: no binding needed; > 0 and strictly increasing per channel.
	refresh := func(ch string, seq uint64) Input {
		return RecordLiveRefreshQueued{ChannelID: ch, QueueAcceptanceSequence: seq}
	}
	fx := mustApply(t, &s, refresh("ch1", 4))
	if !reflect.DeepEqual(fx, Effects{LiveRefreshResultResolved{ChannelID: "ch1", Status: RefreshQueued, Sequence: 1, QueueAcceptanceSequence: 4}}) {
		t.Fatal(fx)
	}
	for _, in := range []Input{refresh("ch1", 4), refresh("ch1", 3), refresh("ch1", 0), refresh("", 9)} {
		if _, err := applyChecked(t, &s, in); KindOf(err) != KindRejected {
			t.Fatalf("%+v: %v", in, err)
		}
	}
	fx = mustApply(t, &s, refresh("unbound-channel", 1)) // evidence is per channel
	if got := fx[0].(LiveRefreshResultResolved); got.Sequence != 2 {
		t.Fatalf("%+v", got)
	}

	// Commands: one acceptance sequence per channel shared by all command kinds.
	cmd := func(kind LiveCommandPublicKind, seq uint64) Input {
		return RecordLiveCommandAccepted{ChannelID: "ch1", Command: kind, CommandAcceptanceSequence: seq}
	}
	fx = mustApply(t, &s, cmd(CommandSendInput, 1))
	if !reflect.DeepEqual(fx, Effects{LiveCommandResultResolved{ChannelID: "ch1", Command: CommandSendInput, Sequence: 1, CommandAcceptanceSequence: 1}}) {
		t.Fatal(fx)
	}
	for _, in := range []Input{cmd(CommandInterrupt, 1), cmd(CommandCommitInput, 0), cmd(0, 2), RecordLiveCommandAccepted{Command: CommandInterrupt, CommandAcceptanceSequence: 5}} {
		if _, err := applyChecked(t, &s, in); KindOf(err) != KindRejected {
			t.Fatalf("%+v: %v", in, err)
		}
	}
	fx = mustApply(t, &s, cmd(CommandTruncateAssistantOutput, 7))
	if got := fx[0].(LiveCommandResultResolved); got.Sequence != 2 || got.Command != CommandTruncateAssistantOutput || got.CommandAcceptanceSequence != 7 {
		t.Fatalf("%+v", got)
	}
	if e := s.LiveChannelEvidence["ch1"]; !e.CommandKind.Is(CommandTruncateAssistantOutput) || !e.CommandAcceptanceSequence.Is(7) {
		t.Fatalf("%+v", e)
	}

	// WebRTC answer: binding both ways, > 0, strictly increasing.
	answer := func(session string, seq uint64) Input {
		return RecordLiveWebrtcAnswerAccepted{SessionID: session, ChannelID: "ch1", AnswerObservationSequence: seq}
	}
	fx = mustApply(t, &s, answer(testSession, 1))
	if !reflect.DeepEqual(fx, Effects{LiveWebrtcAnswerResultResolved{ChannelID: "ch1", Status: AnswerAnswered, Answered: true, Sequence: 1, AnswerObservationSequence: 1}}) {
		t.Fatal(fx)
	}
	for _, in := range []Input{answer(testSession, 1), answer(testSession, 0), answer("s2", 2), answer("", 2),
		RecordLiveWebrtcAnswerAccepted{SessionID: testSession, AnswerObservationSequence: 3}} {
		if _, err := applyChecked(t, &s, in); KindOf(err) != KindRejected {
			t.Fatalf("%+v: %v", in, err)
		}
	}

	// Status: > 0, strictly increasing, degradation consistency.
	status := []struct {
		in  RecordLiveChannelStatus
		seq uint64 // 0: guard rejection
	}{
		{RecordLiveChannelStatus{ChannelID: "ch1", Status: LiveStatusReady, StatusObservationSequence: 1}, 1},
		{RecordLiveChannelStatus{ChannelID: "ch1", Status: LiveStatusReady, StatusObservationSequence: 1}, 0},
		{RecordLiveChannelStatus{ChannelID: "ch1", Status: LiveStatusReady, StatusObservationSequence: 0}, 0},
		{RecordLiveChannelStatus{ChannelID: "", Status: LiveStatusReady, StatusObservationSequence: 5}, 0},
		{RecordLiveChannelStatus{ChannelID: "ch1", Status: 0, StatusObservationSequence: 5}, 0},
		{RecordLiveChannelStatus{ChannelID: "ch1", Status: LiveStatusDegraded, StatusObservationSequence: 2}, 0},
		{RecordLiveChannelStatus{ChannelID: "ch1", Status: LiveStatusDegraded, StatusObservationSequence: 2, DegradationReason: Some[LiveChannelDegradationReason](0)}, 0},
		{RecordLiveChannelStatus{ChannelID: "ch1", Status: LiveStatusDegraded, StatusObservationSequence: 2, DegradationReason: Some(DegradationRateLimited)}, 2},
		{RecordLiveChannelStatus{ChannelID: "ch1", Status: LiveStatusReady, StatusObservationSequence: 3, DegradationDetail: Some("x")}, 0},
		{RecordLiveChannelStatus{ChannelID: "ch1", Status: LiveStatusReady, StatusObservationSequence: 3, DegradationReason: Some(DegradationOther)}, 0},
		{RecordLiveChannelStatus{ChannelID: "ch1", Status: LiveStatusDegraded, StatusObservationSequence: 9, DegradationReason: Some(DegradationOther), DegradationDetail: Some("jitter")}, 3},
		{RecordLiveChannelStatus{ChannelID: "ch1", Status: LiveStatusReady, StatusObservationSequence: 8}, 0},
	}
	for i, tt := range status {
		fx, err := applyChecked(t, &s, tt.in)
		if tt.seq == 0 {
			if KindOf(err) != KindRejected {
				t.Fatalf("status %d: want a guard rejection, got %v", i, err)
			}
			continue
		}
		want := LiveChannelStatusResolved{ChannelID: "ch1", Status: tt.in.Status, Sequence: tt.seq, StatusObservationSequence: tt.in.StatusObservationSequence,
			DegradationReason: tt.in.DegradationReason, DegradationDetail: tt.in.DegradationDetail}
		if err != nil || !reflect.DeepEqual(fx, Effects{want}) {
			t.Fatalf("status %d: %v %v", i, fx, err)
		}
	}

	// Close: unbinds, keeps the close history (status stays routable), permissive for an
	// already unbound channel, and refuses a close that contradicts a binding.
	closeIn := func(session, ch string, seq uint64) Input {
		return RecordLiveCloseClosed{SessionID: session, ChannelID: ch, CloseObservationSequence: seq}
	}
	mustApply(t, &s, open("s2", "ch2"))
	for _, in := range []Input{
		closeIn(testSession, "ch2", 1), // channel bound to s2
		closeIn("s2", "ch1", 1),        // s2's active channel is ch2
		closeIn("", "ch1", 1), closeIn(testSession, "", 1), closeIn(testSession, "ch1", 0),
	} {
		if _, err := applyChecked(t, &s, in); KindOf(err) != KindRejected {
			t.Fatalf("%+v: %v", in, err)
		}
	}
	fx = mustApply(t, &s, closeIn(testSession, "ch1", 1))
	if !reflect.DeepEqual(fx, Effects{LiveCloseResultResolved{ChannelID: "ch1", Status: CloseClosed, Sequence: 1, CloseObservationSequence: 1}}) {
		t.Fatal(fx)
	}
	if s.OwnsLiveChannel("ch1") || !s.OwnsLiveStatusChannel("ch1") || s.LiveChannelBoundIdentity("ch1").Present() {
		t.Fatal("close must unbind and keep the close history")
	}
	if _, ok := s.LiveActiveChannel(); ok {
		t.Fatal("session still active")
	}
	if _, err := applyChecked(t, &s, closeIn(testSession, "ch1", 1)); KindOf(err) != KindRejected {
		t.Fatal("replayed close sequence")
	}
	fx = mustApply(t, &s, closeIn(testSession, "ch1", 2)) // already unbound: still recorded
	if got := fx[0].(LiveCloseResultResolved); got.Sequence != 2 {
		t.Fatalf("%+v", got)
	}
	fx = mustApply(t, &s, closeIn("s9", "never-bound", 1))
	if got := fx[0].(LiveCloseResultResolved); got.Sequence != 3 {
		t.Fatalf("%+v", got)
	}
	// The channel's other evidence survives close.
	v, ok := s.LiveChannel("ch1")
	if !ok || v.Active || v.SessionID.Present() || !v.CloseStatus.Is(CloseClosed) || !v.Status.Is(LiveStatusDegraded) ||
		!v.RefreshStatus.Is(RefreshQueued) || !v.WebrtcAnswerStatus.Is(AnswerAnswered) || !v.CloseObservationSequence.Is(2) {
		t.Fatalf("%+v", v)
	}
	if v, ok := s.LiveChannel("ch2"); !ok || !v.Active || !v.SessionID.Is("s2") || !v.BoundLlmIdentity.Is(identityA) {
		t.Fatalf("%+v", v)
	}
	if _, ok := s.LiveChannel("nope"); ok {
		t.Fatal("unknown channel")
	}
	// Reopening a closed channel id is allowed (close removed the bindings).
	if got := openResult(t, mustApply(t, &s, open(testSession, "ch1"))); !got.Admitted {
		t.Fatalf("%+v", got)
	}
}

// spec §8.4: rejection classification and public error classes, with one counter each.
func TestLiveRejectionClasses(t *testing.T) {
	commands := []struct {
		reason LiveCommandRejectionReason
		class  LiveCommandRejectionPublicErrorClass
	}{
		{CommandRejectionChannelNotFound, CommandClassInvalidParams}, {CommandRejectionNoAdapter, CommandClassInvalidParams},
		{CommandRejectionChannelNotReady, CommandClassInternalError}, {CommandRejectionUnsupportedCommand, CommandClassInternalError},
		{CommandRejectionAdapterError, CommandClassInternalError}, {CommandRejectionInternalHostError, CommandClassInternalError},
	}
	s := stateIn(t, PhaseRetired)
	for i, tt := range commands {
		in := RecordLiveCommandRejected{ChannelID: "ch", Command: CommandCommitInput, Rejection: tt.reason}
		want := LiveCommandRejectionResolved{ChannelID: "ch", Command: CommandCommitInput, Rejection: tt.reason, PublicErrorClass: tt.class, Sequence: uint64(i + 1)}
		if fx := mustApply(t, &s, in); !reflect.DeepEqual(fx, Effects{want}) {
			t.Fatalf("%s: %v", tt.reason, fx)
		}
		if e := s.LiveChannelEvidence["ch"]; !e.CommandRejectionReason.Is(tt.reason) || !e.CommandRejectionPublicErrorClass.Is(tt.class) {
			t.Fatalf("%+v", e)
		}
	}
	requests := []struct {
		reason LiveChannelRequestRejectionReason
		class  LiveChannelRequestRejectionPublicErrorClass
	}{
		{RequestRejectionChannelNotFound, RequestClassInvalidParams}, {RequestRejectionNoAdapter, RequestClassInvalidParams},
		{RequestRejectionInvalidToken, RequestClassInvalidParams}, {RequestRejectionInvalidPayload, RequestClassInvalidParams},
		{RequestRejectionWebrtcAnswerError, RequestClassInvalidParams}, {RequestRejectionInternalHostError, RequestClassInternalError},
	}
	for i, tt := range requests {
		in := RecordLiveChannelRequestRejected{ChannelID: "ch", Request: RequestStatus, Rejection: tt.reason}
		want := LiveChannelRequestRejectionResolved{ChannelID: "ch", Request: RequestStatus, Rejection: tt.reason, PublicErrorClass: tt.class, Sequence: uint64(i + 1)}
		if fx := mustApply(t, &s, in); !reflect.DeepEqual(fx, Effects{want}) {
			t.Fatalf("%s: %v", tt.reason, fx)
		}
	}
	for _, in := range []Input{
		RecordLiveCommandRejected{Command: CommandInterrupt, Rejection: CommandRejectionNoAdapter},
		RecordLiveCommandRejected{ChannelID: "ch", Rejection: CommandRejectionNoAdapter},
		RecordLiveCommandRejected{ChannelID: "ch", Command: CommandInterrupt},
		RecordLiveChannelRequestRejected{Request: RequestClose, Rejection: RequestRejectionNoAdapter},
		RecordLiveChannelRequestRejected{ChannelID: "ch", Rejection: RequestRejectionNoAdapter},
		RecordLiveChannelRequestRejected{ChannelID: "ch", Request: RequestClose, Rejection: 99},
	} {
		if _, err := applyChecked(t, &s, in); KindOf(err) != KindRejected {
			t.Fatalf("%+v: %v", in, err)
		}
	}
}

// spec §8.4 host error → reason, the shell mapping over §11.2 reason codes.
func TestHostErrorMappings(t *testing.T) {
	codes := []struct {
		code    string
		command LiveCommandRejectionReason
		request LiveChannelRequestRejectionReason
	}{
		{HostErrorChannelNotFound, CommandRejectionChannelNotFound, RequestRejectionChannelNotFound},
		{HostErrorNoAdapter, CommandRejectionNoAdapter, RequestRejectionNoAdapter},
		{HostErrorChannelNotReady, CommandRejectionChannelNotReady, RequestRejectionInternalHostError},
		{HostErrorUnsupportedCommand, CommandRejectionUnsupportedCommand, RequestRejectionInternalHostError},
		{HostErrorAdapterError, CommandRejectionAdapterError, RequestRejectionInternalHostError},
		{HostErrorSessionNotFound, CommandRejectionInternalHostError, RequestRejectionInternalHostError},
		{HostErrorSessionAlreadyBound, CommandRejectionInternalHostError, RequestRejectionInternalHostError},
		{HostErrorOpenNotAuthorized, CommandRejectionInternalHostError, RequestRejectionInternalHostError},
		{HostErrorOpenAuthorityAlreadyConsumed, CommandRejectionInternalHostError, RequestRejectionInternalHostError},
		{HostErrorCloseNotAuthorized, CommandRejectionInternalHostError, RequestRejectionInternalHostError},
		{HostErrorCloseAuthorityAlreadyConsumed, CommandRejectionInternalHostError, RequestRejectionInternalHostError},
		{HostErrorStatusNotAuthorized, CommandRejectionInternalHostError, RequestRejectionInternalHostError},
		{HostErrorStatusAuthorityAlreadyConsumed, CommandRejectionInternalHostError, RequestRejectionInternalHostError},
		{HostErrorProjectionError, CommandRejectionInternalHostError, RequestRejectionInternalHostError},
		{"", CommandRejectionInternalHostError, RequestRejectionInternalHostError},
		{"ChannelNotFound", CommandRejectionInternalHostError, RequestRejectionInternalHostError}, // codes are exact
		{"invalid_token", CommandRejectionInternalHostError, RequestRejectionInternalHostError},   // chosen by surfaces, never a host error
	}
	for _, tt := range codes {
		if got := CommandRejectionForHostError(tt.code); got != tt.command {
			t.Errorf("command %q: %s, want %s", tt.code, got, tt.command)
		}
		if got := ChannelRequestRejectionForHostError(tt.code); got != tt.request {
			t.Errorf("request %q: %s, want %s", tt.code, got, tt.request)
		}
	}
}

// spec §8.3 status mapping from host observations; every result passes the status guard.
func TestMapHostLiveStatus(t *testing.T) {
	long := strings.Repeat("z", 200)
	tests := []struct {
		in   HostLiveStatus
		want PublicLiveStatus
	}{
		{HostLiveStatus{Status: "Idle"}, PublicLiveStatus{Status: LiveStatusIdle}},
		{HostLiveStatus{Status: "opening"}, PublicLiveStatus{Status: LiveStatusOpening}},
		{HostLiveStatus{Status: "Ready", Reason: "RateLimited", Detail: "ignored"}, PublicLiveStatus{Status: LiveStatusReady}},
		{HostLiveStatus{Status: "CLOSING"}, PublicLiveStatus{Status: LiveStatusClosing}},
		{HostLiveStatus{Status: "closed"}, PublicLiveStatus{Status: LiveStatusClosed}},
		{HostLiveStatus{Status: "Degraded", Reason: "RateLimited"}, PublicLiveStatus{Status: LiveStatusDegraded, DegradationReason: Some(DegradationRateLimited)}},
		{HostLiveStatus{Status: "degraded", Reason: "provider_throttled", Detail: "x"}, PublicLiveStatus{Status: LiveStatusDegraded, DegradationReason: Some(DegradationProviderThrottled)}},
		{HostLiveStatus{Status: "degraded", Reason: "network-unstable"}, PublicLiveStatus{Status: LiveStatusDegraded, DegradationReason: Some(DegradationNetworkUnstable)}},
		{HostLiveStatus{Status: "Degraded", Reason: "Other", Detail: "jitter"}, PublicLiveStatus{Status: LiveStatusDegraded, DegradationReason: Some(DegradationOther), DegradationDetail: Some("jitter")}},
		{HostLiveStatus{Status: "Degraded", Reason: "Other"}, PublicLiveStatus{Status: LiveStatusDegraded, DegradationReason: Some(DegradationOther), DegradationDetail: Some("")}},
		{HostLiveStatus{Status: "Degraded", Reason: "SolarFlare"}, PublicLiveStatus{Status: LiveStatusDegraded, DegradationReason: Some(DegradationUnknown), DegradationDetail: Some(`unknown degradation reason "SolarFlare"`)}},
		{HostLiveStatus{Status: "Degraded"}, PublicLiveStatus{Status: LiveStatusDegraded, DegradationReason: Some(DegradationUnknown), DegradationDetail: Some(`unknown degradation reason ""`)}},
		{HostLiveStatus{Status: "Hibernating"}, PublicLiveStatus{Status: LiveStatusDegraded, DegradationReason: Some(DegradationUnknown), DegradationDetail: Some(`unknown adapter status "Hibernating"`)}},
		{HostLiveStatus{}, PublicLiveStatus{Status: LiveStatusDegraded, DegradationReason: Some(DegradationUnknown), DegradationDetail: Some(`unknown adapter status ""`)}},
		{HostLiveStatus{Status: long}, PublicLiveStatus{Status: LiveStatusDegraded, DegradationReason: Some(DegradationUnknown), DegradationDetail: Some(`unknown adapter status "` + long[:96] + `..."`)}},
	}
	s := stateIn(t, PhaseIdle)
	for i, tt := range tests {
		got := MapHostLiveStatus(tt.in)
		if !reflect.DeepEqual(got, tt.want) {
			t.Fatalf("%+v: got %+v want %+v", tt.in, got, tt.want)
		}
		fx := mustApply(t, &s, got.Record("ch1", uint64(i+1)))
		if r := fx[0].(LiveChannelStatusResolved); r.Status != got.Status || r.DegradationReason != got.DegradationReason || r.DegradationDetail != got.DegradationDetail {
			t.Fatalf("%+v", r)
		}
	}
}

// The projections used for routing (spec §8.7).
func TestLiveRoutingProjections(t *testing.T) {
	s := stateIn(t, PhaseIdle)
	mustApply(t, &s, open(testSession, "ch1"))
	mustApply(t, &s, open("s2", "ch2")) // another session's binding in this machine
	if !s.OwnsLiveChannel("ch1") || s.OwnsLiveChannel("ch2") || s.OwnsLiveChannel("") {
		t.Fatal("OwnsLiveChannel is about the machine's own session")
	}
	mustApply(t, &s, RecordLiveCloseClosed{SessionID: "s2", ChannelID: "ch2", CloseObservationSequence: 1})
	if !s.OwnsLiveStatusChannel("ch2") || !s.OwnsLiveStatusChannel("ch1") || s.OwnsLiveStatusChannel("ch3") {
		t.Fatal("status routing includes close history")
	}
	// The unbound authority never owns anything, even with close history.
	u := NewUnboundAuthority()
	mustApply(t, &u, RecordLiveCloseClosed{SessionID: "s2", ChannelID: "ch2", CloseObservationSequence: 1})
	if u.OwnsLiveStatusChannel("ch2") || u.OwnsLiveChannel("ch2") {
		t.Fatal("unbound authority owns a channel")
	}
	if _, ok := u.LiveActiveChannel(); ok {
		t.Fatal("unbound authority has an active channel")
	}
}

// The live invariants: bindings are mutual and a bound channel has its identity.
func TestLiveInvariants(t *testing.T) {
	good := stateIn(t, PhaseIdle)
	mustApply(t, &good, open(testSession, "ch1"))
	clone := func() State {
		s, err := Restore(snapshot(t, &good))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	breakers := map[string]func(s *State){
		"session without channel binding": func(s *State) { delete(s.LiveChannelSessionByChannel, "ch1") },
		"session points elsewhere":        func(s *State) { s.LiveActiveChannelBySession[testSession] = "ch9" },
		"channel without session binding": func(s *State) { delete(s.LiveActiveChannelBySession, testSession) },
		"channel without identity":        func(s *State) { delete(s.LiveChannelIdentityByChannel, "ch1") },
		"identity of an unbound channel":  func(s *State) { s.LiveChannelIdentityByChannel["ch9"] = identityA },
		"token without channel":           func(s *State) { s.LiveWebsocketTokens = map[LiveTokenDigest]LiveToken{{1}: {ExpiresAtMs: 5}} },
		"token without expiry":            func(s *State) { s.LiveWebrtcTokens = map[LiveTokenDigest]LiveToken{{1}: {ChannelID: "ch1"}} },
	}
	for name, brk := range breakers {
		s := clone()
		brk(&s)
		if err := s.CheckInvariants(); KindOf(err) != KindInternal || !strings.Contains(err.Error(), "live") {
			t.Errorf("%s: %v", name, err)
		}
		if _, err := Restore(snapshot(t, &s)); err == nil {
			t.Errorf("%s: Restore accepted a broken snapshot", name)
		}
	}
}

// The live state round-trips through JSON with readable snake_case names and no raw
// tokens; Preview and Stage/Restore leave it exactly as it was.
func TestLiveStateSnapshot(t *testing.T) {
	s := tokenState(t)
	mustApply(t, &s, RecordLiveCommandAccepted{ChannelID: "ch1", Command: CommandInterrupt, CommandAcceptanceSequence: 3})
	mustApply(t, &s, ResolveLiveWebsocketTokenAdmission{SessionID: testSession, ChannelID: "ch1", Token: wsToken, ObservedAtMs: 2000})
	b := snapshot(t, &s)
	for _, name := range []string{`"live_channel_evidence":{"ch1":{`, `"command_acceptance_sequence":3`, `"command_kind":"Interrupt"`,
		`"` + TokenDigest(wsToken) + `":{"channel_id":"ch1","expires_at_ms":61000,"consumed":true}`} {
		if !strings.Contains(string(b), name) {
			t.Fatalf("snapshot lacks %s:\n%s", name, b)
		}
	}
	if strings.Contains(string(b), wsToken) || strings.Contains(string(b), rtcToken) {
		t.Fatal("raw token in the snapshot")
	}
	back, err := Restore(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.liveState, s.liveState) {
		t.Fatal("live state does not round-trip")
	}

	// Stage, then restore: the consumed token and counters come back.
	before := snapshot(t, &s)
	st, fx, err := s.Stage(ResolveLiveWebrtcAnswerAdmission{SessionID: testSession, ChannelID: "ch1", Token: rtcToken, ObservedAtMs: 2000})
	if err != nil || !fx[0].(LiveWebrtcAnswerAdmissionResolved).Admitted || !s.LiveWebrtcTokens[digestToken(rtcToken)].Consumed {
		t.Fatal(fx, err)
	}
	if !st.Restore() || string(snapshot(t, &s)) != string(before) {
		t.Fatal("Stage/Restore did not roll back")
	}
	st, _, err = s.Stage(open("s7", "ch7"))
	if err != nil || !st.Restore() || string(snapshot(t, &s)) != string(before) {
		t.Fatal("Stage/Restore of an admission did not roll back", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"live_open_admission_sequence", "live_active_channel_by_session", "live_channel_session_by_channel", "live_channel_identity_by_channel",
		"live_refresh_result_sequence", "live_close_result_sequence", "live_command_result_sequence", "live_command_rejection_sequence",
		"live_channel_request_rejection_sequence", "live_webrtc_token_issue_sequence", "live_webrtc_answer_admission_sequence",
		"live_webrtc_answer_result_sequence", "live_websocket_token_issue_sequence", "live_websocket_token_admission_sequence",
		"live_channel_status_result_sequence", "live_webrtc_tokens"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("snapshot lacks %s", k)
		}
	}
}

// liveBenchState is a session (channel ch1 bound) whose machine also holds `extra` other
// channels (each with evidence) and `extra` tokens of each family.
func liveBenchState(b *testing.B, extra int) *State {
	s := stateIn(b, PhaseAttached)
	for i := range extra {
		id, ch := "s-"+strconv.Itoa(i), "c-"+strconv.Itoa(i)
		for _, in := range []Input{
			open(id, ch),
			RecordLiveCommandAccepted{ChannelID: ch, Command: CommandSendInput, CommandAcceptanceSequence: 1},
			RecordLiveChannelStatus{ChannelID: ch, Status: LiveStatusReady, StatusObservationSequence: 1},
			RecordLiveWebsocketTokenIssued{SessionID: id, ChannelID: ch, Token: TokenDigest("ws-" + id), IssuedAtMs: 1, TTLMs: 1 << 40},
			RecordLiveWebrtcTokenIssued{SessionID: id, ChannelID: ch, Token: TokenDigest("rtc-" + id), IssuedAtMs: 1, TTLMs: 1 << 40},
		} {
			if _, err := s.Apply(in); err != nil {
				b.Fatal(err)
			}
		}
	}
	if _, err := s.Apply(open(testSession, "ch1")); err != nil {
		b.Fatal(err)
	}
	return &s
}

// batch is how many inputs a benchmark applies between untimed clean-ups that keep the
// state at its nominal size (inserting inputs would otherwise grow it without bound).
const batch = 4096

// BenchmarkLive measures one Apply of each hot live input (spec §8) on a small state and
// on one holding 100,000 channels and 100,000 tokens per family. Targets: under 1 µs
// and at most 2 allocations (the Effects slice and the boxed effect).
func BenchmarkLive(b *testing.B) {
	for _, size := range []struct {
		name  string
		extra int
	}{{"small", 0}, {"100k", 100_000}} {
		s := liveBenchState(b, size.extra)
		// Pre-box inputs so the loop measures Apply, not the conversion to Input.
		box := func(n int, f func(i int) Input) []Input {
			out := make([]Input, n)
			for i := range out {
				out[i] = f(i)
			}
			return out
		}
		var ids, tokens [batch]string
		for i := range batch {
			ids[i] = "bench-" + strconv.Itoa(i)
			tokens[i] = TokenDigest("bench-token-" + strconv.Itoa(i))
		}

		// Admitted open: batches of fresh sessions and channels, unbound off the clock.
		b.Run("ResolveLiveOpenAdmission/admitted/"+size.name, func(b *testing.B) {
			in := box(batch, func(i int) Input { return open(ids[i], ids[i]) })
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if i%batch == 0 && i > 0 {
					b.StopTimer()
					for _, id := range ids {
						s.unbindLiveChannel(id, id)
					}
					b.StartTimer()
				}
				if _, err := s.Apply(in[i%batch]); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			for _, id := range ids {
				s.unbindLiveChannel(id, id)
			}
		})
		b.Run("ResolveLiveOpenAdmission/already-bound/"+size.name, func(b *testing.B) {
			var in Input = open(testSession, "ch2")
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Apply(in); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("RecordLiveCommandAccepted/"+size.name, func(b *testing.B) {
			first := s.LiveChannelEvidence["ch1"].CommandAcceptanceSequence.Get()
			in := box(batch, func(int) Input { return nil })
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if i%batch == 0 {
					b.StopTimer()
					for j := range in {
						in[j] = RecordLiveCommandAccepted{ChannelID: "ch1", Command: CommandSendInput, CommandAcceptanceSequence: first + uint64(i+j) + 1}
					}
					b.StartTimer()
				}
				if _, err := s.Apply(in[i%batch]); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("RecordLiveChannelStatus/"+size.name, func(b *testing.B) {
			first := s.LiveChannelEvidence["ch1"].StatusObservationSequence.Get()
			in := box(batch, func(int) Input { return nil })
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if i%batch == 0 {
					b.StopTimer()
					for j := range in {
						in[j] = RecordLiveChannelStatus{ChannelID: "ch1", Status: LiveStatusDegraded, StatusObservationSequence: first + uint64(i+j) + 1,
							DegradationReason: Some(DegradationOther), DegradationDetail: Some("jitter")}
					}
					b.StartTimer()
				}
				if _, err := s.Apply(in[i%batch]); err != nil {
					b.Fatal(err)
				}
			}
		})
		// Token issue: batches of fresh tokens, removed off the clock.
		b.Run("RecordLiveWebsocketTokenIssued/"+size.name, func(b *testing.B) {
			in := box(batch, func(i int) Input {
				return RecordLiveWebsocketTokenIssued{SessionID: testSession, ChannelID: "ch1", Token: tokens[i], IssuedAtMs: 1, TTLMs: 1 << 40}
			})
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if i%batch == 0 && i > 0 {
					b.StopTimer()
					for _, tok := range tokens {
						delete(s.LiveWebsocketTokens, digestToken(tok))
					}
					b.StartTimer()
				}
				if _, err := s.Apply(in[i%batch]); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			for _, tok := range tokens {
				delete(s.LiveWebsocketTokens, digestToken(tok))
			}
		})
		// Token admission, accepted arm: batches of tokens issued off the clock, then
		// each consumed once.
		b.Run("ResolveLiveWebsocketTokenAdmission/accepted/"+size.name, func(b *testing.B) {
			in := box(batch, func(i int) Input {
				return ResolveLiveWebsocketTokenAdmission{SessionID: testSession, ChannelID: "ch1", Token: tokens[i], ObservedAtMs: 2}
			})
			reissue := func() {
				for _, tok := range tokens {
					s.LiveWebsocketTokens[digestToken(tok)] = LiveToken{ChannelID: "ch1", ExpiresAtMs: 1 << 40}
				}
			}
			reissue()
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if i%batch == 0 && i > 0 {
					b.StopTimer()
					reissue()
					b.StartTimer()
				}
				fx, err := s.Apply(in[i%batch])
				if err != nil || !fx[0].(LiveWebsocketTokenAdmissionResolved).Admitted {
					b.Fatal(fx, err)
				}
			}
			b.StopTimer()
			for _, tok := range tokens {
				delete(s.LiveWebsocketTokens, digestToken(tok))
			}
		})
		b.Run("ResolveLiveWebsocketTokenAdmission/not-found/"+size.name, func(b *testing.B) {
			var in Input = ResolveLiveWebsocketTokenAdmission{SessionID: testSession, ChannelID: "ch1", Token: TokenDigest("never-issued"), ObservedAtMs: 2}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Apply(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
