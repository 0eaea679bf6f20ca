package llmhost

import (
	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

// Reasons an LLM host plugin reports (besides the shared ones in pluginerr).
const (
	// SessionNotFound: the session has no LLM state in this host.
	SessionNotFound pluginerr.Reason = "session_not_found"
	// UnknownModel: the requested model is not in the host's catalogue.
	UnknownModel pluginerr.Reason = "unknown_model"
	// ToolNotFound: no tool of that name is offered by the host.
	ToolNotFound pluginerr.Reason = "tool_not_found"
	// ToolNotVisible: the tool exists but the session's visibility state hides it.
	ToolNotVisible pluginerr.Reason = "tool_not_visible"
)

// RunFailureSource classifies a host error for a RunFailed input: plugin outages and
// crash loops are LLM failures worth retrying, everything else is an internal error.
func RunFailureSource(err error) (source machine.RunFailureSourceKind, retryable bool) {
	switch pluginerr.ReasonOf(err) {
	case pluginerr.PluginUnavailable, pluginerr.PluginCrashLoop:
		return machine.FailureSourceLlm, true
	case SessionNotFound:
		return machine.FailureSourceSessionNotFound, false
	case UnknownModel, pluginerr.InvalidRequest:
		return machine.FailureSourceConfigError, false
	case ToolNotFound, ToolNotVisible:
		return machine.FailureSourceInvalidToolAccess, false
	default:
		return machine.FailureSourceInternalError, false
	}
}
