package machine

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

var identityA = SessionLlmIdentity{Model: "gpt-realtime", Provider: ProviderOpenAI}

func open(session, channel string) ResolveLiveOpenAdmission {
	return ResolveLiveOpenAdmission{SessionID: session, ChannelID: channel, LlmIdentity: identityA}
}

// spec §8.1: the three ordered arms, the shared counter and the bindings.
func TestLiveOpenAdmission(t *testing.T) {
	s := stateIn(t, PhaseIdle)
	fx := mustApply(t, &s, open(testSession, "ch1"))
	want := LiveOpenAdmissionResolved{SessionID: testSession, ChannelID: "ch1", BoundLlmIdentity: Some(identityA), Admitted: true, Sequence: 1}
	if !reflect.DeepEqual(fx, Effects{want}) {
		t.Fatalf("%#v", fx)
	}
	if ch, ok := s.LiveActiveChannel(); !ok || ch != "ch1" || !s.OwnsLiveChannel("ch1") {
		t.Fatal("binding")
	}
	// Session already active wins over channel already bound (arm 2 before arm 3).
	fx = mustApply(t, &s, open(testSession, "ch1"))
	if got := fx[0].(LiveOpenAdmissionResolved); got.Admitted || !got.Rejection.Is(OpenAlreadyBound) || got.Sequence != 2 || got.BoundLlmIdentity.Present() {
		t.Fatalf("%+v", got)
	}
	fx = mustApply(t, &s, open("s2", "ch1"))
	if got := fx[0].(LiveOpenAdmissionResolved); !got.Rejection.Is(OpenChannelAlreadyBound) || got.Sequence != 3 {
		t.Fatalf("%+v", got)
	}
	for _, in := range []ResolveLiveOpenAdmission{open("", "ch2"), open("s3", "")} {
		if _, err := applyChecked(t, &s, in); KindOf(err) != KindRejected {
			t.Fatalf("empty ids: %v", err)
		}
	}
	if s.LiveOpenAdmissionSequence != 3 {
		t.Fatal("a guard rejection must not count")
	}
	// spec §8.2: abandon unbinds and shares the counter.
	fx = mustApply(t, &s, AbandonLiveOpenAdmission{SessionID: testSession, ChannelID: "ch1"})
	if got := fx[0].(LiveOpenAdmissionAbandoned); got.Sequence != 4 || s.OwnsLiveChannel("ch1") || s.LiveChannelBoundIdentity("ch1").Present() {
		t.Fatalf("%+v", got)
	}
	if _, err := applyChecked(t, &s, AbandonLiveOpenAdmission{SessionID: testSession, ChannelID: "ch1"}); KindOf(err) != KindRejected {
		t.Fatal("abandon of an unbound channel")
	}
	s = stateIn(t, PhaseDestroyed)
	if _, err := s.Apply(open(testSession, "ch1")); KindOf(err) != KindDestroyed {
		t.Fatal("live inputs are rejected in Destroyed")
	}
}

// Our joining rules: TopologyReconfiguring while the topology is not Idle, and the
// machine's current identity is what a channel binds.
func TestLiveOpenJoinsTopology(t *testing.T) {
	s := stateIn(t, PhaseAttached)
	mustApply(t, &s, BeginRealtimeBinding{})
	mustApply(t, &s, BeginLiveTopologyReconfigure{AuthorityEpoch: 1})
	fx := mustApply(t, &s, open(testSession, "ch1"))
	if got := fx[0].(LiveOpenAdmissionResolved); got.Admitted || !got.Rejection.Is(OpenTopologyReconfiguring) || got.Sequence != 1 {
		t.Fatalf("%+v", got)
	}
	mustApply(t, &s, AbortLiveTopologyBeforeDetach{})
	current := SessionLlmIdentity{Model: "gpt-4o-mini-text", Provider: ProviderOpenAI}
	s.CurrentSessionLlmIdentity = Some(current)
	fx = mustApply(t, &s, open(testSession, "ch1"))
	if got := fx[0].(LiveOpenAdmissionResolved); !got.Admitted || got.BoundLlmIdentity.Get() != current || !s.LiveChannelBoundIdentity("ch1").Is(current) {
		t.Fatalf("the current identity must be bound: %+v", got)
	}
}

