package workflows

import (
	"fmt"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/meerkat-temporal/meerkat/activities"
	"github.com/meerkat-temporal/meerkat/machine"
)

// Live channel operations (spec §8.8): the requests a caller makes on an open channel.
// Each asks the machine whether this session owns the channel (spec §8.7), calls the live
// adapter through an activity, and records the outcome with the input the spec names. A
// host rejection is an outcome, not a failure: the machine classifies the host's reason
// code (machine.ChannelRequestRejectionForHostError, machine.CommandRejectionForHostError)
// and the result carries the classification it recorded.
const (
	// OpLiveClose closes a live channel (LiveChannelRequest → LiveCloseResult):
	// CloseLiveChannel, then RecordLiveCloseClosed, which unbinds the channel.
	OpLiveClose = "live_close"
	// OpLiveRefresh queues a refresh of a channel's session configuration
	// (LiveChannelRequest → LiveRefreshResult): RefreshLiveChannel, then
	// RecordLiveRefreshQueued.
	OpLiveRefresh = "live_refresh"
	// OpLiveCommand sends one of the four live commands (LiveCommandRequest →
	// LiveCommandResult), then records RecordLiveCommandAccepted.
	OpLiveCommand = "live_command"
	// OpLiveWebrtcAnswer answers a WebRTC offer (LiveWebrtcAnswerRequest →
	// LiveWebrtcAnswerResult): single-use token admission by digest
	// (ResolveLiveWebrtcAnswerAdmission), the host's answer, then
	// RecordLiveWebrtcAnswerAccepted.
	OpLiveWebrtcAnswer = "live_webrtc_answer"
)

// KindChannelNotOwned refuses a live request for a channel (or token) this session does
// not own (spec §8.7): it is not the session's active channel, and for a WebRTC answer the
// session did not issue the token either. The caller asks the unbound authority instead
// (sessionclient does). The validator refuses it before anything is written; a request
// that passed validation but found the channel closed once it held the gate fails with
// the same kind.
const KindChannelNotOwned = "ChannelNotOwned"

// ErrChannelNotOwned matches an *Error of kind KindChannelNotOwned with errors.Is.
var ErrChannelNotOwned = &Error{Kind: KindChannelNotOwned}

// LiveChannelRequest names the channel of a close or refresh.
type LiveChannelRequest struct {
	ChannelID string `json:"channel_id"`
}

// LiveCloseResult is the outcome of live_close: the recorded close, or the machine's
// classification of the host's refusal. Detail is the host's error text. When the host no
// longer has a channel the session still holds (ChannelNotFound), both are set: the
// refusal is recorded and the binding released.
type LiveCloseResult struct {
	Closed    machine.Opt[machine.LiveCloseResultResolved]             `json:"closed,omitzero"`
	Rejection machine.Opt[machine.LiveChannelRequestRejectionResolved] `json:"rejection,omitzero"`
	Detail    string                                                   `json:"detail,omitzero"`
}

// LiveRefreshResult is the outcome of live_refresh: the recorded queue acceptance, or the
// machine's classification of the host's refusal.
type LiveRefreshResult struct {
	Queued    machine.Opt[machine.LiveRefreshResultResolved]           `json:"queued,omitzero"`
	Rejection machine.Opt[machine.LiveChannelRequestRejectionResolved] `json:"rejection,omitzero"`
	Detail    string                                                   `json:"detail,omitzero"`
}

// LiveCommandRequest is one live command (spec §11.1). SendInput carries Text or Audio;
// TruncateAssistantOutput names the assistant item and the audio the user heard
// (AudioEndMs); CommitInput and Interrupt carry nothing else.
type LiveCommandRequest struct {
	ChannelID  string                        `json:"channel_id"`
	Command    machine.LiveCommandPublicKind `json:"command"`
	Text       string                        `json:"text,omitzero"`
	Audio      []byte                        `json:"audio,omitzero"`
	ItemID     string                        `json:"item_id,omitzero"`
	AudioEndMs uint64                        `json:"audio_end_ms,omitzero"`
}

