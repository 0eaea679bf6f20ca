package sessionclient

import (
	"context"
	"fmt"
	"strings"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"

	"github.com/meerkat-temporal/meerkat/workflows"
)

// ListFilter selects sessions through Temporal visibility. Every set field narrows the
// result (the conditions are joined with AND). A zero ListFilter lists every session,
// open and closed, newest first.
type ListFilter struct {
	// RuntimeState matches the visible runtime phase (search attribute
	// MeerkatRuntimeState), e.g. "Idle" or "Running". Optional.
	RuntimeState string
	// TopologyPhase matches the live topology phase (MeerkatTopologyPhase). Optional.
	TopologyPhase string
	// Provider matches the LLM provider as the DSL spells it (MeerkatLlmProvider),
	// e.g. "OpenAI". Optional.
	Provider string
	// Model matches the LLM model (MeerkatLlmModel). Optional.
	Model string
	// LiveChannel matches the active live channel id (MeerkatLiveChannel). Optional.
	LiveChannel string
	// OpenOnly keeps the running workflows only. Optional: defaults to open and closed.
	OpenOnly bool
	// Query is a Temporal visibility query (the SQL-like WHERE clause of the Web UI and
	// `temporal workflow list --query`), added in parentheses. Optional.
	Query string
	// Limit bounds the sessions returned. Optional: defaults to 100.
	Limit int
}

// VisibilityQuery is the visibility query the filter stands for: always the session
// workflow type, then each set field, then Query. String values are quoted, so a value
// cannot change the query's structure.
func (f ListFilter) VisibilityQuery() string {
	conds := []string{"WorkflowType = " + quoteQueryString(workflows.SessionWorkflowName)}
	for _, kv := range []struct{ name, value string }{
		{workflows.SARuntimeState.GetName(), f.RuntimeState},
		{workflows.SATopologyPhase.GetName(), f.TopologyPhase},
		{workflows.SAProvider.GetName(), f.Provider},
		{workflows.SAModel.GetName(), f.Model},
		{workflows.SALiveChannel.GetName(), f.LiveChannel},
	} {
		if kv.value != "" {
			conds = append(conds, kv.name+" = "+quoteQueryString(kv.value))
		}
	}
	if f.OpenOnly {
		conds = append(conds, "ExecutionStatus = 'Running'")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		conds = append(conds, "("+q+")")
	}
	return strings.Join(conds, " AND ")
}

// quoteQueryString writes s as a single-quoted visibility query literal.
func quoteQueryString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(s) + "'"
}

// SessionExecution is what Temporal knows of a session's workflow: its execution and the
// session's search attributes, as visibility (ListSessions) or a describe
// (DescribeSession) reports them. Visibility is eventually consistent: a list may lag
// the session by a moment, a describe does not.
type SessionExecution struct {
	SessionID  string `json:"session_id"`
	WorkflowID string `json:"workflow_id"`
	// RunID is the current run (the latest of the continue-as-new chain).
	RunID string `json:"run_id"`
	// Status is the workflow's status as Temporal spells it: Running, Completed,
	// Failed, Canceled, Terminated, ContinuedAsNew or TimedOut.
	Status    string    `json:"status"`
	StartTime time.Time `json:"start_time"`
	// CloseTime is zero while the workflow runs.
	CloseTime     time.Time `json:"close_time,omitzero"`
	HistoryLength int64     `json:"history_length"`
	// The session's search attributes; "" when unset.
	RuntimeState  string `json:"runtime_state,omitempty"`
	TopologyPhase string `json:"topology_phase,omitempty"`
	Provider      string `json:"provider,omitempty"`
	Model         string `json:"model,omitempty"`
	LiveChannel   string `json:"live_channel,omitempty"`
	QueuedInputs  int64  `json:"queued_inputs"`
}

// ListSessions returns the sessions the filter selects, newest first, at most
// filter.Limit of them. A malformed Query is reported by the server as an
// InvalidArgument error.
func (c *Client) ListSessions(ctx context.Context, filter ListFilter) ([]SessionExecution, error) {
	limit := filter.Limit
	if limit <= 0 {
		limit = 100
	}
	query := filter.VisibilityQuery()
	var out []SessionExecution
	var page []byte
	for {
		resp, err := c.tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: query, PageSize: int32(min(limit-len(out), 1000)), NextPageToken: page,
		})
		if err != nil {
			return nil, fmt.Errorf("listing sessions with query %q: %w", query, err)
		}
		for _, info := range resp.GetExecutions() {
			out = append(out, sessionExecutionOf(info))
			if len(out) == limit {
				return out, nil
			}
		}
		page = resp.GetNextPageToken()
		if len(page) == 0 {
			return out, nil
		}
	}
}

// DescribeSession returns the current run of the session's workflow, read from the
// workflow itself (not from visibility, so it is never stale).
func (c *Client) DescribeSession(ctx context.Context, sessionID string) (SessionExecution, error) {
	resp, err := c.tc.DescribeWorkflowExecution(ctx, workflows.WorkflowID(sessionID), "")
	if err != nil {
		return SessionExecution{}, err
	}
	return sessionExecutionOf(resp.GetWorkflowExecutionInfo()), nil
}

// ExecutionStatusName spells a Temporal workflow status as the Web UI and the visibility
// query language do ("Running", "ContinuedAsNew", …).
func ExecutionStatusName(s enumspb.WorkflowExecutionStatus) string {
	switch s {
	case enumspb.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED:
		return "Unspecified"
	case enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW:
		return "ContinuedAsNew"
	case enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:
		return "TimedOut"
	}
	name := strings.TrimPrefix(s.String(), "WORKFLOW_EXECUTION_STATUS_")
	if name == "" {
		return s.String()
	}
	return name[:1] + strings.ToLower(name[1:])
}

func sessionExecutionOf(info *workflowpb.WorkflowExecutionInfo) SessionExecution {
	wid := info.GetExecution().GetWorkflowId()
	session, _ := workflows.SessionIDOf(wid)
	out := SessionExecution{
		SessionID: session, WorkflowID: wid, RunID: info.GetExecution().GetRunId(),
		Status: ExecutionStatusName(info.GetStatus()), HistoryLength: info.GetHistoryLength(),
	}
	if t := info.GetStartTime(); t != nil {
		out.StartTime = t.AsTime()
	}
	if t := info.GetCloseTime(); t != nil {
		out.CloseTime = t.AsTime()
	}
	fields := info.GetSearchAttributes().GetIndexedFields()
	keyword := func(name string) string {
		var v string
		decodePayload(fields[name], &v)
		return v
	}
	if id := keyword(workflows.SASessionID.GetName()); id != "" {
		out.SessionID = id
	}
	out.RuntimeState = keyword(workflows.SARuntimeState.GetName())
	out.TopologyPhase = keyword(workflows.SATopologyPhase.GetName())
	out.Provider = keyword(workflows.SAProvider.GetName())
	out.Model = keyword(workflows.SAModel.GetName())
	out.LiveChannel = keyword(workflows.SALiveChannel.GetName())
	decodePayload(fields[workflows.SAQueuedInputs.GetName()], &out.QueuedInputs)
	return out
}

// decodePayload decodes a search attribute value; an absent or undecodable one leaves
// v unchanged (a visibility row is shown even when one of its attributes is odd).
func decodePayload(p *commonpb.Payload, v any) {
	if p == nil {
		return
	}
	_ = converter.GetDefaultDataConverter().FromPayload(p, v)
}
