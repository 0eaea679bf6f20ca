package machine

// This file holds the pure shell-side planning of an LLM identity reconfigure (spec §10.1,
// §10.3, §10.5): the host-facing types, merging a v0.7.1 reconfigure request over the
// current identity, building the ReconfigureSessionLlmIdentity input from the hydrated
// state and the resolved target, and reading the machine's authoritative plan back into
// the report. The workflow calls these and the host; it decides nothing itself.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
)

// HydratedSessionLlmState is what the host's hydrate_session_llm_state returns (spec §10.1,
// §10.2): the session's current identity, tool visibility state, capability surface and
// its status, and the names of the tools the session offers at all.
type HydratedSessionLlmState struct {
	CurrentIdentity          SessionLlmIdentity                `json:"current_identity"`
	CurrentVisibilityState   SessionToolVisibilityState        `json:"current_visibility_state"`
	CurrentCapabilitySurface Opt[SessionLlmCapabilitySurface]  `json:"current_capability_surface,omitzero"`
	CapabilitySurfaceStatus  SessionLlmCapabilitySurfaceStatus `json:"capability_surface_status"`
	BaseToolNames            Set                               `json:"base_tool_names"`
}

// Input is the HydrateSessionLlmState input that loads this hydration into the machine
// (spec §10.5 step 2); the base filter is the visibility state's capability base filter.
func (h HydratedSessionLlmState) Input() HydrateSessionLlmState {
	return HydrateSessionLlmState{
		CurrentIdentity:                h.CurrentIdentity,
		CurrentCapabilitySurface:       h.CurrentCapabilitySurface,
		CurrentCapabilitySurfaceStatus: h.CapabilitySurfaceStatus,
		CurrentCapabilityBaseFilter:    h.CurrentVisibilityState.CapabilityBaseFilter,
	}
}

// ResolvedSessionLlmReconfigure is what the host's resolve_target_session_llm_identity
// returns (spec §10.1): the target identity and its model's capability surface.
type ResolvedSessionLlmReconfigure struct {
	TargetIdentity          SessionLlmIdentity          `json:"target_identity"`
	TargetCapabilitySurface SessionLlmCapabilitySurface `json:"target_capability_surface"`
}

// SessionLlmCapabilityDelta reports how a reconfigure changed the capability surface
// (spec §10.1).
type SessionLlmCapabilityDelta struct {
	Previous Opt[SessionLlmCapabilitySurface] `json:"previous,omitzero"`
	Current  Opt[SessionLlmCapabilitySurface] `json:"current,omitzero"`
	Changed  bool                             `json:"changed"`
}

// SessionLlmReconfigureReport is the public result of a reconfigure (spec §10.1).
// RollbackOccurred is always false on success.
type SessionLlmReconfigureReport struct {
	PreviousIdentity    SessionLlmIdentity         `json:"previous_identity"`
	NewIdentity         SessionLlmIdentity         `json:"new_identity"`
	CapabilityDelta     SessionLlmCapabilityDelta  `json:"capability_delta"`
	ToolVisibilityDelta SessionToolVisibilityDelta `json:"tool_visibility_delta"`
	RollbackOccurred    bool                       `json:"rollback_occurred"`
}

// ---------------------------------------------------------------------------------------
// The v0.7.1 request and its merge
// ---------------------------------------------------------------------------------------

// overrideAction is the tri-state of an Override.
type overrideAction uint8

const (
	overrideKeep overrideAction = iota
	overrideSet
	overrideClear
)

// Override is the v0.7.1 tri-state of an optional request field (upstream
// TurnMetadataOverride): absent (the zero value) keeps the current value, Set replaces it,
// Clear removes it. In JSON: absent/null, {"action":"set","value":v}, {"action":"clear"};
// as upstream, a bare value (an object without "action", or any non-object) reads as Set.
type Override[T any] struct {
	action overrideAction
	value  T
}

// SetTo returns the override that sets v.
func SetTo[T any](v T) Override[T] { return Override[T]{action: overrideSet, value: v} }

// ClearValue returns the override that removes the value.
func ClearValue[T any]() Override[T] { return Override[T]{action: overrideClear} }

