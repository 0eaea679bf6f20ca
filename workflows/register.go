package workflows

import (
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// RegisterWorkflows registers both workflows under their names on a worker or a
// replayer. A worker that serves the shell operations also registers the plugin
// activities: r.RegisterActivity(&activities.Activities{LLM: …, Live: …}).
func RegisterWorkflows(r worker.WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(SessionWorkflow, workflow.RegisterOptions{Name: SessionWorkflowName})
	r.RegisterWorkflowWithOptions(UnboundAuthorityWorkflow, workflow.RegisterOptions{Name: UnboundWorkflowName})
}
