package machine

import (
	"encoding/json"
	"fmt"
	"maps"
)

// ViewImageToolName is the one tool whose visibility follows the model's capability to
// consume image tool results (spec §10.3).
const ViewImageToolName = "view_image"

// AuthBindingRef names the credentials an LLM identity uses (spec §10.1).
type AuthBindingRef struct {
	RealmID   string      `json:"realm_id"`
	BindingID string      `json:"binding_id"`
	ProfileID Opt[string] `json:"profile_id,omitzero"`
}

// SessionLlmIdentity is the model a session talks to (spec §10.1). ProviderParamsRepr is
// the stable JSON of open-ended provider parameters, compared only for equality.
type SessionLlmIdentity struct {
	Model              string              `json:"model"`
	Provider           Provider            `json:"provider"`
	SelfHostedServerID Opt[string]         `json:"self_hosted_server_id,omitzero"`
	ProviderParamsRepr Opt[string]         `json:"provider_params_repr,omitzero"`
	AuthBinding        Opt[AuthBindingRef] `json:"auth_binding,omitzero"`
}

// SessionLlmCapabilitySurface is what the session's model can do (spec §10.1).
type SessionLlmCapabilitySurface struct {
	SupportsTemperature bool        `json:"supports_temperature"`
	SupportsThinking    bool        `json:"supports_thinking"`
	SupportsReasoning   bool        `json:"supports_reasoning"`
	InlineVideo         bool        `json:"inline_video"`
	Vision              bool        `json:"vision"`
	ImageInput          bool        `json:"image_input"`
	ImageToolResults    bool        `json:"image_tool_results"`
	SupportsWebSearch   bool        `json:"supports_web_search"`
	ImageGeneration     bool        `json:"image_generation"`
	Realtime            bool        `json:"realtime"`
	CallTimeoutSecs     Opt[uint64] `json:"call_timeout_secs,omitzero"`
}

// ToolFilter is the DSL's ToolFilter: All, Allow(names) or Deny(names). In JSON it is
// "All", {"Allow":[names]} or {"Deny":[names]}. The zero value is All.
type ToolFilter struct {
	Kind  ToolFilterKind
	Names Set
}

// AllTools returns the filter that allows every tool.
func AllTools() ToolFilter { return ToolFilter{Kind: FilterAll} }

// AllowTools returns the filter that allows only the named tools.
func AllowTools(names ...string) ToolFilter {
	return ToolFilter{Kind: FilterAllow, Names: NewSet(names...)}
}

// DenyTools returns the filter that allows every tool but the named ones.
func DenyTools(names ...string) ToolFilter {
	return ToolFilter{Kind: FilterDeny, Names: NewSet(names...)}
}

// Allows reports whether the filter lets the named tool through.
func (f ToolFilter) Allows(name string) bool {
	switch f.Kind {
	case FilterAllow:
		return f.Names.Has(name)
	case FilterDeny:
		return !f.Names.Has(name)
	default:
		return true
	}
}

// Equal reports whether both filters are the same variant with the same names. The
// unset kind reads as All.
func (f ToolFilter) Equal(o ToolFilter) bool {
	if f.kind() != o.kind() {
		return false
	}
	return f.kind() == FilterAll || f.Names.Equal(o.Names)
}

func (f ToolFilter) kind() ToolFilterKind {
	if f.Kind == 0 {
		return FilterAll
	}
	return f.Kind
}

// String renders the filter as the DSL writes it.
func (f ToolFilter) String() string {
	if f.kind() == FilterAll {
		return "All"
	}
	return f.Kind.String() + f.Names.String()
}

// MarshalJSON writes "All", {"Allow":[...]} or {"Deny":[...]}.
func (f ToolFilter) MarshalJSON() ([]byte, error) {
	if f.kind() == FilterAll {
		return []byte(`"All"`), nil
	}
	return json.Marshal(map[string]Set{f.Kind.String(): f.Names})
}

// UnmarshalJSON reads the forms written by MarshalJSON.
func (f *ToolFilter) UnmarshalJSON(b []byte) error {
	var word string
	if json.Unmarshal(b, &word) == nil {
		if word != "All" {
			return fmt.Errorf("unknown ToolFilter %q (allowed: \"All\", {\"Allow\":[...]}, {\"Deny\":[...]})", word)
		}
		*f = AllTools()
		return nil
	}
	var tagged map[string]Set
	if err := json.Unmarshal(b, &tagged); err != nil {
		return fmt.Errorf("ToolFilter: %w", err)
	}
	if len(tagged) != 1 {
		return fmt.Errorf("ToolFilter needs exactly one of Allow or Deny, got %d keys", len(tagged))
	}
	for k, names := range tagged {
		var kind ToolFilterKind
		if err := kind.UnmarshalText([]byte(k)); err != nil || kind == FilterAll {
			return fmt.Errorf("unknown ToolFilter variant %q (allowed: Allow, Deny)", k)
		}
		if names == nil {
			names = Set{}
		}
		*f = ToolFilter{Kind: kind, Names: names}
	}
	return nil
}

