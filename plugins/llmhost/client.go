package llmhost

import (
	"context"

	"github.com/meerkat-temporal/meerkat/plugins/internal/pbconv"
	pb "github.com/meerkat-temporal/meerkat/plugins/llmhost/internal/llmhostv1"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

// Client is the host side of one plugin connection; it implements [Host]. Errors are
// *pluginerr.Error (or the caller's context error when the caller gave up).
type Client struct {
	rpc pb.LlmHostClient
}

var _ Host = (*Client)(nil)

// Drain asks the plugin to finish in-flight work before it is stopped.
func (c *Client) Drain(ctx context.Context) error {
	_, err := c.rpc.Drain(ctx, &pb.DrainRequest{})
	return pluginerr.FromStatus(ctx, err)
}

// Describe implements [Host].
func (c *Client) Describe(ctx context.Context) (*DescribeResponse, error) {
	r, err := c.rpc.Describe(ctx, &pb.DescribeRequest{})
	if err != nil {
		return nil, pluginerr.FromStatus(ctx, err)
	}
	return pbconv.Info(r), nil
}

// HydrateSessionLlmState implements [Host].
func (c *Client) HydrateSessionLlmState(ctx context.Context, req *HydrateRequest) (*HydratedSessionLlmState, error) {
	r, err := c.rpc.HydrateSessionLlmState(ctx, &pb.HydrateSessionLlmStateRequest{SessionId: req.SessionID})
	if err != nil {
		return nil, pluginerr.FromStatus(ctx, err)
	}
	return hydratedFromPB(r)
}

// ResolveTargetIdentity implements [Host].
func (c *Client) ResolveTargetIdentity(ctx context.Context, req *ResolveTargetIdentityRequest) (*ResolvedSessionLlmReconfigure, error) {
	r, err := c.rpc.ResolveTargetIdentity(ctx, &pb.ResolveTargetIdentityRequest{SessionId: req.SessionID,
		Request: reconfigureToPB(req.Request), CurrentIdentity: identityToPB(req.CurrentIdentity)})
	if err != nil {
		return nil, pluginerr.FromStatus(ctx, err)
	}
	id, err := identityFromPB(r.GetTargetIdentity())
	if err != nil {
		return nil, err
	}
	return &ResolvedSessionLlmReconfigure{TargetIdentity: id, TargetCapabilitySurface: surfaceFromPB(r.GetTargetCapabilitySurface())}, nil
}

// ApplyIdentity implements [Host].
func (c *Client) ApplyIdentity(ctx context.Context, req *ApplyIdentityRequest) error {
	_, err := c.rpc.ApplyIdentity(ctx, &pb.ApplyIdentityRequest{IdempotencyKey: req.IdempotencyKey, SessionId: req.SessionID, Identity: identityToPB(req.Identity)})
	return pluginerr.FromStatus(ctx, err)
}

// ApplyToolVisibilityState implements [Host].
func (c *Client) ApplyToolVisibilityState(ctx context.Context, req *ApplyToolVisibilityStateRequest) error {
	_, err := c.rpc.ApplyToolVisibilityState(ctx, &pb.ApplyToolVisibilityStateRequest{IdempotencyKey: req.IdempotencyKey, SessionId: req.SessionID, State: visibilityToPB(req.State)})
	return pluginerr.FromStatus(ctx, err)
}

// PersistLiveSession implements [Host].
func (c *Client) PersistLiveSession(ctx context.Context, req *SessionRequest) error {
	_, err := c.rpc.PersistLiveSession(ctx, &pb.PersistLiveSessionRequest{IdempotencyKey: req.IdempotencyKey, SessionId: req.SessionID})
	return pluginerr.FromStatus(ctx, err)
}

// DiscardLiveSession implements [Host].
func (c *Client) DiscardLiveSession(ctx context.Context, req *SessionRequest) error {
	_, err := c.rpc.DiscardLiveSession(ctx, &pb.DiscardLiveSessionRequest{IdempotencyKey: req.IdempotencyKey, SessionId: req.SessionID})
	return pluginerr.FromStatus(ctx, err)
}

// CallLlm implements [Host].
func (c *Client) CallLlm(ctx context.Context, req *CallLlmRequest) (*CallLlmResponse, error) {
	r, err := c.rpc.CallLlm(ctx, &pb.CallLlmRequest{IdempotencyKey: req.IdempotencyKey, SessionId: req.SessionID,
		Identity: identityToPB(req.Identity), Messages: messagesToPB(req.Messages)})
	if err != nil {
		return nil, pluginerr.FromStatus(ctx, err)
	}
	return callLlmResponseFromPB(r)
}

// ExecuteToolCall implements [Host].
func (c *Client) ExecuteToolCall(ctx context.Context, req *ExecuteToolCallRequest) (*ExecuteToolCallResponse, error) {
	r, err := c.rpc.ExecuteToolCall(ctx, &pb.ExecuteToolCallRequest{IdempotencyKey: req.IdempotencyKey, SessionId: req.SessionID,
		Call: &pb.ToolCall{Id: req.Call.ID, Name: req.Call.Name, ArgumentsJson: req.Call.ArgumentsJSON}})
	if err != nil {
		return nil, pluginerr.FromStatus(ctx, err)
	}
	return &ExecuteToolCallResponse{Content: partsFromPB(r.GetContent()), IsError: r.GetIsError()}, nil
}
