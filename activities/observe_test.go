package activities_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/meerkat-temporal/meerkat/activities"
	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/live"
)

// streamHost is a live.Host whose Observe plays one script per subscription; a script
// that ends with an error simulates the plugin going away. Only Observe is used.
type streamHost struct {
	live.Host
	mu      sync.Mutex
	scripts [][]live.Observation
	subs    int
}

var errPluginGone = errors.New("plugin process exited")

func (h *streamHost) Observe(ctx context.Context, send func(live.Observation) error) error {
	h.mu.Lock()
	n := h.subs
	h.subs++
	h.mu.Unlock()
	if n >= len(h.scripts) {
		<-ctx.Done()
		return nil
	}
	for _, o := range h.scripts[n] {
		if err := send(o); err != nil {
			return err
		}
	}
	return errPluginGone
}

// machineSink records observations like the sessions' machines would: per channel,
// sequences must advance, else ErrObservationNotRecorded. The first delivery of every
// closing observation fails once, transiently.
type machineSink struct {
	mu       sync.Mutex
	recorded map[string][]machine.Input // by session, in recording order
	last     map[string]uint64          // by input kind and channel
	failed   map[string]bool
}

func (s *machineSink) RecordLiveObservation(_ context.Context, session string, in machine.Input) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var key string
	var seq uint64
	switch in := in.(type) {
	case machine.RecordLiveChannelStatus:
		key, seq = "status/"+in.ChannelID, in.StatusObservationSequence
	case machine.RecordLiveCloseClosed:
		key, seq = "close/"+in.ChannelID, in.CloseObservationSequence
		if !s.failed[key] {
			s.failed[key] = true
			return errors.New("frontend unavailable")
		}
	}
	if seq <= s.last[key] {
		return fmt.Errorf("%w: %s sequence %d is not above %d", activities.ErrObservationNotRecorded, key, seq, s.last[key])
	}
	s.last[key] = seq
	s.recorded[session] = append(s.recorded[session], in)
	return nil
}

func statusObs(ch string, st machine.LiveChannelPublicStatus, seq uint64) live.Observation {
	return live.Observation{ChannelID: ch, Status: &live.StatusObservation{Status: st, ObservationSequence: seq}}
}

func closedObs(ch string, seq uint64) live.Observation {
	return live.Observation{ChannelID: ch, Closed: &live.CloseObservation{CloseSequence: seq}}
}

