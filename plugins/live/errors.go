package live

import (
	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

// Reason codes of LiveAdapterHostError (spec §11.2). The spelling is the machine's
// (machine.HostError*), so the codes an adapter reports are the codes the machine maps.
const (
	ChannelNotFound                pluginerr.Reason = machine.HostErrorChannelNotFound
	SessionNotFound                pluginerr.Reason = machine.HostErrorSessionNotFound
	ChannelNotReady                pluginerr.Reason = machine.HostErrorChannelNotReady
	SessionAlreadyBound            pluginerr.Reason = machine.HostErrorSessionAlreadyBound
	OpenNotAuthorized              pluginerr.Reason = machine.HostErrorOpenNotAuthorized
	OpenAuthorityAlreadyConsumed   pluginerr.Reason = machine.HostErrorOpenAuthorityAlreadyConsumed
	CloseNotAuthorized             pluginerr.Reason = machine.HostErrorCloseNotAuthorized
	CloseAuthorityAlreadyConsumed  pluginerr.Reason = machine.HostErrorCloseAuthorityAlreadyConsumed
	StatusNotAuthorized            pluginerr.Reason = machine.HostErrorStatusNotAuthorized
	StatusAuthorityAlreadyConsumed pluginerr.Reason = machine.HostErrorStatusAuthorityAlreadyConsumed
	NoAdapter                      pluginerr.Reason = machine.HostErrorNoAdapter
	UnsupportedCommand             pluginerr.Reason = machine.HostErrorUnsupportedCommand
	AdapterError                   pluginerr.Reason = machine.HostErrorAdapterError
	ProjectionError                pluginerr.Reason = machine.HostErrorProjectionError
	InternalHostError                               = pluginerr.InternalHostError
)

// Refusals of a request's content. They are not host errors: the machine maps them,
// like any code it does not name, to InternalHostError; the surface that validated the
// request chooses the rejection reason of the same name (spec §8.4) itself.
const (
	InvalidToken      pluginerr.Reason = "invalid_token"
	InvalidPayload    pluginerr.Reason = "invalid_payload"
	WebrtcAnswerError pluginerr.Reason = "webrtc_answer_error"
)

// CommandRejectionReason is the machine's LiveCommandRejectionReason for a command
// error: [machine.CommandRejectionForHostError] of its reason code.
func CommandRejectionReason(err error) machine.LiveCommandRejectionReason {
	return machine.CommandRejectionForHostError(string(pluginerr.ReasonOf(err)))
}

// ChannelRequestRejectionReason is the machine's LiveChannelRequestRejectionReason for
// a status, close, refresh or WebRTC answer error:
// [machine.ChannelRequestRejectionForHostError] of its reason code.
func ChannelRequestRejectionReason(err error) machine.LiveChannelRequestRejectionReason {
	return machine.ChannelRequestRejectionForHostError(string(pluginerr.ReasonOf(err)))
}
