package loopback

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/live"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

// Name is what the loopback adapter reports in Describe.
const Name = "meerkat-live-loopback"

// Fault actions.
const (
	FaultDegradeRateLimited       = "degrade:RateLimited"
	FaultDegradeProviderThrottled = "degrade:ProviderThrottled"
	FaultDegradeNetworkUnstable   = "degrade:NetworkUnstable"
	FaultRecover                  = "recover"
	FaultClose                    = "close"
	FaultCrash                    = "crash"
)

// Fault fires Action once a channel has accepted AfterCommands commands.
type Fault struct {
	AfterCommands uint64
	Action        string
}

// Config configures the adapter; the zero value is usable.
type Config struct {
	// ReadyAfter is the simulated connect time. Default 10ms.
	ReadyAfter time.Duration
	// Faults are injected into every channel.
	Faults []Fault
	// Version is reported by Describe. Default "1.0.0".
	Version string
}

// Environment variables read by [ConfigFromEnv].
const (
	EnvFaults  = "MEERKAT_LOOPBACK_FAULTS" // e.g. "2=degrade:RateLimited,5=crash"
	EnvVersion = "MEERKAT_LOOPBACK_VERSION"
)

// ConfigFromEnv reads a Config from the environment.
func ConfigFromEnv() (Config, error) {
	cfg := Config{Version: os.Getenv(EnvVersion)}
	for spec := range strings.SplitSeq(os.Getenv(EnvFaults), ",") {
		if spec = strings.TrimSpace(spec); spec == "" {
			continue
		}
		n, action, ok := strings.Cut(spec, "=")
		after, err := strconv.ParseUint(n, 10, 64)
		if !ok || err != nil || !validAction(action) {
			return cfg, fmt.Errorf("%s: %q is not <commands>=<action> with action one of %s", EnvFaults, spec, strings.Join(actions, ", "))
		}
		cfg.Faults = append(cfg.Faults, Fault{AfterCommands: after, Action: action})
	}
	return cfg, nil
}

var actions = []string{FaultDegradeRateLimited, FaultDegradeProviderThrottled, FaultDegradeNetworkUnstable, FaultRecover, FaultClose, FaultCrash}

func validAction(a string) bool {
	for _, x := range actions {
		if x == a {
			return true
		}
	}
	return false
}

// Main serves the loopback adapter configured from the environment.
func Main() {
	cfg, err := ConfigFromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, "meerkat loopback adapter:", err)
		os.Exit(1)
	}
	live.Serve(New(cfg))
}

// Adapter is the loopback [live.Host].
type Adapter struct {
	cfg Config

	mu        sync.Mutex
	channels  map[string]*channel      // by channel id; guarded by mu
	bySession map[string]string        // session → open channel; guarded by mu
	done      map[string]any           // answers by idempotency key; guarded by mu
	subs      map[*subscriber]struct{} // open Observe streams; guarded by mu
}

type channel struct {
	id, session string
	identity    machine.SessionLlmIdentity
	status      live.StatusObservation
	closeSeq    uint64
	commandSeq  uint64
	refreshSeq  uint64
	answerSeq   uint64
	items       map[string]*item // assistant items by id
	current     *item            // the response in progress, if any
	nextItem    int
}

// maxItemMs is the length of a simulated assistant response.
const maxItemMs = 5000

// item is a simulated assistant audio item: it grows 1ms per ms from started until it
// is interrupted, truncated or reaches maxItemMs.
type item struct {
	started time.Time
	frozen  bool
	ms      uint64 // length once frozen
}

func (it *item) produced(now time.Time) uint64 {
	if it.frozen {
		return it.ms
	}
	return min(uint64(now.Sub(it.started).Milliseconds()), maxItemMs)
}

func (it *item) freeze(ms uint64) { it.frozen, it.ms = true, ms }

var _ live.Host = (*Adapter)(nil)

