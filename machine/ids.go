package machine

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Identifiers that carry their owning session, so that a shell routes a channel id or a
// token to its session in O(1) instead of asking every session (upstream scans all
// sessions, spec §8.7). The form only routes: the owning session's machine still decides
// whether the channel or token is valid, and an identifier that does not parse simply
// routes nowhere (the unbound rejection authority answers).
//
//	channel id: live:<session_id>:<32 lowercase hex>                 (16 random bytes)
//	token:      mkt1.<base64url(session_id)>.<base64url(random)>     (no padding, >= 16 random bytes)
//
// Tokens use only [A-Za-z0-9-_.] and so satisfy the URL-safe alphabet [A-Za-z0-9-_.~]+
// that spec §8.5 asks of WebSocket tokens. Random bytes are parameters: the machine has
// no randomness. The parsers never panic on any input (see FuzzParseIdentifiers).

const (
	channelPrefix = "live:"
	tokenPrefix   = "mkt1."
	// channelRandomHex is the length of the random suffix of a channel id.
	channelRandomHex = 32
	// minTokenRandom is the least random material a token must carry (128 bits).
	minTokenRandom = 16
)

// ErrMalformedID is wrapped by every parse error of this file.
var ErrMalformedID = errors.New("malformed live identifier")

// tokenEncoding is base64url without padding, rejecting non-canonical trailing bits so
// that one token has exactly one spelling.
var tokenEncoding = base64.RawURLEncoding.Strict()

// NewChannelID forms a channel id owned by sessionID from 16 random bytes:
// live:<session_id>:<32 lowercase hex>.
func NewChannelID(sessionID string, random [16]byte) string {
	const digits = "0123456789abcdef"
	var b strings.Builder
	b.Grow(len(channelPrefix) + len(sessionID) + 1 + channelRandomHex)
	b.WriteString(channelPrefix)
	b.WriteString(sessionID)
	b.WriteByte(':')
	for _, c := range random {
		b.WriteByte(digits[c>>4])
		b.WriteByte(digits[c&0xf])
	}
	return b.String()
}

// ParseChannelID returns the session that owns a channel id of the form
// live:<session_id>:<32 lowercase hex>. The session id may itself contain ':' (the
// random part is always the last 32 characters).
func ParseChannelID(id string) (sessionID string, err error) {
	rest, ok := strings.CutPrefix(id, channelPrefix)
	if !ok {
		return "", fmt.Errorf("%w: channel id %q does not start with %q", ErrMalformedID, clip(id), channelPrefix)
	}
	cut := strings.LastIndexByte(rest, ':')
	if cut < 0 {
		return "", fmt.Errorf("%w: channel id %q has no ':' before its random part", ErrMalformedID, clip(id))
	}
	if cut == 0 {
		return "", fmt.Errorf("%w: channel id %q has an empty session id", ErrMalformedID, clip(id))
	}
	random := rest[cut+1:]
	if len(random) != channelRandomHex {
		return "", fmt.Errorf("%w: channel id %q must end in %d lowercase hex digits, has %d characters after the last ':'", ErrMalformedID, clip(id), channelRandomHex, len(random))
	}
	for i := 0; i < len(random); i++ {
		if c := random[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return "", fmt.Errorf("%w: channel id %q must end in %d lowercase hex digits, found %q", ErrMalformedID, clip(id), channelRandomHex, c)
		}
	}
	return rest[:cut], nil
}

// NewLiveToken forms a token owned by sessionID from 32 random bytes (256 bits):
// mkt1.<base64url(session_id)>.<base64url(random)>, both without padding.
func NewLiveToken(sessionID string, random [32]byte) string {
	out := make([]byte, 0, len(tokenPrefix)+tokenEncoding.EncodedLen(len(sessionID))+1+tokenEncoding.EncodedLen(len(random)))
	out = append(out, tokenPrefix...)
	out = tokenEncoding.AppendEncode(out, []byte(sessionID))
	out = append(out, '.')
	out = tokenEncoding.AppendEncode(out, random[:])
	return string(out)
}