// spec §8.3: Record* results with per-family counters and strictly advancing evidence.
func TestLiveRecords(t *testing.T) {
	s := stateIn(t, PhaseRunning)
	mustApply(t, &s, open(testSession, "ch1"))

	fx := mustApply(t, &s, RecordLiveRefreshQueued{ChannelID: "ch1", QueueAcceptanceSequence: 4})
	if !reflect.DeepEqual(fx, Effects{LiveRefreshResultResolved{ChannelID: "ch1", Status: RefreshQueued, Sequence: 1, QueueAcceptanceSequence: 4}}) {
		t.Fatal(fx)
	}
	for _, seq := range []uint64{4, 3, 0} {
		if _, err := applyChecked(t, &s, RecordLiveRefreshQueued{ChannelID: "ch1", QueueAcceptanceSequence: seq}); KindOf(err) != KindRejected {
			t.Fatalf("refresh evidence %d replayed: %v", seq, err)
		}
	}
	// One acceptance counter per channel shared by all command kinds.
	mustApply(t, &s, RecordLiveCommandAccepted{ChannelID: "ch1", Command: CommandSendInput, CommandAcceptanceSequence: 1})
	if _, err := applyChecked(t, &s, RecordLiveCommandAccepted{ChannelID: "ch1", Command: CommandInterrupt, CommandAcceptanceSequence: 1}); KindOf(err) != KindRejected {
		t.Fatal("replayed acceptance across kinds")
	}
	fx = mustApply(t, &s, RecordLiveCommandAccepted{ChannelID: "ch1", Command: CommandTruncateAssistantOutput, CommandAcceptanceSequence: 2})
	if got := fx[0].(LiveCommandResultResolved); got.Sequence != 2 || got.Command != CommandTruncateAssistantOutput {
		t.Fatalf("%+v", got)
	}

	fx = mustApply(t, &s, RecordLiveWebrtcAnswerAccepted{SessionID: testSession, ChannelID: "ch1", AnswerObservationSequence: 1})
	if got := fx[0].(LiveWebrtcAnswerResultResolved); !got.Answered || got.Status != AnswerAnswered || got.Sequence != 1 {
		t.Fatalf("%+v", got)
	}
	if _, err := applyChecked(t, &s, RecordLiveWebrtcAnswerAccepted{SessionID: "s2", ChannelID: "ch1", AnswerObservationSequence: 2}); KindOf(err) != KindRejected {
		t.Fatal("answer for another session")
	}

	// spec §8.3 status: degradation consistency.
	status := []struct {
		in RecordLiveChannelStatus
		ok bool
	}{
		{RecordLiveChannelStatus{ChannelID: "ch1", Status: LiveStatusReady, StatusObservationSequence: 1}, true},
		{RecordLiveChannelStatus{ChannelID: "ch1", Status: LiveStatusDegraded, StatusObservationSequence: 2}, false},
		{RecordLiveChannelStatus{ChannelID: "ch1", Status: LiveStatusDegraded, StatusObservationSequence: 2, DegradationReason: Some(DegradationRateLimited)}, true},
		{RecordLiveChannelStatus{ChannelID: "ch1", Status: LiveStatusReady, StatusObservationSequence: 3, DegradationDetail: Some("x")}, false},
		{RecordLiveChannelStatus{ChannelID: "ch1", Status: LiveStatusDegraded, StatusObservationSequence: 3, DegradationReason: Some(DegradationOther), DegradationDetail: Some("jitter")}, true},
		{RecordLiveChannelStatus{ChannelID: "ch1", Status: LiveStatusReady, StatusObservationSequence: 3}, false},
	}
	for i, tt := range status {
		_, err := applyChecked(t, &s, tt.in)
		if (err == nil) != tt.ok {
			t.Fatalf("status %d: %v", i, err)
		}
	}
	if s.LiveChannelStatusResultSequence != 3 {
		t.Fatal(s.LiveChannelStatusResultSequence)
	}

	// Close unbinds, keeps the close history (status stays routable) and is permissive
	// for an already unbound channel.
	fx = mustApply(t, &s, RecordLiveCloseClosed{SessionID: testSession, ChannelID: "ch1", CloseObservationSequence: 1})
	if got := fx[0].(LiveCloseResultResolved); got.Sequence != 1 || got.Status != CloseClosed || s.OwnsLiveChannel("ch1") || !s.OwnsLiveStatusChannel("ch1") {
		t.Fatalf("%+v", got)
	}
	if _, err := applyChecked(t, &s, RecordLiveCloseClosed{SessionID: testSession, ChannelID: "ch1", CloseObservationSequence: 1}); KindOf(err) != KindRejected {
		t.Fatal("replayed close sequence")
	}
	mustApply(t, &s, RecordLiveCloseClosed{SessionID: testSession, ChannelID: "ch1", CloseObservationSequence: 2})
	v, ok := s.LiveChannel("ch1")
	if !ok || v.Active || !v.CloseStatus.Is(CloseClosed) || !v.Status.Is(LiveStatusDegraded) {
		t.Fatalf("%+v", v)
	}
	if _, ok := s.LiveChannel("nope"); ok {
		t.Fatal("unknown channel")
	}
	// Close of a channel bound to another session is refused.
	mustApply(t, &s, open("s2", "ch2"))
	if _, err := applyChecked(t, &s, RecordLiveCloseClosed{SessionID: testSession, ChannelID: "ch2", CloseObservationSequence: 1}); KindOf(err) != KindRejected {
		t.Fatal("close for the wrong session")
	}
}