// TestObservationForwarder: observations reach the session named by the channel id, in
// order per session; a transient recording failure is retried; when the stream ends the
// forwarder subscribes again, and what the new stream replays is refused as already
// recorded; malformed observations are dropped.
func TestObservationForwarder(t *testing.T) {
	a, b := machine.NewChannelID("sa", [16]byte{1}), machine.NewChannelID("sb", [16]byte{2})
	host := &streamHost{scripts: [][]live.Observation{
		{statusObs(a, machine.LiveStatusOpening, 1), statusObs(b, machine.LiveStatusOpening, 1), statusObs(a, machine.LiveStatusReady, 2),
			{ChannelID: "not-a-live-channel", Status: &live.StatusObservation{Status: machine.LiveStatusReady, ObservationSequence: 1}},
			{ChannelID: a}},
		{statusObs(a, machine.LiveStatusReady, 2), statusObs(b, machine.LiveStatusOpening, 1), // replayed latest statuses
			statusObs(b, machine.LiveStatusReady, 2), statusObs(a, machine.LiveStatusClosing, 3), statusObs(a, machine.LiveStatusClosed, 4), closedObs(a, 1)},
	}}
	sink := &machineSink{recorded: map[string][]machine.Input{}, last: map[string]uint64{}, failed: map[string]bool{}}
	f := &activities.ObservationForwarder{Live: host, Sink: sink, RetryDelay: time.Millisecond, MaxRetryDelay: 5 * time.Millisecond, Logger: discard{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	want := map[string][]machine.Input{
		"sa": {
			machine.RecordLiveChannelStatus{ChannelID: a, Status: machine.LiveStatusOpening, StatusObservationSequence: 1},
			machine.RecordLiveChannelStatus{ChannelID: a, Status: machine.LiveStatusReady, StatusObservationSequence: 2},
			machine.RecordLiveChannelStatus{ChannelID: a, Status: machine.LiveStatusClosing, StatusObservationSequence: 3},
			machine.RecordLiveChannelStatus{ChannelID: a, Status: machine.LiveStatusClosed, StatusObservationSequence: 4},
			machine.RecordLiveCloseClosed{SessionID: "sa", ChannelID: a, CloseObservationSequence: 1},
		},
		"sb": {
			machine.RecordLiveChannelStatus{ChannelID: b, Status: machine.LiveStatusOpening, StatusObservationSequence: 1},
			machine.RecordLiveChannelStatus{ChannelID: b, Status: machine.LiveStatusReady, StatusObservationSequence: 2},
		},
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		sink.mu.Lock()
		complete := true
		for session, w := range want {
			got := sink.recorded[session]
			complete = complete && len(got) > 0 && got[len(got)-1] == w[len(w)-1]
		}
		sink.mu.Unlock()
		if complete || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	// Statuses may be coalesced while a session is busy, so compare the order of what
	// was recorded against the full sequence: a subsequence that ends with every close.
	for session, w := range want {
		got := sink.recorded[session]
		if !subsequence(got, w) || len(got) == 0 || got[len(got)-1] != w[len(w)-1] {
			t.Errorf("session %s recorded %v, want an in-order subsequence of %v ending with %v", session, got, w, w[len(w)-1])
		}
	}
	if host.subs < 2 {
		t.Errorf("subscribed %d times, want a new subscription after the stream ended", host.subs)
	}
}

func subsequence(got, want []machine.Input) bool {
	i := 0
	for _, g := range got {
		for i < len(want) && want[i] != g {
			i++
		}
		if i == len(want) {
			return false
		}
		i++
	}
	return true
}

// TestObservationInput maps statuses (with the degradation fields only on Degraded) and
// closes, and refuses what no session can own.
func TestObservationInput(t *testing.T) {
	ch := machine.NewChannelID("s1", [16]byte{3})
	degraded := live.Observation{ChannelID: ch, Status: &live.StatusObservation{
		Status: machine.LiveStatusDegraded, ObservationSequence: 5, DegradationReason: machine.DegradationOther, DegradationDetail: "jitter",
	}}
	session, in, err := activities.ObservationInput(degraded)
	want := machine.RecordLiveChannelStatus{ChannelID: ch, Status: machine.LiveStatusDegraded, StatusObservationSequence: 5,
		DegradationReason: machine.Some(machine.DegradationOther), DegradationDetail: machine.Some("jitter")}
	if err != nil || session != "s1" || in != want {
		t.Fatalf("degraded: %s %v %v", session, in, err)
	}
	ready := live.Observation{ChannelID: ch, Status: &live.StatusObservation{Status: machine.LiveStatusReady, ObservationSequence: 6, DegradationDetail: "stale"}}
	if _, in, _ := activities.ObservationInput(ready); in != (machine.RecordLiveChannelStatus{ChannelID: ch, Status: machine.LiveStatusReady, StatusObservationSequence: 6}) {
		t.Fatalf("ready: %v", in)
	}
	if _, in, _ := activities.ObservationInput(closedObs(ch, 2)); in != (machine.RecordLiveCloseClosed{SessionID: "s1", ChannelID: ch, CloseObservationSequence: 2}) {
		t.Fatalf("closed: %v", in)
	}
	for name, o := range map[string]live.Observation{
		"foreign channel": statusObs("c1", machine.LiveStatusReady, 1),
		"empty":           {ChannelID: ch},
		"both":            {ChannelID: ch, Status: &live.StatusObservation{}, Closed: &live.CloseObservation{}},
	} {
		if _, _, err := activities.ObservationInput(o); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

type discard struct{}

func (discard) Debug(string, ...any) {}
func (discard) Warn(string, ...any)  {}