// New returns a loopback adapter.
func New(cfg Config) *Adapter {
	if cfg.ReadyAfter == 0 {
		cfg.ReadyAfter = 10 * time.Millisecond
	}
	if cfg.Version == "" {
		cfg.Version = "1.0.0"
	}
	return &Adapter{cfg: cfg, channels: map[string]*channel{}, bySession: map[string]string{}, done: map[string]any{}, subs: map[*subscriber]struct{}{}}
}

// Describe implements [live.Host].
func (a *Adapter) Describe(context.Context) (*live.DescribeResponse, error) {
	return &live.DescribeResponse{Name: Name, Version: a.cfg.Version, APIVersions: []uint32{live.APIVersion},
		Capabilities: []string{live.CapabilityWebrtc, live.CapabilityRefresh, live.CapabilityIdempotency}}, nil
}

// remembered returns the answer of an earlier call with the same idempotency key.
func rememberedLocked[T any](a *Adapter, key string) (T, bool) {
	v, ok := a.done[key]
	if !ok || key == "" {
		var zero T
		return zero, false
	}
	t, ok := v.(T)
	return t, ok
}

func (a *Adapter) rememberLocked(key string, v any) {
	if key == "" {
		return
	}
	if len(a.done) >= 1<<16 {
		clear(a.done)
	}
	a.done[key] = v
}

// setStatusLocked records and publishes a status change.
func (a *Adapter) setStatusLocked(ch *channel, st machine.LiveChannelPublicStatus, reason machine.LiveChannelDegradationReason, detail string) {
	ch.status = live.StatusObservation{Status: st, ObservationSequence: ch.status.ObservationSequence + 1, DegradationReason: reason, DegradationDetail: detail}
	s := ch.status
	a.publishLocked(live.Observation{ChannelID: ch.id, Status: &s})
}

// OpenChannel implements [live.Host].
func (a *Adapter) OpenChannel(_ context.Context, req *live.OpenChannelRequest) (*live.OpenChannelResponse, error) {
	if req.SessionID == "" || req.ChannelID == "" {
		return nil, pluginerr.New(pluginerr.InvalidRequest, "open needs a session_id and a channel_id")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if r, ok := rememberedLocked[*live.OpenChannelResponse](a, req.IdempotencyKey); ok {
		return r, nil
	}
	if other, ok := a.bySession[req.SessionID]; ok {
		return nil, pluginerr.New(live.SessionAlreadyBound, "session %q already has live channel %q open", req.SessionID, other)
	}
	if _, ok := a.channels[req.ChannelID]; ok {
		return nil, pluginerr.New(pluginerr.InvalidRequest, "channel %q was already opened; channel ids must be fresh", req.ChannelID)
	}
	ch := &channel{id: req.ChannelID, session: req.SessionID, identity: req.BoundIdentity, items: map[string]*item{}}
	a.channels[ch.id] = ch
	a.bySession[ch.session] = ch.id
	a.setStatusLocked(ch, machine.LiveStatusOpening, 0, "")
	a.later(a.cfg.ReadyAfter, func() {
		if ch.status.Status == machine.LiveStatusOpening {
			a.setStatusLocked(ch, machine.LiveStatusReady, 0, "")
		}
	})
	r := &live.OpenChannelResponse{Status: machine.LiveStatusOpening}
	a.rememberLocked(req.IdempotencyKey, r)
	return r, nil
}

// later runs f under the lock after d.
func (a *Adapter) later(d time.Duration, f func()) {
	time.AfterFunc(d, func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		f()
	})
}

func (a *Adapter) openChannelLocked(id string) (*channel, error) {
	ch, ok := a.channels[id]
	if !ok || ch.status.Status == machine.LiveStatusClosed {
		return nil, pluginerr.New(live.ChannelNotFound, "channel %s not found", id)
	}
	return ch, nil
}

// closeLocked moves a channel to Closing then Closed and publishes the close.
func (a *Adapter) closeLocked(ch *channel, detail string) {
	if ch.status.Status == machine.LiveStatusClosed {
		return
	}
	a.setStatusLocked(ch, machine.LiveStatusClosing, 0, "")
	a.setStatusLocked(ch, machine.LiveStatusClosed, 0, "")
	ch.closeSeq++
	a.publishLocked(live.Observation{ChannelID: ch.id, Closed: &live.CloseObservation{CloseSequence: ch.closeSeq, Detail: detail}})
	delete(a.bySession, ch.session)
}

