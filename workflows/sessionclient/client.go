package sessionclient

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
)

// Options configure a Client. A zero Options is valid.
type Options struct {
	// TaskQueue is where new session workflows are started.
	//
	// Optional: defaults to workflows.TaskQueue.
	TaskQueue string
	// Session tunes the session workflows this client starts.
	//
	// Optional: defaults to the workflow's defaults.
	Session workflows.Options
	// RetryDelay is the pause before an update refused as retryable (the session was
	// draining for continue-as-new) is sent again with the same update ID.
	//
	// Optional: defaults to 50ms.
	RetryDelay time.Duration
	// PollInterval is the pause between two reads of the inputs waited on in a session.
	//
	// Optional: defaults to 100ms.
	PollInterval time.Duration
	// Logger receives errors of the background completion poll (which retries them).
	//
	// Optional: defaults to slog.Default().
	Logger *slog.Logger
}

func (o Options) logQueryError(sessionID string, err error) {
	o.Logger.Warn("completion poll failed; retrying", "session_id", sessionID, "error", err)
}

// Client is the typed client of session workflows. It is safe for concurrent use.
type Client struct {
	tc    client.Client
	opts  Options
	waits waitHub
}

// New wraps a Temporal client.
func New(tc client.Client, opts Options) *Client {
	if opts.TaskQueue == "" {
		opts.TaskQueue = workflows.TaskQueue
	}
	if opts.RetryDelay <= 0 {
		opts.RetryDelay = 50 * time.Millisecond
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = 100 * time.Millisecond
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Client{tc: tc, opts: opts}
}

// Open starts the session's workflow, or finds the running one, and registers the
// session id (idempotent) in the same call: update-with-start with the conflict policy
// USE_EXISTING.
func (c *Client) Open(ctx context.Context, sessionID string) (machine.Effects, error) {
	in := machine.RegisterSession{SessionID: sessionID}
	start := c.tc.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       workflows.WorkflowID(sessionID),
		TaskQueue:                c.opts.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, workflows.SessionWorkflowName, workflows.SessionParams{SessionID: sessionID, Options: c.opts.Session})
	return c.withRetry(ctx, uuid.NewString(), func(id string) (client.WorkflowUpdateHandle, error) {
		return c.tc.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
			StartWorkflowOperation: start,
			UpdateOptions:          c.updateOptions(workflows.WorkflowID(sessionID), id, in),
		})
	})
}

// Apply sends in to the session as an update and returns the effects the machine
// emitted. A refusal is a *workflows.Error (errors.Is matches machine.ErrRejected and
// its siblings); nothing was applied.
func (c *Client) Apply(ctx context.Context, sessionID string, in machine.Input) (machine.Effects, error) {
	return c.ApplyWithID(ctx, sessionID, uuid.NewString(), in)
}

// ApplyWithID is Apply with a caller-chosen update ID: sending the same ID again, even
// after the session continued as new, returns the first result instead of applying the
// input twice.
func (c *Client) ApplyWithID(ctx context.Context, sessionID, updateID string, in machine.Input) (machine.Effects, error) {
	return c.update(ctx, workflows.WorkflowID(sessionID), updateID, in)
}

// Signal sends in to the session as a MachineInput envelope signal, so all the signals
// of a caller are applied in the order they were sent, whatever their kinds. It returns
// once Temporal stored the signal; a refusal is recorded by the session
// (ShellStatus().Refusals) and logged.
func (c *Client) Signal(ctx context.Context, sessionID string, in machine.Input) error {
	env, err := machine.MarshalInput(in)
	if err != nil {
		return err
	}
	return c.tc.SignalWorkflow(ctx, workflows.WorkflowID(sessionID), "", workflows.SignalInput, json.RawMessage(env))
}

// Unbound sends in to the process-wide unbound authority (spec §8.7), starting the
// singleton if it is not running, and returns the effects.
func (c *Client) Unbound(ctx context.Context, in machine.Input) (machine.Effects, error) {
	start := c.tc.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       workflows.UnboundWorkflowID,
		TaskQueue:                c.opts.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, workflows.UnboundWorkflowName, workflows.UnboundParams{Options: c.opts.Session})
	return c.withRetry(ctx, uuid.NewString(), func(id string) (client.WorkflowUpdateHandle, error) {
		return c.tc.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
			StartWorkflowOperation: start,
			UpdateOptions:          c.updateOptions(workflows.UnboundWorkflowID, id, in),
		})
	})
}

func (c *Client) update(ctx context.Context, workflowID, updateID string, in machine.Input) (machine.Effects, error) {
	return c.withRetry(ctx, updateID, func(id string) (client.WorkflowUpdateHandle, error) {
		return c.tc.UpdateWorkflow(ctx, c.updateOptions(workflowID, id, in))
	})
}

func (c *Client) updateOptions(workflowID, updateID string, in machine.Input) client.UpdateWorkflowOptions {
	return client.UpdateWorkflowOptions{
		UpdateID: updateID, WorkflowID: workflowID, UpdateName: in.Name(),
		Args: []any{in}, WaitForStage: client.WorkflowUpdateStageCompleted,
	}
}

// withRetry runs call until it is neither refused as retryable (a session draining for
// continue-as-new) nor failed with WorkflowNotReady (the server could not deliver the
// update because a workflow task failed, as happens when a signal races the task that
// continues as new). It keeps one update ID, so a retry is deduplicated by Temporal and
// by the workflow. A refusal comes back as a *workflows.Error.
func (c *Client) withRetry(ctx context.Context, updateID string, call func(updateID string) (client.WorkflowUpdateHandle, error)) (machine.Effects, error) {
	return retryUpdate[machine.Effects](ctx, c.opts.RetryDelay, updateID, call)
}

func retryUpdate[T any](ctx context.Context, delay time.Duration, updateID string, call func(updateID string) (client.WorkflowUpdateHandle, error)) (T, error) {
	var zero T
	for {
		out, err := updateResult[T](ctx, call, updateID)
		if err == nil {
			return out, nil
		}
		var notReady *serviceerror.WorkflowNotReady
		e := workflows.ErrorFrom(err)
		switch {
		case e != nil && !e.Retryable:
			return zero, e
		case e == nil && !errors.As(err, &notReady):
			return zero, err
		}
		select {
		case <-ctx.Done():
			return zero, errors.Join(ctx.Err(), err)
		case <-time.After(delay):
		}
	}
}

func updateResult[T any](ctx context.Context, call func(string) (client.WorkflowUpdateHandle, error), updateID string) (T, error) {
	var out T
	h, err := call(updateID)
	if err != nil {
		return out, err
	}
	err = h.Get(ctx, &out)
	return out, err
}

// UnboundState returns the unbound authority's machine state (an error when the
// singleton never ran).
func (c *Client) UnboundState(ctx context.Context) (machine.State, error) {
	var st machine.State
	v, err := c.tc.QueryWorkflow(ctx, workflows.UnboundWorkflowID, "", workflows.QueryMachineState)
	if err != nil {
		return st, err
	}
	err = v.Get(&st)
	return st, err
}
