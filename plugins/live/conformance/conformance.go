package conformance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/live"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

// waitTimeout bounds how long a case waits for an observation.
const waitTimeout = 5 * time.Second

type env struct {
	h       live.Host
	ctx     context.Context
	id      string
	log     *observations
	session string
}

type testCase struct {
	name    string
	explain string
	run     func(e *env) error
}

// Run runs every case against a host made by newHost.
func Run(t *testing.T, newHost func(t *testing.T) live.Host) {
	t.Helper()
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			h := newHost(t)
			log := &observations{byChannel: map[string][]live.Observation{}, changed: make(chan struct{}, 1)}
			obsCtx, stopObs := context.WithCancel(ctx)
			var wg sync.WaitGroup
			wg.Go(func() { _ = h.Observe(obsCtx, log.add) })
			defer func() { stopObs(); wg.Wait() }()
			stamp := time.Now().UnixNano()
			e := &env{h: h, ctx: ctx, log: log, id: fmt.Sprintf("conf-%s-%d-%d", c.name, i, stamp), session: fmt.Sprintf("conf-session-%d-%d", i, stamp)}
			if err := c.run(e); err != nil {
				t.Errorf("%v\n  what this checks: %s", err, c.explain)
			}
			if err := log.consistent(); err != nil {
				t.Errorf("%v\n  what this checks: every status observation has a strictly increasing per-channel sequence, and a degradation reason exactly when the status is Degraded (spec §8.3)", err)
			}
		})
	}
}

// observations collects what Observe delivered, by channel.
type observations struct {
	mu        sync.Mutex
	byChannel map[string][]live.Observation
	changed   chan struct{}
}

func (o *observations) add(ob live.Observation) error {
	o.mu.Lock()
	o.byChannel[ob.ChannelID] = append(o.byChannel[ob.ChannelID], ob)
	o.mu.Unlock()
	select {
	case o.changed <- struct{}{}:
	default:
	}
	return nil
}

// waitFor waits until an observation of channel satisfies ok.
func (o *observations) waitFor(ctx context.Context, channel, what string, ok func(live.Observation) bool) (live.Observation, error) {
	deadline := time.After(waitTimeout)
	for {
		o.mu.Lock()
		for _, ob := range o.byChannel[channel] {
			if ok(ob) {
				o.mu.Unlock()
				return ob, nil
			}
		}
		o.mu.Unlock()
		select {
		case <-o.changed:
		case <-time.After(10 * time.Millisecond):
		case <-deadline:
			return live.Observation{}, fmt.Errorf("no %s observation for channel %s within %s (got %v)", what, channel, waitTimeout, o.snapshot(channel))
		case <-ctx.Done():
			return live.Observation{}, ctx.Err()
		}
	}
}

func (o *observations) snapshot(channel string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []string
	for _, ob := range o.byChannel[channel] {
		switch {
		case ob.Status != nil:
			out = append(out, fmt.Sprintf("%s#%d", ob.Status.Status, ob.Status.ObservationSequence))
		case ob.Closed != nil:
			out = append(out, fmt.Sprintf("Closed#%d", ob.Closed.CloseSequence))
		}
	}
	return out
}

func (o *observations) consistent() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for ch, obs := range o.byChannel {
		var last uint64
		for _, ob := range obs {
			s := ob.Status
			if s == nil {
				continue
			}
			if s.ObservationSequence <= last {
				return fmt.Errorf("channel %s: status sequence %d after %d", ch, s.ObservationSequence, last)
			}
			last = s.ObservationSequence
			degraded := s.Status == machine.LiveStatusDegraded
			if degraded != s.DegradationReason.Valid() || (!degraded && s.DegradationDetail != "") {
				return fmt.Errorf("channel %s: status %s with degradation reason %q detail %q", ch, s.Status, s.DegradationReason, s.DegradationDetail)
			}
		}
	}
	return nil
}

func isStatus(st machine.LiveChannelPublicStatus) func(live.Observation) bool {
	return func(o live.Observation) bool { return o.Status != nil && o.Status.Status == st }
}

func (e *env) key(step string) string { return "conformance/" + e.id + "/" + step }

