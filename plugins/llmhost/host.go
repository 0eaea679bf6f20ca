package llmhost

import (
	"context"
	"fmt"
	"time"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/internal/pluginsdk"
)

// APIVersion is the protocol major version implemented by this package.
const APIVersion = 1

// A Host carries out LLM work for sessions: the six reconfigure operations of spec
// §10.2, one LLM step of a turn and the execution of host-offered tools.
//
// Methods may be called concurrently. Mutating calls carry an idempotency key (workflow
// ID + activity ID) and must be safe to repeat with the same key: after a crash the
// caller cannot know whether the plugin acted. Errors should be *pluginerr.Error with a
// reason from errors.go.
type Host interface {
	// Describe reports name, version, supported API versions and capabilities.
	Describe(ctx context.Context) (*DescribeResponse, error)
	// HydrateSessionLlmState reads the session's durable identity, visibility state,
	// capability surface and base tool names.
	HydrateSessionLlmState(ctx context.Context, req *HydrateRequest) (*HydratedSessionLlmState, error)
	// ResolveTargetIdentity merges a reconfigure request over the current identity and
	// resolves the target model's capability surface. It changes nothing.
	ResolveTargetIdentity(ctx context.Context, req *ResolveTargetIdentityRequest) (*ResolvedSessionLlmReconfigure, error)
	// ApplyIdentity hot-swaps the session's model/provider/auth.
	ApplyIdentity(ctx context.Context, req *ApplyIdentityRequest) error
	// ApplyToolVisibilityState installs a visibility state (nil removes it).
	ApplyToolVisibilityState(ctx context.Context, req *ApplyToolVisibilityStateRequest) error
	// PersistLiveSession durably saves the session's applied state.
	PersistLiveSession(ctx context.Context, req *SessionRequest) error
	// DiscardLiveSession drops the session's state; discarding twice is fine.
	DiscardLiveSession(ctx context.Context, req *SessionRequest) error
	// CallLlm runs one LLM step: the terminal answer, tool calls, or a typed failure.
	// Only tools visible under the session's visibility state are offered to the model.
	CallLlm(ctx context.Context, req *CallLlmRequest) (*CallLlmResponse, error)
	// ExecuteToolCall runs one host-offered tool visible to the session.
	ExecuteToolCall(ctx context.Context, req *ExecuteToolCallRequest) (*ExecuteToolCallResponse, error)
}

// Drainer is implemented by plugins that must finish work before being stopped;
// the Drain RPC calls it once no call is in flight.
type Drainer = pluginsdk.Drainer

// DescribeResponse is a plugin's self-description: name, version, supported API
// versions and capabilities. It is the same type as [Info].
type DescribeResponse = pluginsdk.Info

// Capabilities a plugin may report.
const (
	CapabilityCallLlm     = "call_llm"
	CapabilityTools       = "tools"
	CapabilityIdempotency = "idempotency_keys"
)

// HydrateRequest names the session to hydrate.
type HydrateRequest struct {
	SessionID string
}

// HydratedSessionLlmState is spec §10.1 HydratedSessionLlmState.
type HydratedSessionLlmState struct {
	CurrentIdentity          machine.SessionLlmIdentity
	CurrentVisibilityState   machine.SessionToolVisibilityState
	CurrentCapabilitySurface machine.Opt[machine.SessionLlmCapabilitySurface]
	CapabilitySurfaceStatus  machine.SessionLlmCapabilitySurfaceStatus
	BaseToolNames            machine.Set
}

// PatchOp says what a [Patch] does to an optional field.
type PatchOp uint8

// Patch operations; the zero value keeps the current value.
const (
	PatchKeep PatchOp = iota
	PatchSet
	PatchClear
)

// Patch is the v0.7.1 Set(v)|Clear|absent of an optional identity field.
type Patch[T any] struct {
	Op    PatchOp
	Value T
}

// SessionLlmReconfigureRequest is spec §10.1's request (absent = keep current).
type SessionLlmReconfigureRequest struct {
	Model          machine.Opt[string]
	Provider       machine.Opt[machine.Provider]
	ProviderParams Patch[string]
	AuthBinding    Patch[machine.AuthBindingRef]
}

