package sessionclient

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/api/serviceerror"

	"github.com/meerkat-temporal/meerkat/activities"
	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
)

// Live channel requests (spec §8.8) are routed by the session prefix of the channel id
// (machine.ParseChannelID) and, for a WebRTC answer, of the token (RouteLive). The owning
// session's workflow answers; when no session owns the channel (the id does not parse, the
// session's workflow does not exist or has completed, or the session refuses it as
// workflows.KindChannelNotOwned) the unbound authority answers with its ChannelNotFound
// rejection (spec §8.7). Either way a refusal is the result's Rejection, classified by a
// machine; an error means the request was not answered.

// CloseLive closes a live channel and returns the recorded close or the classified
// rejection.
func (c *Client) CloseLive(ctx context.Context, channelID string) (workflows.LiveCloseResult, error) {
	if session, ok := channelSession(channelID); ok {
		res, err := operation[workflows.LiveCloseResult](ctx, c, session, workflows.OpLiveClose, workflows.LiveChannelRequest{ChannelID: channelID})
		if !routeToUnbound(err) {
			return res, err
		}
	}
	var out workflows.LiveCloseResult
	rej, err := c.unboundChannelRequest(ctx, channelID, machine.RequestClose)
	out.Rejection = rej
	return out, err
}

// RefreshLive queues a refresh of a live channel and returns the recorded queue
// acceptance or the classified rejection.
func (c *Client) RefreshLive(ctx context.Context, channelID string) (workflows.LiveRefreshResult, error) {
	if session, ok := channelSession(channelID); ok {
		res, err := operation[workflows.LiveRefreshResult](ctx, c, session, workflows.OpLiveRefresh, workflows.LiveChannelRequest{ChannelID: channelID})
		if !routeToUnbound(err) {
			return res, err
		}
	}
	var out workflows.LiveRefreshResult
	rej, err := c.unboundChannelRequest(ctx, channelID, machine.RequestRefresh)
	out.Rejection = rej
	return out, err
}

// LiveCommand sends a live command and returns the recorded acceptance or the classified
// rejection. An unowned channel is answered by the unbound authority's command rejection.
func (c *Client) LiveCommand(ctx context.Context, req workflows.LiveCommandRequest) (workflows.LiveCommandResult, error) {
	if session, ok := channelSession(req.ChannelID); ok {
		res, err := operation[workflows.LiveCommandResult](ctx, c, session, workflows.OpLiveCommand, req)
		if !routeToUnbound(err) {
			return res, err
		}
	}
	var out workflows.LiveCommandResult
	fx, err := c.RejectUnboundCommand(ctx, req.ChannelID, req.Command)
	if err != nil {
		return out, err
	}
	rej, err := effectIn[machine.LiveCommandRejectionResolved](fx, "RecordLiveCommandRejected")
	out.Rejection = machine.Some(rej)
	return out, err
}

// SendLiveText sends text input on a live channel (LiveCommand with SendInput).
func (c *Client) SendLiveText(ctx context.Context, channelID, text string) (workflows.LiveCommandResult, error) {
	return c.LiveCommand(ctx, workflows.LiveCommandRequest{ChannelID: channelID, Command: machine.CommandSendInput, Text: text})
}

