package workflows

import (
	"errors"

	"go.temporal.io/sdk/workflow"

	"github.com/meerkat-temporal/meerkat/activities"
	"github.com/meerkat-temporal/meerkat/machine"
)

// LiveOpenRequest is the request of live_open (spec §8.8). The caller mints the channel
// id (machine.NewChannelID, so requests route to the session by its prefix) and the
// WebSocket token, and sends only the token's SHA-256 digest.
type LiveOpenRequest struct {
	ChannelID   string `json:"channel_id"`
	TokenDigest string `json:"token_digest"`
	TokenTTLMs  uint64 `json:"token_ttl_ms"`
	// LlmIdentity is bound when the session has no LLM identity of its own; the machine's
	// current identity wins otherwise.
	LlmIdentity machine.SessionLlmIdentity `json:"llm_identity,omitzero"`
}

// LiveOpenResult reports a live_open: the machine's admission outcome and, when admitted,
// the channel's status and the issued token (by digest).
type LiveOpenResult struct {
	Admission machine.LiveOpenAdmissionResolved             `json:"admission"`
	Status    machine.LiveChannelPublicStatus               `json:"status,omitzero"`
	Token     machine.Opt[machine.LiveWebsocketTokenIssued] `json:"token,omitzero"`
}

// openLive is live_open of spec §8.8 as workflow code: the machine admits the channel
// (a refusal is an outcome, returned as is), the live host opens it (a failure abandons
// the admission), and the token digest is recorded (a failure closes the channel through
// the recorded close path).
func (a *authority) openLive(ctx workflow.Context, sessionID string, req LiveOpenRequest) (LiveOpenResult, error) {
	var out LiveOpenResult
	fx, err := a.state.Apply(machine.ResolveLiveOpenAdmission{SessionID: sessionID, ChannelID: req.ChannelID, LlmIdentity: req.LlmIdentity})
	if err != nil {
		return out, err
	}
	a.changed(ctx)
	admission, ok := effectOf[machine.LiveOpenAdmissionResolved](fx)
	if !ok {
		return out, errors.New("machine: ResolveLiveOpenAdmission emitted no LiveOpenAdmissionResolved")
	}
	out.Admission = admission
	if !admission.Admitted {
		return out, nil
	}
	ctx = workflow.WithActivityOptions(ctx, hostCallOptions)
	var opened activities.OpenLiveChannelResult
	open := activities.OpenLiveChannelInput{SessionID: sessionID, ChannelID: req.ChannelID, BoundIdentity: admission.BoundLlmIdentity.Get()}
	if err := workflow.ExecuteActivity(summarize(ctx, "live open: open the channel"), acts.OpenLiveChannel, open).Get(ctx, &opened); err != nil {
		return out, errors.Join(err, a.applyNow(ctx, machine.AbandonLiveOpenAdmission{SessionID: sessionID, ChannelID: req.ChannelID}))
	}
	out.Status = opened.Status
	issue := machine.RecordLiveWebsocketTokenIssued{
		SessionID: sessionID, ChannelID: req.ChannelID, Token: req.TokenDigest,
		IssuedAtMs: uint64(workflow.Now(ctx).UnixMilli()), TTLMs: req.TokenTTLMs,
	}
	if err := checkTokenDigest(issue); err != nil {
		return out, errors.Join(err, a.closeChannels(ctx, sessionID, []machine.LiveChannelCloseRequested{{SessionID: sessionID, ChannelID: req.ChannelID}}))
	}
	fx, err = a.state.Apply(issue)
	if err != nil {
		return out, errors.Join(err, a.closeChannels(ctx, sessionID, []machine.LiveChannelCloseRequested{{SessionID: sessionID, ChannelID: req.ChannelID}}))
	}
	a.changed(ctx)
	if issued, ok := effectOf[machine.LiveWebsocketTokenIssued](fx); ok {
		out.Token = machine.Some(issued)
	}
	return out, nil
}

// effectOf returns the first effect of type E.
func effectOf[E machine.Effect](fx machine.Effects) (E, bool) {
	for _, e := range fx {
		if v, ok := e.(E); ok {
			return v, true
		}
	}
	var zero E
	return zero, false
}
