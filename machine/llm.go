package machine

// This file holds the session LLM identity and capability authority of spec §10.4 (v0.7.1):
// hydrating the machine from the host, the reconfigure plan check with its report fields,
// and clearing. The shell-side planning that builds a ReconfigureSessionLlmIdentity input
// is in llm_plan.go.
//
// Phases: Idle needs a registered session; Attached and Running also need a bound runtime
// (runtimeBound: a runtime id and fence; the DSL's guard reads only the runtime id, and the
// lifecycle never binds one without the other). ClearSessionLlmState needs only a
// registered session in Idle, Attached or Running.

import "fmt"

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

// ---------------------------------------------------------------------------------------
// Plan checks (the DSL helpers of §10.3/§10.4), pure
// ---------------------------------------------------------------------------------------

// capabilityBaseFilterMatches is the §10.3 rule as the machine checks it: a model that can
// consume image tool results has the filter All; one that cannot has exactly
// Deny{"view_image"}.
func capabilityBaseFilterMatches(surface SessionLlmCapabilitySurface, filter ToolFilter) bool {
	return filter.Equal(CapabilityBaseFilterFor(surface.ImageToolResults))
}

// hydratedBaseFilterMatches: Resolved needs a surface and the filter of that surface;
// Unresolved needs no surface and the filter All.
func hydratedBaseFilterMatches(surface Opt[SessionLlmCapabilitySurface], status SessionLlmCapabilitySurfaceStatus, filter ToolFilter) bool {
	if status == SurfaceResolved {
		sf, ok := surface.Lookup()
		return ok && capabilityBaseFilterMatches(sf, filter)
	}
	return !surface.Present() && filter.Equal(AllTools())
}

// expectedNextVisibilityRevision is the §10.3 revision rule: a change of the committed
// visible set bumps the active revision past both the active and the staged revision.
func expectedNextVisibilityRevision(changed bool, active, staged uint64) uint64 {
	if !changed {
		return active
	}
	return max(active, staged) + 1
}

// visibilityPlanMatches is guard 3 of §10.4: the proposal is internally consistent.
func (in ReconfigureSessionLlmIdentity) visibilityPlanMatches() bool {
	prev, next := in.PreviousVisibilityState, in.NextVisibilityState
	changed := in.PreviousViewImageVisible != in.NextViewImageVisible
	d := in.ToolVisibilityDelta
	return prev.CapabilityBaseFilter.Equal(in.PreviousCapabilityBaseFilter) &&
		next.CapabilityBaseFilter.Equal(in.NextCapabilityBaseFilter) &&
		prev.sameExceptCapabilityAndRevision(next) &&
		prev.ActiveRevision == in.PreviousActiveVisibilityRevision &&
		prev.StagedRevision == in.PreviousStagedVisibilityRevision &&
		next.ActiveRevision == in.NextActiveVisibilityRevision &&
		in.PreviousViewImageVisible == prev.AllowsViewImage(in.ViewImageToolAvailable) &&
		in.NextViewImageVisible == next.AllowsViewImage(in.ViewImageToolAvailable) &&
		in.NextActiveVisibilityRevision == expectedNextVisibilityRevision(changed, in.PreviousActiveVisibilityRevision, in.PreviousStagedVisibilityRevision) &&
		d.PreviousCapabilityBaseFilter.Equal(in.PreviousCapabilityBaseFilter) &&
		d.CurrentCapabilityBaseFilter.Equal(in.NextCapabilityBaseFilter) &&
		d.CommittedVisibleSetChanged == changed &&
		d.RevisionBumped == changed
}

// ---------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------

const (
	guardLlmRegistered   = "session_registered: session_id is present"
	guardLlmRuntimeBound = "runtime_is_bound: a runtime id and fence token are bound"
)

func llmRegistered[I any]() guard[I] {
	return guard[I]{guardLlmRegistered, func(s *State, _ I) bool { return s.registered() }}
}

func llmRuntimeBound[I any]() guard[I] {
	return guard[I]{guardLlmRuntimeBound, func(s *State, _ I) bool { return s.runtimeBound() }}
}