// LiveCommandResult is the outcome of live_command: the recorded acceptance, or the
// machine's classification of the host's refusal.
type LiveCommandResult struct {
	Accepted  machine.Opt[machine.LiveCommandResultResolved]    `json:"accepted,omitzero"`
	Rejection machine.Opt[machine.LiveCommandRejectionResolved] `json:"rejection,omitzero"`
	Detail    string                                            `json:"detail,omitzero"`
}

// LiveWebrtcAnswerRequest carries a WebRTC SDP offer and the single-use token that
// authorises it, as its SHA-256 digest (machine.TokenDigest): the token itself never
// reaches the workflow.
type LiveWebrtcAnswerRequest struct {
	ChannelID   string `json:"channel_id"`
	TokenDigest string `json:"token_digest"`
	OfferSDP    string `json:"offer_sdp"`
}

// LiveWebrtcAnswerResult is the outcome of live_webrtc_answer. Admission is the machine's
// token admission (absent only when the unbound authority answered); when admitted,
// either Answer and AnswerSDP (the host answered and the machine recorded it) or
// Rejection (the machine's classification of the host's refusal).
type LiveWebrtcAnswerResult struct {
	Admission machine.Opt[machine.LiveWebrtcAnswerAdmissionResolved]   `json:"admission,omitzero"`
	Answer    machine.Opt[machine.LiveWebrtcAnswerResultResolved]      `json:"answer,omitzero"`
	AnswerSDP string                                                   `json:"answer_sdp,omitzero"`
	Rejection machine.Opt[machine.LiveChannelRequestRejectionResolved] `json:"rejection,omitzero"`
	Detail    string                                                   `json:"detail,omitzero"`
}

// registerLiveOps wires the live channel and realtime operations as updates.
func (a *authority) registerLiveOps(ctx workflow.Context) error {
	session := func() string { return a.state.SessionID.Get() }
	regs := []func() error{
		func() error {
			return registerGated(ctx, a, OpLiveClose, liveOpDoc(OpLiveClose),
				func(req LiveChannelRequest) error { return a.requireLiveChannel(OpLiveClose, req.ChannelID) },
				func(ctx workflow.Context, req LiveChannelRequest) (LiveCloseResult, error) {
					return a.closeLive(ctx, session(), req)
				})
		},
		func() error {
			return registerGated(ctx, a, OpLiveRefresh, liveOpDoc(OpLiveRefresh),
				func(req LiveChannelRequest) error { return a.requireLiveChannel(OpLiveRefresh, req.ChannelID) },
				a.refreshLive)
		},
		func() error {
			return registerGated(ctx, a, OpLiveCommand, liveOpDoc(OpLiveCommand),
				func(req LiveCommandRequest) error {
					if err := checkLiveCommand(req); err != nil {
						return err
					}
					return a.requireLiveChannel(OpLiveCommand, req.ChannelID)
				},
				a.commandLive)
		},
		func() error {
			return registerGated(ctx, a, OpLiveWebrtcAnswer, liveOpDoc(OpLiveWebrtcAnswer),
				a.checkWebrtcAnswer,
				func(ctx workflow.Context, req LiveWebrtcAnswerRequest) (LiveWebrtcAnswerResult, error) {
					return a.answerWebrtc(ctx, session(), req)
				})
		},
	}
	for _, op := range realtimeOps {
		regs = append(regs, func() error {
			return registerGated(ctx, a, op.name, op.doc, func(struct{}) error { return op.check(a) },
				func(ctx workflow.Context, _ struct{}) (RealtimeResult, error) { return op.run(ctx, a) })
		})
	}
	for _, reg := range regs {
		if err := reg(); err != nil {
			return err
		}
	}
	return nil
}

