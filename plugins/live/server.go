package live

import (
	"context"

	"github.com/meerkat-temporal/meerkat/plugins/internal/pbconv"
	"github.com/meerkat-temporal/meerkat/plugins/internal/pluginsdk"
	pb "github.com/meerkat-temporal/meerkat/plugins/live/internal/livev1"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

// grpcServer adapts a Host to the generated live.v1 server: convert, call, convert.
type grpcServer struct {
	pb.UnimplementedLiveAdapterServer
	impl    Host
	tracker *pluginsdk.Tracker
}

func (s *grpcServer) Describe(ctx context.Context, _ *pb.DescribeRequest) (*pb.DescribeResponse, error) {
	d, err := s.impl.Describe(ctx)
	if err != nil {
		return nil, pluginerr.ToStatus(err)
	}
	return &pb.DescribeResponse{Name: d.Name, Version: d.Version, ApiVersions: d.APIVersions, Capabilities: d.Capabilities}, nil
}

func (s *grpcServer) Drain(ctx context.Context, _ *pb.DrainRequest) (*pb.DrainResponse, error) {
	if err := s.tracker.Drain(ctx, s.impl); err != nil {
		return nil, pluginerr.ToStatus(err)
	}
	return &pb.DrainResponse{}, nil
}

func (s *grpcServer) OpenChannel(ctx context.Context, req *pb.OpenChannelRequest) (*pb.OpenChannelResponse, error) {
	id, err := identityFromPB(req.GetBoundIdentity())
	if err != nil {
		return nil, pluginerr.ToStatus(err)
	}
	r, err := s.impl.OpenChannel(ctx, &OpenChannelRequest{IdempotencyKey: req.GetIdempotencyKey(), SessionID: req.GetSessionId(), ChannelID: req.GetChannelId(), BoundIdentity: id})
	if err != nil {
		return nil, pluginerr.ToStatus(err)
	}
	return &pb.OpenChannelResponse{Status: pbconv.EnumText(r.Status)}, nil
}

func (s *grpcServer) CloseChannel(ctx context.Context, req *pb.CloseChannelRequest) (*pb.CloseChannelResponse, error) {
	r, err := s.impl.CloseChannel(ctx, &ChannelRequest{IdempotencyKey: req.GetIdempotencyKey(), ChannelID: req.GetChannelId()})
	if err != nil {
		return nil, pluginerr.ToStatus(err)
	}
	return &pb.CloseChannelResponse{CloseObservationSequence: r.CloseObservationSequence}, nil
}

func acceptance(a *CommandAcceptance, err error) (*pb.CommandAcceptance, error) {
	if err != nil {
		return nil, pluginerr.ToStatus(err)
	}
	return acceptanceToPB(a), nil
}

func (s *grpcServer) SendInput(ctx context.Context, req *pb.SendInputRequest) (*pb.CommandAcceptance, error) {
	return acceptance(s.impl.SendInput(ctx, &SendInputRequest{IdempotencyKey: req.GetIdempotencyKey(), ChannelID: req.GetChannelId(), Text: req.GetText(), Audio: req.GetAudio()}))
}

func (s *grpcServer) CommitInput(ctx context.Context, req *pb.CommitInputRequest) (*pb.CommandAcceptance, error) {
	return acceptance(s.impl.CommitInput(ctx, &ChannelRequest{IdempotencyKey: req.GetIdempotencyKey(), ChannelID: req.GetChannelId()}))
}

func (s *grpcServer) Interrupt(ctx context.Context, req *pb.InterruptRequest) (*pb.CommandAcceptance, error) {
	return acceptance(s.impl.Interrupt(ctx, &ChannelRequest{IdempotencyKey: req.GetIdempotencyKey(), ChannelID: req.GetChannelId()}))
}

func (s *grpcServer) TruncateAssistantOutput(ctx context.Context, req *pb.TruncateAssistantOutputRequest) (*pb.CommandAcceptance, error) {
	return acceptance(s.impl.TruncateAssistantOutput(ctx, &TruncateRequest{IdempotencyKey: req.GetIdempotencyKey(), ChannelID: req.GetChannelId(), ItemID: req.GetItemId(), AudioEndMs: req.GetAudioEndMs()}))
}

func (s *grpcServer) Refresh(ctx context.Context, req *pb.RefreshRequest) (*pb.RefreshResponse, error) {
	r, err := s.impl.Refresh(ctx, &ChannelRequest{IdempotencyKey: req.GetIdempotencyKey(), ChannelID: req.GetChannelId()})
	if err != nil {
		return nil, pluginerr.ToStatus(err)
	}
	return &pb.RefreshResponse{QueueAcceptanceSequence: r.QueueAcceptanceSequence}, nil
}

func (s *grpcServer) WebrtcAnswer(ctx context.Context, req *pb.WebrtcAnswerRequest) (*pb.WebrtcAnswerResponse, error) {
	r, err := s.impl.WebrtcAnswer(ctx, &WebrtcAnswerRequest{IdempotencyKey: req.GetIdempotencyKey(), SessionID: req.GetSessionId(), ChannelID: req.GetChannelId(), OfferSDP: req.GetOfferSdp()})
	if err != nil {
		return nil, pluginerr.ToStatus(err)
	}
	return &pb.WebrtcAnswerResponse{AnswerSdp: r.AnswerSDP, AnswerObservationSequence: r.AnswerObservationSequence}, nil
}

func (s *grpcServer) Observe(_ *pb.ObserveRequest, stream pb.LiveAdapter_ObserveServer) error {
	err := s.impl.Observe(stream.Context(), func(o Observation) error { return stream.Send(observationToPB(o)) })
	if err != nil && stream.Context().Err() != nil {
		return nil
	}
	return pluginerr.ToStatus(err)
}