// HydrateSessionLlmState loads the host's view of the session's LLM identity and
// capability surface into the machine (spec §10.4). The base filter must be the one the
// surface implies (Unresolved: no surface, filter All).
type HydrateSessionLlmState struct {
	CurrentIdentity                SessionLlmIdentity                `json:"current_identity"`
	CurrentCapabilitySurface       Opt[SessionLlmCapabilitySurface]  `json:"current_capability_surface,omitzero"`
	CurrentCapabilitySurfaceStatus SessionLlmCapabilitySurfaceStatus `json:"current_capability_surface_status"`
	CurrentCapabilityBaseFilter    ToolFilter                        `json:"current_capability_base_filter"`
}

// Name returns "HydrateSessionLlmState".
func (HydrateSessionLlmState) Name() string { return "HydrateSessionLlmState" }

func (in HydrateSessionLlmState) step(s *State) (Effects, error) {
	return step(s, in, hydrateSessionLlmStateRules)
}

var hydrateFilterGuard = guard[HydrateSessionLlmState]{
	"capability_base_filter_matches_surface: Resolved needs a surface and the filter capability_base_filter_for(surface.image_tool_results); Unresolved needs no surface and the filter All",
	func(_ *State, in HydrateSessionLlmState) bool {
		return hydratedBaseFilterMatches(in.CurrentCapabilitySurface, in.CurrentCapabilitySurfaceStatus, in.CurrentCapabilityBaseFilter)
	},
}

func hydrateSessionLlm(s *State, in HydrateSessionLlmState) {
	s.CurrentSessionLlmIdentity = Some(in.CurrentIdentity)
	s.CurrentSessionCapabilitySurface = in.CurrentCapabilitySurface
	s.CurrentSessionCapabilitySurfaceStatus = in.CurrentCapabilitySurfaceStatus
	s.CurrentSessionCapabilityBaseFilter = in.CurrentCapabilityBaseFilter
}

var hydrateSessionLlmStateRules = []rule[HydrateSessionLlmState]{
	{
		name: "HydrateSessionLlmState", from: phasesOf(PhaseIdle),
		guards: []guard[HydrateSessionLlmState]{llmRegistered[HydrateSessionLlmState](), hydrateFilterGuard},
		update: hydrateSessionLlm,
	},
	{
		name: "HydrateSessionLlmState", from: phasesOf(PhaseAttached, PhaseRunning),
		guards: []guard[HydrateSessionLlmState]{
			llmRegistered[HydrateSessionLlmState](), llmRuntimeBound[HydrateSessionLlmState](), hydrateFilterGuard,
		},
		update: hydrateSessionLlm,
	},
}

// ReconfigureSessionLlmIdentity commits a planned LLM identity change (spec §10.4). It is
// an optimistic-concurrency check: the plan's previous values must equal the machine's
// current ones (else the plan is stale), the next base filter must match the target
// surface, and the visibility proposal must be consistent. It then records the target and
// the report, and emits the authoritative plan (SessionLlmReconfigurePlanResolved).
// PlanSessionLlmReconfigure builds this input.
type ReconfigureSessionLlmIdentity struct {
	PreviousIdentity                 SessionLlmIdentity                `json:"previous_identity"`
	PreviousVisibilityState          SessionToolVisibilityState        `json:"previous_visibility_state"`
	PreviousCapabilitySurface        Opt[SessionLlmCapabilitySurface]  `json:"previous_capability_surface,omitzero"`
	PreviousCapabilitySurfaceStatus  SessionLlmCapabilitySurfaceStatus `json:"previous_capability_surface_status"`
	PreviousCapabilityBaseFilter     ToolFilter                        `json:"previous_capability_base_filter"`
	ViewImageToolAvailable           bool                              `json:"view_image_tool_available"`
	PreviousViewImageVisible         bool                              `json:"previous_view_image_visible"`
	NextViewImageVisible             bool                              `json:"next_view_image_visible"`
	PreviousActiveVisibilityRevision uint64                            `json:"previous_active_visibility_revision"`
	PreviousStagedVisibilityRevision uint64                            `json:"previous_staged_visibility_revision"`
	TargetIdentity                   SessionLlmIdentity                `json:"target_identity"`
	TargetCapabilitySurface          SessionLlmCapabilitySurface       `json:"target_capability_surface"`
	NextVisibilityState              SessionToolVisibilityState        `json:"next_visibility_state"`
	NextCapabilityBaseFilter         ToolFilter                        `json:"next_capability_base_filter"`
	NextActiveVisibilityRevision     uint64                            `json:"next_active_visibility_revision"`
	ToolVisibilityDelta              SessionToolVisibilityDelta        `json:"tool_visibility_delta"`
}