// liveOpDocs lists the live channel and realtime operations for the message table.
var liveOpDocs = []operationDoc{
	{OpLiveClose, "workflows.LiveChannelRequest", "workflows.LiveCloseResult", "Close a live channel and record the close (spec §8.8); a host refusal is a classified rejection."},
	{OpLiveRefresh, "workflows.LiveChannelRequest", "workflows.LiveRefreshResult", "Queue a refresh of a live channel and record it (spec §8.8); a host refusal is a classified rejection."},
	{OpLiveCommand, "workflows.LiveCommandRequest", "workflows.LiveCommandResult", "Send input, commit input, interrupt or truncate assistant output on a live channel (spec §8.8)."},
	{OpLiveWebrtcAnswer, "workflows.LiveWebrtcAnswerRequest", "workflows.LiveWebrtcAnswerResult", "Admit a WebRTC answer with its single-use token digest, answer the offer through the host, record it (spec §8.6, §8.8)."},
}

func liveOpDoc(name string) string {
	for _, d := range liveOpDocs {
		if d.name == name {
			return d.doc
		}
	}
	return ""
}

// liveOperations lists the operations of this file and realtime_ops.go for the message
// table.
func liveOperations() []operationDoc {
	out := append([]operationDoc(nil), liveOpDocs...)
	for _, op := range realtimeOps {
		out = append(out, operationDoc{op.name, "{}", "workflows.RealtimeResult", op.doc})
	}
	return out
}

// registerGated registers a gated operation (runOperation). check only reads: the
// validator runs it after strict decoding, so a refused request writes nothing, and the
// handler runs it again once it holds the gate, because the state may have changed in
// between.
func registerGated[Req, Res any](ctx workflow.Context, a *authority, name, doc string, check func(Req) error, run func(workflow.Context, Req) (Res, error)) error {
	return workflow.SetUpdateHandlerWithOptions(ctx, name,
		func(ctx workflow.Context, raw converter.RawValue) (Res, error) {
			return runOperation(ctx, a, name, raw, func(ctx workflow.Context, req Req) (Res, error) {
				if err := check(req); err != nil {
					var zero Res
					return zero, err
				}
				return run(ctx, req)
			})
		},
		workflow.UpdateHandlerOptions{
			Validator: func(ctx workflow.Context, raw converter.RawValue) error {
				if err := a.refuseWhileDraining(name); err != nil {
					return err
				}
				if a.remembered(updateID(ctx)) != nil {
					return nil
				}
				var req Req
				err := decodeStrict(name, raw, &req)
				if err == nil {
					err = check(req)
				}
				return applicationError(name, err)
			},
			Description: doc,
		})
}

// requireLiveChannel refuses a request for a channel that is not this session's active
// channel (spec §8.7 live_session_for_active_channel).
func (a *authority) requireLiveChannel(op, channelID string) error {
	if channelID == "" {
		return &Error{Kind: machine.KindValidationFailed.String(), Input: op, Reason: "channel_id is required"}
	}
	if a.state.OwnsLiveChannel(channelID) {
		return nil
	}
	return a.notOwned(op, channelID)
}

func (a *authority) notOwned(op, channelID string) error {
	return &Error{
		Kind: KindChannelNotOwned, Input: op,
		Reason: fmt.Sprintf("live channel %q is not an active channel of session %q; ask the unbound authority (spec §8.7)", channelID, a.state.SessionID.Get()),
	}
}

// checkLiveCommand checks the shape of a command request: a known command and only the
// fields that command takes.
func checkLiveCommand(req LiveCommandRequest) error {
	bad := func(reason string) error {
		return &Error{Kind: machine.KindValidationFailed.String(), Input: OpLiveCommand, Reason: reason}
	}
	hasInput := req.Text != "" || len(req.Audio) > 0
	hasTruncate := req.ItemID != "" || req.AudioEndMs != 0
	switch req.Command {
	case machine.CommandSendInput:
		if !hasInput {
			return bad("SendInput needs text or audio")
		}
		if hasTruncate {
			return bad("SendInput takes no item_id or audio_end_ms")
		}
	case machine.CommandTruncateAssistantOutput:
		if req.ItemID == "" {
			return bad("TruncateAssistantOutput needs the item_id of the assistant item to cut")
		}
		if hasInput {
			return bad("TruncateAssistantOutput takes no text or audio")
		}
	case machine.CommandCommitInput, machine.CommandInterrupt:
		if hasInput || hasTruncate {
			return bad(fmt.Sprintf("%s takes no text, audio, item_id or audio_end_ms", req.Command))
		}
	default:
		return bad("command must be one of SendInput, CommitInput, Interrupt, TruncateAssistantOutput")
	}
	return nil
}

