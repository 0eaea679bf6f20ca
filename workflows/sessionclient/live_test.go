package sessionclient_test

import (
	"testing"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

func TestMintLiveToken(t *testing.T) {
	for _, session := range []string{"s1", "a/b:c", "ünïcode"} {
		token, digest := sessionclient.MintLiveToken(session)
		owner, err := machine.ParseLiveToken(token)
		if err != nil || owner != session {
			t.Errorf("token of %q routes to %q (%v)", session, owner, err)
		}
		if digest != machine.TokenDigest(token) || len(digest) != 64 {
			t.Errorf("digest %q is not the token's SHA-256 hex", digest)
		}
		if again, _ := sessionclient.MintLiveToken(session); again == token {
			t.Errorf("two tokens of %q are equal", session)
		}
	}
}
