package live_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/live"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

// codes is every reason code of the live protocol.
var codes = []pluginerr.Reason{
	live.ChannelNotFound, live.SessionNotFound, live.ChannelNotReady, live.SessionAlreadyBound,
	live.OpenNotAuthorized, live.OpenAuthorityAlreadyConsumed, live.CloseNotAuthorized,
	live.CloseAuthorityAlreadyConsumed, live.StatusNotAuthorized, live.StatusAuthorityAlreadyConsumed,
	live.NoAdapter, live.UnsupportedCommand, live.AdapterError, live.ProjectionError, live.InternalHostError,
	live.InvalidToken, live.InvalidPayload, live.WebrtcAnswerError,
}

// camel spells a reason code as the machine spells its enum variants.
func camel(code pluginerr.Reason) string {
	var b strings.Builder
	for part := range strings.SplitSeq(string(code), "_") {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// Every machine rejection reason the machine derives from host errors has exactly one
// plugin code, spelled like it, and every other code is InternalHostError.
func TestReasonCodesMapOneToOne(t *testing.T) {
	commands := map[machine.LiveCommandRejectionReason][]pluginerr.Reason{}
	requests := map[machine.LiveChannelRequestRejectionReason][]pluginerr.Reason{}
	for _, code := range codes {
		c := live.CommandRejectionReason(pluginerr.New(code, "x"))
		commands[c] = append(commands[c], code)
		if c != machine.CommandRejectionInternalHostError && c.String() != camel(code) {
			t.Errorf("%s maps to command rejection %s, a variant of another name", code, c)
		}
		r := live.ChannelRequestRejectionReason(pluginerr.New(code, "x"))
		requests[r] = append(requests[r], code)
		if r != machine.RequestRejectionInternalHostError && r.String() != camel(code) {
			t.Errorf("%s maps to request rejection %s, a variant of another name", code, r)
		}
	}
	for r := machine.CommandRejectionChannelNotFound; r.Valid(); r++ {
		if r != machine.CommandRejectionInternalHostError && len(commands[r]) != 1 {
			t.Errorf("command rejection %s has plugin codes %q, want exactly one", r, commands[r])
		}
	}
	for _, r := range []machine.LiveChannelRequestRejectionReason{machine.RequestRejectionChannelNotFound, machine.RequestRejectionNoAdapter} {
		if len(requests[r]) != 1 {
			t.Errorf("request rejection %s has plugin codes %q, want exactly one", r, requests[r])
		}
	}
	// The surface-chosen request reasons have a plugin code of the same spelling, so an
	// activity's error type names them, but the machine never derives them.
	for _, code := range []pluginerr.Reason{live.InvalidToken, live.InvalidPayload, live.WebrtcAnswerError} {
		var r machine.LiveChannelRequestRejectionReason
		if err := r.UnmarshalText([]byte(camel(code))); err != nil {
			t.Errorf("%s names no request rejection reason: %v", code, err)
		}
	}
	if got := live.CommandRejectionReason(pluginerr.New(live.InternalHostError, "x")); got != machine.CommandRejectionInternalHostError {
		t.Errorf("internal_host_error maps to %s", got)
	}
	if got := live.CommandRejectionReason(errors.New("plain")); got != machine.CommandRejectionInternalHostError {
		t.Errorf("plain error maps to %s, want InternalHostError", got)
	}
	if got := live.ChannelRequestRejectionReason(pluginerr.New(pluginerr.PluginUnavailable, "x")); got != machine.RequestRejectionInternalHostError {
		t.Errorf("plugin outage maps to %s, want InternalHostError", got)
	}
}