// ToolProvenance says which source last offered a tool.
type ToolProvenance struct {
	Kind     ToolSourceKind `json:"kind"`
	SourceID string         `json:"source_id"`
}

// ToolVisibilityWitness is the structural witness kept per tool name.
type ToolVisibilityWitness struct {
	LastSeenProvenance Opt[ToolProvenance] `json:"last_seen_provenance,omitzero"`
}

// SessionToolVisibilityState is the session's tool visibility owner state (spec §10.1).
type SessionToolVisibilityState struct {
	CapabilityBaseFilter         ToolFilter                       `json:"capability_base_filter"`
	InheritedBaseFilter          ToolFilter                       `json:"inherited_base_filter"`
	ActiveFilter                 ToolFilter                       `json:"active_filter"`
	StagedFilter                 ToolFilter                       `json:"staged_filter"`
	ActiveRequestedDeferredNames Set                              `json:"active_requested_deferred_names"`
	StagedRequestedDeferredNames Set                              `json:"staged_requested_deferred_names"`
	ActiveRevision               uint64                           `json:"active_revision"`
	StagedRevision               uint64                           `json:"staged_revision"`
	RequestedWitnesses           map[string]ToolVisibilityWitness `json:"requested_witnesses"`
	FilterWitnesses              map[string]ToolVisibilityWitness `json:"filter_witnesses"`
}

// Equal reports whether both states hold the same values (nil sets and maps equal empty).
func (v SessionToolVisibilityState) Equal(o SessionToolVisibilityState) bool {
	return v.CapabilityBaseFilter.Equal(o.CapabilityBaseFilter) && v.sameExceptCapabilityAndRevision(o) &&
		v.ActiveRevision == o.ActiveRevision
}

// sameExceptCapabilityAndRevision compares every field a capability-driven plan must carry
// over unchanged (spec §10.4 guard 3).
func (v SessionToolVisibilityState) sameExceptCapabilityAndRevision(o SessionToolVisibilityState) bool {
	return v.InheritedBaseFilter.Equal(o.InheritedBaseFilter) &&
		v.ActiveFilter.Equal(o.ActiveFilter) &&
		v.StagedFilter.Equal(o.StagedFilter) &&
		v.ActiveRequestedDeferredNames.Equal(o.ActiveRequestedDeferredNames) &&
		v.StagedRequestedDeferredNames.Equal(o.StagedRequestedDeferredNames) &&
		v.StagedRevision == o.StagedRevision &&
		maps.Equal(v.RequestedWitnesses, o.RequestedWitnesses) &&
		maps.Equal(v.FilterWitnesses, o.FilterWitnesses)
}

// AllowsViewImage reports whether this state lets view_image through, given whether the
// session offers the tool at all (spec §10.3; the staged filter is not consulted).
func (v SessionToolVisibilityState) AllowsViewImage(viewImageAvailable bool) bool {
	return viewImageAvailable &&
		v.CapabilityBaseFilter.Allows(ViewImageToolName) &&
		v.InheritedBaseFilter.Allows(ViewImageToolName) &&
		v.ActiveFilter.Allows(ViewImageToolName)
}

// CapabilityBaseFilterFor is the §10.3 rule: a model that can consume image tool results
// sees every tool; one that cannot has view_image denied.
func CapabilityBaseFilterFor(imageToolResults bool) ToolFilter {
	if imageToolResults {
		return AllTools()
	}
	return DenyTools(ViewImageToolName)
}

// SessionToolVisibilityDelta reports how a reconfigure changed tool visibility.
type SessionToolVisibilityDelta struct {
	PreviousCapabilityBaseFilter ToolFilter `json:"previous_capability_base_filter"`
	CurrentCapabilityBaseFilter  ToolFilter `json:"current_capability_base_filter"`
	CommittedVisibleSetChanged   bool       `json:"committed_visible_set_changed"`
	RevisionBumped               bool       `json:"revision_bumped"`
}
