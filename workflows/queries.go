package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/meerkat-temporal/meerkat/machine"
)

// RuntimeState is the public runtime state of a session (spec §5.6).
type RuntimeState struct {
	SessionID      string                                `json:"session_id"`
	LifecyclePhase machine.Phase                         `json:"lifecycle_phase"`
	VisiblePhase   machine.RuntimeLifecycleObservedState `json:"visible_phase"`
	Classification machine.LifecycleClassification       `json:"classification"`
	CurrentRunID   machine.Opt[string]                   `json:"current_run_id"`
}

// LlmIdentity is the session's current LLM identity and capability surface (spec §10).
type LlmIdentity struct {
	Identity      machine.Opt[machine.SessionLlmIdentity]          `json:"identity"`
	Surface       machine.Opt[machine.SessionLlmCapabilitySurface] `json:"capability_surface"`
	SurfaceStatus machine.SessionLlmCapabilitySurfaceStatus        `json:"capability_surface_status"`
	BaseFilter    machine.ToolFilter                               `json:"capability_base_filter"`
}

// RealtimeStatus is the realtime attachment and live topology status (spec §9.3): the
// machine's public projections (attachment status, channel status) and the fields behind
// them.
type RealtimeStatus struct {
	AttachmentStatus       machine.RealtimeAttachmentStatus    `json:"attachment_status"`
	ChannelStatus          machine.RealtimeChannelStatus       `json:"channel_status"`
	IntentPresent          bool                                `json:"realtime_intent_present"`
	BindingState           machine.RealtimeBindingState        `json:"realtime_binding_state"`
	BindingAuthorityEpoch  machine.Opt[uint64]                 `json:"realtime_binding_authority_epoch"`
	ReattachRequired       bool                                `json:"realtime_reattach_required"`
	ReconnectCycleState    machine.RealtimeReconnectCycleState `json:"realtime_reconnect_cycle_state"`
	ReconnectAttemptCount  uint64                              `json:"realtime_reconnect_attempt_count"`
	ReconnectNextRetryAtMs machine.Opt[uint64]                 `json:"realtime_reconnect_next_retry_at_ms"`
	ReconnectDeadlineAtMs  machine.Opt[uint64]                 `json:"realtime_reconnect_deadline_at_ms"`
	LiveTopologyPhase      machine.LiveTopologyPhase           `json:"live_topology_phase"`
}

// LiveRouting is the session's live channel routing (spec §8.7): its active channel and
// the LLM identity bound to that channel.
type LiveRouting struct {
	ActiveChannel machine.Opt[string]                     `json:"active_channel"`
	BoundIdentity machine.Opt[machine.SessionLlmIdentity] `json:"bound_llm_identity"`
}

// InputState is the public state of one input (query input_state with the input id);
// Known is false when the session does not track the input.
type InputState struct {
	Known bool `json:"known"`
	machine.InputView
}

// ShellStatus is the workflow's own bookkeeping.
type ShellStatus struct {
	ShellState
	// RunMessages counts the signals and accepted updates of the current run.
	RunMessages int `json:"run_messages"`
	// Draining is true while the run waits for handlers before continuing as new.
	Draining bool `json:"draining"`
}

func runtimeStateOf(s *machine.State) RuntimeState {
	visible := s.VisiblePhase()
	return RuntimeState{
		SessionID: s.SessionID.Get(), LifecyclePhase: s.LifecyclePhase, VisiblePhase: visible,
		Classification: machine.ClassifyLifecycle(visible), CurrentRunID: s.CurrentRunID,
	}
}

func llmIdentityOf(s *machine.State) LlmIdentity {
	return LlmIdentity{
		Identity: s.CurrentSessionLlmIdentity, Surface: s.CurrentSessionCapabilitySurface,
		SurfaceStatus: s.CurrentSessionCapabilitySurfaceStatus, BaseFilter: s.CurrentSessionCapabilityBaseFilter,
	}
}

func realtimeStatusOf(s *machine.State) RealtimeStatus {
	return RealtimeStatus{
		AttachmentStatus: s.RealtimeAttachmentStatus(), ChannelStatus: s.RealtimeChannelStatus(),
		IntentPresent: s.RealtimeIntentPresent, BindingState: s.RealtimeBindingState,
		BindingAuthorityEpoch: s.RealtimeBindingAuthorityEpoch, ReattachRequired: s.RealtimeReattachRequired,
		ReconnectCycleState: s.RealtimeReconnectCycleState, ReconnectAttemptCount: s.RealtimeReconnectAttemptCount,
		ReconnectNextRetryAtMs: s.RealtimeReconnectNextRetryAtMs, ReconnectDeadlineAtMs: s.RealtimeReconnectDeadlineAtMs,
		LiveTopologyPhase: s.LiveTopologyPhase,
	}
}