// CloseChannel implements [live.Host]. Closing a closed channel returns its close sequence.
func (a *Adapter) CloseChannel(_ context.Context, req *live.ChannelRequest) (*live.CloseChannelResponse, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	ch, ok := a.channels[req.ChannelID]
	if !ok {
		return nil, pluginerr.New(live.ChannelNotFound, "channel %s not found", req.ChannelID)
	}
	a.closeLocked(ch, "closed on request")
	return &live.CloseChannelResponse{CloseObservationSequence: ch.closeSeq}, nil
}

// command runs the shared command path: idempotency, readiness, sequence, faults.
func (a *Adapter) command(key, channelID string, kind machine.LiveCommandPublicKind, apply func(*channel) error) (*live.CommandAcceptance, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if r, ok := rememberedLocked[*live.CommandAcceptance](a, key); ok {
		return r, nil
	}
	ch, err := a.openChannelLocked(channelID)
	if err != nil {
		return nil, err
	}
	if ch.status.Status != machine.LiveStatusReady {
		return nil, pluginerr.New(live.ChannelNotReady, "channel %s is %s; commands need Ready", ch.id, ch.status.Status)
	}
	if err := apply(ch); err != nil {
		return nil, err
	}
	ch.commandSeq++
	r := &live.CommandAcceptance{ChannelID: ch.id, Command: kind, AcceptanceSequence: ch.commandSeq}
	a.rememberLocked(key, r)
	for _, f := range a.cfg.Faults {
		if f.AfterCommands == ch.commandSeq {
			a.faultLocked(ch, f.Action)
		}
	}
	return r, nil
}

func (a *Adapter) faultLocked(ch *channel, action string) {
	switch action {
	case FaultDegradeRateLimited:
		a.setStatusLocked(ch, machine.LiveStatusDegraded, machine.DegradationRateLimited, "injected fault")
	case FaultDegradeProviderThrottled:
		a.setStatusLocked(ch, machine.LiveStatusDegraded, machine.DegradationProviderThrottled, "injected fault")
	case FaultDegradeNetworkUnstable:
		a.setStatusLocked(ch, machine.LiveStatusDegraded, machine.DegradationNetworkUnstable, "injected fault")
	case FaultRecover:
		a.setStatusLocked(ch, machine.LiveStatusReady, 0, "")
	case FaultClose:
		a.closeLocked(ch, "injected fault")
	case FaultCrash:
		os.Exit(3)
	}
}

// SendInput implements [live.Host]. The text "fault:<action>" injects a fault after the
// command is accepted.
func (a *Adapter) SendInput(_ context.Context, req *live.SendInputRequest) (*live.CommandAcceptance, error) {
	var fault string
	r, err := a.command(req.IdempotencyKey, req.ChannelID, machine.CommandSendInput, func(*channel) error {
		if f, ok := strings.CutPrefix(req.Text, "fault:"); ok {
			if !validAction(f) {
				return pluginerr.New(live.InvalidPayload, "unknown fault %q (allowed: %s)", f, strings.Join(actions, ", "))
			}
			fault = f
		}
		return nil
	})
	if err == nil && fault != "" {
		a.mu.Lock()
		a.faultLocked(a.channels[req.ChannelID], fault)
		a.mu.Unlock()
	}
	return r, err
}

// CommitInput implements [live.Host]: it ends the input and starts a simulated
// assistant response (items item_1, item_2, … in order), stopping any previous one.
func (a *Adapter) CommitInput(_ context.Context, req *live.ChannelRequest) (*live.CommandAcceptance, error) {
	return a.command(req.IdempotencyKey, req.ChannelID, machine.CommandCommitInput, func(ch *channel) error {
		now := time.Now()
		if ch.current != nil {
			ch.current.freeze(ch.current.produced(now))
		}
		ch.nextItem++
		ch.current = &item{started: now}
		ch.items[fmt.Sprintf("item_%d", ch.nextItem)] = ch.current
		return nil
	})
}

