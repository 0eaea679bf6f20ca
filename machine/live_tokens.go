package machine

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
)

// This file holds live token issuance and single-use admission (spec §8.5, §8.6). The
// WebRTC and WebSocket families are identical twins: they differ in their maps and
// counters, in their effects, in their public error class, and in that the WebRTC
// ChannelNotBound arm also needs a session id.
//
// Token material never keys anything. Each token input is hashed once (SHA-256) in its
// step, before any rule runs, and the token maps are keyed by that digest (lowercase hex
// in JSON). The raw token therefore never reaches the state or its snapshots; only the
// effects echo the token field of the input, as the spec's effects do. The one place a
// token is compared with stored material is the map lookup by digest: a lookup's timing
// can only tell something about a digest, and a digest gives nothing usable about the
// token (preimage resistance). Callers that compare digests themselves use
// LiveTokenDigest.Equal, which is constant-time (crypto/subtle). A shell that must keep
// secrets out of its own records (a Temporal workflow keeps them out of its history)
// passes TokenDigest(token) as the token: the machine then keys by the digest of that
// digest, which is just as unique.

// LiveTokenDigest is the SHA-256 of a token, the key of the token maps. It is written to
// JSON as lowercase hex.
type LiveTokenDigest [sha256.Size]byte

// maxStackToken is the longest token hashed without a heap copy (the identifiers of
// ids.go are far shorter).
const maxStackToken = 512

// digestToken hashes a token for the token maps. Tokens up to maxStackToken bytes are
// copied into a stack buffer first, so token inputs do not allocate.
func digestToken(token string) LiveTokenDigest {
	if len(token) <= maxStackToken {
		var buf [maxStackToken]byte
		n := copy(buf[:], token)
		return sha256.Sum256(buf[:n])
	}
	return sha256.Sum256([]byte(token))
}

// TokenDigest is the SHA-256 of a token in lowercase hex (64 digits): the form a shell
// keeps, logs and passes to a workflow instead of the token itself (spec §8.5, our rule
// that nothing is keyed by a raw token).
func TokenDigest(token string) string {
	d := digestToken(token)
	return hex.EncodeToString(d[:])
}

// Equal compares two digests in constant time.
func (d LiveTokenDigest) Equal(o LiveTokenDigest) bool {
	return subtle.ConstantTimeCompare(d[:], o[:]) == 1
}

// MarshalText writes lowercase hex.
func (d LiveTokenDigest) MarshalText() ([]byte, error) {
	out := make([]byte, hex.EncodedLen(len(d)))
	hex.Encode(out, d[:])
	return out, nil
}

// UnmarshalText reads hex (either case) of exactly 32 bytes.
func (d *LiveTokenDigest) UnmarshalText(b []byte) error {
	if len(b) != hex.EncodedLen(len(d)) {
		return fmt.Errorf("token digest: want %d hex digits, got %d", hex.EncodedLen(len(d)), len(b))
	}
	if _, err := hex.Decode(d[:], b); err != nil {
		return fmt.Errorf("token digest: %v", err)
	}
	return nil
}

// LiveToken is an issued token, keyed by its digest in LiveWebrtcTokens or
// LiveWebsocketTokens (spec §3.5). Per family it replaces three DSL collections:
//
//	channel_id     live_{webrtc,websocket}_token_channel_by_token
//	expires_at_ms  live_{webrtc,websocket}_token_expires_at_ms_by_token (issued_at_ms + ttl_ms)
//	consumed       membership of live_{webrtc,websocket}_consumed_tokens
//
// One record is exact because the DSL only ever consumes a token it issued. Nothing is
// ever removed.
type LiveToken struct {
	ChannelID   string `json:"channel_id"`
	ExpiresAtMs uint64 `json:"expires_at_ms"`
	Consumed    bool   `json:"consumed"`
}

// tokenFamily selects the WebRTC or WebSocket maps and counters.
type tokenFamily uint8

const (
	familyWebrtc tokenFamily = iota
	familyWebsocket
)

func (f tokenFamily) tokens(s *State) *map[LiveTokenDigest]LiveToken {
	if f == familyWebrtc {
		return &s.LiveWebrtcTokens
	}
	return &s.LiveWebsocketTokens
}