func liveRoutingOf(s *machine.State) LiveRouting {
	var out LiveRouting
	if ch, ok := s.LiveActiveChannel(); ok {
		out.ActiveChannel = machine.Some(ch)
		out.BoundIdentity = s.LiveChannelBoundIdentity(ch)
	}
	return out
}

// LiveOwnership says whether a session answers a live request (spec §8.7): the query
// live_ownership takes the token's digest (machine.TokenDigest, or "" for none) and
// the channel id.
type LiveOwnership struct {
	WebrtcToken    bool `json:"webrtc_token"`
	WebsocketToken bool `json:"websocket_token"`
	ActiveChannel  bool `json:"active_channel"`
	StatusChannel  bool `json:"status_channel"`
}

func liveOwnershipOf(s *machine.State, tokenDigest, channelID string) LiveOwnership {
	out := LiveOwnership{ActiveChannel: s.OwnsLiveChannel(channelID), StatusChannel: s.OwnsLiveStatusChannel(channelID)}
	if tokenDigest != "" {
		out.WebrtcToken = s.IssuedLiveToken(tokenDigest, true)
		out.WebsocketToken = s.IssuedLiveToken(tokenDigest, false)
	}
	return out
}

// LiveChannel is the routing and status projection of one channel (query live_channel
// with the channel id); Known is false when the session never saw the channel.
type LiveChannel struct {
	Known bool `json:"known"`
	machine.LiveChannelView
}

// sessionQueryDocs documents the session's queries, in the order of the message table.
var sessionQueryDocs = []struct{ name, doc string }{
	{QueryMachineState, "The full machine state."},
	{QueryRuntimeState, "The visible runtime phase and its lifecycle classification."},
	{QueryLlmIdentity, "The current LLM identity and capability surface."},
	{QueryRealtimeStatus, "The realtime attachment and live topology status."},
	{QueryLiveRouting, "The active live channel and its bound identity."},
	{QueryInputState, "The public state of one input (argument: input id)."},
	{QueryActiveInputs, "The non-terminal inputs in admission order."},
	{QueryInputCompletions, "Whether inputs completed, and how (argument: input ids)."},
	{QueryLiveChannel, "The routing and status of one live channel (argument: channel id)."},
	{QueryLiveOwnership, "Whether this session owns a token (argument: its SHA-256 hex digest) or a channel."},
	{QueryShellStatus, "Message counters, refused signals and continue-as-new status."},
	{QueryConversation, "The messages the runtime loop exchanged with the model."},
}

func queryDoc(name string) string {
	for _, q := range sessionQueryDocs {
		if q.name == name {
			return q.doc
		}
	}
	return ""
}

// registerSessionQueries registers the read-only projections of a session.
func registerSessionQueries(ctx workflow.Context, a *authority) error {
	queries := []struct {
		name    string
		handler any
	}{
		{QueryMachineState, func() (machine.State, error) { return a.state, nil }},
		{QueryRuntimeState, func() (RuntimeState, error) { return runtimeStateOf(&a.state), nil }},
		{QueryLlmIdentity, func() (LlmIdentity, error) { return llmIdentityOf(&a.state), nil }},
		{QueryRealtimeStatus, func() (RealtimeStatus, error) { return realtimeStatusOf(&a.state), nil }},
		{QueryLiveRouting, func() (LiveRouting, error) { return liveRoutingOf(&a.state), nil }},
		{QueryInputState, func(inputID string) (InputState, error) {
			v, ok := a.state.InputState(inputID)
			return InputState{Known: ok, InputView: v}, nil
		}},
		{QueryActiveInputs, func() ([]machine.InputView, error) { return a.state.ActiveInputs(), nil }},
		{QueryInputCompletions, func(ids []string) ([]Completion, error) {
			return a.completionsOf(ids)
		}},
		{QueryLiveChannel, func(channelID string) (LiveChannel, error) {
			v, ok := a.state.LiveChannel(channelID)
			return LiveChannel{Known: ok, LiveChannelView: v}, nil
		}},
		{QueryLiveOwnership, func(tokenDigest, channelID string) (LiveOwnership, error) {
			return liveOwnershipOf(&a.state, tokenDigest, channelID), nil
		}},
		{QueryShellStatus, func() (ShellStatus, error) { return a.status(), nil }},
		{QueryConversation, func() (Conversation, error) { return a.conversation(), nil }},
	}
	for _, q := range queries {
		if err := workflow.SetQueryHandlerWithOptions(ctx, q.name, q.handler, workflow.QueryHandlerOptions{Description: queryDoc(q.name)}); err != nil {
			return err
		}
	}
	return nil
}

func (a *authority) status() ShellStatus {
	return ShellStatus{ShellState: a.shell, RunMessages: a.runMessages, Draining: a.draining}
}
