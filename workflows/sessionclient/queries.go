package sessionclient

import (
	"context"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
)

// MachineState returns the session's full machine state.
func (c *Client) MachineState(ctx context.Context, sessionID string) (machine.State, error) {
	return query[machine.State](ctx, c, sessionID, workflows.QueryMachineState)
}

// RuntimeState returns the session's visible runtime phase and its classification.
func (c *Client) RuntimeState(ctx context.Context, sessionID string) (workflows.RuntimeState, error) {
	return query[workflows.RuntimeState](ctx, c, sessionID, workflows.QueryRuntimeState)
}

// LlmIdentity returns the session's current LLM identity and capability surface.
func (c *Client) LlmIdentity(ctx context.Context, sessionID string) (workflows.LlmIdentity, error) {
	return query[workflows.LlmIdentity](ctx, c, sessionID, workflows.QueryLlmIdentity)
}

// RealtimeStatus returns the session's realtime attachment and live topology status.
func (c *Client) RealtimeStatus(ctx context.Context, sessionID string) (workflows.RealtimeStatus, error) {
	return query[workflows.RealtimeStatus](ctx, c, sessionID, workflows.QueryRealtimeStatus)
}

// LiveRouting returns the session's active live channel and its bound identity.
func (c *Client) LiveRouting(ctx context.Context, sessionID string) (workflows.LiveRouting, error) {
	return query[workflows.LiveRouting](ctx, c, sessionID, workflows.QueryLiveRouting)
}

// ShellStatus returns the session workflow's counters, refused signals and
// continue-as-new status.
func (c *Client) ShellStatus(ctx context.Context, sessionID string) (workflows.ShellStatus, error) {
	return query[workflows.ShellStatus](ctx, c, sessionID, workflows.QueryShellStatus)
}

func query[T any](ctx context.Context, c *Client, sessionID, name string, args ...any) (T, error) {
	var out T
	v, err := c.tc.QueryWorkflow(ctx, workflows.WorkflowID(sessionID), "", name, args...)
	if err != nil {
		return out, err
	}
	err = v.Get(&out)
	return out, err
}

// InputState returns the public state of one input.
func (c *Client) InputState(ctx context.Context, sessionID, inputID string) (workflows.InputState, error) {
	return query[workflows.InputState](ctx, c, sessionID, workflows.QueryInputState, inputID)
}

// ActiveInputs returns the session's non-terminal inputs in admission order.
func (c *Client) ActiveInputs(ctx context.Context, sessionID string) ([]machine.InputView, error) {
	return query[[]machine.InputView](ctx, c, sessionID, workflows.QueryActiveInputs)
}
