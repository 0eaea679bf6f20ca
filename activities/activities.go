package activities

import (
	"context"

	"go.temporal.io/sdk/activity"

	"github.com/meerkat-temporal/meerkat/plugins/live"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
)

// Activities calls the plugins of one worker. Register a *Activities with the worker;
// LLM and Live are usually an *llmhost.Manager and a *live.Manager.
type Activities struct {
	LLM  llmhost.Host
	Live live.Host
}

// idempotencyKey is "<workflow ID>/<run ID>/<activity ID>": the same for every attempt
// of one activity, different for every activity. The run ID is part of it because
// activity IDs start again in every run of a workflow that continued as new.
func idempotencyKey(ctx context.Context) string {
	info := activity.GetInfo(ctx)
	return info.WorkflowExecution.ID + "/" + info.WorkflowExecution.RunID + "/" + info.ActivityID
}
