package activities

import (
	"context"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
)

// HydrateSessionLlmStateInput names the session.
type HydrateSessionLlmStateInput struct {
	SessionID string `json:"session_id"`
}

// HydrateSessionLlmStateResult is spec §10.1 HydratedSessionLlmState.
type HydrateSessionLlmStateResult struct {
	CurrentIdentity          machine.SessionLlmIdentity                       `json:"current_identity"`
	CurrentVisibilityState   machine.SessionToolVisibilityState               `json:"current_visibility_state"`
	CurrentCapabilitySurface machine.Opt[machine.SessionLlmCapabilitySurface] `json:"current_capability_surface"`
	CapabilitySurfaceStatus  machine.SessionLlmCapabilitySurfaceStatus        `json:"capability_surface_status"`
	BaseToolNames            machine.Set                                      `json:"base_tool_names"`
}

// HydrateSessionLlmState reads the session's LLM state from the LLM host.
func (a *Activities) HydrateSessionLlmState(ctx context.Context, in HydrateSessionLlmStateInput) (*HydrateSessionLlmStateResult, error) {
	h, err := callPlugin(ctx, func(ctx context.Context) (*llmhost.HydratedSessionLlmState, error) {
		return a.LLM.HydrateSessionLlmState(ctx, &llmhost.HydrateRequest{SessionID: in.SessionID})
	})
	if err != nil {
		return nil, err
	}
	return &HydrateSessionLlmStateResult{CurrentIdentity: h.CurrentIdentity, CurrentVisibilityState: h.CurrentVisibilityState,
		CurrentCapabilitySurface: h.CurrentCapabilitySurface, CapabilitySurfaceStatus: h.CapabilitySurfaceStatus, BaseToolNames: h.BaseToolNames}, nil
}

// ResolveTargetSessionLlmIdentityInput is a reconfigure request over the current identity.
// Absent fields keep the current value; Clear* drop an optional one.
type ResolveTargetSessionLlmIdentityInput struct {
	SessionID           string                              `json:"session_id"`
	CurrentIdentity     machine.SessionLlmIdentity          `json:"current_identity"`
	Model               machine.Opt[string]                 `json:"model,omitzero"`
	Provider            machine.Opt[machine.Provider]       `json:"provider,omitzero"`
	ProviderParams      machine.Opt[string]                 `json:"provider_params,omitzero"`
	ClearProviderParams bool                                `json:"clear_provider_params,omitzero"`
	AuthBinding         machine.Opt[machine.AuthBindingRef] `json:"auth_binding,omitzero"`
	ClearAuthBinding    bool                                `json:"clear_auth_binding,omitzero"`
}

// ResolveTargetSessionLlmIdentityResult is spec §10.1 ResolvedSessionLlmReconfigure.
type ResolveTargetSessionLlmIdentityResult struct {
	TargetIdentity          machine.SessionLlmIdentity          `json:"target_identity"`
	TargetCapabilitySurface machine.SessionLlmCapabilitySurface `json:"target_capability_surface"`
}

func patch[T comparable](set machine.Opt[T], clear bool) llmhost.Patch[T] {
	if v, ok := set.Lookup(); ok {
		return llmhost.Patch[T]{Op: llmhost.PatchSet, Value: v}
	}
	if clear {
		return llmhost.Patch[T]{Op: llmhost.PatchClear}
	}
	return llmhost.Patch[T]{}
}

// ResolveTargetSessionLlmIdentity asks the LLM host for the target identity and surface.
func (a *Activities) ResolveTargetSessionLlmIdentity(ctx context.Context, in ResolveTargetSessionLlmIdentityInput) (*ResolveTargetSessionLlmIdentityResult, error) {
	req := &llmhost.ResolveTargetIdentityRequest{SessionID: in.SessionID, CurrentIdentity: in.CurrentIdentity,
		Request: llmhost.SessionLlmReconfigureRequest{Model: in.Model, Provider: in.Provider,
			ProviderParams: patch(in.ProviderParams, in.ClearProviderParams), AuthBinding: patch(in.AuthBinding, in.ClearAuthBinding)}}
	r, err := callPlugin(ctx, func(ctx context.Context) (*llmhost.ResolvedSessionLlmReconfigure, error) {
		return a.LLM.ResolveTargetIdentity(ctx, req)
	})
	if err != nil {
		return nil, err
	}
	return &ResolveTargetSessionLlmIdentityResult{TargetIdentity: r.TargetIdentity, TargetCapabilitySurface: r.TargetCapabilitySurface}, nil
}

