package loopback_test

import (
	"context"
	"testing"
	"time"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/live"
	"github.com/meerkat-temporal/meerkat/plugins/live/conformance"
	"github.com/meerkat-temporal/meerkat/plugins/live/loopback"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

func TestConformanceInProcess(t *testing.T) {
	conformance.Run(t, func(t *testing.T) live.Host { return inProcess(t, loopback.New(loopback.Config{})) })
}

func TestConformanceSubprocess(t *testing.T) {
	m := newManager(t)
	conformance.Run(t, func(*testing.T) live.Host { return m })
}

func ready(t *testing.T, h live.Host, r *recorder, session, channel string) {
	t.Helper()
	if _, err := h.OpenChannel(context.Background(), &live.OpenChannelRequest{IdempotencyKey: "open/" + channel, SessionID: session, ChannelID: channel}); err != nil {
		t.Fatal(err)
	}
	r.wait(t, channel, func(o live.Observation) bool { return o.Status != nil && o.Status.Status == machine.LiveStatusReady })
}

func TestInjectedFaults(t *testing.T) {
	tests := map[string]struct {
		faults []loopback.Fault
		text   string
		reason machine.LiveChannelDegradationReason
		closed bool
	}{
		"configured rate limit":        {faults: []loopback.Fault{{AfterCommands: 1, Action: loopback.FaultDegradeRateLimited}}, text: "hi", reason: machine.DegradationRateLimited},
		"configured provider throttle": {faults: []loopback.Fault{{AfterCommands: 1, Action: loopback.FaultDegradeProviderThrottled}}, text: "hi", reason: machine.DegradationProviderThrottled},
		"network unstable by text":     {text: "fault:" + loopback.FaultDegradeNetworkUnstable, reason: machine.DegradationNetworkUnstable},
		"close by text":                {text: "fault:" + loopback.FaultClose, closed: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := inProcess(t, loopback.New(loopback.Config{Faults: tc.faults}))
			r := record(t, h)
			ready(t, h, r, "s", "ch")
			ctx := context.Background()
			if _, err := h.SendInput(ctx, &live.SendInputRequest{IdempotencyKey: "k1", ChannelID: "ch", Text: tc.text}); err != nil {
				t.Fatal(err)
			}
			if tc.closed {
				o := r.wait(t, "ch", func(o live.Observation) bool { return o.Closed != nil })
				if o.Closed.CloseSequence != 1 {
					t.Errorf("close sequence %d, want 1", o.Closed.CloseSequence)
				}
				return
			}
			o := r.wait(t, "ch", func(o live.Observation) bool { return o.Status != nil && o.Status.Status == machine.LiveStatusDegraded })
			if o.Status.DegradationReason != tc.reason {
				t.Errorf("degradation reason %s, want %s", o.Status.DegradationReason, tc.reason)
			}
			_, err := h.CommitInput(ctx, &live.ChannelRequest{IdempotencyKey: "k2", ChannelID: "ch"})
			if live.CommandRejectionReason(err) != machine.CommandRejectionChannelNotReady {
				t.Errorf("command on a degraded channel: %v, want channel_not_ready", err)
			}
		})
	}
}

func TestCommandBeforeReadyIsNotReady(t *testing.T) {
	h := inProcess(t, loopback.New(loopback.Config{ReadyAfter: time.Hour}))
	ctx := context.Background()
	if _, err := h.OpenChannel(ctx, &live.OpenChannelRequest{IdempotencyKey: "o", SessionID: "s", ChannelID: "ch"}); err != nil {
		t.Fatal(err)
	}
	_, err := h.SendInput(ctx, &live.SendInputRequest{IdempotencyKey: "k", ChannelID: "ch", Text: "early"})
	if pluginerr.ReasonOf(err) != live.ChannelNotReady {
		t.Fatalf("SendInput while Opening: %v, want %s", err, live.ChannelNotReady)
	}
}

