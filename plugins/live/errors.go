package live

import (
	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

// Reason codes of LiveAdapterHostError (spec §11.2), spelled as on the wire.
const (
	ChannelNotFound                pluginerr.Reason = "channel_not_found"
	SessionNotFound                pluginerr.Reason = "session_not_found"
	ChannelNotReady                pluginerr.Reason = "channel_not_ready"
	SessionAlreadyBound            pluginerr.Reason = "session_already_bound"
	OpenNotAuthorized              pluginerr.Reason = "open_not_authorized"
	OpenAuthorityAlreadyConsumed   pluginerr.Reason = "open_authority_already_consumed"
	CloseNotAuthorized             pluginerr.Reason = "close_not_authorized"
	CloseAuthorityAlreadyConsumed  pluginerr.Reason = "close_authority_already_consumed"
	StatusNotAuthorized            pluginerr.Reason = "status_not_authorized"
	StatusAuthorityAlreadyConsumed pluginerr.Reason = "status_authority_already_consumed"
	NoAdapter                      pluginerr.Reason = "no_adapter"
	UnsupportedCommand             pluginerr.Reason = "unsupported_command"
	AdapterError                   pluginerr.Reason = "adapter_error"
	ProjectionError                pluginerr.Reason = "projection_error"
	InvalidToken                   pluginerr.Reason = "invalid_token"
	InvalidPayload                 pluginerr.Reason = "invalid_payload"
	WebrtcAnswerError              pluginerr.Reason = "webrtc_answer_error"
	InternalHostError                               = pluginerr.InternalHostError
)

var commandRejections = map[pluginerr.Reason]machine.LiveCommandRejectionReason{
	ChannelNotFound:    machine.CommandRejectionChannelNotFound,
	NoAdapter:          machine.CommandRejectionNoAdapter,
	ChannelNotReady:    machine.CommandRejectionChannelNotReady,
	UnsupportedCommand: machine.CommandRejectionUnsupportedCommand,
	AdapterError:       machine.CommandRejectionAdapterError,
	InternalHostError:  machine.CommandRejectionInternalHostError,
}

var requestRejections = map[pluginerr.Reason]machine.LiveChannelRequestRejectionReason{
	ChannelNotFound:   machine.RequestRejectionChannelNotFound,
	NoAdapter:         machine.RequestRejectionNoAdapter,
	InvalidToken:      machine.RequestRejectionInvalidToken,
	InvalidPayload:    machine.RequestRejectionInvalidPayload,
	WebrtcAnswerError: machine.RequestRejectionWebrtcAnswerError,
	InternalHostError: machine.RequestRejectionInternalHostError,
}

// CommandRejectionReason maps a command error to the machine's
// LiveCommandRejectionReason (spec §8.4): the six codes with a variant of the same
// name map one-to-one, anything else (other host errors, plugin outages) is
// InternalHostError.
func CommandRejectionReason(err error) machine.LiveCommandRejectionReason {
	if r, ok := commandRejections[pluginerr.ReasonOf(err)]; ok {
		return r
	}
	return machine.CommandRejectionInternalHostError
}

// ChannelRequestRejectionReason maps a status/close/refresh/WebRTC-answer error to the
// machine's LiveChannelRequestRejectionReason (spec §8.4), one-to-one where a variant
// of the same name exists and InternalHostError otherwise.
func ChannelRequestRejectionReason(err error) machine.LiveChannelRequestRejectionReason {
	if r, ok := requestRejections[pluginerr.ReasonOf(err)]; ok {
		return r
	}
	return machine.RequestRejectionInternalHostError
}

// CommandRejectionCode is the inverse of [CommandRejectionReason]: the wire code of a
// machine command rejection reason.
func CommandRejectionCode(r machine.LiveCommandRejectionReason) pluginerr.Reason {
	for code, reason := range commandRejections {
		if reason == r {
			return code
		}
	}
	return InternalHostError
}

// ChannelRequestRejectionCode is the inverse of [ChannelRequestRejectionReason].
func ChannelRequestRejectionCode(r machine.LiveChannelRequestRejectionReason) pluginerr.Reason {
	for code, reason := range requestRejections {
		if reason == r {
			return code
		}
	}
	return InternalHostError
}