// checkWebrtcAnswer refuses a raw token and a request this session does not answer: the
// session answers when it issued the token or owns the channel (spec §8.7 WebRTC answer
// routing order: token owner, then channel owner, else the unbound authority).
func (a *authority) checkWebrtcAnswer(req LiveWebrtcAnswerRequest) error {
	if err := checkTokenDigest(machine.ResolveLiveWebrtcAnswerAdmission{Token: req.TokenDigest}); err != nil {
		return err
	}
	if req.ChannelID == "" {
		return &Error{Kind: machine.KindValidationFailed.String(), Input: OpLiveWebrtcAnswer, Reason: "channel_id is required"}
	}
	if (req.TokenDigest != "" && a.state.IssuedWebrtcToken(req.TokenDigest)) || a.state.OwnsLiveChannel(req.ChannelID) {
		return nil
	}
	return a.notOwned(OpLiveWebrtcAnswer, req.ChannelID)
}

// closeLive is live_close of spec §8.8.
func (a *authority) closeLive(ctx workflow.Context, sessionID string, req LiveChannelRequest) (LiveCloseResult, error) {
	var out LiveCloseResult
	ctx = workflow.WithActivityOptions(ctx, hostCallOptions)
	var res activities.CloseLiveChannelResult
	if err := workflow.ExecuteActivity(summarize(ctx, "live close: close the channel"), acts.CloseLiveChannel, activities.LiveChannelInput{ChannelID: req.ChannelID}).Get(ctx, &res); err != nil {
		lost := activities.ReasonCode(err) == machine.HostErrorChannelNotFound
		out.Rejection, out.Detail, err = a.rejectChannelRequest(ctx, req.ChannelID, machine.RequestClose, err)
		if err != nil || !lost || !a.state.OwnsLiveChannel(req.ChannelID) {
			return out, err
		}
		return a.releaseLostChannel(ctx, sessionID, req.ChannelID, out)
	}
	closed, err := recordAndExpect[machine.LiveCloseResultResolved](ctx, a, machine.RecordLiveCloseClosed{
		SessionID: sessionID, ChannelID: req.ChannelID, CloseObservationSequence: res.CloseObservationSequence,
	})
	if err != nil {
		return out, err
	}
	out.Closed = machine.Some(closed)
	return out, nil
}

// releaseLostChannel ends a binding whose channel the live adapter no longer has (its
// process was replaced: a crash, a hot swap, a worker restart). The refusal stays
// recorded as the spec classifies it; the close is then recorded too, one observation
// after the last, so the session can open a new channel instead of holding a dead one
// for ever.
func (a *authority) releaseLostChannel(ctx workflow.Context, sessionID, channelID string, out LiveCloseResult) (LiveCloseResult, error) {
	if workflow.GetVersion(ctx, versionReleaseLostChannel, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return out, nil
	}
	view, _ := a.state.LiveChannel(channelID)
	closed, err := recordAndExpect[machine.LiveCloseResultResolved](ctx, a, machine.RecordLiveCloseClosed{
		SessionID: sessionID, ChannelID: channelID, CloseObservationSequence: view.CloseObservationSequence.Get() + 1,
	})
	if err != nil {
		return out, err
	}
	out.Closed = machine.Some(closed)
	out.Detail = "the live adapter no longer has the channel (its process was replaced); the session's binding is released: " + out.Detail
	return out, nil
}