// Name returns "ReconfigureSessionLlmIdentity".
func (ReconfigureSessionLlmIdentity) Name() string { return "ReconfigureSessionLlmIdentity" }

func (in ReconfigureSessionLlmIdentity) step(s *State) (Effects, error) {
	return step(s, in, reconfigureSessionLlmIdentityRules)
}

// reconfigurePlanGuards are §10.4 guards 1-3, in the DSL's order.
var reconfigurePlanGuards = []guard[ReconfigureSessionLlmIdentity]{
	{"previous_identity_matches_current: previous_identity equals the current session LLM identity", func(s *State, in ReconfigureSessionLlmIdentity) bool {
		return s.CurrentSessionLlmIdentity.Is(in.PreviousIdentity)
	}},
	{"previous_capability_surface_matches_current: previous_capability_surface equals the current capability surface", func(s *State, in ReconfigureSessionLlmIdentity) bool {
		return s.CurrentSessionCapabilitySurface == in.PreviousCapabilitySurface
	}},
	{"previous_capability_surface_status_matches_current: previous_capability_surface_status equals the current status", func(s *State, in ReconfigureSessionLlmIdentity) bool {
		return s.CurrentSessionCapabilitySurfaceStatus == in.PreviousCapabilitySurfaceStatus
	}},
	{"previous_capability_base_filter_matches_current: previous_capability_base_filter equals the current base filter", func(s *State, in ReconfigureSessionLlmIdentity) bool {
		return s.CurrentSessionCapabilityBaseFilter.Equal(in.PreviousCapabilityBaseFilter)
	}},
	{"next_capability_base_filter_matches_target: next_capability_base_filter is capability_base_filter_for(target_capability_surface.image_tool_results)", func(_ *State, in ReconfigureSessionLlmIdentity) bool {
		return capabilityBaseFilterMatches(in.TargetCapabilitySurface, in.NextCapabilityBaseFilter)
	}},
	{"visibility_reconfigure_plan_matches: the visibility proposal, flags, revisions and delta are consistent", func(_ *State, in ReconfigureSessionLlmIdentity) bool {
		return in.visibilityPlanMatches()
	}},
}

func reconfigureSessionLlm(s *State, in ReconfigureSessionLlmIdentity) {
	target := Some(in.TargetCapabilitySurface)
	changed := in.PreviousViewImageVisible != in.NextViewImageVisible
	s.CurrentSessionLlmIdentity = Some(in.TargetIdentity)
	s.CurrentSessionCapabilitySurface = target
	s.CurrentSessionCapabilitySurfaceStatus = SurfaceResolved
	s.CurrentSessionCapabilityBaseFilter = in.NextCapabilityBaseFilter
	s.SessionLlmReconfigurePreviousCapabilitySurface = in.PreviousCapabilitySurface
	s.SessionLlmReconfigureCurrentCapabilitySurface = target
	s.SessionLlmReconfigureCapabilityChanged = in.PreviousCapabilitySurface != target
	s.SessionLlmReconfigurePreviousCapabilityBaseFilter = in.PreviousCapabilityBaseFilter
	s.SessionLlmReconfigureCurrentCapabilityBaseFilter = in.NextCapabilityBaseFilter
	s.SessionLlmReconfigureCommittedVisibleSetChanged = changed
	s.SessionLlmReconfigureRevisionBumped = changed
	s.SessionLlmReconfigureActiveVisibilityRevision = in.NextActiveVisibilityRevision
}