// ParseLiveToken returns the session that owns a token of the form
// mkt1.<base64url(session_id)>.<base64url(random)>. It checks the form only (prefix,
// alphabet, canonical unpadded base64url, at least 128 random bits); whether the token
// was issued, and for which channel, is the owning machine's decision.
func ParseLiveToken(token string) (sessionID string, err error) {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok {
		return "", fmt.Errorf("%w: token does not start with %q", ErrMalformedID, tokenPrefix)
	}
	session, random, ok := strings.Cut(rest, ".")
	if !ok {
		return "", fmt.Errorf("%w: token has no '.' between its session part and its random part", ErrMalformedID)
	}
	if session == "" {
		return "", fmt.Errorf("%w: token has an empty session part", ErrMalformedID)
	}
	if i := strings.IndexFunc(rest, func(r rune) bool { return r != '.' && !isBase64URL(r) }); i >= 0 {
		return "", fmt.Errorf("%w: token has a character outside [A-Za-z0-9-_.] at byte %d", ErrMalformedID, len(tokenPrefix)+i)
	}
	raw, err := tokenEncoding.DecodeString(random)
	if err != nil {
		return "", fmt.Errorf("%w: token random part is not unpadded base64url: %v", ErrMalformedID, err)
	}
	if len(raw) < minTokenRandom {
		return "", fmt.Errorf("%w: token random part has %d bytes, needs at least %d", ErrMalformedID, len(raw), minTokenRandom)
	}
	id, err := tokenEncoding.DecodeString(session)
	if err != nil {
		return "", fmt.Errorf("%w: token session part is not unpadded base64url: %v", ErrMalformedID, err)
	}
	return string(id), nil // a non-empty canonical part decodes to at least one byte
}

func isBase64URL(r rune) bool {
	return 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' || r == '_'
}

// clip shortens an identifier quoted in an error message.
func clip(s string) string {
	const limit = 96
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "..."
}

// LiveRouteCandidates lists, in the order spec §8.7 consults them, the sessions that may
// own a token-bearing live request: the token's session, then the channel's session (each
// at most once, unparsable identifiers skipped). RouteLiveTokenRequest is the decision
// built on it.
func LiveRouteCandidates(token, channelID string) []string {
	var out []string
	if token != "" {
		if s, err := ParseLiveToken(token); err == nil {
			out = append(out, s)
		}
	}
	if s, err := ParseChannelID(channelID); err == nil && (len(out) == 0 || out[0] != s) {
		out = append(out, s)
	}
	return out
}

// LiveRouteKind says why a session answers a live request.
type LiveRouteKind uint8

const (
	// LiveRouteUnbound: no session owns the token or the channel; the unbound rejection
	// authority answers (UnboundWebsocketAdmission, UnboundWebrtcAnswer).
	LiveRouteUnbound LiveRouteKind = iota
	// LiveRouteTokenOwner: the session that issued the token answers.
	LiveRouteTokenOwner
	// LiveRouteChannelOwner: the session whose active channel it is answers.
	LiveRouteChannelOwner
)

func (k LiveRouteKind) String() string {
	switch k {
	case LiveRouteTokenOwner:
		return "TokenOwner"
	case LiveRouteChannelOwner:
		return "ChannelOwner"
	}
	return "Unbound"
}

// LiveRoute is the machine that answers a live request: a session's, or (SessionID "",
// Kind LiveRouteUnbound) the process-wide unbound rejection authority.
type LiveRoute struct {
	Kind      LiveRouteKind
	SessionID string
}

// RouteLiveTokenRequest decides which machine answers a WebSocket upgrade or a WebRTC
// answer (spec §8.7; both use the same order): the session that issued the token, else
// the session whose active channel it is, else the unbound authority. The candidate
// sessions come from the identifiers' session prefixes, so each question is asked of at
// most one session:
//
//   - issued(session) reports whether that session's machine issued the token in the
//     request's family (State.IssuedWebsocketToken / IssuedWebrtcToken);
//   - active(session) reports whether the channel is that session's active channel
//     (State.OwnsLiveChannel).
//
// Either function may be nil (treated as "no"). The decision itself is pure and O(1).
func RouteLiveTokenRequest(token, channelID string, issued, active func(sessionID string) bool) LiveRoute {
	if issued != nil && token != "" {
		if s, err := ParseLiveToken(token); err == nil && issued(s) {
			return LiveRoute{Kind: LiveRouteTokenOwner, SessionID: s}
		}
	}
	if active != nil {
		if s, err := ParseChannelID(channelID); err == nil && active(s) {
			return LiveRoute{Kind: LiveRouteChannelOwner, SessionID: s}
		}
	}
	return LiveRoute{Kind: LiveRouteUnbound}
}

// RouteLiveChannelRequest decides which machine answers a channel-addressed request
// (command, status, close, refresh; spec §8.7): the session named by the channel id if
// owns(session) says it owns the channel (State.OwnsLiveChannel, or
// State.OwnsLiveStatusChannel for status, which includes close history), else the unbound
// authority.
func RouteLiveChannelRequest(channelID string, owns func(sessionID string) bool) LiveRoute {
	if owns != nil {
		if s, err := ParseChannelID(channelID); err == nil && owns(s) {
			return LiveRoute{Kind: LiveRouteChannelOwner, SessionID: s}
		}
	}
	return LiveRoute{Kind: LiveRouteUnbound}
}
