package machine

// The process-wide unbound rejection authority (spec §8.7): one machine instance,
// initialised to Idle with no session, no bindings and no tokens, that answers live
// requests whose channel or token no session owns. Its sequence counters grow across all
// such requests for as long as the instance lives (in this product: one singleton
// Temporal workflow), so the first unbound command rejection reports sequence 1, the next
// 2, and so on.

// NewUnboundAuthority returns a fresh unbound rejection authority.
func NewUnboundAuthority() State { return ProjectionAuthority() }

// UnboundCommand is the input the unbound authority applies to a live command (send
// input, commit input, interrupt, truncate) for a channel no session owns.
func UnboundCommand(channelID string, command LiveCommandPublicKind) Input {
	return RecordLiveCommandRejected{ChannelID: channelID, Command: command, Rejection: CommandRejectionChannelNotFound}
}

// UnboundChannelRequest is the input for a status, close, refresh or WebRTC answer
// request about a channel no session owns.
func UnboundChannelRequest(channelID string, request LiveChannelRequestPublicKind) Input {
	return RecordLiveChannelRequestRejected{ChannelID: channelID, Request: request, Rejection: RequestRejectionChannelNotFound}
}

// UnboundWebsocketAdmission is the input for a WebSocket upgrade no session owns. The
// authority never issued a token, so it answers ChannelNotBound (or rejects the input when
// observedAtMs is 0).
func UnboundWebsocketAdmission(channelID, token string, observedAtMs uint64) Input {
	return ResolveLiveWebsocketTokenAdmission{ChannelID: channelID, Token: token, ObservedAtMs: observedAtMs}
}
