package activities

import (
	"context"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/live"
)

// OpenLiveChannelInput opens a channel bound to an identity.
type OpenLiveChannelInput struct {
	SessionID     string                     `json:"session_id"`
	ChannelID     string                     `json:"channel_id"`
	BoundIdentity machine.SessionLlmIdentity `json:"bound_identity"`
}

// OpenLiveChannelResult is the channel's status right after open.
type OpenLiveChannelResult struct {
	Status machine.LiveChannelPublicStatus `json:"status"`
}

// OpenLiveChannel opens a live channel in the adapter.
func (a *Activities) OpenLiveChannel(ctx context.Context, in OpenLiveChannelInput) (*OpenLiveChannelResult, error) {
	r, err := callPlugin(ctx, func(ctx context.Context) (*live.OpenChannelResponse, error) {
		return a.Live.OpenChannel(ctx, &live.OpenChannelRequest{IdempotencyKey: idempotencyKey(ctx), SessionID: in.SessionID, ChannelID: in.ChannelID, BoundIdentity: in.BoundIdentity})
	})
	if err != nil {
		return nil, err
	}
	return &OpenLiveChannelResult{Status: r.Status}, nil
}

// LiveChannelInput names a channel.
type LiveChannelInput struct {
	ChannelID string `json:"channel_id"`
}

// CloseLiveChannelResult carries the close observation sequence for RecordLiveCloseClosed.
type CloseLiveChannelResult struct {
	CloseObservationSequence uint64 `json:"close_observation_sequence"`
}

// CloseLiveChannel closes a live channel.
func (a *Activities) CloseLiveChannel(ctx context.Context, in LiveChannelInput) (*CloseLiveChannelResult, error) {
	r, err := callPlugin(ctx, func(ctx context.Context) (*live.CloseChannelResponse, error) {
		return a.Live.CloseChannel(ctx, &live.ChannelRequest{IdempotencyKey: idempotencyKey(ctx), ChannelID: in.ChannelID})
	})
	if err != nil {
		return nil, err
	}
	return &CloseLiveChannelResult{CloseObservationSequence: r.CloseObservationSequence}, nil
}

// LiveCommandResult is the acceptance for RecordLiveCommandAccepted.
type LiveCommandResult struct {
	ChannelID                 string                        `json:"channel_id"`
	Command                   machine.LiveCommandPublicKind `json:"command"`
	CommandAcceptanceSequence uint64                        `json:"command_acceptance_sequence"`
}

// liveCommand runs one of the four live commands through [callPlugin].
func liveCommand(ctx context.Context, command func(context.Context) (*live.CommandAcceptance, error)) (*LiveCommandResult, error) {
	r, err := callPlugin(ctx, command)
	if err != nil {
		return nil, err
	}
	return &LiveCommandResult{ChannelID: r.ChannelID, Command: r.Command, CommandAcceptanceSequence: r.AcceptanceSequence}, nil
}

// SendLiveInputInput is text or audio for a channel.
type SendLiveInputInput struct {
	ChannelID string `json:"channel_id"`
	Text      string `json:"text,omitzero"`
	Audio     []byte `json:"audio,omitzero"`
}

// SendLiveInput sends input on a live channel.
func (a *Activities) SendLiveInput(ctx context.Context, in SendLiveInputInput) (*LiveCommandResult, error) {
	return liveCommand(ctx, func(ctx context.Context) (*live.CommandAcceptance, error) {
		return a.Live.SendInput(ctx, &live.SendInputRequest{IdempotencyKey: idempotencyKey(ctx), ChannelID: in.ChannelID, Text: in.Text, Audio: in.Audio})
	})
}

// CommitLiveInput commits the channel's input.
func (a *Activities) CommitLiveInput(ctx context.Context, in LiveChannelInput) (*LiveCommandResult, error) {
	return liveCommand(ctx, func(ctx context.Context) (*live.CommandAcceptance, error) {
		return a.Live.CommitInput(ctx, &live.ChannelRequest{IdempotencyKey: idempotencyKey(ctx), ChannelID: in.ChannelID})
	})
}

// InterruptLiveChannel interrupts the assistant's response.
func (a *Activities) InterruptLiveChannel(ctx context.Context, in LiveChannelInput) (*LiveCommandResult, error) {
	return liveCommand(ctx, func(ctx context.Context) (*live.CommandAcceptance, error) {
		return a.Live.Interrupt(ctx, &live.ChannelRequest{IdempotencyKey: idempotencyKey(ctx), ChannelID: in.ChannelID})
	})
}

// TruncateLiveAssistantOutputInput names the item and the audio heard.
type TruncateLiveAssistantOutputInput struct {
	ChannelID  string `json:"channel_id"`
	ItemID     string `json:"item_id"`
	AudioEndMs uint64 `json:"audio_end_ms"`
}

// TruncateLiveAssistantOutput truncates an assistant item.
func (a *Activities) TruncateLiveAssistantOutput(ctx context.Context, in TruncateLiveAssistantOutputInput) (*LiveCommandResult, error) {
	return liveCommand(ctx, func(ctx context.Context) (*live.CommandAcceptance, error) {
		return a.Live.TruncateAssistantOutput(ctx, &live.TruncateRequest{IdempotencyKey: idempotencyKey(ctx), ChannelID: in.ChannelID, ItemID: in.ItemID, AudioEndMs: in.AudioEndMs})
	})
}

// RefreshLiveChannelResult is the evidence for RecordLiveRefreshQueued.
type RefreshLiveChannelResult struct {
	QueueAcceptanceSequence uint64 `json:"queue_acceptance_sequence"`
}

// RefreshLiveChannel queues a refresh of the channel.
func (a *Activities) RefreshLiveChannel(ctx context.Context, in LiveChannelInput) (*RefreshLiveChannelResult, error) {
	r, err := callPlugin(ctx, func(ctx context.Context) (*live.RefreshResponse, error) {
		return a.Live.Refresh(ctx, &live.ChannelRequest{IdempotencyKey: idempotencyKey(ctx), ChannelID: in.ChannelID})
	})
	if err != nil {
		return nil, err
	}
	return &RefreshLiveChannelResult{QueueAcceptanceSequence: r.QueueAcceptanceSequence}, nil
}

// AnswerLiveWebrtcInput carries the SDP offer.
type AnswerLiveWebrtcInput struct {
	SessionID string `json:"session_id"`
	ChannelID string `json:"channel_id"`
	OfferSDP  string `json:"offer_sdp"`
}

// AnswerLiveWebrtcResult carries the SDP answer and its evidence sequence.
type AnswerLiveWebrtcResult struct {
	AnswerSDP                 string `json:"answer_sdp"`
	AnswerObservationSequence uint64 `json:"answer_observation_sequence"`
}

// AnswerLiveWebrtc answers a WebRTC offer for the channel.
func (a *Activities) AnswerLiveWebrtc(ctx context.Context, in AnswerLiveWebrtcInput) (*AnswerLiveWebrtcResult, error) {
	r, err := callPlugin(ctx, func(ctx context.Context) (*live.WebrtcAnswerResponse, error) {
		return a.Live.WebrtcAnswer(ctx, &live.WebrtcAnswerRequest{IdempotencyKey: idempotencyKey(ctx), SessionID: in.SessionID, ChannelID: in.ChannelID, OfferSDP: in.OfferSDP})
	})
	if err != nil {
		return nil, err
	}
	return &AnswerLiveWebrtcResult{AnswerSDP: r.AnswerSDP, AnswerObservationSequence: r.AnswerObservationSequence}, nil
}