// WebrtcAnswer answers a WebRTC offer on a channel, authorised by a single-use WebRTC
// token (IssueWebrtcToken). Only the token's digest is sent. It is routed to the session
// that issued the token, else the session whose active channel it is, else the unbound
// authority (spec §8.7). A refused admission is Admission with Admitted false; a host
// refusal is Rejection; AnswerSDP is set when the answer was recorded.
func (c *Client) WebrtcAnswer(ctx context.Context, token, channelID, offerSDP string) (workflows.LiveWebrtcAnswerResult, error) {
	route, err := c.RouteLive(ctx, token, channelID)
	if err != nil {
		return workflows.LiveWebrtcAnswerResult{}, err
	}
	if route.SessionID != "" {
		res, err := operation[workflows.LiveWebrtcAnswerResult](ctx, c, route.SessionID, workflows.OpLiveWebrtcAnswer, workflows.LiveWebrtcAnswerRequest{
			ChannelID: channelID, TokenDigest: machine.TokenDigest(token), OfferSDP: offerSDP,
		})
		if !routeToUnbound(err) {
			return res, err
		}
	}
	var out workflows.LiveWebrtcAnswerResult
	fx, err := c.Unbound(ctx, machine.UnboundWebrtcAnswer(channelID))
	if err != nil {
		return out, err
	}
	rej, err := effectIn[machine.LiveChannelRequestRejectionResolved](fx, "RecordLiveChannelRequestRejected")
	out.Rejection = machine.Some(rej)
	return out, err
}

// LiveStatus is a channel's status as its session recorded it from the adapter's
// observations: SessionID and Channel when a session answers (the channel is its active
// channel or in its close history), else the unbound authority's Rejection.
type LiveStatus struct {
	SessionID string                                                   `json:"session_id,omitzero"`
	Channel   machine.LiveChannelView                                  `json:"channel,omitzero"`
	Rejection machine.Opt[machine.LiveChannelRequestRejectionResolved] `json:"rejection,omitzero"`
}

// LiveStatus returns a live channel's recorded status (spec §8.8 live/status). The live
// adapter reports status changes as observations, which the worker's
// activities.ObservationForwarder records in the owning session
// (RecordLiveChannelStatus), so this reads the session with queries and writes nothing;
// only an unowned channel is answered by the unbound authority, which records its
// rejection.
func (c *Client) LiveStatus(ctx context.Context, channelID string) (LiveStatus, error) {
	if session, ok := channelSession(channelID); ok {
		own, err := query[workflows.LiveOwnership](ctx, c, session, workflows.QueryLiveOwnership, "", channelID)
		var notFound *serviceerror.NotFound
		switch {
		case errors.As(err, &notFound):
		case err != nil:
			return LiveStatus{}, err
		case own.StatusChannel:
			ch, err := c.LiveChannel(ctx, session, channelID)
			return LiveStatus{SessionID: session, Channel: ch.LiveChannelView}, err
		}
	}
	rej, err := c.unboundChannelRequest(ctx, channelID, machine.RequestStatus)
	return LiveStatus{Rejection: rej}, err
}

// channelSession returns the session a channel id names.
func channelSession(channelID string) (string, bool) {
	s, err := machine.ParseChannelID(channelID)
	return s, err == nil
}

// routeToUnbound reports whether a session's answer means no session owns the request:
// the session refused it as not its own, or its workflow does not exist (or completed).
func routeToUnbound(err error) bool {
	var notFound *serviceerror.NotFound
	return errors.Is(err, workflows.ErrChannelNotOwned) || errors.As(err, &notFound)
}

func (c *Client) unboundChannelRequest(ctx context.Context, channelID string, request machine.LiveChannelRequestPublicKind) (machine.Opt[machine.LiveChannelRequestRejectionResolved], error) {
	fx, err := c.RejectUnboundChannelRequest(ctx, channelID, request)
	if err != nil {
		return machine.None[machine.LiveChannelRequestRejectionResolved](), err
	}
	rej, err := effectIn[machine.LiveChannelRequestRejectionResolved](fx, "RecordLiveChannelRequestRejected")
	return machine.Some(rej), err
}

// effectIn returns the effect of type E an input's effects must hold.
func effectIn[E machine.Effect](fx machine.Effects, input string) (E, error) {
	for _, e := range fx {
		if v, ok := e.(E); ok {
			return v, nil
		}
	}
	var zero E
	return zero, fmt.Errorf("sessionclient: %s answered %d effects without the expected %T", input, len(fx), zero)
}

