package llmhost

import (
	"fmt"
	"github.com/meerkat-temporal/meerkat/plugins/internal/pbconv"
	"time"

	"github.com/meerkat-temporal/meerkat/machine"
	pb "github.com/meerkat-temporal/meerkat/plugins/llmhost/internal/llmhostv1"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

// This file converts between the Go contract and the llmhost.v1 messages. Enum text
// errors become invalid_request errors naming the field.

func invalid(field string, err error) error {
	return pluginerr.New(pluginerr.InvalidRequest, "%s: %v", field, err)
}

func authToPB(a machine.AuthBindingRef) *pb.AuthBindingRef {
	return &pb.AuthBindingRef{RealmId: a.RealmID, BindingId: a.BindingID, ProfileId: pbconv.OptPtr(a.ProfileID)}
}

func authFromPB(a *pb.AuthBindingRef) machine.AuthBindingRef {
	return machine.AuthBindingRef{RealmID: a.GetRealmId(), BindingID: a.GetBindingId(), ProfileID: pbconv.PtrOpt(a.ProfileId)}
}

func identityToPB(id machine.SessionLlmIdentity) *pb.SessionLlmIdentity {
	out := &pb.SessionLlmIdentity{
		Model:              id.Model,
		Provider:           pbconv.EnumText(id.Provider),
		SelfHostedServerId: pbconv.OptPtr(id.SelfHostedServerID),
		ProviderParamsRepr: pbconv.OptPtr(id.ProviderParamsRepr),
	}
	if a, ok := id.AuthBinding.Lookup(); ok {
		out.AuthBinding = authToPB(a)
	}
	return out
}

func identityFromPB(id *pb.SessionLlmIdentity) (machine.SessionLlmIdentity, error) {
	provider, err := pbconv.ParseEnum[machine.Provider]("identity.provider", id.GetProvider())
	if err != nil {
		return machine.SessionLlmIdentity{}, err
	}
	out := machine.SessionLlmIdentity{
		Model:              id.GetModel(),
		Provider:           provider,
		SelfHostedServerID: pbconv.PtrOpt(id.SelfHostedServerId),
		ProviderParamsRepr: pbconv.PtrOpt(id.ProviderParamsRepr),
	}
	if id.GetAuthBinding() != nil {
		out.AuthBinding = machine.Some(authFromPB(id.GetAuthBinding()))
	}
	return out, nil
}

func surfaceToPB(s machine.SessionLlmCapabilitySurface) *pb.SessionLlmCapabilitySurface {
	return &pb.SessionLlmCapabilitySurface{
		SupportsTemperature: s.SupportsTemperature, SupportsThinking: s.SupportsThinking,
		SupportsReasoning: s.SupportsReasoning, InlineVideo: s.InlineVideo, Vision: s.Vision,
		ImageInput: s.ImageInput, ImageToolResults: s.ImageToolResults, SupportsWebSearch: s.SupportsWebSearch,
		ImageGeneration: s.ImageGeneration, Realtime: s.Realtime, CallTimeoutSecs: pbconv.OptPtr(s.CallTimeoutSecs),
	}
}

func surfaceFromPB(s *pb.SessionLlmCapabilitySurface) machine.SessionLlmCapabilitySurface {
	return machine.SessionLlmCapabilitySurface{
		SupportsTemperature: s.GetSupportsTemperature(), SupportsThinking: s.GetSupportsThinking(),
		SupportsReasoning: s.GetSupportsReasoning(), InlineVideo: s.GetInlineVideo(), Vision: s.GetVision(),
		ImageInput: s.GetImageInput(), ImageToolResults: s.GetImageToolResults(), SupportsWebSearch: s.GetSupportsWebSearch(),
		ImageGeneration: s.GetImageGeneration(), Realtime: s.GetRealtime(), CallTimeoutSecs: pbconv.PtrOpt(s.CallTimeoutSecs),
	}
}

func filterToPB(f machine.ToolFilter) *pb.ToolFilter {
	switch f.Kind {
	case machine.FilterAllow:
		return &pb.ToolFilter{Kind: pb.ToolFilter_KIND_ALLOW, Names: f.Names.Sorted()}
	case machine.FilterDeny:
		return &pb.ToolFilter{Kind: pb.ToolFilter_KIND_DENY, Names: f.Names.Sorted()}
	default:
		return &pb.ToolFilter{Kind: pb.ToolFilter_KIND_ALL}
	}
}

func filterFromPB(field string, f *pb.ToolFilter) (machine.ToolFilter, error) {
	switch f.GetKind() {
	case pb.ToolFilter_KIND_UNSPECIFIED, pb.ToolFilter_KIND_ALL:
		return machine.AllTools(), nil
	case pb.ToolFilter_KIND_ALLOW:
		return machine.AllowTools(f.GetNames()...), nil
	case pb.ToolFilter_KIND_DENY:
		return machine.DenyTools(f.GetNames()...), nil
	default:
		return machine.ToolFilter{}, invalid(field, fmt.Errorf("unknown tool filter kind %d", f.GetKind()))
	}
}

func witnessesToPB(m map[string]machine.ToolVisibilityWitness) map[string]*pb.ToolVisibilityWitness {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]*pb.ToolVisibilityWitness, len(m))
	for name, w := range m {
		pw := &pb.ToolVisibilityWitness{}
		if p, ok := w.LastSeenProvenance.Lookup(); ok {
			pw.SourceKind, pw.SourceId = pbconv.EnumText(p.Kind), p.SourceID
		}
		out[name] = pw
	}
	return out
}

