package activities_test

import (
	"errors"
	"testing"

	"go.temporal.io/sdk/temporal"

	"github.com/meerkat-temporal/meerkat/activities"
	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/live"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

// TestReasonCodeRoundTrip: every live reason code survives ToApplicationError and comes
// back spelled as the host spells it, so the machine's mappings see the plugin's code.
func TestReasonCodeRoundTrip(t *testing.T) {
	codes := []pluginerr.Reason{
		live.ChannelNotFound, live.SessionNotFound, live.ChannelNotReady, live.SessionAlreadyBound,
		live.OpenNotAuthorized, live.OpenAuthorityAlreadyConsumed, live.CloseNotAuthorized,
		live.CloseAuthorityAlreadyConsumed, live.StatusNotAuthorized, live.StatusAuthorityAlreadyConsumed,
		live.NoAdapter, live.UnsupportedCommand, live.AdapterError, live.ProjectionError,
		live.InvalidToken, live.InvalidPayload, live.WebrtcAnswerError, live.InternalHostError,
		pluginerr.PluginUnavailable, pluginerr.PluginCrashLoop, pluginerr.PluginRefused,
	}
	for _, code := range codes {
		err := activities.ToApplicationError(pluginerr.New(code, "x"))
		if got := activities.ReasonCode(err); got != string(code) {
			t.Errorf("ReasonCode(ToApplicationError(%s)) = %q", code, got)
		}
	}
}

// TestReasonCodeFeedsMachineMappings: the codes reach the machine's classification.
func TestReasonCodeFeedsMachineMappings(t *testing.T) {
	tests := []struct {
		err     error
		command machine.LiveCommandRejectionReason
		request machine.LiveChannelRequestRejectionReason
	}{
		{activities.ToApplicationError(pluginerr.New(live.ChannelNotFound, "x")), machine.CommandRejectionChannelNotFound, machine.RequestRejectionChannelNotFound},
		{activities.ToApplicationError(pluginerr.New(live.NoAdapter, "x")), machine.CommandRejectionNoAdapter, machine.RequestRejectionNoAdapter},
		{activities.ToApplicationError(pluginerr.New(live.ChannelNotReady, "x")), machine.CommandRejectionChannelNotReady, machine.RequestRejectionInternalHostError},
		{activities.ToApplicationError(pluginerr.New(live.SessionNotFound, "x")), machine.CommandRejectionInternalHostError, machine.RequestRejectionInternalHostError},
		{temporal.NewTimeoutError(0, errors.New("start-to-close")), machine.CommandRejectionInternalHostError, machine.RequestRejectionInternalHostError},
		{errors.New("not an application error"), machine.CommandRejectionInternalHostError, machine.RequestRejectionInternalHostError},
	}
	for _, tc := range tests {
		code := activities.ReasonCode(tc.err)
		if got := machine.CommandRejectionForHostError(code); got != tc.command {
			t.Errorf("%v: command rejection %s, want %s", tc.err, got, tc.command)
		}
		if got := machine.ChannelRequestRejectionForHostError(code); got != tc.request {
			t.Errorf("%v: request rejection %s, want %s", tc.err, got, tc.request)
		}
	}
}
