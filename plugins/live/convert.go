package live

import (
	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/internal/pbconv"
	pb "github.com/meerkat-temporal/meerkat/plugins/live/internal/livev1"
)

// This file converts between the Go contract and the live.v1 messages.

func identityToPB(id machine.SessionLlmIdentity) *pb.LlmIdentity {
	out := &pb.LlmIdentity{Model: id.Model, Provider: pbconv.EnumText(id.Provider),
		SelfHostedServerId: pbconv.OptPtr(id.SelfHostedServerID), ProviderParamsRepr: pbconv.OptPtr(id.ProviderParamsRepr)}
	if a, ok := id.AuthBinding.Lookup(); ok {
		out.AuthBinding = &pb.AuthBindingRef{RealmId: a.RealmID, BindingId: a.BindingID, ProfileId: pbconv.OptPtr(a.ProfileID)}
	}
	return out
}

func identityFromPB(id *pb.LlmIdentity) (machine.SessionLlmIdentity, error) {
	provider, err := pbconv.ParseEnum[machine.Provider]("bound_identity.provider", id.GetProvider())
	if err != nil {
		return machine.SessionLlmIdentity{}, err
	}
	out := machine.SessionLlmIdentity{Model: id.GetModel(), Provider: provider,
		SelfHostedServerID: pbconv.PtrOpt(id.SelfHostedServerId), ProviderParamsRepr: pbconv.PtrOpt(id.ProviderParamsRepr)}
	if a := id.GetAuthBinding(); a != nil {
		out.AuthBinding = machine.Some(machine.AuthBindingRef{RealmID: a.GetRealmId(), BindingID: a.GetBindingId(), ProfileID: pbconv.PtrOpt(a.ProfileId)})
	}
	return out, nil
}

func acceptanceToPB(a *CommandAcceptance) *pb.CommandAcceptance {
	return &pb.CommandAcceptance{ChannelId: a.ChannelID, Command: pbconv.EnumText(a.Command), AcceptanceSequence: a.AcceptanceSequence}
}

func acceptanceFromPB(a *pb.CommandAcceptance) (*CommandAcceptance, error) {
	kind, err := pbconv.ParseEnum[machine.LiveCommandPublicKind]("command", a.GetCommand())
	if err != nil {
		return nil, err
	}
	return &CommandAcceptance{ChannelID: a.GetChannelId(), Command: kind, AcceptanceSequence: a.GetAcceptanceSequence()}, nil
}

func observationToPB(o Observation) *pb.Observation {
	out := &pb.Observation{ChannelId: o.ChannelID}
	switch {
	case o.Status != nil:
		s := &pb.StatusObservation{Status: pbconv.EnumText(o.Status.Status), ObservationSequence: o.Status.ObservationSequence, DegradationDetail: o.Status.DegradationDetail}
		if o.Status.DegradationReason.Valid() {
			s.DegradationReason = pbconv.EnumText(o.Status.DegradationReason)
		}
		out.Kind = &pb.Observation_Status{Status: s}
	case o.Closed != nil:
		out.Kind = &pb.Observation_Closed{Closed: &pb.CloseObservation{CloseSequence: o.Closed.CloseSequence, Detail: o.Closed.Detail}}
	}
	return out
}

// observationFromPB follows spec §8.3's host status mapping: a status the host does not
// know becomes Degraded with reason Unknown and the raw text as detail.
func observationFromPB(o *pb.Observation) Observation {
	out := Observation{ChannelID: o.GetChannelId()}
	switch k := o.GetKind().(type) {
	case *pb.Observation_Status:
		s := &StatusObservation{ObservationSequence: k.Status.GetObservationSequence(), DegradationDetail: k.Status.GetDegradationDetail()}
		status, err := pbconv.ParseEnum[machine.LiveChannelPublicStatus]("status", k.Status.GetStatus())
		switch {
		case err != nil || !status.Valid():
			s.Status, s.DegradationReason, s.DegradationDetail = machine.LiveStatusDegraded, machine.DegradationUnknown, "unknown adapter status "+k.Status.GetStatus()
		case status == machine.LiveStatusDegraded:
			s.Status = status
			reason, err := pbconv.ParseEnum[machine.LiveChannelDegradationReason]("degradation_reason", k.Status.GetDegradationReason())
			if err != nil || !reason.Valid() {
				reason, s.DegradationDetail = machine.DegradationUnknown, "unknown degradation reason "+k.Status.GetDegradationReason()
			}
			s.DegradationReason = reason
		default:
			s.Status, s.DegradationDetail = status, ""
		}
		out.Status = s
	case *pb.Observation_Closed:
		out.Closed = &CloseObservation{CloseSequence: k.Closed.GetCloseSequence(), Detail: k.Closed.GetDetail()}
	}
	return out
}
