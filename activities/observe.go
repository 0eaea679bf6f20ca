package activities

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/live"
)

// ErrObservationNotRecorded is wrapped by an [ObservationSink] when the session will never
// record an observation, so retrying is pointless: the session's machine refused it (most
// often because it already holds that evidence: the close a live_close recorded itself, a
// status sent again after the stream was re-subscribed), or no workflow runs for the
// session. The forwarder drops such an observation.
var ErrObservationNotRecorded = errors.New("activities: the session does not record this live observation")

// An ObservationSink records a live observation (RecordLiveChannelStatus or
// RecordLiveCloseClosed) in the session that owns the channel, and returns once the
// session recorded it. It is called for one session at a time, in observation order.
// sessionclient.Client implements it.
type ObservationSink interface {
	RecordLiveObservation(ctx context.Context, sessionID string, in machine.Input) error
}

// A ForwarderLogger receives the forwarder's diagnostics; *slog.Logger and hclog.Logger
// satisfy it.
type ForwarderLogger interface {
	Debug(msg string, args ...any)
	Warn(msg string, args ...any)
}

// ObservationForwarder streams the live adapter's status and close observations into the
// sessions that own the channels (spec §8.3, §11.5): a status becomes
// RecordLiveChannelStatus, a close RecordLiveCloseClosed, sent to the session named by the
// channel id's prefix (machine.ParseChannelID). The worker runs one for its whole life.
//
// Order: observations of one session (so of each of its channels) are recorded one at a
// time in the order the adapter produced them; sessions do not wait for each other.
// While a session's recording is slow, a newer status of the same channel replaces the
// older one waiting last in its queue (status sequences are provenance nonces; skipping
// one is fine), so a burst of statuses does not pile up behind a busy session; closes
// are never replaced and nothing is reordered.
//
// Failures: a recording that fails is retried with backoff until it succeeds, the
// session answers ErrObservationNotRecorded (logged at debug and dropped), or Run ends.
// When the adapter's stream ends (plugin crash or restart, hot swap), Run subscribes
// again with backoff; a replayed status is refused by the session as already recorded.
type ObservationForwarder struct {
	// Live is the adapter host, usually the worker's *live.Manager. Required.
	Live live.Host
	// Sink records observations in sessions. Required.
	Sink ObservationSink
	// Logger is optional: defaults to slog.Default().
	Logger ForwarderLogger
	// RetryDelay is the first pause before retrying a recording or re-subscribing; it
	// doubles on every consecutive failure up to MaxRetryDelay.
	//
	// Optional: defaults to 500ms.
	RetryDelay time.Duration
	// MaxRetryDelay bounds the backoff. Optional: defaults to 30s.
	MaxRetryDelay time.Duration

	mu     sync.Mutex
	queues map[string]*observationQueue // by session; guarded by mu
}

// observationQueue is one session's waiting observations; a drain goroutine exists
// exactly while the queue is in ObservationForwarder.queues.
type observationQueue struct {
	items []machine.Input // guarded by ObservationForwarder.mu
}

