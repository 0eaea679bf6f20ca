package sessionclient

import (
	"context"

	"github.com/google/uuid"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
)

// SendOptions tune SendText. A zero SendOptions is valid.
type SendOptions struct {
	// InputID names the input. Optional: a fresh UUID by default.
	InputID string
	// IdempotencyKey makes a resend of the same input join the first one instead of
	// being admitted twice (spec §7.1 step 2). Optional.
	IdempotencyKey string
	// WithoutWake queues the input without waking the runtime loop.
	WithoutWake bool
}

// SendText offers a durable operator prompt with text to the session's accept pipeline
// and returns the outcome; wait for its completion with WaitForCompletion on
// Outcome.WaitOn.
func (c *Client) SendText(ctx context.Context, sessionID, text string, opts SendOptions) (machine.AcceptResult, error) {
	req := workflows.AcceptInputRequest{
		AcceptRequest: machine.AcceptRequest{
			InputID: opts.InputID, InputKind: machine.KindPrompt, InputOrigin: machine.OriginOperator,
			Durability: machine.DurabilityDurable, WithoutWake: opts.WithoutWake,
		},
		Content: workflows.InputContent{Text: text},
	}
	if req.InputID == "" {
		req.InputID = uuid.NewString()
	}
	if opts.IdempotencyKey != "" {
		req.IdempotencyKey = machine.Some(opts.IdempotencyKey)
	}
	return c.Accept(ctx, sessionID, req)
}

// Start opens the session (Open) and attaches the workflow's runtime loop as its
// executor, so accepted inputs run as turns. Starting a session that is already
// attached changes nothing.
func (c *Client) Start(ctx context.Context, sessionID string) (machine.Effects, error) {
	if _, err := c.Open(ctx, sessionID); err != nil {
		return nil, err
	}
	return operation[machine.Effects](ctx, c, sessionID, workflows.OpAttachRuntime, struct{}{})
}

// Stop asks the session's runtime executor to stop (spec §5.3). While a turn runs the
// stop is deferred and lands when the turn returns; then every pending waiter resolves
// RuntimeTerminated.
func (c *Client) Stop(ctx context.Context, sessionID, reason string) (machine.Effects, error) {
	return operation[machine.Effects](ctx, c, sessionID, workflows.OpStopRuntimeExecutor, machine.StopRuntimeExecutor{Reason: reason})
}

// CancelAfterBoundary ends the running turn at its next boundary (spec §5.4).
func (c *Client) CancelAfterBoundary(ctx context.Context, sessionID, reason string) (machine.Effects, error) {
	return operation[machine.Effects](ctx, c, sessionID, workflows.OpCancelAfterBoundary, machine.CancelAfterBoundary{Reason: reason})
}

// Destroy destroys the session for good: every pending waiter is resolved and the
// session's workflow completes.
func (c *Client) Destroy(ctx context.Context, sessionID string) (machine.Effects, error) {
	return operation[machine.Effects](ctx, c, sessionID, workflows.OpDestroy, machine.Destroy{SessionID: sessionID})
}

// Conversation returns the session's conversation as the runtime loop keeps it.
func (c *Client) Conversation(ctx context.Context, sessionID string) (workflows.Conversation, error) {
	return query[workflows.Conversation](ctx, c, sessionID, workflows.QueryConversation)
}