// IsZero reports whether the override is absent (keep the current value).
func (o Override[T]) IsZero() bool { return o.action == overrideKeep }

// IsClear reports whether the override removes the value.
func (o Override[T]) IsClear() bool { return o.action == overrideClear }

// Lookup returns the value to set and whether the override sets one.
func (o Override[T]) Lookup() (T, bool) { return o.value, o.action == overrideSet }

// MarshalJSON writes null, {"action":"set","value":v} or {"action":"clear"}.
func (o Override[T]) MarshalJSON() ([]byte, error) {
	switch o.action {
	case overrideSet:
		return json.Marshal(struct {
			Action string `json:"action"`
			Value  T      `json:"value"`
		}{"set", o.value})
	case overrideClear:
		return []byte(`{"action":"clear"}`), nil
	}
	return []byte("null"), nil
}

// UnmarshalJSON reads the forms MarshalJSON writes, and a bare value as Set.
func (o *Override[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*o = Override[T]{}
		return nil
	}
	var tagged map[string]json.RawMessage
	if len(b) > 0 && b[0] == '{' && json.Unmarshal(b, &tagged) == nil {
		if rawAction, ok := tagged["action"]; ok {
			var action string
			if err := json.Unmarshal(rawAction, &action); err != nil {
				return fmt.Errorf("override action must be a string")
			}
			value, hasValue := tagged["value"]
			switch action {
			case "clear":
				if hasValue || len(tagged) != 1 {
					return fmt.Errorf("clear override cannot include value")
				}
				*o = ClearValue[T]()
				return nil
			case "set":
				if !hasValue || len(tagged) != 2 {
					return fmt.Errorf("set override needs exactly the fields action and value")
				}
				b = value
			default:
				return fmt.Errorf("unknown override action %q (allowed: set, clear)", action)
			}
		}
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*o = SetTo(v)
	return nil
}

// SessionLlmReconfigureRequest is the v0.7.1 reconfigure request (spec §10.1): every field
// absent keeps the current value. ProviderParams is open-ended JSON.
type SessionLlmReconfigureRequest struct {
	Model          Opt[string]               `json:"model,omitzero"`
	Provider       Opt[Provider]             `json:"provider,omitzero"`
	ProviderParams Override[json.RawMessage] `json:"provider_params,omitzero"`
	AuthBinding    Override[AuthBindingRef]  `json:"auth_binding,omitzero"`
}

// Validate refuses requests the merge cannot serve: a provider override without a model
// (upstream: "provider override requires model on an existing session") and provider
// params that are not JSON.
func (r SessionLlmReconfigureRequest) Validate() error {
	if r.Provider.Present() && !r.Model.Present() {
		return invalidInput(OpReconfigureSessionLlmIdentity, "provider override requires model on an existing session")
	}
	if raw, ok := r.ProviderParams.Lookup(); ok && !json.Valid(raw) {
		return invalidInput(OpReconfigureSessionLlmIdentity, "provider_params is not valid JSON")
	}
	return nil
}

// MergeLlmReconfigureRequest merges a v0.7.1 request over the current identity (the pure
// part of resolve_target_session_llm_identity): model and provider replace when present;
// provider_params and auth_binding follow their Override (keep, set, clear), the params
// stored as their stable JSON (keys sorted, compact). self_hosted_server_id is kept only
// while the provider stays SelfHosted and the model is not changed; otherwise it is left
// absent for the host to fill from its model registry.
func MergeLlmReconfigureRequest(current SessionLlmIdentity, req SessionLlmReconfigureRequest) SessionLlmIdentity {
	out := current
	if m, ok := req.Model.Lookup(); ok {
		out.Model = m
	}
	if p, ok := req.Provider.Lookup(); ok {
		out.Provider = p
	}
	switch {
	case req.ProviderParams.IsClear():
		out.ProviderParamsRepr = None[string]()
	case !req.ProviderParams.IsZero():
		raw, _ := req.ProviderParams.Lookup()
		out.ProviderParamsRepr = Some(StableJSON(raw))
	}
	switch {
	case req.AuthBinding.IsClear():
		out.AuthBinding = None[AuthBindingRef]()
	case !req.AuthBinding.IsZero():
		ab, _ := req.AuthBinding.Lookup()
		out.AuthBinding = Some(ab)
	}
	if out.Provider != ProviderSelfHosted || req.Model.Present() {
		out.SelfHostedServerID = None[string]()
	}
	return out
}

// StableJSON renders JSON with object keys sorted and no insignificant space, numbers
// kept as written, so equal values compare equal (provider_params_repr, spec §10.1).
// Text that is not JSON is returned unchanged.
func StableJSON(raw []byte) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return string(raw)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return string(raw)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// ---------------------------------------------------------------------------------------
// Planning (spec §10.3, §10.5 step 4)
// ---------------------------------------------------------------------------------------

// cloneVisibility returns a copy of v that shares no set or map with it.
func cloneVisibility(v SessionToolVisibilityState) SessionToolVisibilityState {
	out := v
	out.CapabilityBaseFilter.Names = v.CapabilityBaseFilter.Names.Clone()
	out.InheritedBaseFilter.Names = v.InheritedBaseFilter.Names.Clone()
	out.ActiveFilter.Names = v.ActiveFilter.Names.Clone()
	out.StagedFilter.Names = v.StagedFilter.Names.Clone()
	out.ActiveRequestedDeferredNames = v.ActiveRequestedDeferredNames.Clone()
	out.StagedRequestedDeferredNames = v.StagedRequestedDeferredNames.Clone()
	out.RequestedWitnesses = maps.Clone(v.RequestedWitnesses)
	out.FilterWitnesses = maps.Clone(v.FilterWitnesses)
	return out
}

// PlanSessionLlmReconfigure builds the ReconfigureSessionLlmIdentity input from the
// hydrated state and the resolved target (spec §10.3, §10.5 step 4). The proposal keeps
// every visibility field but the capability base filter, which becomes the target's
// (capability_base_filter_for(image_tool_results)); when that changes whether view_image
// is committed-visible, the active revision moves to max(active, staged) + 1. The machine
// re-validates all of it when the input is applied.
func PlanSessionLlmReconfigure(h HydratedSessionLlmState, target ResolvedSessionLlmReconfigure) ReconfigureSessionLlmIdentity {
	prev := cloneVisibility(h.CurrentVisibilityState)
	available := h.BaseToolNames.Has(ViewImageToolName)
	next := cloneVisibility(prev)
	next.CapabilityBaseFilter = CapabilityBaseFilterFor(target.TargetCapabilitySurface.ImageToolResults)
	prevVisible, nextVisible := prev.AllowsViewImage(available), next.AllowsViewImage(available)
	changed := prevVisible != nextVisible
	next.ActiveRevision = expectedNextVisibilityRevision(changed, prev.ActiveRevision, prev.StagedRevision)
	return ReconfigureSessionLlmIdentity{
		PreviousIdentity:                 h.CurrentIdentity,
		PreviousVisibilityState:          prev,
		PreviousCapabilitySurface:        h.CurrentCapabilitySurface,
		PreviousCapabilitySurfaceStatus:  h.CapabilitySurfaceStatus,
		PreviousCapabilityBaseFilter:     prev.CapabilityBaseFilter,
		ViewImageToolAvailable:           available,
		PreviousViewImageVisible:         prevVisible,
		NextViewImageVisible:             nextVisible,
		PreviousActiveVisibilityRevision: prev.ActiveRevision,
		PreviousStagedVisibilityRevision: prev.StagedRevision,
		TargetIdentity:                   target.TargetIdentity,
		TargetCapabilitySurface:          target.TargetCapabilitySurface,
		NextVisibilityState:              next,
		NextCapabilityBaseFilter:         next.CapabilityBaseFilter,
		NextActiveVisibilityRevision:     next.ActiveRevision,
		ToolVisibilityDelta: SessionToolVisibilityDelta{
			PreviousCapabilityBaseFilter: prev.CapabilityBaseFilter,
			CurrentCapabilityBaseFilter:  next.CapabilityBaseFilter,
			CommittedVisibleSetChanged:   changed,
			RevisionBumped:               changed,
		},
	}
}

// SessionLlmReconfigureAuthority is what the machine authorised for one reconfigure (spec
// §10.5 steps 5-8): the visibility state to install on the host (with the machine's base
// filter and active revision) and the report to return on success.
type SessionLlmReconfigureAuthority struct {
	NextVisibilityState SessionToolVisibilityState  `json:"next_visibility_state"`
	Report              SessionLlmReconfigureReport `json:"report"`
}

// ResolveSessionLlmReconfigureAuthority reads the plan back from the effects of an accepted
// ReconfigureSessionLlmIdentity (spec §10.5 step 5): exactly one
// SessionLlmReconfigurePlanResolved must be present, else ValidationFailed.
func ResolveSessionLlmReconfigureAuthority(in ReconfigureSessionLlmIdentity, fx Effects) (SessionLlmReconfigureAuthority, error) {
	var plan *SessionLlmReconfigurePlanResolved
	for _, e := range fx {
		p, ok := e.(SessionLlmReconfigurePlanResolved)
		if !ok {
			continue
		}
		if plan != nil {
			return SessionLlmReconfigureAuthority{}, invalidInput(OpReconfigureSessionLlmIdentity, "generated SessionLlmReconfigurePlanResolved effect emitted more than once")
		}
		plan = &p
	}
	if plan == nil {
		return SessionLlmReconfigureAuthority{}, invalidInput(OpReconfigureSessionLlmIdentity, "generated SessionLlmReconfigurePlanResolved effect was absent")
	}
	next := cloneVisibility(in.NextVisibilityState)
	next.CapabilityBaseFilter = plan.CurrentCapabilityBaseFilter
	next.ActiveRevision = plan.ActiveVisibilityRevision
	return SessionLlmReconfigureAuthority{
		NextVisibilityState: next,
		Report: SessionLlmReconfigureReport{
			PreviousIdentity: in.PreviousIdentity,
			NewIdentity:      in.TargetIdentity,
			CapabilityDelta: SessionLlmCapabilityDelta{
				Previous: plan.PreviousCapabilitySurface, Current: plan.CurrentCapabilitySurface, Changed: plan.CapabilityChanged,
			},
			ToolVisibilityDelta: SessionToolVisibilityDelta{
				PreviousCapabilityBaseFilter: plan.PreviousCapabilityBaseFilter,
				CurrentCapabilityBaseFilter:  plan.CurrentCapabilityBaseFilter,
				CommittedVisibleSetChanged:   plan.CommittedVisibleSetChanged,
				RevisionBumped:               plan.RevisionBumped,
			},
		},
	}, nil
}

// Refusals of the §9.4/§10.5 shell flows, worded as upstream words them.
const (
	// MsgLlmReconfigureHostMissing: no SessionLlmReconfigureHost is configured (Internal).
	MsgLlmReconfigureHostMissing = "session llm reconfigure host is not configured"
)

// LlmReconfigureRollbackFailed is the Internal error of spec §10.5 step 6 when the rollback
// after a failed visibility install or persist failed too; the shell then discards the live
// session and stages ClearSessionLlmState.
func LlmReconfigureRollbackFailed(original, rollback error) error {
	return &Rejection{
		Kind: KindInternal, Input: OpReconfigureSessionLlmIdentity,
		Reason: fmt.Sprintf("failed to rollback live llm reconfiguration after error (%v): %v", original, rollback),
	}
}

// LiveTopologyFailedAfterDetach is the Internal error of spec §9.4 when host work failed
// after MarkLiveTopologyDetached; the shell discards the live session, resets its caches
// and applies FailLiveTopologyAfterDetach.
func LiveTopologyFailedAfterDetach(cause error) error {
	return &Rejection{
		Kind: KindInternal, Input: OpReconfigureLiveTopology,
		Reason: fmt.Sprintf("live topology reconfigure failed after detach: %v", cause),
	}
}

// LiveTopologyBoundaryTimeout is the Internal error of spec §9.4 step 4 when
// MarkLiveTopologyDetached was not accepted within the shell's retry window; the shell
// applies AbortLiveTopologyBeforeDetach. last is the last rejection.
func LiveTopologyBoundaryTimeout(last error) error {
	return &Rejection{
		Kind: KindInternal, Input: OpReconfigureLiveTopology,
		Reason: fmt.Sprintf("timed out waiting for live topology boundary: %v", last),
	}
}