func witnessesFromPB(field string, m map[string]*pb.ToolVisibilityWitness) (map[string]machine.ToolVisibilityWitness, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string]machine.ToolVisibilityWitness, len(m))
	for name, pw := range m {
		var w machine.ToolVisibilityWitness
		if pw.GetSourceKind() != "" {
			kind, err := pbconv.ParseEnum[machine.ToolSourceKind](field+"."+name, pw.GetSourceKind())
			if err != nil {
				return nil, err
			}
			w.LastSeenProvenance = machine.Some(machine.ToolProvenance{Kind: kind, SourceID: pw.GetSourceId()})
		}
		out[name] = w
	}
	return out, nil
}

func setFromSlice(names []string) machine.Set {
	if len(names) == 0 {
		return nil
	}
	return machine.NewSet(names...)
}

func visibilityToPB(v *machine.SessionToolVisibilityState) *pb.SessionToolVisibilityState {
	if v == nil {
		return nil
	}
	return &pb.SessionToolVisibilityState{
		CapabilityBaseFilter:         filterToPB(v.CapabilityBaseFilter),
		InheritedBaseFilter:          filterToPB(v.InheritedBaseFilter),
		ActiveFilter:                 filterToPB(v.ActiveFilter),
		StagedFilter:                 filterToPB(v.StagedFilter),
		ActiveRequestedDeferredNames: v.ActiveRequestedDeferredNames.Sorted(),
		StagedRequestedDeferredNames: v.StagedRequestedDeferredNames.Sorted(),
		ActiveRevision:               v.ActiveRevision,
		StagedRevision:               v.StagedRevision,
		RequestedWitnesses:           witnessesToPB(v.RequestedWitnesses),
		FilterWitnesses:              witnessesToPB(v.FilterWitnesses),
	}
}

func visibilityFromPB(v *pb.SessionToolVisibilityState) (*machine.SessionToolVisibilityState, error) {
	if v == nil {
		return nil, nil
	}
	out := &machine.SessionToolVisibilityState{
		ActiveRequestedDeferredNames: setFromSlice(v.GetActiveRequestedDeferredNames()),
		StagedRequestedDeferredNames: setFromSlice(v.GetStagedRequestedDeferredNames()),
		ActiveRevision:               v.GetActiveRevision(),
		StagedRevision:               v.GetStagedRevision(),
	}
	var err error
	for _, f := range []struct {
		name string
		dst  *machine.ToolFilter
		src  *pb.ToolFilter
	}{
		{"capability_base_filter", &out.CapabilityBaseFilter, v.GetCapabilityBaseFilter()},
		{"inherited_base_filter", &out.InheritedBaseFilter, v.GetInheritedBaseFilter()},
		{"active_filter", &out.ActiveFilter, v.GetActiveFilter()},
		{"staged_filter", &out.StagedFilter, v.GetStagedFilter()},
	} {
		if *f.dst, err = filterFromPB(f.name, f.src); err != nil {
			return nil, err
		}
	}
	if out.RequestedWitnesses, err = witnessesFromPB("requested_witnesses", v.GetRequestedWitnesses()); err != nil {
		return nil, err
	}
	if out.FilterWitnesses, err = witnessesFromPB("filter_witnesses", v.GetFilterWitnesses()); err != nil {
		return nil, err
	}
	return out, nil
}

