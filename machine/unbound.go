package machine

// The process-wide unbound rejection authority (spec §1.9, §8.7): its own machine
// instance, initialised to Idle with no session, no bindings and no tokens, that answers
// live requests whose channel or token no session owns. Its sequence counters grow
// across all such requests for as long as the instance lives (in this product: one
// singleton Temporal workflow), so the first unbound command rejection reports sequence
// 1, the next 2, and so on.
//
// The helpers below build the exact input the shell applies to it; RouteLiveTokenRequest
// and RouteLiveChannelRequest (ids.go) decide when a request goes there.

// NewUnboundAuthority returns a fresh unbound rejection authority: Initialize applied
// (phase Idle), no session registered, every live counter 0, no bindings, no tokens.
func NewUnboundAuthority() State {
	s := NewState()
	s.LifecyclePhase = PhaseIdle // what the Initialize signal does to a fresh machine
	return s
}

// UnboundCommand is the input the unbound authority applies to a live command (send
// input, commit input, interrupt, truncate) for a channel no session owns:
// RecordLiveCommandRejected with ChannelNotFound, so InvalidParams (spec §8.7).
func UnboundCommand(channelID string, command LiveCommandPublicKind) RecordLiveCommandRejected {
	return RecordLiveCommandRejected{ChannelID: channelID, Command: command, Rejection: CommandRejectionChannelNotFound}
}

// UnboundChannelRequest is the input for a status, close, refresh or WebRTC answer
// request about a channel no session owns: RecordLiveChannelRequestRejected with
// ChannelNotFound, so InvalidParams (spec §8.7).
func UnboundChannelRequest(channelID string, request LiveChannelRequestPublicKind) RecordLiveChannelRequestRejected {
	return RecordLiveChannelRequestRejected{ChannelID: channelID, Request: request, Rejection: RequestRejectionChannelNotFound}
}

// UnboundWebrtcAnswer is the input for a WebRTC answer whose token and channel both
// resolve no session (spec §8.7 routing order): a WebrtcAnswer channel-request rejection.
func UnboundWebrtcAnswer(channelID string) RecordLiveChannelRequestRejected {
	return UnboundChannelRequest(channelID, RequestWebrtcAnswer)
}

// UnboundWebsocketAdmission is the input for a WebSocket upgrade no session owns:
// ResolveLiveWebsocketTokenAdmission with an empty session id. The authority never issued
// a token, so it answers ChannelNotBound / InvalidToken (arm 2 of spec §8.6), or rejects
// the input (no outcome) when channelID is empty or observedAtMs is 0.
func UnboundWebsocketAdmission(channelID, token string, observedAtMs uint64) ResolveLiveWebsocketTokenAdmission {
	return ResolveLiveWebsocketTokenAdmission{ChannelID: channelID, Token: token, ObservedAtMs: observedAtMs}
}