// Run forwards observations until ctx ends, then waits for the recordings in flight to
// stop and returns nil. It returns an error only when Live or Sink is missing.
func (f *ObservationForwarder) Run(ctx context.Context) error {
	if f.Live == nil || f.Sink == nil {
		return errors.New("activities: ObservationForwarder needs Live and Sink")
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	delay := f.retryDelay()
	for {
		started := time.Now()
		err := f.Live.Observe(ctx, func(o live.Observation) error {
			f.forward(ctx, &wg, o)
			return nil
		})
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(started) > f.maxRetryDelay() {
			delay = f.retryDelay() // the stream was healthy for a while: start the backoff over
		}
		f.logger().Warn("live observation stream ended; subscribing again", "error", err, "retry_in", delay)
		if !sleep(ctx, delay) {
			return nil
		}
		delay = min(2*delay, f.maxRetryDelay())
	}
}

// ObservationInput is the machine input that records o, and the session it goes to.
func ObservationInput(o live.Observation) (sessionID string, in machine.Input, err error) {
	sessionID, err = machine.ParseChannelID(o.ChannelID)
	if err != nil {
		return "", nil, fmt.Errorf("live observation for a channel no session can own: %w", err)
	}
	switch {
	case o.Status != nil && o.Closed == nil:
		st := o.Status
		rec := machine.RecordLiveChannelStatus{ChannelID: o.ChannelID, Status: st.Status, StatusObservationSequence: st.ObservationSequence}
		if st.DegradationReason.Valid() {
			rec.DegradationReason = machine.Some(st.DegradationReason)
		}
		if st.Status == machine.LiveStatusDegraded && st.DegradationDetail != "" {
			rec.DegradationDetail = machine.Some(st.DegradationDetail)
		}
		return sessionID, rec, nil
	case o.Closed != nil && o.Status == nil:
		return sessionID, machine.RecordLiveCloseClosed{SessionID: sessionID, ChannelID: o.ChannelID, CloseObservationSequence: o.Closed.CloseSequence}, nil
	}
	return "", nil, fmt.Errorf("live observation of channel %s must carry exactly one of a status and a close", o.ChannelID)
}

// forward queues o behind the session's waiting observations, starting the session's
// drain when none runs.
func (f *ObservationForwarder) forward(ctx context.Context, wg *sync.WaitGroup, o live.Observation) {
	session, in, err := ObservationInput(o)
	if err != nil {
		f.logger().Warn("dropping a live observation", "channel_id", o.ChannelID, "error", err)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.queues == nil {
		f.queues = map[string]*observationQueue{}
	}
	q, running := f.queues[session]
	if !running {
		q = &observationQueue{}
		f.queues[session] = q
		wg.Add(1)
		go f.drain(ctx, wg, session, q)
	}
	if n := len(q.items); n > 0 {
		last, lastIsStatus := q.items[n-1].(machine.RecordLiveChannelStatus)
		next, nextIsStatus := in.(machine.RecordLiveChannelStatus)
		if lastIsStatus && nextIsStatus && last.ChannelID == next.ChannelID {
			q.items[n-1] = in
			return
		}
	}
	q.items = append(q.items, in)
}

// drain records the session's observations in order until its queue is empty.
func (f *ObservationForwarder) drain(ctx context.Context, wg *sync.WaitGroup, session string, q *observationQueue) {
	defer wg.Done()
	for {
		f.mu.Lock()
		if len(q.items) == 0 || ctx.Err() != nil {
			delete(f.queues, session)
			f.mu.Unlock()
			return
		}
		in := q.items[0]
		q.items = q.items[1:]
		f.mu.Unlock()
		f.record(ctx, session, in)
	}
}

// record delivers one observation, retrying until the session answers or ctx ends.
func (f *ObservationForwarder) record(ctx context.Context, session string, in machine.Input) {
	delay := f.retryDelay()
	for {
		err := f.Sink.RecordLiveObservation(ctx, session, in)
		switch {
		case err == nil:
			return
		case errors.Is(err, ErrObservationNotRecorded):
			f.logger().Debug("live observation not recorded", "session_id", session, "input", in.Name(), "reason", err)
			return
		case ctx.Err() != nil:
			return
		}
		f.logger().Warn("recording a live observation failed; retrying", "session_id", session, "input", in.Name(), "error", err, "retry_in", delay)
		if !sleep(ctx, delay) {
			return
		}
		delay = min(2*delay, f.maxRetryDelay())
	}
}

func (f *ObservationForwarder) logger() ForwarderLogger {
	if f.Logger != nil {
		return f.Logger
	}
	return slog.Default()
}

func (f *ObservationForwarder) retryDelay() time.Duration {
	if f.RetryDelay > 0 {
		return f.RetryDelay
	}
	return 500 * time.Millisecond
}

func (f *ObservationForwarder) maxRetryDelay() time.Duration {
	if f.MaxRetryDelay > 0 {
		return max(f.MaxRetryDelay, f.retryDelay())
	}
	return max(30*time.Second, f.retryDelay())
}

// sleep waits d or until ctx ends; it reports whether the full d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
