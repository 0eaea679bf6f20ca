package machine

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestIdentifiers(t *testing.T) {
	var r16 [16]byte
	var r32 [32]byte
	for i := range r32 {
		r32[i] = byte(i * 37)
	}
	r16[0], r16[15] = 0xab, 0x01
	for _, session := range []string{"s1", "team:alpha:42", "a.b/c d", "ünïcode", strings.Repeat("x", 300)} {
		ch := NewChannelID(session, r16)
		if want := "live:" + session + ":ab" + strings.Repeat("0", 28) + "01"; ch != want {
			t.Fatalf("channel id %q, want %q", ch, want)
		}
		if got, err := ParseChannelID(ch); err != nil || got != session {
			t.Fatalf("%q: %q %v", ch, got, err)
		}
		tok := NewLiveToken(session, r32)
		if got, err := ParseLiveToken(tok); err != nil || got != session {
			t.Fatalf("%q: %q %v", tok, got, err)
		}
		if want := "mkt1." + base64.RawURLEncoding.EncodeToString([]byte(session)) + "." + base64.RawURLEncoding.EncodeToString(r32[:]); tok != want {
			t.Fatalf("token %q, want %q", tok, want)
		}
		// spec §8.5: WebSocket tokens are URL-safe [A-Za-z0-9-_.~]+.
		for _, c := range tok {
			if !strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~", c) {
				t.Fatalf("token %q is not URL-safe", tok)
			}
		}
		if got := LiveRouteCandidates(tok, ch); !reflect.DeepEqual(got, []string{session}) {
			t.Fatalf("candidates %v", got)
		}
	}
	// A token with exactly 16 random bytes is accepted (the minimum).
	min := "mkt1." + base64.RawURLEncoding.EncodeToString([]byte("s1")) + "." + base64.RawURLEncoding.EncodeToString(make([]byte, 16))
	if got, err := ParseLiveToken(min); err != nil || got != "s1" {
		t.Fatal(got, err)
	}
	if got := LiveRouteCandidates(NewLiveToken("a", r32), NewChannelID("b", r16)); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Fatal(got)
	}
	if got := LiveRouteCandidates("", NewChannelID("b", r16)); !reflect.DeepEqual(got, []string{"b"}) {
		t.Fatal(got)
	}
	if got := LiveRouteCandidates("junk", "junk"); len(got) != 0 {
		t.Fatal(got)
	}
}

func TestIdentifierErrors(t *testing.T) {
	hex32 := strings.Repeat("a", 32)
	channels := map[string]string{
		"":                                  "does not start with",
		"ch1":                               "does not start with",
		"live:" + hex32:                     "no ':'",
		"live::" + hex32:                    "empty session id",
		"live:s:abc":                        "has 3 characters",
		"live:s:" + strings.Repeat("G", 32): "found 'G'",
		"live:s:" + strings.Repeat("A", 32): "found 'A'",
		"live:s:" + hex32 + "0":             "has 33 characters",
	}
	for id, msg := range channels {
		_, err := ParseChannelID(id)
		if !errors.Is(err, ErrMalformedID) || !strings.Contains(err.Error(), msg) {
			t.Errorf("channel %q: %v (want %q)", id, err, msg)
		}
	}
	s1 := base64.RawURLEncoding.EncodeToString([]byte("s1"))
	rnd := base64.RawURLEncoding.EncodeToString(make([]byte, 32))
	tokens := map[string]string{
		"":                                  "does not start with",
		"tok":                               "does not start with",
		"mkt1.":                             "no '.'",
		"mkt1." + s1:                        "no '.'",
		"mkt1.." + rnd:                      "empty session part",
		"mkt1." + s1 + ".shor":              "needs at least 16",
		"mkt1." + s1 + "." + rnd + "=":      "outside [A-Za-z0-9-_.]",
		"mkt1." + s1 + "\n." + rnd:          "outside [A-Za-z0-9-_.]",
		"mkt1.!!." + rnd:                    "outside [A-Za-z0-9-_.]",
		"mkt1." + s1 + "." + rnd + ".x":     "random part is not unpadded base64url",
		"mkt1." + s1 + "." + rnd[:42] + "B": "random part is not unpadded base64url", // non-canonical trailing bits
		"mkt1.A." + rnd:                     "session part is not unpadded base64url",
	}
	for tok, msg := range tokens {
		_, err := ParseLiveToken(tok)
		if !errors.Is(err, ErrMalformedID) || !strings.Contains(err.Error(), msg) {
			t.Errorf("token %q: %v (want %q)", tok, err, msg)
		}
	}
	// Long identifiers are clipped in messages.
	_, err := ParseChannelID("nope" + strings.Repeat("x", 500))
	if err == nil || len(err.Error()) > 200 {
		t.Fatalf("%v", err)
	}
}