func hydratedToPB(h *HydratedSessionLlmState) *pb.HydrateSessionLlmStateResponse {
	out := &pb.HydrateSessionLlmStateResponse{
		CurrentIdentity:         identityToPB(h.CurrentIdentity),
		CurrentVisibilityState:  visibilityToPB(&h.CurrentVisibilityState),
		CapabilitySurfaceStatus: pbconv.EnumText(h.CapabilitySurfaceStatus),
		BaseToolNames:           h.BaseToolNames.Sorted(),
	}
	if s, ok := h.CurrentCapabilitySurface.Lookup(); ok {
		out.CurrentCapabilitySurface = surfaceToPB(s)
	}
	return out
}

func hydratedFromPB(h *pb.HydrateSessionLlmStateResponse) (*HydratedSessionLlmState, error) {
	id, err := identityFromPB(h.GetCurrentIdentity())
	if err != nil {
		return nil, err
	}
	vis, err := visibilityFromPB(h.GetCurrentVisibilityState())
	if err != nil {
		return nil, err
	}
	status, err := pbconv.ParseEnum[machine.SessionLlmCapabilitySurfaceStatus]("capability_surface_status", h.GetCapabilitySurfaceStatus())
	if err != nil {
		return nil, err
	}
	out := &HydratedSessionLlmState{
		CurrentIdentity:         id,
		CapabilitySurfaceStatus: status,
		BaseToolNames:           machine.NewSet(h.GetBaseToolNames()...),
	}
	if vis != nil {
		out.CurrentVisibilityState = *vis
	}
	if h.GetCurrentCapabilitySurface() != nil {
		out.CurrentCapabilitySurface = machine.Some(surfaceFromPB(h.GetCurrentCapabilitySurface()))
	}
	return out, nil
}

func reconfigureToPB(r SessionLlmReconfigureRequest) *pb.SessionLlmReconfigureRequest {
	out := &pb.SessionLlmReconfigureRequest{Model: pbconv.OptPtr(r.Model)}
	if p, ok := r.Provider.Lookup(); ok {
		s := pbconv.EnumText(p)
		out.Provider = &s
	}
	switch r.ProviderParams.Op {
	case PatchSet:
		out.ProviderParams = &pb.OptionalString{Change: &pb.OptionalString_Set{Set: r.ProviderParams.Value}}
	case PatchClear:
		out.ProviderParams = &pb.OptionalString{Change: &pb.OptionalString_Clear{Clear: true}}
	}
	switch r.AuthBinding.Op {
	case PatchSet:
		out.AuthBinding = &pb.OptionalAuthBinding{Change: &pb.OptionalAuthBinding_Set{Set: authToPB(r.AuthBinding.Value)}}
	case PatchClear:
		out.AuthBinding = &pb.OptionalAuthBinding{Change: &pb.OptionalAuthBinding_Clear{Clear: true}}
	}
	return out
}

func reconfigureFromPB(r *pb.SessionLlmReconfigureRequest) (SessionLlmReconfigureRequest, error) {
	out := SessionLlmReconfigureRequest{Model: pbconv.PtrOpt(r.Model)}
	if r.Provider != nil {
		p, err := pbconv.ParseEnum[machine.Provider]("request.provider", r.GetProvider())
		if err != nil {
			return out, err
		}
		out.Provider = machine.Some(p)
	}
	switch c := r.GetProviderParams().GetChange().(type) {
	case *pb.OptionalString_Set:
		out.ProviderParams = Patch[string]{Op: PatchSet, Value: c.Set}
	case *pb.OptionalString_Clear:
		out.ProviderParams = Patch[string]{Op: PatchClear}
	}
	switch c := r.GetAuthBinding().GetChange().(type) {
	case *pb.OptionalAuthBinding_Set:
		out.AuthBinding = Patch[machine.AuthBindingRef]{Op: PatchSet, Value: authFromPB(c.Set)}
	case *pb.OptionalAuthBinding_Clear:
		out.AuthBinding = Patch[machine.AuthBindingRef]{Op: PatchClear}
	}
	return out, nil
}

func partsToPB(parts []ContentPart) []*pb.ContentPart {
	out := make([]*pb.ContentPart, 0, len(parts))
	for _, p := range parts {
		if p.Image != nil {
			out = append(out, &pb.ContentPart{Part: &pb.ContentPart_Image{Image: &pb.Image{MediaType: p.Image.MediaType, Data: p.Image.Data}}})
			continue
		}
		out = append(out, &pb.ContentPart{Part: &pb.ContentPart_Text{Text: p.Text}})
	}
	return out
}