// openReady opens the case's channel and waits for Ready.
func (e *env) openReady() error {
	r, err := e.h.OpenChannel(e.ctx, &live.OpenChannelRequest{IdempotencyKey: e.key("open"), SessionID: e.session, ChannelID: e.id,
		BoundIdentity: machine.SessionLlmIdentity{Model: "conformance-model", Provider: machine.ProviderOther}})
	if err != nil {
		return fmt.Errorf("OpenChannel: %w", err)
	}
	if r.Status != machine.LiveStatusOpening && r.Status != machine.LiveStatusReady {
		return fmt.Errorf("OpenChannel status = %s, want Opening or Ready", r.Status)
	}
	_, err = e.log.waitFor(e.ctx, e.id, "Ready", isStatus(machine.LiveStatusReady))
	return err
}

func wantReason(err error, want pluginerr.Reason) error {
	if got := pluginerr.ReasonOf(err); got != want {
		return fmt.Errorf("error = %v (reason %q), want reason %q", err, got, want)
	}
	return nil
}

var cases = []testCase{
	{
		name:    "describe",
		explain: "Describe must name the adapter, give its version and list API version 1; the host refuses adapters that do not.",
		run: func(e *env) error {
			d, err := e.h.Describe(e.ctx)
			if err != nil {
				return fmt.Errorf("Describe: %w", err)
			}
			if d.Name == "" || d.Version == "" || !slices.Contains(d.APIVersions, live.APIVersion) {
				return fmt.Errorf("Describe = %+v, want a name, a version and API version %d", d, live.APIVersion)
			}
			return nil
		},
	},
	{
		name:    "open_reaches_ready",
		explain: "An opened channel must be observed Ready on the stream (spec §8.3 RecordLiveChannelStatus comes from these observations).",
		run:     func(e *env) error { return e.openReady() },
	},
	{
		name:    "commands_share_one_sequence",
		explain: "send input, commit input and interrupt share one per-channel acceptance counter that starts at 1 and increases (spec §11.3 LiveCommandQueueAcceptance).",
		run: func(e *env) error {
			if err := e.openReady(); err != nil {
				return err
			}
			var got []uint64
			steps := []struct {
				kind machine.LiveCommandPublicKind
				call func() (*live.CommandAcceptance, error)
			}{
				{machine.CommandSendInput, func() (*live.CommandAcceptance, error) {
					return e.h.SendInput(e.ctx, &live.SendInputRequest{IdempotencyKey: e.key("send"), ChannelID: e.id, Text: "hello"})
				}},
				{machine.CommandCommitInput, func() (*live.CommandAcceptance, error) {
					return e.h.CommitInput(e.ctx, &live.ChannelRequest{IdempotencyKey: e.key("commit"), ChannelID: e.id})
				}},
				{machine.CommandInterrupt, func() (*live.CommandAcceptance, error) {
					return e.h.Interrupt(e.ctx, &live.ChannelRequest{IdempotencyKey: e.key("interrupt"), ChannelID: e.id})
				}},
			}
			for _, s := range steps {
				a, err := s.call()
				if err != nil {
					return fmt.Errorf("%s: %w", s.kind, err)
				}
				if a.Command != s.kind || a.ChannelID != e.id {
					return fmt.Errorf("%s acceptance = %+v, want command %s on channel %s", s.kind, a, s.kind, e.id)
				}
				got = append(got, a.AcceptanceSequence)
			}
			if got[0] < 1 || got[1] <= got[0] || got[2] <= got[1] {
				return fmt.Errorf("acceptance sequences %v, want strictly increasing from ≥1", got)
			}
			return nil
		},
	},
	{
		name:    "idempotent_command",
		explain: "Repeating a command with the same idempotency key (a Temporal retry) must return the first acceptance, not queue the command twice.",
		run: func(e *env) error {
			if err := e.openReady(); err != nil {
				return err
			}
			req := &live.SendInputRequest{IdempotencyKey: e.key("send"), ChannelID: e.id, Text: "once"}
			a1, err := e.h.SendInput(e.ctx, req)
			if err != nil {
				return fmt.Errorf("SendInput: %w", err)
			}
			a2, err := e.h.SendInput(e.ctx, req)
			if err != nil {
				return fmt.Errorf("SendInput retry: %w", err)
			}
			if *a1 != *a2 {
				return fmt.Errorf("retry acceptance %+v differs from the first %+v", a2, a1)
			}
			return nil
		},
	},
	{
		name:    "unknown_channel",
		explain: "Commands and channel requests on an unknown channel fail with channel_not_found, which the machine records as ChannelNotFound (InvalidParams).",
		run: func(e *env) error {
			_, err := e.h.Interrupt(e.ctx, &live.ChannelRequest{IdempotencyKey: e.key("i"), ChannelID: e.id + "-missing"})
			if err := wantReason(err, live.ChannelNotFound); err != nil {
				return fmt.Errorf("Interrupt: %w", err)
			}
			if r := live.CommandRejectionReason(err); r != machine.CommandRejectionChannelNotFound {
				return fmt.Errorf("CommandRejectionReason = %s, want ChannelNotFound", r)
			}
			_, err = e.h.Refresh(e.ctx, &live.ChannelRequest{IdempotencyKey: e.key("r"), ChannelID: e.id + "-missing"})
			if err := wantReason(err, live.ChannelNotFound); err != nil {
				return fmt.Errorf("Refresh: %w", err)
			}
			return nil
		},
	},
	{
		name:    "refresh_sequence_increases",
		explain: "Refresh returns a per-channel queue-acceptance sequence > 0 that strictly increases (spec §8.3 RecordLiveRefreshQueued guard).",
		run: func(e *env) error {
			if err := e.openReady(); err != nil {
				return err
			}
			r1, err := e.h.Refresh(e.ctx, &live.ChannelRequest{IdempotencyKey: e.key("r1"), ChannelID: e.id})
			if err != nil {
				return fmt.Errorf("Refresh: %w", err)
			}
			r2, err := e.h.Refresh(e.ctx, &live.ChannelRequest{IdempotencyKey: e.key("r2"), ChannelID: e.id})
			if err != nil {
				return fmt.Errorf("Refresh: %w", err)
			}
			if r1.QueueAcceptanceSequence == 0 || r2.QueueAcceptanceSequence <= r1.QueueAcceptanceSequence {
				return fmt.Errorf("refresh sequences %d then %d, want >0 and increasing", r1.QueueAcceptanceSequence, r2.QueueAcceptanceSequence)
			}
			return nil
		},
	},
	{
		name:    "one_channel_per_session",
		explain: "A session has at most one active channel; a second open fails with session_already_bound.",
		run: func(e *env) error {
			if err := e.openReady(); err != nil {
				return err
			}
			_, err := e.h.OpenChannel(e.ctx, &live.OpenChannelRequest{IdempotencyKey: e.key("open2"), SessionID: e.session, ChannelID: e.id + "-second"})
			return wantReason(err, live.SessionAlreadyBound)
		},
	},
	{
		name:    "close_is_observed",
		explain: "CloseChannel returns a close sequence > 0, the stream reports Closed with that sequence, and the closed channel no longer accepts commands.",
		run: func(e *env) error {
			if err := e.openReady(); err != nil {
				return err
			}
			c, err := e.h.CloseChannel(e.ctx, &live.ChannelRequest{IdempotencyKey: e.key("close"), ChannelID: e.id})
			if err != nil {
				return fmt.Errorf("CloseChannel: %w", err)
			}
			if c.CloseObservationSequence == 0 {
				return errors.New("close sequence 0")
			}
			if _, err := e.log.waitFor(e.ctx, e.id, "Closed", func(o live.Observation) bool {
				return o.Closed != nil && o.Closed.CloseSequence == c.CloseObservationSequence
			}); err != nil {
				return err
			}
			_, err = e.h.SendInput(e.ctx, &live.SendInputRequest{IdempotencyKey: e.key("after"), ChannelID: e.id, Text: "late"})
			if pluginerr.ReasonOf(err) != live.ChannelNotFound && pluginerr.ReasonOf(err) != live.ChannelNotReady {
				return fmt.Errorf("command after close: %v, want channel_not_found or channel_not_ready", err)
			}
			return nil
		},
	},
}