func (f tokenFamily) issueSequence(s *State) *uint64 {
	if f == familyWebrtc {
		return &s.LiveWebrtcTokenIssueSequence
	}
	return &s.LiveWebsocketTokenIssueSequence
}

func (f tokenFamily) admissionSequence(s *State) *uint64 {
	if f == familyWebrtc {
		return &s.LiveWebrtcAnswerAdmissionSequence
	}
	return &s.LiveWebsocketTokenAdmissionSequence
}

// IssuedLiveToken reports whether this machine issued the token in the given family
// (webrtc: true for WebRTC answer tokens, false for WebSocket tokens): the per-session
// side of spec §8.7 live_session_for_{webrtc,websocket}_token. O(1).
func (s *State) IssuedLiveToken(token string, webrtc bool) bool {
	f := familyWebsocket
	if webrtc {
		f = familyWebrtc
	}
	_, ok := (*f.tokens(s))[digestToken(token)]
	return ok
}

// IssuedWebrtcToken reports whether this machine issued the WebRTC answer token (spec
// §8.7 live_session_for_webrtc_token).
func (s *State) IssuedWebrtcToken(token string) bool { return s.IssuedLiveToken(token, true) }

// IssuedWebsocketToken reports whether this machine issued the WebSocket token (spec §8.7
// live_session_for_websocket_token).
func (s *State) IssuedWebsocketToken(token string) bool { return s.IssuedLiveToken(token, false) }

// tokenIssue is the common form of the two token-issue inputs, with the digest computed
// once.
type tokenIssue struct {
	SessionID, ChannelID, Token string
	IssuedAtMs, TTLMs           uint64
	digest                      LiveTokenDigest
	family                      tokenFamily
	name                        string
}

// Name returns the concrete input's name.
func (in tokenIssue) Name() string { return in.name }

func tokenIssueRules(name string) []rule[tokenIssue] {
	return []rule[tokenIssue]{{
		name: name, from: livePhases,
		guards: []guard[tokenIssue]{
			idPresent("session_id", func(in tokenIssue) string { return in.SessionID }),
			idPresent("channel_id", func(in tokenIssue) string { return in.ChannelID }),
			idPresent("token", func(in tokenIssue) string { return in.Token }),
			{"issued_at_ms > 0", func(_ *State, in tokenIssue) bool { return in.IssuedAtMs > 0 }},
			{"ttl_ms > 0", func(_ *State, in tokenIssue) bool { return in.TTLMs > 0 }},
			// Ours: the DSL's u64 sum would wrap to an expiry in the past.
			{"issued_at_ms + ttl_ms fits in u64", func(_ *State, in tokenIssue) bool { return in.IssuedAtMs+in.TTLMs > in.IssuedAtMs }},
			{"binding_matches: session and channel are bound to each other", func(s *State, in tokenIssue) bool { return s.bound(in.SessionID, in.ChannelID) }},
			{"token_not_issued: the token was never issued in this family", func(s *State, in tokenIssue) bool {
				_, seen := (*in.family.tokens(s))[in.digest]
				return !seen
			}},
		},
		update: func(s *State, in tokenIssue) {
			*in.family.issueSequence(s)++
			put(s, in.family.tokens(s), in.digest, LiveToken{ChannelID: in.ChannelID, ExpiresAtMs: in.IssuedAtMs + in.TTLMs})
		},
		emit: func(s *State, in tokenIssue) Effects {
			seq, expires := *in.family.issueSequence(s), in.IssuedAtMs+in.TTLMs
			if in.family == familyWebrtc {
				return Effects{LiveWebrtcTokenIssued{SessionID: in.SessionID, ChannelID: in.ChannelID, Token: in.Token, ExpiresAtMs: expires, Sequence: seq}}
			}
			return Effects{LiveWebsocketTokenIssued{SessionID: in.SessionID, ChannelID: in.ChannelID, Token: in.Token, ExpiresAtMs: expires, Sequence: seq}}
		},
	}}
}

var (
	webrtcTokenIssuedRules    = tokenIssueRules("RecordLiveWebrtcTokenIssued")
	websocketTokenIssuedRules = tokenIssueRules("RecordLiveWebsocketTokenIssued")
)

// RecordLiveWebrtcTokenIssued records a minted WebRTC answer token (spec §8.5).
type RecordLiveWebrtcTokenIssued struct {
	SessionID  string `json:"session_id"`
	ChannelID  string `json:"channel_id"`
	Token      string `json:"token"`
	IssuedAtMs uint64 `json:"issued_at_ms"`
	TTLMs      uint64 `json:"ttl_ms"`
}

