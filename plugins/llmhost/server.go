package llmhost

import (
	"context"

	"github.com/meerkat-temporal/meerkat/plugins/internal/pluginsdk"
	pb "github.com/meerkat-temporal/meerkat/plugins/llmhost/internal/llmhostv1"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

// grpcServer adapts a Host to the generated llmhost.v1 server: convert, call, convert.
type grpcServer struct {
	pb.UnimplementedLlmHostServer
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

func (s *grpcServer) HydrateSessionLlmState(ctx context.Context, req *pb.HydrateSessionLlmStateRequest) (*pb.HydrateSessionLlmStateResponse, error) {
	h, err := s.impl.HydrateSessionLlmState(ctx, &HydrateRequest{SessionID: req.GetSessionId()})
	if err != nil {
		return nil, pluginerr.ToStatus(err)
	}
	return hydratedToPB(h), nil
}

func (s *grpcServer) ResolveTargetIdentity(ctx context.Context, req *pb.ResolveTargetIdentityRequest) (*pb.ResolveTargetIdentityResponse, error) {
	r, err := reconfigureFromPB(req.GetRequest())
	if err != nil {
		return nil, pluginerr.ToStatus(err)
	}
	cur, err := identityFromPB(req.GetCurrentIdentity())
	if err != nil {
		return nil, pluginerr.ToStatus(err)
	}
	res, err := s.impl.ResolveTargetIdentity(ctx, &ResolveTargetIdentityRequest{SessionID: req.GetSessionId(), Request: r, CurrentIdentity: cur})
	if err != nil {
		return nil, pluginerr.ToStatus(err)
	}
	return &pb.ResolveTargetIdentityResponse{TargetIdentity: identityToPB(res.TargetIdentity), TargetCapabilitySurface: surfaceToPB(res.TargetCapabilitySurface)}, nil
}

func (s *grpcServer) ApplyIdentity(ctx context.Context, req *pb.ApplyIdentityRequest) (*pb.ApplyIdentityResponse, error) {
	id, err := identityFromPB(req.GetIdentity())
	if err == nil {
		err = s.impl.ApplyIdentity(ctx, &ApplyIdentityRequest{IdempotencyKey: req.GetIdempotencyKey(), SessionID: req.GetSessionId(), Identity: id})
	}
	if err != nil {
		return nil, pluginerr.ToStatus(err)
	}
	return &pb.ApplyIdentityResponse{}, nil
}

func (s *grpcServer) ApplyToolVisibilityState(ctx context.Context, req *pb.ApplyToolVisibilityStateRequest) (*pb.ApplyToolVisibilityStateResponse, error) {
	st, err := visibilityFromPB(req.GetState())
	if err == nil {
		err = s.impl.ApplyToolVisibilityState(ctx, &ApplyToolVisibilityStateRequest{IdempotencyKey: req.GetIdempotencyKey(), SessionID: req.GetSessionId(), State: st})
	}
	if err != nil {
		return nil, pluginerr.ToStatus(err)
	}
	return &pb.ApplyToolVisibilityStateResponse{}, nil
}

func (s *grpcServer) PersistLiveSession(ctx context.Context, req *pb.PersistLiveSessionRequest) (*pb.PersistLiveSessionResponse, error) {
	if err := s.impl.PersistLiveSession(ctx, &SessionRequest{IdempotencyKey: req.GetIdempotencyKey(), SessionID: req.GetSessionId()}); err != nil {
		return nil, pluginerr.ToStatus(err)
	}
	return &pb.PersistLiveSessionResponse{}, nil
}

func (s *grpcServer) DiscardLiveSession(ctx context.Context, req *pb.DiscardLiveSessionRequest) (*pb.DiscardLiveSessionResponse, error) {
	if err := s.impl.DiscardLiveSession(ctx, &SessionRequest{IdempotencyKey: req.GetIdempotencyKey(), SessionID: req.GetSessionId()}); err != nil {
		return nil, pluginerr.ToStatus(err)
	}
	return &pb.DiscardLiveSessionResponse{}, nil
}

func (s *grpcServer) CallLlm(ctx context.Context, req *pb.CallLlmRequest) (*pb.CallLlmResponse, error) {
	id, err := identityFromPB(req.GetIdentity())
	if err != nil {
		return nil, pluginerr.ToStatus(err)
	}
	res, err := s.impl.CallLlm(ctx, &CallLlmRequest{IdempotencyKey: req.GetIdempotencyKey(), SessionID: req.GetSessionId(), Identity: id, Messages: messagesFromPB(req.GetMessages())})
	if err != nil {
		return nil, pluginerr.ToStatus(err)
	}
	out, err := callLlmResponseToPB(res)
	return out, pluginerr.ToStatus(err)
}

func (s *grpcServer) ExecuteToolCall(ctx context.Context, req *pb.ExecuteToolCallRequest) (*pb.ExecuteToolCallResponse, error) {
	c := req.GetCall()
	res, err := s.impl.ExecuteToolCall(ctx, &ExecuteToolCallRequest{IdempotencyKey: req.GetIdempotencyKey(), SessionID: req.GetSessionId(),
		Call: ToolCall{ID: c.GetId(), Name: c.GetName(), ArgumentsJSON: c.GetArgumentsJson()}})
	if err != nil {
		return nil, pluginerr.ToStatus(err)
	}
	return &pb.ExecuteToolCallResponse{Content: partsToPB(res.Content), IsError: res.IsError}, nil
}
