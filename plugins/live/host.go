package live

import (
	"context"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/internal/pluginsdk"
)

// APIVersion is the protocol major version implemented by this package.
const APIVersion = 1

// A Host is a live adapter: it holds realtime channels to a model provider.
//
// Methods may be called concurrently. Every mutating request carries an idempotency key
// (workflow ID + activity ID); repeating a call with the same key must return the first
// answer (same acceptance sequence) without acting twice. Sequences are per channel,
// start at 1 and strictly increase; the four commands share one counter.
type Host interface {
	// Describe reports name, version, supported API versions and capabilities.
	Describe(ctx context.Context) (*DescribeResponse, error)
	// OpenChannel opens channel for session bound to an LLM identity. It returns at
	// once (normally with status Opening); Ready arrives as an observation.
	OpenChannel(ctx context.Context, req *OpenChannelRequest) (*OpenChannelResponse, error)
	// CloseChannel closes a channel and returns its close observation sequence.
	CloseChannel(ctx context.Context, req *ChannelRequest) (*CloseChannelResponse, error)
	// SendInput queues input on a Ready channel.
	SendInput(ctx context.Context, req *SendInputRequest) (*CommandAcceptance, error)
	// CommitInput ends the current input and asks for a response.
	CommitInput(ctx context.Context, req *ChannelRequest) (*CommandAcceptance, error)
	// Interrupt stops the assistant's response in progress.
	Interrupt(ctx context.Context, req *ChannelRequest) (*CommandAcceptance, error)
	// TruncateAssistantOutput cuts an assistant item at AudioEndMs.
	TruncateAssistantOutput(ctx context.Context, req *TruncateRequest) (*CommandAcceptance, error)
	// Refresh queues a refresh of the channel's session configuration.
	Refresh(ctx context.Context, req *ChannelRequest) (*RefreshResponse, error)
	// WebrtcAnswer answers a WebRTC SDP offer for the channel.
	WebrtcAnswer(ctx context.Context, req *WebrtcAnswerRequest) (*WebrtcAnswerResponse, error)
	// Observe calls send for every status and close observation until ctx ends or send
	// fails. On the plugin side it should first send each open channel's latest status.
	Observe(ctx context.Context, send func(Observation) error) error
}

// Drainer is implemented by adapters that close their channels before being
// stopped; the Drain RPC calls it once no call is in flight.
type Drainer = pluginsdk.Drainer

// DescribeResponse is an adapter's self-description: name, version, supported API
// versions and capabilities. It is the same type as [Info].
type DescribeResponse = pluginsdk.Info

// Capabilities an adapter may report.
const (
	CapabilityWebrtc      = "webrtc"
	CapabilityRefresh     = "refresh"
	CapabilityIdempotency = "idempotency_keys"
)

// OpenChannelRequest opens a channel.
type OpenChannelRequest struct {
	IdempotencyKey string
	SessionID      string
	ChannelID      string
	BoundIdentity  machine.SessionLlmIdentity
}

// OpenChannelResponse is the channel's status right after open.
type OpenChannelResponse struct {
	Status machine.LiveChannelPublicStatus
}

// ChannelRequest names a channel (close, commit, interrupt, refresh).
type ChannelRequest struct {
	IdempotencyKey string
	ChannelID      string
}

// CloseChannelResponse carries the close observation sequence.
type CloseChannelResponse struct {
	CloseObservationSequence uint64
}

// SendInputRequest queues text or audio.
type SendInputRequest struct {
	IdempotencyKey string
	ChannelID      string
	Text           string
	Audio          []byte
}

// TruncateRequest truncates an assistant item.
type TruncateRequest struct {
	IdempotencyKey string
	ChannelID      string
	ItemID         string
	AudioEndMs     uint64
}

// CommandAcceptance is host-minted evidence that a command was queued (spec §11.3).
type CommandAcceptance struct {
	ChannelID          string
	Command            machine.LiveCommandPublicKind
	AcceptanceSequence uint64
}

// RefreshResponse carries the refresh queue-acceptance sequence.
type RefreshResponse struct {
	QueueAcceptanceSequence uint64
}

// WebrtcAnswerRequest carries an SDP offer.
type WebrtcAnswerRequest struct {
	IdempotencyKey string
	SessionID      string
	ChannelID      string
	OfferSDP       string
}

// WebrtcAnswerResponse carries the SDP answer and its observation sequence.
type WebrtcAnswerResponse struct {
	AnswerSDP                 string
	AnswerObservationSequence uint64
}

// Observation is one status change or close of a channel; exactly one of Status and
// Closed is set.
type Observation struct {
	ChannelID string
	Status    *StatusObservation
	Closed    *CloseObservation
}

// StatusObservation is a channel status with its per-channel observation sequence.
// DegradationReason is set iff Status is Degraded (spec §8.3 consistency rule).
type StatusObservation struct {
	Status              machine.LiveChannelPublicStatus
	ObservationSequence uint64
	DegradationReason   machine.LiveChannelDegradationReason
	DegradationDetail   string
}

// CloseObservation is a channel close with its per-channel close sequence.
type CloseObservation struct {
	CloseSequence uint64
	Detail        string
}