func emitReconfigurePlan(s *State, _ ReconfigureSessionLlmIdentity) Effects {
	return Effects{SessionLlmReconfigurePlanResolved{
		PreviousCapabilitySurface:    s.SessionLlmReconfigurePreviousCapabilitySurface,
		CurrentCapabilitySurface:     s.SessionLlmReconfigureCurrentCapabilitySurface,
		CapabilityChanged:            s.SessionLlmReconfigureCapabilityChanged,
		PreviousCapabilityBaseFilter: s.SessionLlmReconfigurePreviousCapabilityBaseFilter,
		CurrentCapabilityBaseFilter:  s.SessionLlmReconfigureCurrentCapabilityBaseFilter,
		CommittedVisibleSetChanged:   s.SessionLlmReconfigureCommittedVisibleSetChanged,
		RevisionBumped:               s.SessionLlmReconfigureRevisionBumped,
		ActiveVisibilityRevision:     s.SessionLlmReconfigureActiveVisibilityRevision,
	}}
}

var reconfigureSessionLlmIdentityRules = []rule[ReconfigureSessionLlmIdentity]{
	{
		name: "ReconfigureSessionLlmIdentity", from: phasesOf(PhaseAttached, PhaseRunning),
		guards: append([]guard[ReconfigureSessionLlmIdentity]{
			llmRegistered[ReconfigureSessionLlmIdentity](), llmRuntimeBound[ReconfigureSessionLlmIdentity](),
		}, reconfigurePlanGuards...),
		update: reconfigureSessionLlm,
		emit:   emitReconfigurePlan,
	},
	{
		name: "ReconfigureSessionLlmIdentity", from: phasesOf(PhaseIdle),
		guards: append([]guard[ReconfigureSessionLlmIdentity]{
			llmRegistered[ReconfigureSessionLlmIdentity](),
		}, reconfigurePlanGuards...),
		update: reconfigureSessionLlm,
		emit:   emitReconfigurePlan,
	},
}

// ClearSessionLlmState resets the LLM identity, capability and report fields to their
// initial values (spec §10.4). The shell stages it after a reconfigure whose rollback
// failed and whose live session was discarded.
type ClearSessionLlmState struct{}

// Name returns "ClearSessionLlmState".
func (ClearSessionLlmState) Name() string { return "ClearSessionLlmState" }

func (in ClearSessionLlmState) step(s *State) (Effects, error) {
	return step(s, in, clearSessionLlmStateRules)
}

var clearSessionLlmStateRules = []rule[ClearSessionLlmState]{{
	name: "ClearSessionLlmState", from: openPhases,
	guards: []guard[ClearSessionLlmState]{llmRegistered[ClearSessionLlmState]()},
	update: func(s *State, _ ClearSessionLlmState) { s.resetSessionLlm() },
}}

// SessionLlmReconfigurePlanResolved is the machine's authoritative reconfigure plan (spec
// §10.4; local: the shell reads exactly one from the staged ReconfigureSessionLlmIdentity,
// installs the visibility state with this base filter and revision, and reports the deltas).
type SessionLlmReconfigurePlanResolved struct {
	effect
	PreviousCapabilitySurface    Opt[SessionLlmCapabilitySurface] `json:"previous_capability_surface,omitzero"`
	CurrentCapabilitySurface     Opt[SessionLlmCapabilitySurface] `json:"current_capability_surface,omitzero"`
	CapabilityChanged            bool                             `json:"capability_changed"`
	PreviousCapabilityBaseFilter ToolFilter                       `json:"previous_capability_base_filter"`
	CurrentCapabilityBaseFilter  ToolFilter                       `json:"current_capability_base_filter"`
	CommittedVisibleSetChanged   bool                             `json:"committed_visible_set_changed"`
	RevisionBumped               bool                             `json:"revision_bumped"`
	ActiveVisibilityRevision     uint64                           `json:"active_visibility_revision"`
}

// Name returns "SessionLlmReconfigurePlanResolved".
func (SessionLlmReconfigurePlanResolved) Name() string { return "SessionLlmReconfigurePlanResolved" }

// OpReconfigureSessionLlmIdentity names the §10.5 shell operation in refusals.
const OpReconfigureSessionLlmIdentity = "reconfigure_session_llm_identity"