// Name returns "RecordLiveWebrtcTokenIssued".
func (RecordLiveWebrtcTokenIssued) Name() string { return "RecordLiveWebrtcTokenIssued" }

func (in RecordLiveWebrtcTokenIssued) step(s *State) (Effects, error) {
	return step(s, tokenIssue{in.SessionID, in.ChannelID, in.Token, in.IssuedAtMs, in.TTLMs, digestToken(in.Token), familyWebrtc, in.Name()}, webrtcTokenIssuedRules)
}

// RecordLiveWebsocketTokenIssued records a minted WebSocket token (spec §8.5).
type RecordLiveWebsocketTokenIssued struct {
	SessionID  string `json:"session_id"`
	ChannelID  string `json:"channel_id"`
	Token      string `json:"token"`
	IssuedAtMs uint64 `json:"issued_at_ms"`
	TTLMs      uint64 `json:"ttl_ms"`
}

// Name returns "RecordLiveWebsocketTokenIssued".
func (RecordLiveWebsocketTokenIssued) Name() string { return "RecordLiveWebsocketTokenIssued" }

func (in RecordLiveWebsocketTokenIssued) step(s *State) (Effects, error) {
	return step(s, tokenIssue{in.SessionID, in.ChannelID, in.Token, in.IssuedAtMs, in.TTLMs, digestToken(in.Token), familyWebsocket, in.Name()}, websocketTokenIssuedRules)
}

// LiveWebrtcTokenIssued reports a recorded WebRTC token (local).
type LiveWebrtcTokenIssued struct {
	effect
	SessionID   string `json:"session_id"`
	ChannelID   string `json:"channel_id"`
	Token       string `json:"token"`
	ExpiresAtMs uint64 `json:"expires_at_ms"`
	Sequence    uint64 `json:"sequence"`
}

// Name returns "LiveWebrtcTokenIssued".
func (LiveWebrtcTokenIssued) Name() string { return "LiveWebrtcTokenIssued" }

// LiveWebsocketTokenIssued reports a recorded WebSocket token (local).
type LiveWebsocketTokenIssued struct {
	effect
	SessionID   string `json:"session_id"`
	ChannelID   string `json:"channel_id"`
	Token       string `json:"token"`
	ExpiresAtMs uint64 `json:"expires_at_ms"`
	Sequence    uint64 `json:"sequence"`
}

// Name returns "LiveWebsocketTokenIssued".
func (LiveWebsocketTokenIssued) Name() string { return "LiveWebsocketTokenIssued" }

// tokenAdmission is the common form of the two admission inputs, with the digest and the
// token's record looked up once.
type tokenAdmission struct {
	SessionID, ChannelID, Token string
	ObservedAtMs                uint64
	digest                      LiveTokenDigest
	family                      tokenFamily
	name                        string
	record                      LiveToken
	known                       bool
}

// Name returns the concrete input's name.
func (in tokenAdmission) Name() string { return in.name }

// The token's state, as the §8.6 arms read it.
func (in tokenAdmission) consumed() bool { return in.known && in.record.Consumed }
func (in tokenAdmission) matches() bool  { return in.known && in.record.ChannelID == in.ChannelID }
func (in tokenAdmission) fresh() bool    { return in.known && in.ObservedAtMs <= in.record.ExpiresAtMs }

// tokenRejection is the outcome vocabulary shared by both families; its values equal the
// variants of LiveWebrtcAnswerAdmissionRejection and LiveWebsocketTokenAdmissionRejection
// (which are declared in the same order), with 0 for an admitted token.
type tokenRejection uint8

const (
	tokenAccepted tokenRejection = iota
	tokenNotFound
	tokenExpired
	tokenChannelMismatch
	tokenAlreadyConsumed
	tokenChannelNotBound
)

