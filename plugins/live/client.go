package live

import (
	"context"
	"errors"
	"github.com/meerkat-temporal/meerkat/plugins/internal/pbconv"
	"io"

	"github.com/meerkat-temporal/meerkat/machine"
	pb "github.com/meerkat-temporal/meerkat/plugins/live/internal/livev1"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

// Client is the host side of one adapter connection; it implements [Host]. Errors are
// *pluginerr.Error (or the caller's context error when the caller gave up).
type Client struct {
	rpc pb.LiveAdapterClient
}

var _ Host = (*Client)(nil)

// Drain asks the adapter to close its channels before it is stopped.
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

// OpenChannel implements [Host].
func (c *Client) OpenChannel(ctx context.Context, req *OpenChannelRequest) (*OpenChannelResponse, error) {
	r, err := c.rpc.OpenChannel(ctx, &pb.OpenChannelRequest{IdempotencyKey: req.IdempotencyKey, SessionId: req.SessionID, ChannelId: req.ChannelID, BoundIdentity: identityToPB(req.BoundIdentity)})
	if err != nil {
		return nil, pluginerr.FromStatus(ctx, err)
	}
	st, err := pbconv.ParseEnum[machine.LiveChannelPublicStatus]("status", r.GetStatus())
	if err != nil {
		return nil, err
	}
	return &OpenChannelResponse{Status: st}, nil
}

// CloseChannel implements [Host].
func (c *Client) CloseChannel(ctx context.Context, req *ChannelRequest) (*CloseChannelResponse, error) {
	r, err := c.rpc.CloseChannel(ctx, &pb.CloseChannelRequest{IdempotencyKey: req.IdempotencyKey, ChannelId: req.ChannelID})
	if err != nil {
		return nil, pluginerr.FromStatus(ctx, err)
	}
	return &CloseChannelResponse{CloseObservationSequence: r.GetCloseObservationSequence()}, nil
}

func fromAcceptance(ctx context.Context, a *pb.CommandAcceptance, err error) (*CommandAcceptance, error) {
	if err != nil {
		return nil, pluginerr.FromStatus(ctx, err)
	}
	return acceptanceFromPB(a)
}

// SendInput implements [Host].
func (c *Client) SendInput(ctx context.Context, req *SendInputRequest) (*CommandAcceptance, error) {
	a, err := c.rpc.SendInput(ctx, &pb.SendInputRequest{IdempotencyKey: req.IdempotencyKey, ChannelId: req.ChannelID, Text: req.Text, Audio: req.Audio})
	return fromAcceptance(ctx, a, err)
}

// CommitInput implements [Host].
func (c *Client) CommitInput(ctx context.Context, req *ChannelRequest) (*CommandAcceptance, error) {
	a, err := c.rpc.CommitInput(ctx, &pb.CommitInputRequest{IdempotencyKey: req.IdempotencyKey, ChannelId: req.ChannelID})
	return fromAcceptance(ctx, a, err)
}

// Interrupt implements [Host].
func (c *Client) Interrupt(ctx context.Context, req *ChannelRequest) (*CommandAcceptance, error) {
	a, err := c.rpc.Interrupt(ctx, &pb.InterruptRequest{IdempotencyKey: req.IdempotencyKey, ChannelId: req.ChannelID})
	return fromAcceptance(ctx, a, err)
}

// TruncateAssistantOutput implements [Host].
func (c *Client) TruncateAssistantOutput(ctx context.Context, req *TruncateRequest) (*CommandAcceptance, error) {
	a, err := c.rpc.TruncateAssistantOutput(ctx, &pb.TruncateAssistantOutputRequest{IdempotencyKey: req.IdempotencyKey, ChannelId: req.ChannelID, ItemId: req.ItemID, AudioEndMs: req.AudioEndMs})
	return fromAcceptance(ctx, a, err)
}

// Refresh implements [Host].
func (c *Client) Refresh(ctx context.Context, req *ChannelRequest) (*RefreshResponse, error) {
	r, err := c.rpc.Refresh(ctx, &pb.RefreshRequest{IdempotencyKey: req.IdempotencyKey, ChannelId: req.ChannelID})
	if err != nil {
		return nil, pluginerr.FromStatus(ctx, err)
	}
	return &RefreshResponse{QueueAcceptanceSequence: r.GetQueueAcceptanceSequence()}, nil
}

// WebrtcAnswer implements [Host].
func (c *Client) WebrtcAnswer(ctx context.Context, req *WebrtcAnswerRequest) (*WebrtcAnswerResponse, error) {
	r, err := c.rpc.WebrtcAnswer(ctx, &pb.WebrtcAnswerRequest{IdempotencyKey: req.IdempotencyKey, SessionId: req.SessionID, ChannelId: req.ChannelID, OfferSdp: req.OfferSDP})
	if err != nil {
		return nil, pluginerr.FromStatus(ctx, err)
	}
	return &WebrtcAnswerResponse{AnswerSDP: r.GetAnswerSdp(), AnswerObservationSequence: r.GetAnswerObservationSequence()}, nil
}

// Observe implements [Host]: it reads the adapter's stream until ctx ends, send fails
// or the stream breaks (then a *pluginerr.Error, plugin_unavailable if the process died).
func (c *Client) Observe(ctx context.Context, send func(Observation) error) error {
	stream, err := c.rpc.Observe(ctx, &pb.ObserveRequest{})
	if err != nil {
		return pluginerr.FromStatus(ctx, err)
	}
	for {
		o, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return pluginerr.New(pluginerr.PluginUnavailable, "adapter closed its observation stream")
		}
		if err != nil {
			return pluginerr.FromStatus(ctx, err)
		}
		if err := send(observationFromPB(o)); err != nil {
			return err
		}
	}
}
