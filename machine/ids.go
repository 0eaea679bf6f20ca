package machine

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Identifiers that carry their owning session, so that a shell routes a channel id or a
// token to its session in O(1) instead of scanning every session (upstream scans). The
// form only routes: the owning session's machine still decides whether the channel or
// token is valid.
//
//	channel id: live:<session_id>:<32 lowercase hex>
//	token:      mkt1.<base64url(session_id)>.<base64url(32 random bytes)>   (URL-safe)
//
// Random bytes are parameters: the machine has no randomness.

const (
	channelPrefix = "live:"
	tokenPrefix   = "mkt1."
)

// ErrMalformedID is wrapped by the parse errors of this file.
var ErrMalformedID = errors.New("malformed identifier")

// NewChannelID forms a channel id owned by sessionID from 16 random bytes.
func NewChannelID(sessionID string, random [16]byte) string {
	return channelPrefix + sessionID + ":" + hex.EncodeToString(random[:])
}

// ParseChannelID returns the session that owns a channel id.
func ParseChannelID(id string) (string, error) {
	rest, ok := strings.CutPrefix(id, channelPrefix)
	if !ok {
		return "", fmt.Errorf("%w: channel id %q does not start with %q", ErrMalformedID, id, channelPrefix)
	}
	cut := strings.LastIndexByte(rest, ':')
	if cut <= 0 {
		return "", fmt.Errorf("%w: channel id %q has no session part", ErrMalformedID, id)
	}
	suffix := rest[cut+1:]
	if len(suffix) != 32 || strings.ToLower(suffix) != suffix {
		return "", fmt.Errorf("%w: channel id %q must end in 32 lowercase hex digits", ErrMalformedID, id)
	}
	if _, err := hex.DecodeString(suffix); err != nil {
		return "", fmt.Errorf("%w: channel id %q must end in 32 lowercase hex digits", ErrMalformedID, id)
	}
	return rest[:cut], nil
}

// NewLiveToken forms a token owned by sessionID from 32 random bytes (256 bits).
func NewLiveToken(sessionID string, random [32]byte) string {
	enc := base64.RawURLEncoding
	return tokenPrefix + enc.EncodeToString([]byte(sessionID)) + "." + enc.EncodeToString(random[:])
}

// ParseLiveToken returns the session that owns a token.
func ParseLiveToken(token string) (string, error) {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok {
		return "", fmt.Errorf("%w: token does not start with %q", ErrMalformedID, tokenPrefix)
	}
	session, secret, ok := strings.Cut(rest, ".")
	if !ok || session == "" {
		return "", fmt.Errorf("%w: token has no session part", ErrMalformedID)
	}
	raw, err := base64.RawURLEncoding.DecodeString(secret)
	if err != nil || len(raw) < 16 {
		return "", fmt.Errorf("%w: token secret must be at least 128 bits of base64url", ErrMalformedID)
	}
	id, err := base64.RawURLEncoding.DecodeString(session)
	if err != nil || len(id) == 0 {
		return "", fmt.Errorf("%w: token session part is not base64url", ErrMalformedID)
	}
	return string(id), nil
}

// TokenDigestHex is the SHA-256 of a token in lowercase hex: the form a shell keeps and
// passes to the machine instead of the token itself.
func TokenDigestHex(token string) string {
	d := DigestToken(token)
	return hex.EncodeToString(d[:])
}

// LiveRouteCandidates lists, in the order spec §8.7 consults them, the sessions that may
// own a live request: the token's session, then the channel's session (each at most once,
// unparsable identifiers skipped). The shell asks each candidate's machine whether it
// owns the token (IssuedLiveToken) or the channel (OwnsLiveChannel); when none does, the
// unbound rejection authority answers.
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