// Interrupt implements [live.Host]: the response in progress stops growing at the
// audio produced so far. Interrupting when nothing is in progress is accepted.
func (a *Adapter) Interrupt(_ context.Context, req *live.ChannelRequest) (*live.CommandAcceptance, error) {
	return a.command(req.IdempotencyKey, req.ChannelID, machine.CommandInterrupt, func(ch *channel) error {
		if ch.current != nil {
			ch.current.freeze(ch.current.produced(time.Now()))
			ch.current = nil
		}
		return nil
	})
}

// TruncateAssistantOutput implements [live.Host]: the named assistant item is cut at
// AudioEndMs (what the user actually heard), which must not exceed the audio produced;
// a response still in progress stops.
func (a *Adapter) TruncateAssistantOutput(_ context.Context, req *live.TruncateRequest) (*live.CommandAcceptance, error) {
	return a.command(req.IdempotencyKey, req.ChannelID, machine.CommandTruncateAssistantOutput, func(ch *channel) error {
		it, ok := ch.items[req.ItemID]
		if !ok {
			return pluginerr.New(live.AdapterError, "channel %s has no assistant item %q", ch.id, req.ItemID)
		}
		if produced := it.produced(time.Now()); req.AudioEndMs > produced {
			return pluginerr.New(live.AdapterError, "item %q has %dms of audio; cannot truncate at %dms", req.ItemID, produced, req.AudioEndMs)
		}
		it.freeze(req.AudioEndMs)
		if ch.current == it {
			ch.current = nil
		}
		return nil
	})
}

// Refresh implements [live.Host].
func (a *Adapter) Refresh(_ context.Context, req *live.ChannelRequest) (*live.RefreshResponse, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if r, ok := rememberedLocked[*live.RefreshResponse](a, req.IdempotencyKey); ok {
		return r, nil
	}
	ch, err := a.openChannelLocked(req.ChannelID)
	if err != nil {
		return nil, err
	}
	ch.refreshSeq++
	r := &live.RefreshResponse{QueueAcceptanceSequence: ch.refreshSeq}
	a.rememberLocked(req.IdempotencyKey, r)
	return r, nil
}

// WebrtcAnswer implements [live.Host] with a canned SDP answer.
func (a *Adapter) WebrtcAnswer(_ context.Context, req *live.WebrtcAnswerRequest) (*live.WebrtcAnswerResponse, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if r, ok := rememberedLocked[*live.WebrtcAnswerResponse](a, req.IdempotencyKey); ok {
		return r, nil
	}
	ch, err := a.openChannelLocked(req.ChannelID)
	if err != nil {
		return nil, err
	}
	if ch.session != req.SessionID {
		return nil, pluginerr.New(live.ChannelNotFound, "channel %s not found for session %q", ch.id, req.SessionID)
	}
	if !strings.HasPrefix(req.OfferSDP, "v=0") {
		return nil, pluginerr.New(live.InvalidPayload, "offer is not an SDP document (must start with v=0)")
	}
	ch.answerSeq++
	r := &live.WebrtcAnswerResponse{AnswerSDP: "v=0\r\no=loopback 0 0 IN IP4 127.0.0.1\r\ns=" + ch.identity.Model + "\r\nt=0 0\r\n", AnswerObservationSequence: ch.answerSeq}
	a.rememberLocked(req.IdempotencyKey, r)
	return r, nil
}

// Drain implements [live.Drainer]: every open channel is closed and the closes are
// handed to the observation streams before Drain returns.
func (a *Adapter) Drain(ctx context.Context) error {
	a.mu.Lock()
	for _, ch := range a.channels {
		a.closeLocked(ch, "adapter draining")
	}
	subs := make([]*subscriber, 0, len(a.subs))
	for s := range a.subs {
		subs = append(subs, s)
	}
	a.mu.Unlock()
	for _, s := range subs {
		if err := s.flushed(ctx); err != nil {
			return err
		}
	}
	return nil
}
