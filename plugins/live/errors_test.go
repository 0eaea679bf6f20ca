package live_test

import (
	"errors"
	"testing"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/live"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

func TestCommandRejectionReasonMapping(t *testing.T) {
	tests := map[pluginerr.Reason]machine.LiveCommandRejectionReason{
		live.ChannelNotFound:               machine.CommandRejectionChannelNotFound,
		live.NoAdapter:                     machine.CommandRejectionNoAdapter,
		live.ChannelNotReady:               machine.CommandRejectionChannelNotReady,
		live.UnsupportedCommand:            machine.CommandRejectionUnsupportedCommand,
		live.AdapterError:                  machine.CommandRejectionAdapterError,
		live.InternalHostError:             machine.CommandRejectionInternalHostError,
		live.SessionNotFound:               machine.CommandRejectionInternalHostError,
		live.SessionAlreadyBound:           machine.CommandRejectionInternalHostError,
		live.OpenNotAuthorized:             machine.CommandRejectionInternalHostError,
		live.CloseAuthorityAlreadyConsumed: machine.CommandRejectionInternalHostError,
		live.ProjectionError:               machine.CommandRejectionInternalHostError,
		pluginerr.PluginUnavailable:        machine.CommandRejectionInternalHostError,
	}
	for code, want := range tests {
		t.Run(string(code), func(t *testing.T) {
			t.Parallel()
			if got := live.CommandRejectionReason(pluginerr.New(code, "x")); got != want {
				t.Errorf("CommandRejectionReason(%s) = %s, want %s", code, got, want)
			}
		})
	}
	if got := live.CommandRejectionReason(errors.New("plain")); got != machine.CommandRejectionInternalHostError {
		t.Errorf("plain error maps to %s, want InternalHostError", got)
	}
}

func TestChannelRequestRejectionReasonMapping(t *testing.T) {
	tests := map[pluginerr.Reason]machine.LiveChannelRequestRejectionReason{
		live.ChannelNotFound:     machine.RequestRejectionChannelNotFound,
		live.NoAdapter:           machine.RequestRejectionNoAdapter,
		live.InvalidToken:        machine.RequestRejectionInvalidToken,
		live.InvalidPayload:      machine.RequestRejectionInvalidPayload,
		live.WebrtcAnswerError:   machine.RequestRejectionWebrtcAnswerError,
		live.InternalHostError:   machine.RequestRejectionInternalHostError,
		live.ChannelNotReady:     machine.RequestRejectionInternalHostError,
		live.StatusNotAuthorized: machine.RequestRejectionInternalHostError,
	}
	for code, want := range tests {
		t.Run(string(code), func(t *testing.T) {
			t.Parallel()
			if got := live.ChannelRequestRejectionReason(pluginerr.New(code, "x")); got != want {
				t.Errorf("ChannelRequestRejectionReason(%s) = %s, want %s", code, got, want)
			}
		})
	}
}

// Every machine rejection reason has exactly one wire code and maps back to itself.
func TestRejectionCodesRoundTrip(t *testing.T) {
	for r := machine.CommandRejectionChannelNotFound; r.Valid(); r++ {
		if back := live.CommandRejectionReason(pluginerr.New(live.CommandRejectionCode(r), "")); back != r {
			t.Errorf("command reason %s → %s → %s", r, live.CommandRejectionCode(r), back)
		}
	}
	for r := machine.RequestRejectionChannelNotFound; r.Valid(); r++ {
		if back := live.ChannelRequestRejectionReason(pluginerr.New(live.ChannelRequestRejectionCode(r), "")); back != r {
			t.Errorf("request reason %s → %s → %s", r, live.ChannelRequestRejectionCode(r), back)
		}
	}
}
