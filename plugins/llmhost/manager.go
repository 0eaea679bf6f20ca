package llmhost

import (
	"context"

	"github.com/meerkat-temporal/meerkat/plugins/internal/supervisor"
)

// Binary is a plugin executable with its SHA-256 and expected version.
type Binary = supervisor.Binary

// Options tune process supervision; the zero value is usable.
type Options = supervisor.Options

// Info is a plugin's Describe answer as seen by the supervisor.
type Info = supervisor.Info

// Manager runs an LLM host plugin binary under supervision and implements [Host] by
// forwarding each call to the active plugin process. Methods may be called
// concurrently.
type Manager struct {
	sup *supervisor.Supervisor
}

var _ Host = (*Manager)(nil)

// NewManager returns a Manager for bin; the process starts on the first call.
func NewManager(bin Binary, opts Options) *Manager {
	return &Manager{sup: supervisor.New(supervisor.KindOf[*Client](Kind, PluginSet(nil)), bin, opts)}
}

// Start launches the plugin now and returns its Describe answer.
func (m *Manager) Start(ctx context.Context) (Info, error) { return m.sup.Start(ctx) }

// Swap hot-swaps the plugin for bin: the new binary is started and probed, new calls go
// to it, and the old process is drained and stopped. No call fails because of a swap.
// The worker calls this on SIGHUP after re-reading its plugin manifest.
func (m *Manager) Swap(ctx context.Context, bin Binary) (Info, error) { return m.sup.Swap(ctx, bin) }

// Close drains in-flight calls and stops the plugin.
func (m *Manager) Close(ctx context.Context) error { return m.sup.Close(ctx) }

// Pid returns the active plugin process id, or 0 when none runs.
func (m *Manager) Pid() int { return m.sup.Pid() }

// call runs f on the client of the active plugin process.
func call[T any](ctx context.Context, m *Manager, f func(*Client) (T, error)) (T, error) {
	return supervisor.Call(ctx, m.sup.Acquire, f)
}

func callErr(ctx context.Context, m *Manager, f func(*Client) error) error {
	_, err := call(ctx, m, func(c *Client) (struct{}, error) { return struct{}{}, f(c) })
	return err
}

// Describe implements [Host].
func (m *Manager) Describe(ctx context.Context) (*DescribeResponse, error) {
	return call(ctx, m, func(c *Client) (*DescribeResponse, error) { return c.Describe(ctx) })
}

// HydrateSessionLlmState implements [Host].
func (m *Manager) HydrateSessionLlmState(ctx context.Context, req *HydrateRequest) (*HydratedSessionLlmState, error) {
	return call(ctx, m, func(c *Client) (*HydratedSessionLlmState, error) { return c.HydrateSessionLlmState(ctx, req) })
}

// ResolveTargetIdentity implements [Host].
func (m *Manager) ResolveTargetIdentity(ctx context.Context, req *ResolveTargetIdentityRequest) (*ResolvedSessionLlmReconfigure, error) {
	return call(ctx, m, func(c *Client) (*ResolvedSessionLlmReconfigure, error) { return c.ResolveTargetIdentity(ctx, req) })
}

// ApplyIdentity implements [Host].
func (m *Manager) ApplyIdentity(ctx context.Context, req *ApplyIdentityRequest) error {
	return callErr(ctx, m, func(c *Client) error { return c.ApplyIdentity(ctx, req) })
}

// ApplyToolVisibilityState implements [Host].
func (m *Manager) ApplyToolVisibilityState(ctx context.Context, req *ApplyToolVisibilityStateRequest) error {
	return callErr(ctx, m, func(c *Client) error { return c.ApplyToolVisibilityState(ctx, req) })
}

// PersistLiveSession implements [Host].
func (m *Manager) PersistLiveSession(ctx context.Context, req *SessionRequest) error {
	return callErr(ctx, m, func(c *Client) error { return c.PersistLiveSession(ctx, req) })
}

// DiscardLiveSession implements [Host].
func (m *Manager) DiscardLiveSession(ctx context.Context, req *SessionRequest) error {
	return callErr(ctx, m, func(c *Client) error { return c.DiscardLiveSession(ctx, req) })
}

// CallLlm implements [Host].
func (m *Manager) CallLlm(ctx context.Context, req *CallLlmRequest) (*CallLlmResponse, error) {
	return call(ctx, m, func(c *Client) (*CallLlmResponse, error) { return c.CallLlm(ctx, req) })
}

// ExecuteToolCall implements [Host].
func (m *Manager) ExecuteToolCall(ctx context.Context, req *ExecuteToolCallRequest) (*ExecuteToolCallResponse, error) {
	return call(ctx, m, func(c *Client) (*ExecuteToolCallResponse, error) { return c.ExecuteToolCall(ctx, req) })
}