var (
	admitChannel  = idPresent("channel_id", func(in tokenAdmission) string { return in.ChannelID })
	admitSession  = idPresent("session_id", func(in tokenAdmission) string { return in.SessionID })
	admitToken    = idPresent("token", func(in tokenAdmission) string { return in.Token })
	admitObserved = guard[tokenAdmission]{"observed_at_ms > 0", func(_ *State, in tokenAdmission) bool { return in.ObservedAtMs > 0 }}
	admitBound    = guard[tokenAdmission]{"binding_matches: session and channel are bound to each other", func(s *State, in tokenAdmission) bool {
		return s.bound(in.SessionID, in.ChannelID)
	}}
	admitKnownUnused = guard[tokenAdmission]{"token_known and token_not_consumed", func(_ *State, in tokenAdmission) bool { return in.known && !in.record.Consumed }}
)

func admissionArm(name string, outcome tokenRejection, consume bool, guards ...guard[tokenAdmission]) rule[tokenAdmission] {
	return rule[tokenAdmission]{
		name: name, from: livePhases, guards: guards,
		update: func(s *State, in tokenAdmission) {
			*in.family.admissionSequence(s)++
			if consume {
				rec := in.record
				rec.Consumed = true
				put(s, in.family.tokens(s), in.digest, rec)
			}
		},
		emit: func(s *State, in tokenAdmission) Effects { return Effects{in.family.admissionEffect(s, in, outcome)} },
	}
}

// tokenAdmissionRules are the six ordered arms of spec §8.6, named for one family.
func tokenAdmissionRules(prefix string) []rule[tokenAdmission] {
	return []rule[tokenAdmission]{
		admissionArm(prefix+"Accepted", tokenAccepted, true, admitSession, admitChannel, admitToken, admitObserved, admitBound, admitKnownUnused,
			guard[tokenAdmission]{"token_channel_matches and token_not_expired", func(_ *State, in tokenAdmission) bool { return in.matches() && in.fresh() }}),
		admissionArm(prefix+"ChannelNotBound", tokenChannelNotBound, false, admitChannel, admitObserved,
			guard[tokenAdmission]{"session_id != \"\" (WebRTC only)", func(_ *State, in tokenAdmission) bool { return in.family != familyWebrtc || in.SessionID != "" }},
			guard[tokenAdmission]{"binding_missing_or_mismatch", func(s *State, in tokenAdmission) bool { return !s.bound(in.SessionID, in.ChannelID) }},
			guard[tokenAdmission]{"no_token_state_rejection_pending", func(_ *State, in tokenAdmission) bool {
				return !in.known || (in.matches() && !in.record.Consumed && in.fresh())
			}}),
		admissionArm(prefix+"TokenNotFound", tokenNotFound, false, admitSession, admitChannel, admitObserved, admitBound,
			guard[tokenAdmission]{"token_unknown: the token was never issued", func(_ *State, in tokenAdmission) bool { return !in.known }}),
		admissionArm(prefix+"TokenAlreadyConsumed", tokenAlreadyConsumed, false, admitSession, admitChannel, admitToken, admitObserved,
			guard[tokenAdmission]{"token_consumed", func(_ *State, in tokenAdmission) bool { return in.consumed() }}),
		admissionArm(prefix+"TokenChannelMismatch", tokenChannelMismatch, true, admitSession, admitChannel, admitToken, admitObserved, admitKnownUnused,
			guard[tokenAdmission]{"token_channel_mismatch: the token was issued for another channel", func(_ *State, in tokenAdmission) bool { return !in.matches() }}),
		admissionArm(prefix+"TokenExpired", tokenExpired, true, admitSession, admitChannel, admitToken, admitObserved, admitKnownUnused,
			guard[tokenAdmission]{"token_channel_matches and token_expired", func(_ *State, in tokenAdmission) bool { return in.matches() && !in.fresh() }}),
	}
}

var (
	webrtcAdmissionRules    = tokenAdmissionRules("ResolveLiveWebrtcAnswerAdmission")
	websocketAdmissionRules = tokenAdmissionRules("ResolveLiveWebsocketTokenAdmission")
)

func (f tokenFamily) admissionEffect(s *State, in tokenAdmission, outcome tokenRejection) Effect {
	seq := *f.admissionSequence(s)
	if f == familyWebrtc {
		e := LiveWebrtcAnswerAdmissionResolved{SessionID: in.SessionID, ChannelID: in.ChannelID, Token: in.Token, Admitted: outcome == tokenAccepted, Sequence: seq}
		if outcome != tokenAccepted {
			e.Rejection = Some(LiveWebrtcAnswerAdmissionRejection(outcome))
			e.PublicErrorClass = Some(RequestClassInvalidParams)
		}
		return e
	}
	e := LiveWebsocketTokenAdmissionResolved{SessionID: in.SessionID, ChannelID: in.ChannelID, Token: in.Token, Admitted: outcome == tokenAccepted, Sequence: seq}
	if outcome != tokenAccepted {
		e.Rejection = Some(LiveWebsocketTokenAdmissionRejection(outcome))
		e.PublicErrorClass = Some(WebsocketClassInvalidToken)
	}
	return e
}

