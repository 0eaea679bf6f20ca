package sessionclient_test

import (
	"testing"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

func TestVisibilityQuery(t *testing.T) {
	cases := []struct {
		name string
		f    sessionclient.ListFilter
		want string
	}{
		{"every session", sessionclient.ListFilter{}, "WorkflowType = 'SessionWorkflow'"},
		{"open by state", sessionclient.ListFilter{RuntimeState: "Idle", OpenOnly: true},
			"WorkflowType = 'SessionWorkflow' AND MeerkatRuntimeState = 'Idle' AND ExecutionStatus = 'Running'"},
		{"every attribute", sessionclient.ListFilter{RuntimeState: "Running", TopologyPhase: "Idle", Provider: "OpenAI", Model: "gpt", LiveChannel: "live:s:1"},
			"WorkflowType = 'SessionWorkflow' AND MeerkatRuntimeState = 'Running' AND MeerkatTopologyPhase = 'Idle' AND MeerkatLlmProvider = 'OpenAI' AND MeerkatLlmModel = 'gpt' AND MeerkatLiveChannel = 'live:s:1'"},
		{"raw query in parentheses", sessionclient.ListFilter{Model: "m", Query: " MeerkatQueuedInputs > 0 OR MeerkatRuntimeState = 'Idle' "},
			"WorkflowType = 'SessionWorkflow' AND MeerkatLlmModel = 'm' AND (MeerkatQueuedInputs > 0 OR MeerkatRuntimeState = 'Idle')"},
		{"values cannot break out of their quotes", sessionclient.ListFilter{Model: `x' OR 'a' = 'a`, Provider: `back\`},
			`WorkflowType = 'SessionWorkflow' AND MeerkatLlmProvider = 'back\\' AND MeerkatLlmModel = 'x\' OR \'a\' = \'a'`},
	}
	for _, c := range cases {
		if got := c.f.VisibilityQuery(); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

func TestExecutionStatusName(t *testing.T) {
	cases := map[enumspb.WorkflowExecutionStatus]string{
		enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING:          "Running",
		enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED:        "Completed",
		enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW: "ContinuedAsNew",
		enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:        "TimedOut",
		enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED:       "Terminated",
		enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED:         "Canceled",
	}
	for s, want := range cases {
		if got := sessionclient.ExecutionStatusName(s); got != want {
			t.Errorf("ExecutionStatusName(%s) = %q, want %q", s, got, want)
		}
	}
}