// ResolveTargetIdentityRequest asks for the identity a reconfigure would produce.
type ResolveTargetIdentityRequest struct {
	SessionID       string
	Request         SessionLlmReconfigureRequest
	CurrentIdentity machine.SessionLlmIdentity
}

// ResolvedSessionLlmReconfigure is spec §10.1 ResolvedSessionLlmReconfigure.
type ResolvedSessionLlmReconfigure struct {
	TargetIdentity          machine.SessionLlmIdentity
	TargetCapabilitySurface machine.SessionLlmCapabilitySurface
}

// ApplyIdentityRequest installs an identity on a session.
type ApplyIdentityRequest struct {
	IdempotencyKey string
	SessionID      string
	Identity       machine.SessionLlmIdentity
}

// ApplyToolVisibilityStateRequest installs a visibility state (nil = none).
type ApplyToolVisibilityStateRequest struct {
	IdempotencyKey string
	SessionID      string
	State          *machine.SessionToolVisibilityState
}

// SessionRequest is the request of PersistLiveSession and DiscardLiveSession.
type SessionRequest struct {
	IdempotencyKey string
	SessionID      string
}

// Roles of a [Message].
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
	RoleTool      = "tool"
)

// Message is one entry of the conversation.
type Message struct {
	Role       string        `json:"role"`
	Content    []ContentPart `json:"content,omitzero"`
	ToolCalls  []ToolCall    `json:"tool_calls,omitzero"`
	ToolCallID string        `json:"tool_call_id,omitzero"`
}

// ContentPart is text or an image; exactly one is set.
type ContentPart struct {
	Text  string `json:"text,omitzero"`
	Image *Image `json:"image,omitzero"`
}

// Image is inline image data.
type Image struct {
	MediaType string `json:"media_type"`
	Data      []byte `json:"data"`
}

// ToolCall is a model's request to run a tool.
type ToolCall struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	ArgumentsJSON string `json:"arguments_json"`
}

// CallLlmRequest is one LLM step of a turn.
type CallLlmRequest struct {
	IdempotencyKey string
	SessionID      string
	Identity       machine.SessionLlmIdentity
	Messages       []Message
}

// Outcome says which result a CallLlm produced.
type Outcome uint8

// Outcomes of CallLlm.
const (
	OutcomeAnswer Outcome = iota + 1
	OutcomeToolCalls
	OutcomeFailure
)

var outcomeNames = [...]string{"", "answer", "tool_calls", "failure"}

// MarshalText writes answer, tool_calls or failure.
func (o Outcome) MarshalText() ([]byte, error) {
	if o == 0 || int(o) >= len(outcomeNames) {
		return nil, fmt.Errorf("llmhost: invalid outcome %d", o)
	}
	return []byte(outcomeNames[o]), nil
}

// UnmarshalText reads the forms written by MarshalText.
func (o *Outcome) UnmarshalText(b []byte) error {
	for i := 1; i < len(outcomeNames); i++ {
		if outcomeNames[i] == string(b) {
			*o = Outcome(i)
			return nil
		}
	}
	return fmt.Errorf("llmhost: unknown outcome %q (allowed: answer, tool_calls, failure)", b)
}

// CallLlmResponse holds exactly one outcome and the tools that were offered.
type CallLlmResponse struct {
	Outcome      Outcome     `json:"outcome"`
	Text         string      `json:"text,omitzero"`
	ToolCalls    []ToolCall  `json:"tool_calls,omitzero"`
	Failure      *LlmFailure `json:"failure,omitzero"`
	OfferedTools []string    `json:"offered_tools"`
}

// LlmFailure is a typed run failure (spec §5.2 RunFailed sources).
type LlmFailure struct {
	Source machine.RunFailureSourceKind `json:"source"`
	// RetryKind is set when a retry may succeed (rate limit, timeout, provider 5xx).
	RetryKind  machine.LlmRetryFailureKind `json:"retry_kind,omitzero"`
	RetryAfter time.Duration               `json:"retry_after_ns,omitzero"`
	Message    string                      `json:"message"`
}

// ExecuteToolCallRequest runs one tool call.
type ExecuteToolCallRequest struct {
	IdempotencyKey string
	SessionID      string
	Call           ToolCall
}

// ExecuteToolCallResponse is the tool result.
type ExecuteToolCallResponse struct {
	Content []ContentPart `json:"content"`
	IsError bool          `json:"is_error,omitzero"`
}
