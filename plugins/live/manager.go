package live

import (
	"context"
	"sync"
	"time"

	"github.com/meerkat-temporal/meerkat/plugins/internal/supervisor"
)

// Binary is an adapter executable with its SHA-256 and expected version.
type Binary = supervisor.Binary

// Options tune process supervision; the zero value is usable. OnStart is owned by the
// Manager and ignored.
type Options = supervisor.Options

// Info is an adapter's Describe answer as seen by the supervisor.
type Info = supervisor.Info

// observationBuffer bounds observations waiting for [Manager.Observe]; when it is full
// the adapter streams are paused (gRPC flow control), nothing is dropped.
const observationBuffer = 4096

// Manager runs a live adapter binary under supervision and implements [Host].
//
// Channels are process state: calls for a channel go to the process that opened it,
// also after a hot swap made a newer process active. When a process ends (crash,
// retirement after a swap, shutdown) every channel it still held is reported as a
// Closed observation with detail "adapter process exited". Observations are deduplicated
// by their per-channel sequences. Call [Manager.Observe] for the Manager's whole life:
// it is the single consumer of all observations.
type Manager struct {
	sup    *supervisor.Supervisor
	events chan Observation
	done   chan struct{}

	mu       sync.Mutex
	channels map[string]*channelState // open channels; guarded by mu
}

type channelState struct {
	gen        uint64 // instance holding the channel
	lastStatus uint64
	lastClose  uint64
}

var _ Host = (*Manager)(nil)

// NewManager returns a Manager for bin; the process starts on the first call.
func NewManager(bin Binary, opts Options) *Manager {
	m := &Manager{events: make(chan Observation, observationBuffer), done: make(chan struct{}), channels: map[string]*channelState{}}
	opts.OnStart = m.watch
	m.sup = supervisor.New(supervisor.KindOf[*Client](Kind, PluginSet(nil)), bin, opts)
	return m
}

// Start launches the adapter now and returns its Describe answer.
func (m *Manager) Start(ctx context.Context) (Info, error) { return m.sup.Start(ctx) }

// Swap hot-swaps the adapter for bin: the new binary is started and probed, new
// channels open on it, and the old process is drained (its channels are closed and
// reported) and stopped. The worker calls this on SIGHUP after re-reading its plugin
// manifest.
func (m *Manager) Swap(ctx context.Context, bin Binary) (Info, error) { return m.sup.Swap(ctx, bin) }

// Close drains and stops the adapter; Observe returns afterwards.
func (m *Manager) Close(ctx context.Context) error {
	err := m.sup.Close(ctx)
	select {
	case <-m.done:
	default:
		close(m.done)
	}
	return err
}

// Pid returns the active adapter process id, or 0 when none runs.
func (m *Manager) Pid() int { return m.sup.Pid() }

// watch streams one instance's observations until the process ends, then closes the
// channels it still held.
func (m *Manager) watch(inst *supervisor.Instance) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-inst.Stopped():
			cancel()
		case <-ctx.Done():
		}
	}()
	client := inst.API().(*Client)
	for {
		_ = client.Observe(ctx, func(o Observation) error { m.deliver(inst.Gen, o); return nil })
		deadline := time.Now().Add(time.Second)
		for !inst.Exited() && ctx.Err() == nil && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if inst.Exited() || ctx.Err() != nil {
			break
		}
	}
	m.closeOrphans(inst.Gen)
}

// deliver records o and forwards it unless it repeats an older sequence.
func (m *Manager) deliver(gen uint64, o Observation) {
	m.mu.Lock()
	st, ok := m.channels[o.ChannelID]
	if !ok {
		st = &channelState{gen: gen}
		m.channels[o.ChannelID] = st
	}
	switch {
	case o.Status != nil && o.Status.ObservationSequence > st.lastStatus:
		st.lastStatus = o.Status.ObservationSequence
	case o.Closed != nil && o.Closed.CloseSequence > st.lastClose:
		delete(m.channels, o.ChannelID)
	default:
		m.mu.Unlock()
		return
	}
	m.mu.Unlock()
	select {
	case m.events <- o:
	case <-m.done:
	}
}

func (m *Manager) closeOrphans(gen uint64) {
	m.mu.Lock()
	var lost []Observation
	for id, st := range m.channels {
		if st.gen == gen {
			lost = append(lost, Observation{ChannelID: id, Closed: &CloseObservation{CloseSequence: st.lastClose + 1, Detail: "adapter process exited"}})
		}
	}
	m.mu.Unlock()
	for _, o := range lost {
		m.deliver(gen, o)
	}
}