func partsFromPB(parts []*pb.ContentPart) []ContentPart {
	out := make([]ContentPart, 0, len(parts))
	for _, p := range parts {
		if img := p.GetImage(); img != nil {
			out = append(out, ContentPart{Image: &Image{MediaType: img.GetMediaType(), Data: img.GetData()}})
			continue
		}
		out = append(out, ContentPart{Text: p.GetText()})
	}
	return out
}

func callsToPB(calls []ToolCall) []*pb.ToolCall {
	out := make([]*pb.ToolCall, 0, len(calls))
	for _, c := range calls {
		out = append(out, &pb.ToolCall{Id: c.ID, Name: c.Name, ArgumentsJson: c.ArgumentsJSON})
	}
	return out
}

func callsFromPB(calls []*pb.ToolCall) []ToolCall {
	out := make([]ToolCall, 0, len(calls))
	for _, c := range calls {
		out = append(out, ToolCall{ID: c.GetId(), Name: c.GetName(), ArgumentsJSON: c.GetArgumentsJson()})
	}
	return out
}

func messagesToPB(msgs []Message) []*pb.Message {
	out := make([]*pb.Message, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, &pb.Message{Role: m.Role, Content: partsToPB(m.Content), ToolCalls: callsToPB(m.ToolCalls), ToolCallId: m.ToolCallID})
	}
	return out
}

func messagesFromPB(msgs []*pb.Message) []Message {
	out := make([]Message, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, Message{Role: m.GetRole(), Content: partsFromPB(m.GetContent()), ToolCalls: callsFromPB(m.GetToolCalls()), ToolCallID: m.GetToolCallId()})
	}
	return out
}

func callLlmResponseToPB(r *CallLlmResponse) (*pb.CallLlmResponse, error) {
	out := &pb.CallLlmResponse{OfferedTools: r.OfferedTools}
	switch r.Outcome {
	case OutcomeAnswer:
		out.Outcome = &pb.CallLlmResponse_Answer{Answer: &pb.AssistantAnswer{Text: r.Text}}
	case OutcomeToolCalls:
		out.Outcome = &pb.CallLlmResponse_ToolCalls{ToolCalls: &pb.ToolCalls{Calls: callsToPB(r.ToolCalls)}}
	case OutcomeFailure:
		if r.Failure == nil || !r.Failure.Source.Valid() || r.Failure.Source == machine.FailureSourceUnknown {
			return nil, pluginerr.New(pluginerr.InternalHostError, "CallLlm returned a failure without a known failure source")
		}
		f := r.Failure
		pf := &pb.LlmFailure{Source: pbconv.EnumText(f.Source), RetryAfterMs: uint64(f.RetryAfter / time.Millisecond), Message: f.Message}
		if f.RetryKind.Valid() {
			pf.RetryKind = pbconv.EnumText(f.RetryKind)
		}
		out.Outcome = &pb.CallLlmResponse_Failure{Failure: pf}
	default:
		return nil, pluginerr.New(pluginerr.InternalHostError, "CallLlm returned no outcome")
	}
	return out, nil
}

func callLlmResponseFromPB(r *pb.CallLlmResponse) (*CallLlmResponse, error) {
	out := &CallLlmResponse{OfferedTools: r.GetOfferedTools()}
	switch o := r.GetOutcome().(type) {
	case *pb.CallLlmResponse_Answer:
		out.Outcome, out.Text = OutcomeAnswer, o.Answer.GetText()
	case *pb.CallLlmResponse_ToolCalls:
		out.Outcome, out.ToolCalls = OutcomeToolCalls, callsFromPB(o.ToolCalls.GetCalls())
	case *pb.CallLlmResponse_Failure:
		src, err := pbconv.ParseEnum[machine.RunFailureSourceKind]("failure.source", o.Failure.GetSource())
		if err != nil {
			return nil, err
		}
		kind, err := pbconv.ParseEnum[machine.LlmRetryFailureKind]("failure.retry_kind", o.Failure.GetRetryKind())
		if err != nil {
			return nil, err
		}
		out.Outcome = OutcomeFailure
		out.Failure = &LlmFailure{Source: src, RetryKind: kind,
			RetryAfter: time.Duration(o.Failure.GetRetryAfterMs()) * time.Millisecond, Message: o.Failure.GetMessage()}
	default:
		return nil, pluginerr.New(pluginerr.InternalHostError, "plugin answered CallLlm without an outcome")
	}
	return out, nil
}