func TestInterruptAndTruncate(t *testing.T) {
	h := inProcess(t, loopback.New(loopback.Config{}))
	r := record(t, h)
	ready(t, h, r, "s", "ch")
	ctx := context.Background()
	if _, err := h.CommitInput(ctx, &live.ChannelRequest{IdempotencyKey: "c", ChannelID: "ch"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(30 * time.Millisecond)
	if _, err := h.Interrupt(ctx, &live.ChannelRequest{IdempotencyKey: "i", ChannelID: "ch"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		item   string
		endMs  uint64
		reason pluginerr.Reason
		seq    uint64
	}{
		{name: "within produced audio", item: "item_1", endMs: 10, seq: 3},
		{name: "beyond what the interrupted item produced", item: "item_1", endMs: 4000, reason: live.AdapterError},
		{name: "unknown item", item: "item_9", endMs: 0, reason: live.AdapterError},
	}
	for _, tc := range tests {
		a, err := h.TruncateAssistantOutput(ctx, &live.TruncateRequest{IdempotencyKey: "t/" + tc.name, ChannelID: "ch", ItemID: tc.item, AudioEndMs: tc.endMs})
		if pluginerr.ReasonOf(err) != tc.reason {
			t.Errorf("%s: error %v, want reason %q", tc.name, err, tc.reason)
			continue
		}
		if err == nil && (a.AcceptanceSequence != tc.seq || a.Command != machine.CommandTruncateAssistantOutput) {
			t.Errorf("%s: acceptance %+v, want truncate #%d", tc.name, a, tc.seq)
		}
	}
}

func TestWebrtcAnswer(t *testing.T) {
	h := inProcess(t, loopback.New(loopback.Config{}))
	r := record(t, h)
	ready(t, h, r, "s", "ch")
	ctx := context.Background()
	a, err := h.WebrtcAnswer(ctx, &live.WebrtcAnswerRequest{IdempotencyKey: "w1", SessionID: "s", ChannelID: "ch", OfferSDP: "v=0\r\n"})
	if err != nil || a.AnswerObservationSequence != 1 || a.AnswerSDP == "" {
		t.Fatalf("WebrtcAnswer = %+v, %v; want an answer with sequence 1", a, err)
	}
	_, err = h.WebrtcAnswer(ctx, &live.WebrtcAnswerRequest{IdempotencyKey: "w2", SessionID: "s", ChannelID: "ch", OfferSDP: "garbage"})
	if pluginerr.ReasonOf(err) != live.InvalidPayload {
		t.Errorf("bad offer: %v, want %s", err, live.InvalidPayload)
	}
}

// A crashed adapter's channels are reported Closed by the host, and the next open
// restarts the adapter.
func TestCrashClosesChannelsAndRestarts(t *testing.T) {
	m := newManager(t)
	r := record(t, m)
	ready(t, m, r, "s1", "doomed")
	ctx := context.Background()
	_, err := m.SendInput(ctx, &live.SendInputRequest{IdempotencyKey: "crash", ChannelID: "doomed", Text: "fault:" + loopback.FaultCrash})
	if err == nil {
		t.Fatal("SendInput that crashes the adapter succeeded")
	}
	o := r.wait(t, "doomed", func(o live.Observation) bool { return o.Closed != nil })
	if o.Closed.Detail != "adapter process exited" {
		t.Errorf("close detail %q, want the synthetic 'adapter process exited'", o.Closed.Detail)
	}
	ready(t, m, r, "s2", "fresh")
}

// A hot swap closes the old process's channels (reported by its drain), routes new
// channels to the new process, and no call fails.
func TestHotSwapWithOpenChannel(t *testing.T) {
	m := newManager(t)
	r := record(t, m)
	ready(t, m, r, "s1", "old")
	ctx := context.Background()
	if _, err := m.SendInput(ctx, &live.SendInputRequest{IdempotencyKey: "k", ChannelID: "old", Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	info, err := m.Swap(ctx, selfBinary(t, "2.0.0"))
	if err != nil || info.Version != "2.0.0" {
		t.Fatalf("Swap = %+v, %v", info, err)
	}
	o := r.wait(t, "old", func(o live.Observation) bool { return o.Closed != nil })
	if o.Closed.Detail != "adapter draining" {
		t.Errorf("old channel close detail %q, want 'adapter draining'", o.Closed.Detail)
	}
	ready(t, m, r, "s1", "new")
	if d, err := m.Describe(ctx); err != nil || d.Version != "2.0.0" {
		t.Errorf("Describe after swap = %+v, %v", d, err)
	}
}

func TestConfigFromEnv(t *testing.T) {
	tests := map[string]struct {
		env     string
		want    []loopback.Fault
		wantErr bool
	}{
		"empty":    {env: ""},
		"two":      {env: "2=degrade:RateLimited, 5=crash", want: []loopback.Fault{{2, loopback.FaultDegradeRateLimited}, {5, loopback.FaultCrash}}},
		"bad verb": {env: "1=explode", wantErr: true},
		"no count": {env: "close", wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Setenv(loopback.EnvFaults, tc.env)
			cfg, err := loopback.ConfigFromEnv()
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if len(cfg.Faults) != len(tc.want) {
				t.Fatalf("faults = %+v, want %+v", cfg.Faults, tc.want)
			}
			for i := range tc.want {
				if cfg.Faults[i] != tc.want[i] {
					t.Errorf("fault %d = %+v, want %+v", i, cfg.Faults[i], tc.want[i])
				}
			}
		})
	}
}
