package machine

// liveState holds the live channel authority (spec §3.5). The binding maps below are
// shared with the topology plane (MarkLiveTopologyDetached asks the shell to close the
// session's active channel).
type liveState struct {
	LiveOpenAdmissionSequence    uint64                        `json:"live_open_admission_sequence"`
	LiveActiveChannelBySession   map[string]string             `json:"live_active_channel_by_session"`
	LiveChannelSessionByChannel  map[string]string             `json:"live_channel_session_by_channel"`
	LiveChannelIdentityByChannel map[string]SessionLlmIdentity `json:"live_channel_identity_by_channel"`
}

// activeLiveChannel returns the live channel bound to the machine's own session, if any.
func (s *State) activeLiveChannel() (string, bool) {
	id, ok := s.SessionID.Lookup()
	if !ok {
		return "", false
	}
	ch, ok := s.LiveActiveChannelBySession[id]
	return ch, ok
}

func (s *State) checkLiveInvariants() error { return nil }

var liveCatalogue []InputSpec

var liveEffects []Effect
