package loopback

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/meerkat-temporal/meerkat/plugins/live"
)

// subscriber is one Observe stream with an unbounded queue, so publishing never blocks
// the adapter and nothing is dropped.
type subscriber struct {
	mu      sync.Mutex
	queue   []live.Observation // guarded by mu
	sending bool               // an observation is being sent; guarded by mu
	wake    chan struct{}      // capacity 1
}

func (s *subscriber) push(o live.Observation) {
	s.mu.Lock()
	s.queue = append(s.queue, o)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// flushed waits until everything queued so far has been sent.
func (s *subscriber) flushed(ctx context.Context) error {
	for {
		s.mu.Lock()
		empty := len(s.queue) == 0 && !s.sending
		s.mu.Unlock()
		if empty {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func (a *Adapter) publishLocked(o live.Observation) {
	for s := range a.subs {
		s.push(o)
	}
}

// Observe implements [live.Host]: it first sends every open channel's latest status,
// then each observation as it happens.
func (a *Adapter) Observe(ctx context.Context, send func(live.Observation) error) error {
	s := &subscriber{wake: make(chan struct{}, 1)}
	a.mu.Lock()
	ids := make([]string, 0, len(a.channels))
	for id := range a.channels {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if ch := a.channels[id]; ch.status.Status.Valid() {
			st := ch.status
			s.queue = append(s.queue, live.Observation{ChannelID: id, Status: &st})
		}
	}
	a.subs[s] = struct{}{}
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		delete(a.subs, s)
		a.mu.Unlock()
	}()
	s.wake <- struct{}{}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.wake:
		}
		for {
			s.mu.Lock()
			if len(s.queue) == 0 {
				s.mu.Unlock()
				break
			}
			o := s.queue[0]
			s.queue = s.queue[1:]
			s.sending = true
			s.mu.Unlock()
			err := send(o)
			s.mu.Lock()
			s.sending = false
			s.mu.Unlock()
			if err != nil {
				return err
			}
		}
	}
}