// versionReleaseLostChannel gates releaseLostChannel: earlier runs kept the binding.
const versionReleaseLostChannel = "release-lost-channel"

// refreshLive is live_refresh of spec §8.8.
func (a *authority) refreshLive(ctx workflow.Context, req LiveChannelRequest) (LiveRefreshResult, error) {
	var out LiveRefreshResult
	ctx = workflow.WithActivityOptions(ctx, hostCallOptions)
	var res activities.RefreshLiveChannelResult
	if err := workflow.ExecuteActivity(summarize(ctx, "live refresh: queue the refresh"), acts.RefreshLiveChannel, activities.LiveChannelInput{ChannelID: req.ChannelID}).Get(ctx, &res); err != nil {
		out.Rejection, out.Detail, err = a.rejectChannelRequest(ctx, req.ChannelID, machine.RequestRefresh, err)
		return out, err
	}
	queued, err := recordAndExpect[machine.LiveRefreshResultResolved](ctx, a, machine.RecordLiveRefreshQueued{
		ChannelID: req.ChannelID, QueueAcceptanceSequence: res.QueueAcceptanceSequence,
	})
	if err != nil {
		return out, err
	}
	out.Queued = machine.Some(queued)
	return out, nil
}

// commandLive is a live command of spec §8.8: the host queues it and mints an acceptance
// sequence, which the machine records; a host refusal is classified and recorded.
func (a *authority) commandLive(ctx workflow.Context, req LiveCommandRequest) (LiveCommandResult, error) {
	var out LiveCommandResult
	ctx = workflow.WithActivityOptions(ctx, hostCallOptions)
	var fut workflow.Future
	channel := activities.LiveChannelInput{ChannelID: req.ChannelID}
	switch req.Command {
	case machine.CommandSendInput:
		fut = workflow.ExecuteActivity(summarize(ctx, "live command: send input"), acts.SendLiveInput, activities.SendLiveInputInput{ChannelID: req.ChannelID, Text: req.Text, Audio: req.Audio})
	case machine.CommandCommitInput:
		fut = workflow.ExecuteActivity(summarize(ctx, "live command: commit input"), acts.CommitLiveInput, channel)
	case machine.CommandInterrupt:
		fut = workflow.ExecuteActivity(summarize(ctx, "live command: interrupt"), acts.InterruptLiveChannel, channel)
	default:
		fut = workflow.ExecuteActivity(summarize(ctx, "live command: truncate assistant output"), acts.TruncateLiveAssistantOutput, activities.TruncateLiveAssistantOutputInput{ChannelID: req.ChannelID, ItemID: req.ItemID, AudioEndMs: req.AudioEndMs})
	}
	var res activities.LiveCommandResult
	if err := fut.Get(ctx, &res); err != nil {
		out.Rejection, out.Detail, err = a.rejectCommand(ctx, req, err)
		return out, err
	}
	accepted, err := recordAndExpect[machine.LiveCommandResultResolved](ctx, a, machine.RecordLiveCommandAccepted{
		ChannelID: req.ChannelID, Command: req.Command, CommandAcceptanceSequence: res.CommandAcceptanceSequence,
	})
	if err != nil {
		return out, err
	}
	out.Accepted = machine.Some(accepted)
	return out, nil
}