// spec §8.4: rejection classification and public error classes.
func TestLiveRejectionClasses(t *testing.T) {
	commands := map[LiveCommandRejectionReason]LiveCommandRejectionPublicErrorClass{
		CommandRejectionChannelNotFound: CommandClassInvalidParams, CommandRejectionNoAdapter: CommandClassInvalidParams,
		CommandRejectionChannelNotReady: CommandClassInternalError, CommandRejectionUnsupportedCommand: CommandClassInternalError,
		CommandRejectionAdapterError: CommandClassInternalError, CommandRejectionInternalHostError: CommandClassInternalError,
	}
	s := stateIn(t, PhaseRetired)
	seq := uint64(0)
	for reason, class := range commands {
		seq++
		fx := mustApply(t, &s, RecordLiveCommandRejected{ChannelID: "ch", Command: CommandCommitInput, Rejection: reason})
		if got := fx[0].(LiveCommandRejectionResolved); got.PublicErrorClass != class || got.Sequence != seq {
			t.Fatalf("%s: %+v", reason, got)
		}
	}
	requests := map[LiveChannelRequestRejectionReason]LiveChannelRequestRejectionPublicErrorClass{
		RequestRejectionChannelNotFound: RequestClassInvalidParams, RequestRejectionNoAdapter: RequestClassInvalidParams,
		RequestRejectionInvalidToken: RequestClassInvalidParams, RequestRejectionInvalidPayload: RequestClassInvalidParams,
		RequestRejectionWebrtcAnswerError: RequestClassInvalidParams, RequestRejectionInternalHostError: RequestClassInternalError,
	}
	for reason, class := range requests {
		fx := mustApply(t, &s, RecordLiveChannelRequestRejected{ChannelID: "ch", Request: RequestStatus, Rejection: reason})
		if got := fx[0].(LiveChannelRequestRejectionResolved); got.PublicErrorClass != class {
			t.Fatalf("%s: %+v", reason, got)
		}
	}
	if _, err := applyChecked(t, &s, RecordLiveCommandRejected{Command: CommandInterrupt, Rejection: CommandRejectionNoAdapter}); KindOf(err) != KindRejected {
		t.Fatal("empty channel id")
	}
}

// tokenState is a session with channel ch1 bound and a token of each family issued at
// t=1000 with ttl 60 000.
func tokenState(t *testing.T) State {
	t.Helper()
	s := stateIn(t, PhaseAttached)
	mustApply(t, &s, open(testSession, "ch1"))
	fx := mustApply(t, &s, RecordLiveWebrtcTokenIssued{SessionID: testSession, ChannelID: "ch1", Token: "rtc-1", IssuedAtMs: 1000, TTLMs: 60_000})
	if got := fx[0].(LiveWebrtcTokenIssued); got.ExpiresAtMs != 61_000 || got.Sequence != 1 || got.Token != "rtc-1" {
		t.Fatalf("%+v", got)
	}
	mustApply(t, &s, RecordLiveWebsocketTokenIssued{SessionID: testSession, ChannelID: "ch1", Token: "ws-1", IssuedAtMs: 1000, TTLMs: 60_000})
	return s
}

