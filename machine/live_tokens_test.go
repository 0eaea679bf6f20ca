package machine

import (
	"reflect"
	"strings"
	"testing"
)

var (
	wsToken  = NewLiveToken(testSession, [32]byte{1, 2, 3})
	rtcToken = NewLiveToken(testSession, [32]byte{4, 5, 6})
	s2Token  = NewLiveToken("s2", [32]byte{7, 8, 9})
)

// tokenState is a session s1 with channel ch1 bound and a second session s2 with ch2
// bound (v0.7.1 does not tie bindings to the machine's own session), with tokens issued
// at t=1000 with ttl 60 000 (expiry 61 000): wsToken and rtcToken for ch1 in their
// families, s2Token for ch2 in both families.
func tokenState(t *testing.T) State {
	t.Helper()
	s := stateIn(t, PhaseAttached)
	mustApply(t, &s, open(testSession, "ch1"))
	mustApply(t, &s, open("s2", "ch2"))
	fx := mustApply(t, &s, RecordLiveWebrtcTokenIssued{SessionID: testSession, ChannelID: "ch1", Token: rtcToken, IssuedAtMs: 1000, TTLMs: 60_000})
	if want := (LiveWebrtcTokenIssued{SessionID: testSession, ChannelID: "ch1", Token: rtcToken, ExpiresAtMs: 61_000, Sequence: 1}); !reflect.DeepEqual(fx, Effects{want}) {
		t.Fatalf("%v", fx)
	}
	fx = mustApply(t, &s, RecordLiveWebsocketTokenIssued{SessionID: testSession, ChannelID: "ch1", Token: wsToken, IssuedAtMs: 1000, TTLMs: 60_000})
	if want := (LiveWebsocketTokenIssued{SessionID: testSession, ChannelID: "ch1", Token: wsToken, ExpiresAtMs: 61_000, Sequence: 1}); !reflect.DeepEqual(fx, Effects{want}) {
		t.Fatalf("%v", fx)
	}
	mustApply(t, &s, RecordLiveWebrtcTokenIssued{SessionID: "s2", ChannelID: "ch2", Token: s2Token, IssuedAtMs: 1000, TTLMs: 60_000})
	mustApply(t, &s, RecordLiveWebsocketTokenIssued{SessionID: "s2", ChannelID: "ch2", Token: s2Token, IssuedAtMs: 1000, TTLMs: 60_000})
	return s
}

// spec §8.5: issue guards, per-family uniqueness, digests instead of raw tokens.
func TestLiveTokenIssue(t *testing.T) {
	for _, webrtc := range []bool{false, true} {
		s := tokenState(t)
		issue := func(session, channel, token string, at, ttl uint64) Input {
			if webrtc {
				return RecordLiveWebrtcTokenIssued{SessionID: session, ChannelID: channel, Token: token, IssuedAtMs: at, TTLMs: ttl}
			}
			return RecordLiveWebsocketTokenIssued{SessionID: session, ChannelID: channel, Token: token, IssuedAtMs: at, TTLMs: ttl}
		}
		own := rtcToken
		if !webrtc {
			own = wsToken
		}
		bad := []Input{
			issue(testSession, "ch1", own, 2, 1),     // token_not_issued
			issue(testSession, "ch1", s2Token, 2, 1), // issued for another channel: still not reusable
			issue(testSession, "ch1", "", 2, 1),
			issue("", "ch1", "t-new", 2, 1),
			issue(testSession, "", "t-new", 2, 1),
			issue(testSession, "ch1", "t-new", 0, 1),
			issue(testSession, "ch1", "t-new", 2, 0),
			issue(testSession, "ch1", "t-new", 1<<63, 1<<63), // expiry would wrap
			issue("s2", "ch1", "t-new", 2, 1),                // binding both ways
			issue(testSession, "ch2", "t-new", 2, 1),
			issue(testSession, "ch9", "t-new", 2, 1),
		}
		for i, in := range bad {
			if _, err := applyChecked(t, &s, in); KindOf(err) != KindRejected {
				t.Fatalf("webrtc=%v case %d: %v", webrtc, i, err)
			}
		}
		// The families are separate: each family's own token can be issued in the other.
		other := wsToken
		if !webrtc {
			other = rtcToken
		}
		if s.IssuedLiveToken(other, webrtc) || !s.IssuedLiveToken(own, webrtc) {
			t.Fatal("families share a map")
		}
		fx := mustApply(t, &s, issue(testSession, "ch1", other, 5, 10))
		seq, expires := effectSeqExpiry(fx[0])
		if seq != 3 || expires != 15 {
			t.Fatalf("webrtc=%v: %v", webrtc, fx)
		}
		// A consumed token is never issued again (spec §8.5 token_not_issued covers the
		// consumed set).
		if webrtc {
			mustApply(t, &s, ResolveLiveWebrtcAnswerAdmission{SessionID: testSession, ChannelID: "ch1", Token: other, ObservedAtMs: 6})
		} else {
			mustApply(t, &s, ResolveLiveWebsocketTokenAdmission{SessionID: testSession, ChannelID: "ch1", Token: other, ObservedAtMs: 6})
		}
		if _, err := applyChecked(t, &s, issue(testSession, "ch1", other, 7, 10)); KindOf(err) != KindRejected {
			t.Fatal("consumed token re-issued")
		}
	}
	s := tokenState(t)
	if !s.IssuedWebsocketToken(wsToken) || s.IssuedWebrtcToken(wsToken) || !s.IssuedWebrtcToken(rtcToken) || s.IssuedWebsocketToken(rtcToken) || s.IssuedWebsocketToken("") {
		t.Fatal("per-family projections")
	}
	if b := snapshot(t, &s); strings.Contains(string(b), wsToken) || strings.Contains(string(b), rtcToken) || strings.Contains(string(b), s2Token) {
		t.Fatalf("raw token in state: %s", b)
	}
}

