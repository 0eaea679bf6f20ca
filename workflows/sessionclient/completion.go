package sessionclient

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
)

// ErrUnknownInput is returned by WaitForCompletion when the session does not track the
// input, so it can never complete.
var ErrUnknownInput = errors.New("sessionclient: the session does not track this input")

// Accept offers an input to the session's accept pipeline (spec §7.1) and returns the
// outcome. Outcome.WaitOn names the input to wait for with WaitForCompletion: the new
// input, or the original one when the accept was deduplicated by its idempotency key.
func (c *Client) Accept(ctx context.Context, sessionID string, req workflows.AcceptInputRequest) (machine.AcceptResult, error) {
	return operation[machine.AcceptResult](ctx, c, sessionID, workflows.OpAcceptInputWithCompletion, req)
}

// WaitForCompletion blocks until the input is terminal and returns how it ended. All the
// waiters of one session in this client share one poll (one query per PollInterval for
// every waiting input), so thousands can wait at once; the answer is the session's
// durable input state, so a waiter survives continue-as-new and worker restarts, and a
// new process can wait on an input accepted by another.
func (c *Client) WaitForCompletion(ctx context.Context, sessionID, inputID string) (workflows.Completion, error) {
	ch := c.waits.add(c, sessionID, inputID)
	select {
	case done := <-ch:
		if done.err != nil {
			return workflows.Completion{}, done.err
		}
		if !done.c.Known {
			return done.c, fmt.Errorf("%w: %s", ErrUnknownInput, inputID)
		}
		return done.c, nil
	case <-ctx.Done():
		c.waits.remove(sessionID, inputID, ch)
		return workflows.Completion{}, ctx.Err()
	}
}

type waitResult struct {
	c   workflows.Completion
	err error
}

// waitHub multiplexes the waiters of each session into one poller goroutine.
type waitHub struct {
	mu       sync.Mutex
	sessions map[string]map[string][]chan waitResult // session -> input -> waiters
}

func (h *waitHub) add(c *Client, sessionID, inputID string) chan waitResult {
	ch := make(chan waitResult, 1)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.sessions == nil {
		h.sessions = make(map[string]map[string][]chan waitResult)
	}
	waiters, polling := h.sessions[sessionID]
	if !polling {
		waiters = make(map[string][]chan waitResult)
		h.sessions[sessionID] = waiters
		go h.poll(c, sessionID)
	}
	waiters[inputID] = append(waiters[inputID], ch)
	return ch
}

func (h *waitHub) remove(sessionID, inputID string, ch chan waitResult) {
	h.mu.Lock()
	defer h.mu.Unlock()
	waiters := h.sessions[sessionID]
	waiters[inputID] = slices.DeleteFunc(waiters[inputID], func(w chan waitResult) bool { return w == ch })
	if len(waiters[inputID]) == 0 {
		delete(waiters, inputID)
	}
}

// pending lists the inputs waited on in a session, or stops the poller when none is.
func (h *waitHub) pending(sessionID string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	waiters := h.sessions[sessionID]
	if len(waiters) == 0 {
		delete(h.sessions, sessionID)
		return nil
	}
	ids := make([]string, 0, len(waiters))
	for id := range waiters {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func (h *waitHub) deliver(sessionID string, r waitResult) {
	h.mu.Lock()
	defer h.mu.Unlock()
	waiters := h.sessions[sessionID]
	for _, ch := range waiters[r.c.InputID] {
		ch <- r
	}
	delete(waiters, r.c.InputID)
}

func (h *waitHub) poll(c *Client, sessionID string) {
	ctx := context.Background()
	for {
		ids := h.pending(sessionID)
		if ids == nil {
			return
		}
		for chunk := range slices.Chunk(ids, workflows.MaxCompletionQuery) {
			got, err := query[[]workflows.Completion](ctx, c, sessionID, workflows.QueryInputCompletions, chunk)
			if err != nil {
				c.opts.logQueryError(sessionID, err)
				break
			}
			for _, done := range got {
				if done.Done {
					h.deliver(sessionID, waitResult{c: done})
				}
			}
		}
		time.Sleep(c.opts.PollInterval)
	}
}