// spec §8.5: issue guards.
func TestLiveTokenIssue(t *testing.T) {
	s := tokenState(t)
	bad := []RecordLiveWebsocketTokenIssued{
		{SessionID: testSession, ChannelID: "ch1", Token: "ws-1", IssuedAtMs: 2, TTLMs: 1},
		{SessionID: testSession, ChannelID: "ch1", Token: "", IssuedAtMs: 2, TTLMs: 1},
		{SessionID: testSession, ChannelID: "ch1", Token: "ws-2", IssuedAtMs: 0, TTLMs: 1},
		{SessionID: testSession, ChannelID: "ch1", Token: "ws-2", IssuedAtMs: 2, TTLMs: 0},
		{SessionID: "s2", ChannelID: "ch1", Token: "ws-2", IssuedAtMs: 2, TTLMs: 1},
		{SessionID: testSession, ChannelID: "ch9", Token: "ws-2", IssuedAtMs: 2, TTLMs: 1},
	}
	for i, in := range bad {
		if _, err := applyChecked(t, &s, in); KindOf(err) != KindRejected {
			t.Fatalf("%d: %v", i, err)
		}
	}
	// The families are separate: the WebSocket token is unknown to WebRTC.
	if !s.IssuedLiveToken("ws-1", false) || s.IssuedLiveToken("ws-1", true) || !s.IssuedLiveToken("rtc-1", true) {
		t.Fatal("families")
	}
	mustApply(t, &s, RecordLiveWebrtcTokenIssued{SessionID: testSession, ChannelID: "ch1", Token: "ws-1", IssuedAtMs: 1, TTLMs: 1})
	// The raw token never appears in the state's JSON.
	if b := snapshot(t, &s); strings.Contains(string(b), "rtc-1") || strings.Contains(string(b), `"ws-1"`) {
		t.Fatalf("raw token in state: %s", b)
	}
}

// spec §8.6: the ordered admission arms, with consumption facts.
func TestLiveTokenAdmission(t *testing.T) {
	type step struct {
		session, channel, token string
		at                      uint64
		want                    LiveWebsocketTokenAdmissionRejection // 0: admitted
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"single use", []step{{testSession, "ch1", "ws-1", 5000, 0}, {testSession, "ch1", "ws-1", 5001, WebsocketTokenAlreadyConsumed}}},
		{"expiry is inclusive", []step{{testSession, "ch1", "ws-1", 61_000, 0}}},
		{"expired burns", []step{{testSession, "ch1", "ws-1", 61_001, WebsocketTokenExpired}, {testSession, "ch1", "ws-1", 2000, WebsocketTokenAlreadyConsumed}}},
		{"mismatch burns", []step{{"s2", "ch2", "ws-1", 2000, WebsocketTokenChannelMismatch}, {testSession, "ch1", "ws-1", 2000, WebsocketTokenAlreadyConsumed}}},
		{"unknown token, bound", []step{{testSession, "ch1", "nope", 2000, WebsocketTokenNotFound}}},
		{"empty token, bound", []step{{testSession, "ch1", "", 2000, WebsocketTokenNotFound}}},
		{"unbound channel", []step{{testSession, "ch9", "nope", 2000, WebsocketChannelNotBound}}},
		{"unbound, websocket needs no session", []step{{"", "ch1", "", 2000, WebsocketChannelNotBound}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tokenState(t)
			for i, st := range tt.steps {
				fx := mustApply(t, &s, ResolveLiveWebsocketTokenAdmission{SessionID: st.session, ChannelID: st.channel, Token: st.token, ObservedAtMs: st.at})
				got := fx[0].(LiveWebsocketTokenAdmissionResolved)
				if got.Admitted != (st.want == 0) || got.Rejection.Get() != st.want || got.Sequence != uint64(i+1) {
					t.Fatalf("step %d: %+v", i, got)
				}
				if st.want != 0 && !got.PublicErrorClass.Is(WebsocketClassInvalidToken) {
					t.Fatalf("class: %+v", got)
				}
			}
		})
	}
	s := tokenState(t)
	for _, in := range []ResolveLiveWebsocketTokenAdmission{
		{SessionID: testSession, ChannelID: "", Token: "ws-1", ObservedAtMs: 1},
		{SessionID: testSession, ChannelID: "ch1", Token: "ws-1", ObservedAtMs: 0},
		{SessionID: "", ChannelID: "ch2", Token: "ws-1", ObservedAtMs: 99_999},
	} {
		if _, err := applyChecked(t, &s, in); KindOf(err) != KindRejected {
			t.Fatalf("%+v: %v", in, err)
		}
	}
}