func effectSeqExpiry(e Effect) (uint64, uint64) {
	switch e := e.(type) {
	case LiveWebrtcTokenIssued:
		return e.Sequence, e.ExpiresAtMs
	case LiveWebsocketTokenIssued:
		return e.Sequence, e.ExpiresAtMs
	}
	return 0, 0
}

// admission is a family-neutral view of an admission outcome.
type admission struct {
	admitted  bool
	rejection tokenRejection
	seq       uint64
}

func admit(t *testing.T, s *State, webrtc bool, session, channel, token string, at uint64) (admission, error) {
	t.Helper()
	if webrtc {
		fx, err := applyChecked(t, s, ResolveLiveWebrtcAnswerAdmission{SessionID: session, ChannelID: channel, Token: token, ObservedAtMs: at})
		if err != nil {
			return admission{}, err
		}
		e := fx[0].(LiveWebrtcAnswerAdmissionResolved)
		if e.SessionID != session || e.ChannelID != channel || e.Token != token {
			t.Fatalf("echo: %+v", e)
		}
		// spec §8.6: every WebRTC rejection is InvalidParams; an admission has no class.
		if e.Admitted == e.PublicErrorClass.Present() || (!e.Admitted && !e.PublicErrorClass.Is(RequestClassInvalidParams)) || e.Admitted == e.Rejection.Present() {
			t.Fatalf("class: %+v", e)
		}
		return admission{e.Admitted, tokenRejection(e.Rejection.Get()), e.Sequence}, nil
	}
	fx, err := applyChecked(t, s, ResolveLiveWebsocketTokenAdmission{SessionID: session, ChannelID: channel, Token: token, ObservedAtMs: at})
	if err != nil {
		return admission{}, err
	}
	e := fx[0].(LiveWebsocketTokenAdmissionResolved)
	if e.SessionID != session || e.ChannelID != channel || e.Token != token {
		t.Fatalf("echo: %+v", e)
	}
	// spec §8.6: every WebSocket rejection is InvalidToken.
	if e.Admitted == e.PublicErrorClass.Present() || (!e.Admitted && !e.PublicErrorClass.Is(WebsocketClassInvalidToken)) || e.Admitted == e.Rejection.Present() {
		t.Fatalf("class: %+v", e)
	}
	return admission{e.Admitted, tokenRejection(e.Rejection.Get()), e.Sequence}, nil
}

