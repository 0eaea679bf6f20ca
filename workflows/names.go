package workflows

import (
	"strings"

	"github.com/meerkat-temporal/meerkat/machine"
)

// TaskQueue is the task queue the worker polls for session and unbound workflows.
const TaskQueue = "meerkat-sessions"

// Workflow type names, as registered with the worker and shown in the Web UI.
const (
	SessionWorkflowName = "SessionWorkflow"
	UnboundWorkflowName = "UnboundAuthorityWorkflow"
)

// UnboundWorkflowID is the ID of the singleton workflow holding the process-wide unbound
// rejection authority (spec §8.7).
const UnboundWorkflowID = "meerkat-unbound-authority"

// SignalInput is the signal that carries any input as an envelope,
// {"kind": "<input name>", "fields": {...}} (machine.MarshalInput). All envelopes share one
// channel, so they are applied in the order they arrived, whatever their kinds; the
// sessionclient sends its signals this way.
const SignalInput = "MachineInput"

// workflowIDPrefix starts every session workflow ID.
const workflowIDPrefix = "meerkat-session/"

// WorkflowID derives the Temporal workflow ID of a session from its session id:
// "meerkat-session/" followed by the session id unchanged. It is the only place the
// scheme is defined; callers always address the workflow by this ID with an empty run ID,
// so every call follows the continue-as-new chain.
func WorkflowID(sessionID string) string { return workflowIDPrefix + sessionID }

// SessionIDOf returns the session id a workflow ID was derived from, and whether the ID
// follows the session scheme at all.
func SessionIDOf(workflowID string) (string, bool) {
	id, ok := strings.CutPrefix(workflowID, workflowIDPrefix)
	if !ok || id == "" {
		return "", false
	}
	return id, true
}

// Query names. Queries never change the session.
const (
	// QueryMachineState returns the full machine state (machine.State as JSON).
	QueryMachineState = "machine_state"
	// QueryRuntimeState returns RuntimeState: the visible phase and its lifecycle
	// classification.
	QueryRuntimeState = "runtime_state"
	// QueryLlmIdentity returns LlmIdentity: the session's current LLM identity and
	// capability surface.
	QueryLlmIdentity = "llm_identity"
	// QueryRealtimeStatus returns RealtimeStatus: the realtime attachment and live
	// topology fields.
	QueryRealtimeStatus = "realtime_status"
	// QueryLiveRouting returns LiveRouting: the session's active live channel and the
	// identity bound to it.
	QueryLiveRouting = "live_routing"
	// QueryInputState returns InputState: the public state of one input (argument: the
	// input id).
	QueryInputState = "input_state"
	// QueryActiveInputs returns the non-terminal inputs ([]machine.InputView) in
	// admission order.
	QueryActiveInputs = "active_inputs"
	// QueryInputCompletions returns []Completion for a list of input ids (at most
	// MaxCompletionQuery): how waiters learn that their input completed.
	QueryInputCompletions = "input_completions"
	// QueryLiveChannel returns LiveChannel: the routing and status of one channel
	// (argument: the channel id).
	QueryLiveChannel = "live_channel"
	// QueryLiveOwnership returns LiveOwnership: whether the session owns a token
	// (argument 1: its SHA-256 hex digest, never the token) or a channel (argument 2).
	QueryLiveOwnership = "live_ownership"
	// QueryShellStatus returns ShellStatus: message counters, refused signals, the run
	// count and whether the workflow is draining for continue-as-new.
	QueryShellStatus = "shell_status"
	// QueryConversation returns Conversation: the messages the runtime loop exchanged
	// with the model.
	QueryConversation = "conversation"
)

// CallerInputs lists the catalogue inputs a caller may send, in catalogue order. Each is
// accepted as a signal and as an update named exactly as the input.
func CallerInputs() []machine.InputSpec {
	var out []machine.InputSpec
	for _, sp := range machine.Catalogue() {
		if sp.Origin == machine.OriginCaller {
			out = append(out, sp)
		}
	}
	return out
}
