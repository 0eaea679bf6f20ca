package machine

// realtimeState holds the realtime attachment and live topology fields (spec §9.1, the
// v0.6.3 plane).
type realtimeState struct {
	RealtimeIntentPresent          bool                        `json:"realtime_intent_present"`
	RealtimeBindingState           RealtimeBindingState        `json:"realtime_binding_state"`
	RealtimeBindingAuthorityEpoch  Opt[uint64]                 `json:"realtime_binding_authority_epoch"`
	RealtimeReattachRequired       bool                        `json:"realtime_reattach_required"`
	RealtimeNextAuthorityEpoch     uint64                      `json:"realtime_next_authority_epoch"`
	RealtimeReconnectCycleState    RealtimeReconnectCycleState `json:"realtime_reconnect_cycle_state"`
	RealtimeReconnectAttemptCount  uint64                      `json:"realtime_reconnect_attempt_count"`
	RealtimeReconnectNextRetryAtMs Opt[uint64]                 `json:"realtime_reconnect_next_retry_at_ms"`
	RealtimeReconnectDeadlineAtMs  Opt[uint64]                 `json:"realtime_reconnect_deadline_at_ms"`
	LiveTopologyPhase              LiveTopologyPhase           `json:"live_topology_phase"`
}

func initialRealtimeState() realtimeState {
	return realtimeState{
		RealtimeBindingState:        BindingUnbound,
		RealtimeNextAuthorityEpoch:  1,
		RealtimeReconnectCycleState: ReconnectIdle,
		LiveTopologyPhase:           TopologyIdle,
	}
}

func (s *State) checkRealtimeInvariants() error { return nil }

var realtimeCatalogue []InputSpec

var realtimeEffects []Effect