// spec §8.6: the WebRTC twin differs in its class and needs a session for ChannelNotBound.
func TestLiveWebrtcAdmission(t *testing.T) {
	s := tokenState(t)
	fx := mustApply(t, &s, ResolveLiveWebrtcAnswerAdmission{SessionID: testSession, ChannelID: "ch1", Token: "rtc-1", ObservedAtMs: 2000})
	if got := fx[0].(LiveWebrtcAnswerAdmissionResolved); !got.Admitted || got.Sequence != 1 {
		t.Fatalf("%+v", got)
	}
	fx = mustApply(t, &s, ResolveLiveWebrtcAnswerAdmission{SessionID: testSession, ChannelID: "ch9", Token: "x", ObservedAtMs: 2000})
	if got := fx[0].(LiveWebrtcAnswerAdmissionResolved); !got.Rejection.Is(WebrtcChannelNotBound) || !got.PublicErrorClass.Is(RequestClassInvalidParams) {
		t.Fatalf("%+v", got)
	}
	if _, err := applyChecked(t, &s, ResolveLiveWebrtcAnswerAdmission{ChannelID: "ch9", Token: "x", ObservedAtMs: 2000}); KindOf(err) != KindRejected {
		t.Fatal("WebRTC ChannelNotBound needs a session id")
	}
	var r *Rejection
	_, err := s.Apply(ResolveLiveWebrtcAnswerAdmission{SessionID: testSession, ChannelID: "ch1", Token: "rtc-1", ObservedAtMs: 0})
	if !errors.As(err, &r) || r.Input != "ResolveLiveWebrtcAnswerAdmission" || !strings.HasPrefix(r.Rule, "ResolveLiveWebrtcAnswerAdmission") {
		t.Fatalf("rejection names the concrete input: %#v", err)
	}
}

// spec §8.7: the unbound authority's counters are shared by every unbound call.
func TestUnboundAuthority(t *testing.T) {
	u := NewUnboundAuthority()
	for i := 1; i <= 3; i++ {
		fx := mustApply(t, &u, UnboundCommand("live:gone:"+strings.Repeat("0", 32), CommandSendInput))
		if got := fx[0].(LiveCommandRejectionResolved); got.Sequence != uint64(i) || got.PublicErrorClass != CommandClassInvalidParams {
			t.Fatalf("%+v", got)
		}
	}
	fx := mustApply(t, &u, UnboundChannelRequest("ch", RequestClose))
	if got := fx[0].(LiveChannelRequestRejectionResolved); got.Sequence != 1 || got.Rejection != RequestRejectionChannelNotFound {
		t.Fatalf("%+v", got)
	}
	fx = mustApply(t, &u, UnboundWebsocketAdmission("ch", "tok", 5))
	if got := fx[0].(LiveWebsocketTokenAdmissionResolved); !got.Rejection.Is(WebsocketChannelNotBound) || got.Sequence != 1 {
		t.Fatalf("%+v", got)
	}
	if _, err := u.Apply(UnboundWebsocketAdmission("ch", "tok", 0)); KindOf(err) != KindRejected {
		t.Fatal("observed_at_ms = 0 is GR")
	}
}

func TestIdentifiers(t *testing.T) {
	var r16 [16]byte
	var r32 [32]byte
	for i := range r32 {
		r32[i] = byte(i)
	}
	r16[0] = 0xab
	for _, session := range []string{"s1", "team:alpha:42", "a.b/c d", "ünïcode"} {
		ch := NewChannelID(session, r16)
		if got, err := ParseChannelID(ch); err != nil || got != session {
			t.Fatalf("%q: %q %v", ch, got, err)
		}
		tok := NewLiveToken(session, r32)
		if got, err := ParseLiveToken(tok); err != nil || got != session {
			t.Fatalf("%q: %q %v", tok, got, err)
		}
		for _, c := range tok {
			if !strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~", c) {
				t.Fatalf("token %q is not URL-safe", tok)
			}
		}
		if got := LiveRouteCandidates(tok, ch); !reflect.DeepEqual(got, []string{session}) {
			t.Fatalf("candidates %v", got)
		}
	}
	if got := LiveRouteCandidates(NewLiveToken("a", r32), NewChannelID("b", r16)); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Fatal(got)
	}
	if got := LiveRouteCandidates("junk", "junk"); len(got) != 0 {
		t.Fatal(got)
	}
	for _, bad := range []string{"", "ch1", "live::" + strings.Repeat("a", 32), "live:s:abc", "live:s:" + strings.Repeat("G", 32), "live:s:" + strings.Repeat("A", 32)} {
		if _, err := ParseChannelID(bad); !errors.Is(err, ErrMalformedID) {
			t.Errorf("channel %q: %v", bad, err)
		}
	}
	for _, bad := range []string{"", "mkt1.", "mkt1.czE", "mkt1.czE.short", "mkt1.!!.AAAAAAAAAAAAAAAAAAAAAA", "tok"} {
		if _, err := ParseLiveToken(bad); !errors.Is(err, ErrMalformedID) {
			t.Errorf("token %q: %v", bad, err)
		}
	}
	if TokenDigest("x") == TokenDigest("y") || len(TokenDigest("x")) != 64 {
		t.Fatal("digest")
	}
	d := digestToken("x")
	var back LiveTokenDigest
	if b, _ := d.MarshalText(); back.UnmarshalText(b) != nil || !back.Equal(d) {
		t.Fatal("digest text round trip")
	}
	if back.UnmarshalText([]byte("abc")) == nil {
		t.Fatal("short digest accepted")
	}
}