// answerWebrtc is live/webrtc/answer of spec §8.8: the machine admits the single-use
// token (a refusal is an outcome, returned as is), the host answers the offer, the
// machine records the answer. The answer SDP is returned only once the machine recorded
// it, so a peer whose answer was not recorded never learns it and cannot connect.
func (a *authority) answerWebrtc(ctx workflow.Context, sessionID string, req LiveWebrtcAnswerRequest) (LiveWebrtcAnswerResult, error) {
	var out LiveWebrtcAnswerResult
	admission, err := recordAndExpect[machine.LiveWebrtcAnswerAdmissionResolved](ctx, a, machine.ResolveLiveWebrtcAnswerAdmission{
		SessionID: sessionID, ChannelID: req.ChannelID, Token: req.TokenDigest, ObservedAtMs: uint64(workflow.Now(ctx).UnixMilli()),
	})
	if err != nil {
		return out, err
	}
	out.Admission = machine.Some(admission)
	if !admission.Admitted {
		return out, nil
	}
	ctx = workflow.WithActivityOptions(ctx, hostCallOptions)
	var res activities.AnswerLiveWebrtcResult
	answer := activities.AnswerLiveWebrtcInput{SessionID: sessionID, ChannelID: req.ChannelID, OfferSDP: req.OfferSDP}
	if err := workflow.ExecuteActivity(summarize(ctx, "live WebRTC answer: answer the offer"), acts.AnswerLiveWebrtc, answer).Get(ctx, &res); err != nil {
		out.Rejection, out.Detail, err = a.rejectChannelRequest(ctx, req.ChannelID, machine.RequestWebrtcAnswer, err)
		return out, err
	}
	answered, err := recordAndExpect[machine.LiveWebrtcAnswerResultResolved](ctx, a, machine.RecordLiveWebrtcAnswerAccepted{
		SessionID: sessionID, ChannelID: req.ChannelID, AnswerObservationSequence: res.AnswerObservationSequence,
	})
	if err != nil {
		return out, err
	}
	out.Answer, out.AnswerSDP = machine.Some(answered), res.AnswerSDP
	return out, nil
}

// rejectChannelRequest records a host's refusal of a status, close, refresh or WebRTC
// answer request, classified by the machine from the host's reason code, and returns the
// recorded rejection and the host's error text. A cancelled call is not a refusal:
// nothing is recorded and the cancellation is returned.
func (a *authority) rejectChannelRequest(ctx workflow.Context, channelID string, request machine.LiveChannelRequestPublicKind, hostErr error) (machine.Opt[machine.LiveChannelRequestRejectionResolved], string, error) {
	none := machine.None[machine.LiveChannelRequestRejectionResolved]()
	if temporal.IsCanceledError(hostErr) {
		return none, "", hostErr
	}
	rej, err := recordAndExpect[machine.LiveChannelRequestRejectionResolved](ctx, a, machine.RecordLiveChannelRequestRejected{
		ChannelID: channelID, Request: request, Rejection: machine.ChannelRequestRejectionForHostError(activities.ReasonCode(hostErr)),
	})
	if err != nil {
		return none, "", err
	}
	return machine.Some(rej), hostErr.Error(), nil
}

// rejectCommand is rejectChannelRequest for a live command.
func (a *authority) rejectCommand(ctx workflow.Context, req LiveCommandRequest, hostErr error) (machine.Opt[machine.LiveCommandRejectionResolved], string, error) {
	none := machine.None[machine.LiveCommandRejectionResolved]()
	if temporal.IsCanceledError(hostErr) {
		return none, "", hostErr
	}
	rej, err := recordAndExpect[machine.LiveCommandRejectionResolved](ctx, a, machine.RecordLiveCommandRejected{
		ChannelID: req.ChannelID, Command: req.Command, Rejection: machine.CommandRejectionForHostError(activities.ReasonCode(hostErr)),
	})
	if err != nil {
		return none, "", err
	}
	return machine.Some(rej), hostErr.Error(), nil
}

// recordAndExpect applies a step of an operation and returns the effect the spec says it
// emits (§4.1: a wrapper looks for exactly the variant it expects). An accepted input
// without that effect is an Internal error.
func recordAndExpect[E machine.Effect](ctx workflow.Context, a *authority, in machine.Input) (E, error) {
	fx, err := a.state.Apply(in)
	if err != nil {
		var zero E
		return zero, err
	}
	a.changed(ctx)
	e, ok := effectOf[E](fx)
	if !ok {
		return e, &Error{
			Kind: machine.KindInternal.String(), Input: in.Name(),
			Reason: fmt.Sprintf("the machine accepted %s but emitted no %T; guard regression", in.Name(), e),
		}
	}
	return e, nil
}
