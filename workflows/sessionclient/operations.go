package sessionclient

import (
	"context"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
)

// ReconfigureSessionLlm switches the session's LLM identity (spec §10.5) and returns the
// report. A failure after the host switched is compensated by the workflow before it
// answers.
func (c *Client) ReconfigureSessionLlm(ctx context.Context, sessionID string, req machine.SessionLlmReconfigureRequest) (machine.SessionLlmReconfigureReport, error) {
	return operation[machine.SessionLlmReconfigureReport](ctx, c, sessionID, workflows.OpReconfigureSessionLlmIdentity, req)
}

// ReconfigureLiveTopology moves a realtime session to another LLM identity at a safe
// boundary (spec §9.4) and returns the new realtime authority.
func (c *Client) ReconfigureLiveTopology(ctx context.Context, sessionID string, req workflows.LiveTopologyRequest) (workflows.LiveTopologyResult, error) {
	return operation[workflows.LiveTopologyResult](ctx, c, sessionID, workflows.OpReconfigureLiveTopology, req)
}

// operation runs a shell operation update with one update ID across retries.
func operation[T any](ctx context.Context, c *Client, sessionID, name string, req any) (T, error) {
	return retryUpdate[T](ctx, c.opts.RetryDelay, uuid.NewString(), func(id string) (client.WorkflowUpdateHandle, error) {
		return c.tc.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			UpdateID: id, WorkflowID: workflows.WorkflowID(sessionID), UpdateName: name,
			Args: []any{req}, WaitForStage: client.WorkflowUpdateStageCompleted,
		})
	})
}