// spec §8.6: the ordered admission arms, with consumption facts, for both families.
func TestLiveTokenAdmission(t *testing.T) {
	const gr = tokenRejection(255) // guard rejection: no outcome
	type step struct {
		session, channel, token string
		at                      uint64
		ws, rtc                 tokenRejection // tokenAccepted, an arm, or gr
	}
	tok := func(webrtc bool) string { // the family's token for ch1
		if webrtc {
			return rtcToken
		}
		return wsToken
	}
	const own = "<own>"
	tests := []struct {
		name     string
		steps    []step
		consumed bool // the family's ch1 token is consumed at the end
	}{
		{"accepted, then single use", []step{
			{testSession, "ch1", own, 2000, tokenAccepted, tokenAccepted},
			{testSession, "ch1", own, 2001, tokenAlreadyConsumed, tokenAlreadyConsumed},
			{"s9", "ch1", own, 2001, tokenAlreadyConsumed, tokenAlreadyConsumed}, // binding irrelevant
			{"", "ch1", own, 2001, gr, gr},                                       // pending rejection needs a session
		}, true},
		{"expiry is inclusive", []step{{testSession, "ch1", own, 61_000, tokenAccepted, tokenAccepted}}, true},
		{"expired burns the token", []step{
			{testSession, "ch1", own, 61_001, tokenExpired, tokenExpired},
			{testSession, "ch1", own, 2000, tokenAlreadyConsumed, tokenAlreadyConsumed},
		}, true},
		{"expired with a broken binding still burns", []step{{"s9", "ch1", own, 70_000, tokenExpired, tokenExpired}}, true},
		{"wrong channel, unbound pairing, burns", []step{
			{testSession, "ch2", own, 2000, tokenChannelMismatch, tokenChannelMismatch},
			{testSession, "ch1", own, 2000, tokenAlreadyConsumed, tokenAlreadyConsumed},
		}, true},
		{"wrong channel, bound pairing, burns", []step{{"s2", "ch2", own, 2000, tokenChannelMismatch, tokenChannelMismatch}}, true},
		{"unknown token on a bound channel", []step{{testSession, "ch1", "nope", 2000, tokenNotFound, tokenNotFound}}, false},
		{"empty token on a bound channel", []step{{testSession, "ch1", "", 2000, tokenNotFound, tokenNotFound}}, false},
		{"token of the other family is unknown", []step{{testSession, "ch1", "<other>", 2000, tokenNotFound, tokenNotFound}}, false},
		{"unbound channel, unknown token", []step{{testSession, "ch9", "nope", 2000, tokenChannelNotBound, tokenChannelNotBound}}, false},
		{"unbound channel, empty token", []step{{testSession, "ch9", "", 2000, tokenChannelNotBound, tokenChannelNotBound}}, false},
		{"broken pairing, valid token: not consumed", []step{
			{"s9", "ch1", own, 2000, tokenChannelNotBound, tokenChannelNotBound},
			{testSession, "ch1", own, 2000, tokenAccepted, tokenAccepted},
		}, true},
		// WebSocket's ChannelNotBound needs no session id; WebRTC's does.
		{"no session, no token", []step{{"", "ch1", "", 2000, tokenChannelNotBound, gr}}, false},
		{"no session, valid token", []step{{"", "ch1", own, 2000, tokenChannelNotBound, gr}}, false},
		{"no session, wrong channel", []step{{"", "ch2", own, 2000, gr, gr}}, false},
		{"no session, expired", []step{{"", "ch1", own, 99_999, gr, gr}}, false},
		{"empty channel", []step{{testSession, "", own, 2000, gr, gr}}, false},
		{"observed_at_ms = 0", []step{{testSession, "ch1", own, 0, gr, gr}}, false},
	}
	for _, webrtc := range []bool{false, true} {
		for _, tt := range tests {
			t.Run(map[bool]string{false: "websocket/", true: "webrtc/"}[webrtc]+tt.name, func(t *testing.T) {
				s := tokenState(t)
				seq := uint64(0)
				for i, st := range tt.steps {
					token := st.token
					switch token {
					case own:
						token = tok(webrtc)
					case "<other>":
						token = tok(!webrtc)
					}
					want := st.ws
					if webrtc {
						want = st.rtc
					}
					got, err := admit(t, &s, webrtc, st.session, st.channel, token, st.at)
					if want == gr {
						if KindOf(err) != KindRejected {
							t.Fatalf("step %d: want a guard rejection, got %+v %v", i, got, err)
						}
						continue
					}
					seq++
					if err != nil || got != (admission{want == tokenAccepted, want, seq}) {
						t.Fatalf("step %d: got %+v %v, want %v seq %d", i, got, err, want, seq)
					}
				}
				if c := (*familyOf(webrtc).tokens(&s))[digestToken(tok(webrtc))].Consumed; c != tt.consumed {
					t.Fatalf("consumed = %v", c)
				}
			})
		}
	}
}

func familyOf(webrtc bool) tokenFamily {
	if webrtc {
		return familyWebrtc
	}
	return familyWebsocket
}

// A token comes back the same whichever form the shell keeps: the workflow passes
// TokenDigest(token) as the token, consistently, and the machine keys by its digest.
func TestLiveTokenDigests(t *testing.T) {
	if TokenDigest("x") == TokenDigest("y") || len(TokenDigest("x")) != 64 || TokenDigest("x") != strings.ToLower(TokenDigest("x")) {
		t.Fatal("digest form")
	}
	// sha256("abc")
	if TokenDigest("abc") != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatal("digest value")
	}
	long := strings.Repeat("L", 2*maxStackToken)
	if TokenDigest(long) == TokenDigest(long[:maxStackToken]) || len(TokenDigest(long)) != 64 {
		t.Fatal("long tokens")
	}
	d := digestToken("x")
	var back LiveTokenDigest
	if b, _ := d.MarshalText(); back.UnmarshalText(b) != nil || !back.Equal(d) || back.Equal(digestToken("y")) {
		t.Fatal("digest text round trip")
	}
	if back.UnmarshalText([]byte("abc")) == nil || back.UnmarshalText([]byte(strings.Repeat("zz", 32))) == nil {
		t.Fatal("bad digest accepted")
	}
	s := stateIn(t, PhaseIdle)
	mustApply(t, &s, open(testSession, "ch1"))
	digest := TokenDigest(wsToken)
	mustApply(t, &s, RecordLiveWebsocketTokenIssued{SessionID: testSession, ChannelID: "ch1", Token: digest, IssuedAtMs: 1, TTLMs: 10})
	if !s.IssuedWebsocketToken(digest) || s.IssuedWebsocketToken(wsToken) {
		t.Fatal("the machine keys by what it is given")
	}
}
