package workflows

import (
	"encoding/hex"

	"github.com/meerkat-temporal/meerkat/machine"
)

// tokenOf returns the token field of the inputs that carry one.
func tokenOf(in machine.Input) (string, bool) {
	switch in := in.(type) {
	case machine.RecordLiveWebrtcTokenIssued:
		return in.Token, true
	case machine.RecordLiveWebsocketTokenIssued:
		return in.Token, true
	case machine.ResolveLiveWebrtcAnswerAdmission:
		return in.Token, true
	case machine.ResolveLiveWebsocketTokenAdmission:
		return in.Token, true
	}
	return "", false
}

// checkTokenDigest refuses a token input whose token is not a SHA-256 digest in
// lowercase hex (machine.TokenDigest): the raw token must never reach the workflow,
// its history, its queries or its logs. An empty token passes (the machine answers it).
// The reason never repeats the value.
func checkTokenDigest(in machine.Input) error {
	tok, ok := tokenOf(in)
	if !ok || tok == "" || isDigestHex(tok) {
		return nil
	}
	return &Error{
		Kind: machine.KindValidationFailed.String(), Input: in.Name(),
		Reason: "token must be the SHA-256 digest of the token in lowercase hex (machine.TokenDigest); the raw token must never be sent to the workflow",
	}
}

func isDigestHex(s string) bool {
	if len(s) != 64 {
		return false
	}
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == 32 && hex.EncodeToString(b) == s
}