// CheckLlmReconfigureAllowed is step 1 of spec §10.5, checked before any host call: the
// public runtime state must be Idle, Attached or Running (else NotReady with that state).
// The machine's guards check the same again when the inputs are applied.
func (s *State) CheckLlmReconfigureAllowed() error {
	if v := s.VisiblePhase(); v != ObservedIdle && v != ObservedAttached && v != ObservedRunning {
		return &Rejection{
			Kind: KindNotReady, Phase: s.LifecyclePhase, Input: OpReconfigureSessionLlmIdentity,
			Reason: fmt.Sprintf("the runtime is %s; an LLM reconfigure needs Idle, Attached or Running", v),
		}
	}
	if !s.registered() {
		return &Rejection{
			Kind: KindNotReady, Phase: s.LifecyclePhase, Input: OpReconfigureSessionLlmIdentity,
			Reason: "no session is registered",
		}
	}
	return nil
}

// ---------------------------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------------------------

// checkLlmInvariants holds the §10.4 consistency the guards keep: the status is Resolved
// exactly when a surface is present, a surface comes with an identity, the base filter is
// the one the surface implies (All when unresolved), and the report fields are either all
// initial or describe one reconfigure.
func (s *State) checkLlmInvariants() error {
	surface, resolved := s.CurrentSessionCapabilitySurface.Lookup()
	switch {
	case !s.CurrentSessionCapabilitySurfaceStatus.Valid():
		return broken("current_session_capability_surface_status is Resolved or Unresolved")
	case (s.CurrentSessionCapabilitySurfaceStatus == SurfaceResolved) != resolved:
		return broken("capability surface status is Resolved iff a capability surface is present")
	case resolved && !s.CurrentSessionLlmIdentity.Present():
		return broken("a capability surface comes with an LLM identity")
	case resolved && !capabilityBaseFilterMatches(surface, s.CurrentSessionCapabilityBaseFilter):
		return broken("capability base filter is capability_base_filter_for(surface.image_tool_results)")
	case !resolved && !s.CurrentSessionCapabilityBaseFilter.Equal(AllTools()):
		return broken("capability base filter is All while the surface is unresolved")
	}
	report, reported := s.SessionLlmReconfigureCurrentCapabilitySurface.Lookup()
	if !reported {
		if s.SessionLlmReconfigurePreviousCapabilitySurface.Present() || s.SessionLlmReconfigureCapabilityChanged ||
			!s.SessionLlmReconfigurePreviousCapabilityBaseFilter.Equal(AllTools()) ||
			!s.SessionLlmReconfigureCurrentCapabilityBaseFilter.Equal(AllTools()) ||
			s.SessionLlmReconfigureCommittedVisibleSetChanged || s.SessionLlmReconfigureRevisionBumped ||
			s.SessionLlmReconfigureActiveVisibilityRevision != 0 {
			return broken("reconfigure report fields are initial until a reconfigure is recorded")
		}
		return nil
	}
	switch {
	case !capabilityBaseFilterMatches(report, s.SessionLlmReconfigureCurrentCapabilityBaseFilter):
		return broken("reconfigure report base filter matches its current capability surface")
	case s.SessionLlmReconfigureCapabilityChanged != (s.SessionLlmReconfigurePreviousCapabilitySurface != s.SessionLlmReconfigureCurrentCapabilitySurface):
		return broken("reconfigure report capability_changed is previous != current")
	case s.SessionLlmReconfigureCommittedVisibleSetChanged != s.SessionLlmReconfigureRevisionBumped:
		return broken("reconfigure report revision_bumped equals committed_visible_set_changed")
	}
	return nil
}

var llmCatalogue = []InputSpec{
	specOf("llm", OriginCaller, "Load the host's LLM identity and capability surface into the machine.", hydrateSessionLlmStateRules),
	specOf("llm", OriginCaller, "Commit a planned LLM identity change after re-validating the plan; emits the authoritative plan.", reconfigureSessionLlmIdentityRules),
	specOf("llm", OriginCaller, "Reset the LLM identity, capability and report fields.", clearSessionLlmStateRules),
}

var llmEffects = []Effect{SessionLlmReconfigurePlanResolved{}}