func FuzzParseIdentifiers(f *testing.F) {
	f.Add("live:s1:0123456789abcdef0123456789abcdef")
	f.Add(NewLiveToken("s1", [32]byte{1}))
	f.Fuzz(func(t *testing.T, id string) {
		if s, err := ParseChannelID(id); err == nil && NewChannelID(s, [16]byte{}) == "" {
			t.Fatal("unreachable")
		}
		_, _ = ParseLiveToken(id)
		_ = LiveRouteCandidates(id, id)
	})
}

// liveBenchStates returns a small session with channel ch1 bound and tokens issued, and
// the same session in a state that also holds 100,000 other channels and tokens.
func liveBenchStates(b *testing.B) map[string]*State {
	build := func(extra int) *State {
		s := stateIn(b, PhaseAttached)
		for i := range extra {
			id := "s-" + strconv.Itoa(i)
			ch := "c-" + strconv.Itoa(i)
			for _, in := range []Input{open(id, ch), RecordLiveWebsocketTokenIssued{SessionID: id, ChannelID: ch, Token: "t-" + id, IssuedAtMs: 1, TTLMs: 1 << 40}} {
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
	return map[string]*State{"small": build(0), "100k": build(100_000)}
}

// boxed pre-builds n inputs so the benchmark loop measures Apply, not boxing the input.
func boxed(n int, build func(i int) Input) []Input {
	out := make([]Input, n)
	for i := range out {
		out[i] = build(i)
	}
	return out
}

func BenchmarkLive(b *testing.B) {
	states := liveBenchStates(b)
	for _, size := range []string{"small", "100k"} {
		s := states[size]
		run := func(name string, inputs func(n int) []Input) {
			b.Run(name+"/"+size, func(b *testing.B) {
				in := inputs(b.N)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if _, err := s.Apply(in[i]); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		run("ResolveLiveOpenAdmission", func(n int) []Input {
			return boxed(n, func(int) Input { return open(testSession, "ch1") })
		})
		run("RecordLiveCommandAccepted", func(n int) []Input {
			first := s.LiveChannelEvidence["ch1"].CommandAcceptanceSequence.Get()
			return boxed(n, func(i int) Input {
				return RecordLiveCommandAccepted{ChannelID: "ch1", Command: CommandSendInput, CommandAcceptanceSequence: first + uint64(i) + 1}
			})
		})
		run("RecordLiveChannelStatus", func(n int) []Input {
			first := s.LiveChannelEvidence["ch1"].StatusObservationSequence.Get()
			return boxed(n, func(i int) Input {
				return RecordLiveChannelStatus{ChannelID: "ch1", Status: LiveStatusReady, StatusObservationSequence: first + uint64(i) + 1}
			})
		})
		run("RecordLiveWebsocketTokenIssued", func(n int) []Input {
			prefix := "bench/" + size + "/" + strconv.Itoa(len(s.LiveWebsocketTokens)) + "/"
			return boxed(n, func(i int) Input {
				return RecordLiveWebsocketTokenIssued{SessionID: testSession, ChannelID: "ch1", Token: prefix + strconv.Itoa(i), IssuedAtMs: 1, TTLMs: 1 << 40}
			})
		})
		run("ResolveLiveWebsocketTokenAdmission", func(n int) []Input {
			return boxed(n, func(i int) Input {
				return ResolveLiveWebsocketTokenAdmission{SessionID: testSession, ChannelID: "ch1", Token: "never-issued", ObservedAtMs: 2}
			})
		})
	}
}