// spec §8.7 routing orders, over the identifiers' session prefixes.
func TestLiveRouting(t *testing.T) {
	tokA := NewLiveToken("A", [32]byte{1})
	chB := NewChannelID("B", [16]byte{2})
	type asked struct{ issued, active []string }
	tests := []struct {
		name           string
		token, channel string
		issued, active map[string]bool
		want           LiveRoute
		asked          asked
	}{
		{"token owner first", tokA, chB, map[string]bool{"A": true}, map[string]bool{"B": true},
			LiveRoute{LiveRouteTokenOwner, "A"}, asked{[]string{"A"}, nil}},
		{"then the channel owner", tokA, chB, map[string]bool{}, map[string]bool{"B": true},
			LiveRoute{LiveRouteChannelOwner, "B"}, asked{[]string{"A"}, []string{"B"}}},
		{"else unbound", tokA, chB, map[string]bool{}, map[string]bool{},
			LiveRoute{Kind: LiveRouteUnbound}, asked{[]string{"A"}, []string{"B"}}},
		{"malformed token skips to the channel", "garbage", chB, nil, map[string]bool{"B": true},
			LiveRoute{LiveRouteChannelOwner, "B"}, asked{nil, []string{"B"}}},
		{"no token", "", chB, nil, map[string]bool{"B": true},
			LiveRoute{LiveRouteChannelOwner, "B"}, asked{nil, []string{"B"}}},
		{"malformed channel", "", "ch1", nil, nil, LiveRoute{Kind: LiveRouteUnbound}, asked{}},
	}
	for _, tt := range tests {
		var got asked
		route := RouteLiveTokenRequest(tt.token, tt.channel,
			func(s string) bool { got.issued = append(got.issued, s); return tt.issued[s] },
			func(s string) bool { got.active = append(got.active, s); return tt.active[s] })
		if route != tt.want || !reflect.DeepEqual(got, tt.asked) {
			t.Errorf("%s: %+v asked %+v", tt.name, route, got)
		}
	}
	if r := RouteLiveTokenRequest(tokA, chB, nil, nil); r.Kind != LiveRouteUnbound || r.Kind.String() != "Unbound" {
		t.Fatal(r)
	}
	if r := RouteLiveChannelRequest(chB, func(s string) bool { return s == "B" }); r != (LiveRoute{LiveRouteChannelOwner, "B"}) || r.Kind.String() != "ChannelOwner" {
		t.Fatal(r)
	}
	if r := RouteLiveChannelRequest(chB, func(string) bool { return false }); r.Kind != LiveRouteUnbound {
		t.Fatal(r)
	}
	if r := RouteLiveChannelRequest(chB, nil); r.Kind != LiveRouteUnbound {
		t.Fatal(r)
	}
	if LiveRouteTokenOwner.String() != "TokenOwner" {
		t.Fatal()
	}

	// End to end over real machines: the routing questions are the State projections.
	machines := map[string]*State{}
	for _, id := range []string{"A", "B"} {
		s := stateIn(t, PhaseIdle)
		mustApply(t, &s, RegisterSession{SessionID: id})
		machines[id] = &s
	}
	chA := NewChannelID("A", [16]byte{3})
	mustApply(t, machines["A"], open("A", chA))
	mustApply(t, machines["A"], RecordLiveWebsocketTokenIssued{SessionID: "A", ChannelID: chA, Token: tokA, IssuedAtMs: 1, TTLMs: 10})
	issued := func(s string) bool { m := machines[s]; return m != nil && m.IssuedWebsocketToken(tokA) }
	if r := RouteLiveTokenRequest(tokA, chA, issued, func(s string) bool { m := machines[s]; return m != nil && m.OwnsLiveChannel(chA) }); r != (LiveRoute{LiveRouteTokenOwner, "A"}) {
		t.Fatal(r)
	}
	stray := NewLiveToken("B", [32]byte{9})
	issuedStray := func(s string) bool { m := machines[s]; return m != nil && m.IssuedWebsocketToken(stray) }
	ownsA := func(s string) bool { m := machines[s]; return m != nil && m.OwnsLiveChannel(chA) }
	if r := RouteLiveTokenRequest(stray, chA, issuedStray, ownsA); r != (LiveRoute{LiveRouteChannelOwner, "A"}) {
		t.Fatal(r)
	}
	if r := RouteLiveTokenRequest(stray, chB, issuedStray, ownsA); r.Kind != LiveRouteUnbound {
		t.Fatal(r)
	}
}

// The parsers never panic, and whatever parses round-trips through the constructors.
func FuzzParseIdentifiers(f *testing.F) {
	f.Add("live:s1:0123456789abcdef0123456789abcdef")
	f.Add("live:a:b:c:0123456789abcdef0123456789abcdef")
	f.Add(NewLiveToken("s1", [32]byte{1}))
	f.Add("mkt1..")
	f.Add("live::")
	f.Fuzz(func(t *testing.T, id string) {
		if s, err := ParseChannelID(id); err == nil {
			var r [16]byte
			if _, err := hex.Decode(r[:], []byte(id[len(id)-32:])); err != nil {
				t.Fatalf("%q parsed but its random part is not hex", id)
			}
			if NewChannelID(s, r) != id {
				t.Fatalf("%q does not round-trip", id)
			}
		}
		if s, err := ParseLiveToken(id); err == nil {
			if s == "" || !strings.HasPrefix(id, "mkt1."+base64.RawURLEncoding.EncodeToString([]byte(s))+".") {
				t.Fatalf("%q does not round-trip its session %q", id, s)
			}
		}
		_ = LiveRouteCandidates(id, id)
		_ = RouteLiveTokenRequest(id, id, func(string) bool { return false }, func(string) bool { return false })
		_ = MapHostLiveStatus(HostLiveStatus{Status: id, Reason: id, Detail: id})
		_ = CommandRejectionForHostError(id)
	})
}