// AttachLive begins a realtime binding (spec §9.4 attach_live) and returns the new
// authority (RealtimeResult.Authority).
func (c *Client) AttachLive(ctx context.Context, sessionID string) (workflows.RealtimeResult, error) {
	return operation[workflows.RealtimeResult](ctx, c, sessionID, workflows.OpAttachLive, struct{}{})
}

// ReplaceRealtimeAttachment replaces the realtime binding under a new authority epoch.
func (c *Client) ReplaceRealtimeAttachment(ctx context.Context, sessionID string) (workflows.RealtimeResult, error) {
	return operation[workflows.RealtimeResult](ctx, c, sessionID, workflows.OpReplaceRealtimeAttachment, struct{}{})
}

// DetachLive drops the realtime binding (spec §9.4 detach_live: the single input
// DetachRealtimeBinding); the runtime stays attached and the intent bit stays.
func (c *Client) DetachLive(ctx context.Context, sessionID string) (machine.Effects, error) {
	return c.Apply(ctx, sessionID, machine.DetachRealtimeBinding{})
}

// ApplyCapabilityDrivenRealtimeTransport lets the session's model capability attach or
// detach the realtime binding and returns what was done.
func (c *Client) ApplyCapabilityDrivenRealtimeTransport(ctx context.Context, sessionID string) (workflows.RealtimeResult, error) {
	return operation[workflows.RealtimeResult](ctx, c, sessionID, workflows.OpApplyCapabilityDrivenRealtimeTransport, struct{}{})
}

// RealtimeBootstrapEligibility reports whether the session may bootstrap realtime (a
// refusal is a ValidationFailed error) and its realtime channel status.
func (c *Client) RealtimeBootstrapEligibility(ctx context.Context, sessionID string) (machine.RealtimeBootstrapEligibility, error) {
	res, err := operation[workflows.RealtimeResult](ctx, c, sessionID, workflows.OpRealtimeBootstrapEligibility, struct{}{})
	return res.Eligibility.Get(), err
}

// PublishRealtimeAttachmentSignal is a provider callback (spec §9.4): it publishes the
// binding's status under the authority the provider was handed. Only BindingNotReady,
// BindingReady and ReplacementPending may be published; a stale authority is refused by
// the session.
func (c *Client) PublishRealtimeAttachmentSignal(ctx context.Context, authority machine.RealtimeAttachmentSignalAuthority, status machine.RealtimeAttachmentStatus) (machine.Effects, error) {
	in, err := machine.PublishRealtimeAttachmentSignal(authority, status)
	if err != nil {
		return nil, err
	}
	return c.Apply(ctx, authority.SessionID, in)
}

// RecordLiveObservation records a live adapter observation (RecordLiveChannelStatus or
// RecordLiveCloseClosed) in the session as an update whose ID is derived from the
// observation (input, channel, sequence), so a retried delivery is answered once. It
// implements activities.ObservationSink: the session's refusal (most often: it already
// holds that evidence) and a session without a workflow wrap
// activities.ErrObservationNotRecorded. A refused update writes nothing to history.
func (c *Client) RecordLiveObservation(ctx context.Context, sessionID string, in machine.Input) error {
	var id string
	switch in := in.(type) {
	case machine.RecordLiveChannelStatus:
		id = fmt.Sprintf("live-observation/status/%s/%d", in.ChannelID, in.StatusObservationSequence)
	case machine.RecordLiveCloseClosed:
		id = fmt.Sprintf("live-observation/close/%s/%d", in.ChannelID, in.CloseObservationSequence)
	default:
		return fmt.Errorf("sessionclient: %s is not a live observation (RecordLiveChannelStatus or RecordLiveCloseClosed)", in.Name())
	}
	_, err := c.ApplyWithID(ctx, sessionID, id, in)
	var refused *workflows.Error
	var notFound *serviceerror.NotFound
	if errors.As(err, &refused) || errors.As(err, &notFound) {
		return fmt.Errorf("%w: %w", activities.ErrObservationNotRecorded, err)
	}
	return err
}

var _ activities.ObservationSink = (*Client)(nil)