// ApplySessionLlmIdentityInput installs an identity on a session.
type ApplySessionLlmIdentityInput struct {
	SessionID string                     `json:"session_id"`
	Identity  machine.SessionLlmIdentity `json:"identity"`
}

// ApplySessionLlmIdentity hot-swaps the session's model in the LLM host.
func (a *Activities) ApplySessionLlmIdentity(ctx context.Context, in ApplySessionLlmIdentityInput) error {
	return callPluginErr(ctx, func(ctx context.Context) error {
		return a.LLM.ApplyIdentity(ctx, &llmhost.ApplyIdentityRequest{IdempotencyKey: idempotencyKey(ctx), SessionID: in.SessionID, Identity: in.Identity})
	})
}

// ApplySessionToolVisibilityStateInput installs a visibility state (null = none).
type ApplySessionToolVisibilityStateInput struct {
	SessionID string                              `json:"session_id"`
	State     *machine.SessionToolVisibilityState `json:"state"`
}

// ApplySessionToolVisibilityState installs the session's tool visibility state.
func (a *Activities) ApplySessionToolVisibilityState(ctx context.Context, in ApplySessionToolVisibilityStateInput) error {
	return callPluginErr(ctx, func(ctx context.Context) error {
		return a.LLM.ApplyToolVisibilityState(ctx, &llmhost.ApplyToolVisibilityStateRequest{IdempotencyKey: idempotencyKey(ctx), SessionID: in.SessionID, State: in.State})
	})
}

// SessionInput names the session of PersistLiveSession and DiscardLiveSession.
type SessionInput struct {
	SessionID string `json:"session_id"`
}

// PersistLiveSession durably saves the session's applied LLM state.
func (a *Activities) PersistLiveSession(ctx context.Context, in SessionInput) error {
	return callPluginErr(ctx, func(ctx context.Context) error {
		return a.LLM.PersistLiveSession(ctx, &llmhost.SessionRequest{IdempotencyKey: idempotencyKey(ctx), SessionID: in.SessionID})
	})
}

// DiscardLiveSession drops the session's LLM state (idempotent).
func (a *Activities) DiscardLiveSession(ctx context.Context, in SessionInput) error {
	return callPluginErr(ctx, func(ctx context.Context) error {
		return a.LLM.DiscardLiveSession(ctx, &llmhost.SessionRequest{IdempotencyKey: idempotencyKey(ctx), SessionID: in.SessionID})
	})
}

// CallLlmInput is one LLM step of a turn.
type CallLlmInput struct {
	SessionID string                     `json:"session_id"`
	Identity  machine.SessionLlmIdentity `json:"identity"`
	Messages  []llmhost.Message          `json:"messages"`
}

// CallLlm runs one LLM step. A typed failure (spec §5.2 sources) is a result, not an
// error: the workflow reports it to the machine as RunFailed.
func (a *Activities) CallLlm(ctx context.Context, in CallLlmInput) (*llmhost.CallLlmResponse, error) {
	return callPlugin(ctx, func(ctx context.Context) (*llmhost.CallLlmResponse, error) {
		return a.LLM.CallLlm(ctx, &llmhost.CallLlmRequest{IdempotencyKey: idempotencyKey(ctx), SessionID: in.SessionID, Identity: in.Identity, Messages: in.Messages})
	})
}

// ExecuteToolCallInput is one tool call.
type ExecuteToolCallInput struct {
	SessionID string           `json:"session_id"`
	Call      llmhost.ToolCall `json:"call"`
}

// ExecuteToolCall runs one host-offered tool.
func (a *Activities) ExecuteToolCall(ctx context.Context, in ExecuteToolCallInput) (*llmhost.ExecuteToolCallResponse, error) {
	return callPlugin(ctx, func(ctx context.Context) (*llmhost.ExecuteToolCallResponse, error) {
		return a.LLM.ExecuteToolCall(ctx, &llmhost.ExecuteToolCallRequest{IdempotencyKey: idempotencyKey(ctx), SessionID: in.SessionID, Call: in.Call})
	})
}