// Observe implements [Host]: it delivers every adapter process's observations (and
// synthetic closes for channels lost with a process) until ctx ends or the Manager is
// closed.
func (m *Manager) Observe(ctx context.Context, send func(Observation) error) error {
	for {
		select {
		case o := <-m.events:
			if err := send(o); err != nil {
				return err
			}
		case <-ctx.Done():
			return nil
		case <-m.done:
			return nil
		}
	}
}

// lease returns a lease on the process holding channelID, or on the active process
// when the channel is unknown or its process is gone.
func (m *Manager) lease(ctx context.Context, channelID string) (*supervisor.Lease, error) {
	m.mu.Lock()
	st, ok := m.channels[channelID]
	m.mu.Unlock()
	if ok {
		if l, ok := m.sup.AcquireGen(st.gen); ok {
			return l, nil
		}
	}
	return m.sup.Acquire(ctx)
}

// onChannel runs f on the client of the process holding channelID (see lease).
func onChannel[T any](ctx context.Context, m *Manager, channelID string, f func(*Client) (T, error)) (T, error) {
	return supervisor.Call(ctx, func(ctx context.Context) (*supervisor.Lease, error) { return m.lease(ctx, channelID) }, f)
}

// Describe implements [Host].
func (m *Manager) Describe(ctx context.Context) (*DescribeResponse, error) {
	return onChannel(ctx, m, "", func(c *Client) (*DescribeResponse, error) { return c.Describe(ctx) })
}

// OpenChannel implements [Host]; the channel is attributed to the process that opened it.
func (m *Manager) OpenChannel(ctx context.Context, req *OpenChannelRequest) (*OpenChannelResponse, error) {
	l, err := m.sup.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	res, err := l.API().(*Client).OpenChannel(ctx, req)
	if err == nil {
		m.mu.Lock()
		if _, known := m.channels[req.ChannelID]; !known {
			m.channels[req.ChannelID] = &channelState{gen: l.Instance().Gen}
		}
		m.mu.Unlock()
	}
	l.Done(err)
	return res, err
}

// CloseChannel implements [Host].
func (m *Manager) CloseChannel(ctx context.Context, req *ChannelRequest) (*CloseChannelResponse, error) {
	return onChannel(ctx, m, req.ChannelID, func(c *Client) (*CloseChannelResponse, error) { return c.CloseChannel(ctx, req) })
}

// SendInput implements [Host].
func (m *Manager) SendInput(ctx context.Context, req *SendInputRequest) (*CommandAcceptance, error) {
	return onChannel(ctx, m, req.ChannelID, func(c *Client) (*CommandAcceptance, error) { return c.SendInput(ctx, req) })
}

// CommitInput implements [Host].
func (m *Manager) CommitInput(ctx context.Context, req *ChannelRequest) (*CommandAcceptance, error) {
	return onChannel(ctx, m, req.ChannelID, func(c *Client) (*CommandAcceptance, error) { return c.CommitInput(ctx, req) })
}

// Interrupt implements [Host].
func (m *Manager) Interrupt(ctx context.Context, req *ChannelRequest) (*CommandAcceptance, error) {
	return onChannel(ctx, m, req.ChannelID, func(c *Client) (*CommandAcceptance, error) { return c.Interrupt(ctx, req) })
}

// TruncateAssistantOutput implements [Host].
func (m *Manager) TruncateAssistantOutput(ctx context.Context, req *TruncateRequest) (*CommandAcceptance, error) {
	return onChannel(ctx, m, req.ChannelID, func(c *Client) (*CommandAcceptance, error) { return c.TruncateAssistantOutput(ctx, req) })
}

// Refresh implements [Host].
func (m *Manager) Refresh(ctx context.Context, req *ChannelRequest) (*RefreshResponse, error) {
	return onChannel(ctx, m, req.ChannelID, func(c *Client) (*RefreshResponse, error) { return c.Refresh(ctx, req) })
}

// WebrtcAnswer implements [Host].
func (m *Manager) WebrtcAnswer(ctx context.Context, req *WebrtcAnswerRequest) (*WebrtcAnswerResponse, error) {
	return onChannel(ctx, m, req.ChannelID, func(c *Client) (*WebrtcAnswerResponse, error) { return c.WebrtcAnswer(ctx, req) })
}