func (s *State) admissionInput(sessionID, channelID, token string, observed uint64, f tokenFamily, name string) tokenAdmission {
	d := digestToken(token)
	rec, known := (*f.tokens(s))[d]
	return tokenAdmission{sessionID, channelID, token, observed, d, f, name, rec, known}
}

// ResolveLiveWebrtcAnswerAdmission admits a WebRTC answer with its single-use token
// (spec §8.6).
type ResolveLiveWebrtcAnswerAdmission struct {
	SessionID    string `json:"session_id"`
	ChannelID    string `json:"channel_id"`
	Token        string `json:"token"`
	ObservedAtMs uint64 `json:"observed_at_ms"`
}

// Name returns "ResolveLiveWebrtcAnswerAdmission".
func (ResolveLiveWebrtcAnswerAdmission) Name() string { return "ResolveLiveWebrtcAnswerAdmission" }

func (in ResolveLiveWebrtcAnswerAdmission) step(s *State) (Effects, error) {
	return step(s, s.admissionInput(in.SessionID, in.ChannelID, in.Token, in.ObservedAtMs, familyWebrtc, in.Name()), webrtcAdmissionRules)
}

// ResolveLiveWebsocketTokenAdmission admits a WebSocket upgrade with its single-use token
// (spec §8.6).
type ResolveLiveWebsocketTokenAdmission struct {
	SessionID    string `json:"session_id"`
	ChannelID    string `json:"channel_id"`
	Token        string `json:"token"`
	ObservedAtMs uint64 `json:"observed_at_ms"`
}

// Name returns "ResolveLiveWebsocketTokenAdmission".
func (ResolveLiveWebsocketTokenAdmission) Name() string {
	return "ResolveLiveWebsocketTokenAdmission"
}

func (in ResolveLiveWebsocketTokenAdmission) step(s *State) (Effects, error) {
	return step(s, s.admissionInput(in.SessionID, in.ChannelID, in.Token, in.ObservedAtMs, familyWebsocket, in.Name()), websocketAdmissionRules)
}

// LiveWebrtcAnswerAdmissionResolved is the WebRTC admission decision (local).
type LiveWebrtcAnswerAdmissionResolved struct {
	effect
	SessionID        string                                           `json:"session_id"`
	ChannelID        string                                           `json:"channel_id"`
	Token            string                                           `json:"token"`
	Admitted         bool                                             `json:"admitted"`
	Rejection        Opt[LiveWebrtcAnswerAdmissionRejection]          `json:"rejection,omitzero"`
	PublicErrorClass Opt[LiveChannelRequestRejectionPublicErrorClass] `json:"public_error_class,omitzero"`
	Sequence         uint64                                           `json:"sequence"`
}

// Name returns "LiveWebrtcAnswerAdmissionResolved".
func (LiveWebrtcAnswerAdmissionResolved) Name() string { return "LiveWebrtcAnswerAdmissionResolved" }

// LiveWebsocketTokenAdmissionResolved is the WebSocket admission decision (local).
type LiveWebsocketTokenAdmissionResolved struct {
	effect
	SessionID        string                                           `json:"session_id"`
	ChannelID        string                                           `json:"channel_id"`
	Token            string                                           `json:"token"`
	Admitted         bool                                             `json:"admitted"`
	Rejection        Opt[LiveWebsocketTokenAdmissionRejection]        `json:"rejection,omitzero"`
	PublicErrorClass Opt[LiveWebsocketTokenAdmissionPublicErrorClass] `json:"public_error_class,omitzero"`
	Sequence         uint64                                           `json:"sequence"`
}

// Name returns "LiveWebsocketTokenAdmissionResolved".
func (LiveWebsocketTokenAdmissionResolved) Name() string {
	return "LiveWebsocketTokenAdmissionResolved"
}
