package machine

// llmState holds the session LLM identity and capability fields (spec §3.4) and the
// report of the last reconfigure.
type llmState struct {
	CurrentSessionLlmIdentity                         Opt[SessionLlmIdentity]           `json:"current_session_llm_identity"`
	CurrentSessionCapabilitySurface                   Opt[SessionLlmCapabilitySurface]  `json:"current_session_capability_surface"`
	CurrentSessionCapabilitySurfaceStatus             SessionLlmCapabilitySurfaceStatus `json:"current_session_capability_surface_status"`
	CurrentSessionCapabilityBaseFilter                ToolFilter                        `json:"current_session_capability_base_filter"`
	SessionLlmReconfigurePreviousCapabilitySurface    Opt[SessionLlmCapabilitySurface]  `json:"session_llm_reconfigure_previous_capability_surface"`
	SessionLlmReconfigureCurrentCapabilitySurface     Opt[SessionLlmCapabilitySurface]  `json:"session_llm_reconfigure_current_capability_surface"`
	SessionLlmReconfigureCapabilityChanged            bool                              `json:"session_llm_reconfigure_capability_changed"`
	SessionLlmReconfigurePreviousCapabilityBaseFilter ToolFilter                        `json:"session_llm_reconfigure_previous_capability_base_filter"`
	SessionLlmReconfigureCurrentCapabilityBaseFilter  ToolFilter                        `json:"session_llm_reconfigure_current_capability_base_filter"`
	SessionLlmReconfigureCommittedVisibleSetChanged   bool                              `json:"session_llm_reconfigure_committed_visible_set_changed"`
	SessionLlmReconfigureRevisionBumped               bool                              `json:"session_llm_reconfigure_revision_bumped"`
	SessionLlmReconfigureActiveVisibilityRevision     uint64                            `json:"session_llm_reconfigure_active_visibility_revision"`
}

func initialLlmState() llmState {
	return llmState{
		CurrentSessionCapabilitySurfaceStatus:             SurfaceUnresolved,
		CurrentSessionCapabilityBaseFilter:                AllTools(),
		SessionLlmReconfigurePreviousCapabilityBaseFilter: AllTools(),
		SessionLlmReconfigureCurrentCapabilityBaseFilter:  AllTools(),
	}
}

// resetSessionLlm returns every LLM identity, capability and report field to its initial
// value (RegisterSession with a new binding, UnregisterSession, ClearSessionLlmState).
func (s *State) resetSessionLlm() { s.llmState = initialLlmState() }

func (s *State) checkLlmInvariants() error { return nil }

var llmCatalogue []InputSpec

var llmEffects []Effect
