package supervisor

import (
	"context"

	"github.com/hashicorp/go-plugin"
)

// Client is what the supervisor needs of a protocol's host-side client.
type Client interface {
	Describe(ctx context.Context) (*Info, error)
	Drain(ctx context.Context) error
}

// KindOf returns the Kind of a protocol whose dispensed client is C.
func KindOf[C Client](name string, plugins plugin.PluginSet) Kind {
	return Kind{
		Name:    name,
		Plugins: plugins,
		Probe: func(ctx context.Context, api any) (Info, error) {
			d, err := api.(C).Describe(ctx)
			if err != nil {
				return Info{}, err
			}
			return *d, nil
		},
		Drain: func(ctx context.Context, api any) error { return api.(C).Drain(ctx) },
	}
}

// Call takes a lease with acquire, runs call on the leased instance's client C and
// ends the lease with call's error (see [Lease.Done]).
func Call[C, T any](ctx context.Context, acquire func(context.Context) (*Lease, error), call func(C) (T, error)) (T, error) {
	l, err := acquire(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	res, err := call(l.API().(C))
	l.Done(err)
	return res, err
}

// Pid returns the active instance's process id, or 0 when none runs.
func (s *Supervisor) Pid() int {
	if inst := s.Active(); inst != nil {
		return inst.Pid()
	}
	return 0
}
