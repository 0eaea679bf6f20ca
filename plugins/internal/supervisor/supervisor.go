package supervisor

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"

	"github.com/meerkat-temporal/meerkat/plugins/internal/pluginsdk"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

// Binary is one plugin executable the supervisor may run.
type Binary struct {
	// Path is the executable; it is never modified by the supervisor.
	Path string
	// SHA256 is the hex SHA-256 of the file at Path; a mismatch refuses the launch.
	SHA256 string
	// Version, when set, must equal the version the plugin reports in Describe.
	Version string
	// Args are passed to the executable.
	Args []string
}

// Info is what a plugin reports about itself in Describe.
type Info = pluginsdk.Info

// Kind carries what differs between plugin kinds.
type Kind struct {
	// Name is the kind ("llmhost", "live"); it is the handshake kind and dispense name.
	Name string
	// Plugins is the go-plugin set for the current protocol version.
	Plugins plugin.PluginSet
	// Probe calls Describe on a freshly dispensed client.
	Probe func(ctx context.Context, api any) (Info, error)
	// Drain asks the plugin to finish its work before it is stopped.
	Drain func(ctx context.Context, api any) error
}

// Options tune a Supervisor. The zero value is usable.
type Options struct {
	// Env is given to every plugin process verbatim (KEY=VALUE); nothing else of the
	// worker's environment leaks into the plugin except the InheritEnv names.
	Env []string
	// InheritEnv names worker environment variables copied into the plugin.
	// Default: PATH, TMPDIR, LANG, TZ.
	InheritEnv []string
	// SocketRoot is where per-instance socket directories are made. Default: os.TempDir().
	SocketRoot string
	// Logger receives supervisor and plugin logs. Default: hclog with the kind's name.
	Logger hclog.Logger
	// StartTimeout bounds handshake plus Describe. Default 20s.
	StartTimeout time.Duration
	// BackoffBase and BackoffMax shape the delay before restarting a crashed plugin
	// (doubling per recent crash). Defaults 100ms and 5s.
	BackoffBase, BackoffMax time.Duration
	// CrashLoopLimit crashes within CrashLoopWindow stop restarts until the window
	// has passed. Defaults 5 and 1 minute.
	CrashLoopLimit  int
	CrashLoopWindow time.Duration
	// DrainTimeout bounds how long a stopping instance may finish in-flight calls. Default 10s.
	DrainTimeout time.Duration
	// OnStart, when set, is called (in its own goroutine) for every instance that
	// becomes active, e.g. to open an observation stream on it.
	OnStart func(*Instance)
}

func (o *Options) setDefaults(kind string) {
	if o.InheritEnv == nil {
		o.InheritEnv = []string{"PATH", "TMPDIR", "LANG", "TZ"}
	}
	if o.Logger == nil {
		o.Logger = hclog.New(&hclog.LoggerOptions{Name: "plugin-" + kind, Level: hclog.Warn})
	}
	if o.StartTimeout == 0 {
		o.StartTimeout = 20 * time.Second
	}
	if o.BackoffBase == 0 {
		o.BackoffBase = 100 * time.Millisecond
	}
	if o.BackoffMax == 0 {
		o.BackoffMax = 5 * time.Second
	}
	if o.CrashLoopLimit == 0 {
		o.CrashLoopLimit = 5
	}
	if o.CrashLoopWindow == 0 {
		o.CrashLoopWindow = time.Minute
	}
	if o.DrainTimeout == 0 {
		o.DrainTimeout = 10 * time.Second
	}
}

// Supervisor owns the processes of one plugin (one kind, one configured binary at a
// time). Its methods may be called concurrently.
type Supervisor struct {
	kind Kind
	opts Options

	swapMu sync.Mutex // serialises Swap calls

	mu       sync.Mutex
	bin      Binary                 // binary used for (re)starts; guarded by mu
	active   *Instance              // instance new leases go to; guarded by mu
	starting chan struct{}          // non-nil while a (re)start runs; guarded by mu
	crashes  []time.Time            // recent crash times; guarded by mu
	gen      uint64                 // last instance generation; guarded by mu
	live     map[*Instance]struct{} // started and not yet stopped; guarded by mu
	closed   bool                   // guarded by mu
}

// New returns a Supervisor for bin. Nothing starts until the first Acquire (or Start).
func New(kind Kind, bin Binary, opts Options) *Supervisor {
	opts.setDefaults(kind.Name)
	return &Supervisor{kind: kind, opts: opts, bin: bin, live: map[*Instance]struct{}{}}
}

// Lease is the right to make calls on one instance; Release it when the call is done.
type Lease struct {
	s    *Supervisor
	inst *Instance
	once sync.Once
}

// API returns the dispensed, typed client of the leased instance.
func (l *Lease) API() any { return l.inst.api }

// Instance returns the leased instance.
func (l *Lease) Instance() *Instance { return l.inst }

// Done ends the lease after a call that returned err. When err says the plugin is
// unavailable, Done waits briefly for the process exit to be observed, so the next
// Acquire restarts the plugin instead of handing out the dead instance again.
func (l *Lease) Done(err error) {
	if pluginerr.ReasonOf(err) == pluginerr.PluginUnavailable {
		deadline := time.Now().Add(time.Second)
		for !l.inst.Exited() && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
	}
	l.Release()
}

// Release ends the lease; calling it more than once is harmless.
func (l *Lease) Release() {
	l.once.Do(func() {
		l.s.mu.Lock()
		defer l.s.mu.Unlock()
		l.inst.leases--
		if l.inst.leases == 0 && l.inst.idle != nil {
			close(l.inst.idle)
			l.inst.idle = nil
		}
	})
}

// Start starts the plugin now instead of on the first call.
func (s *Supervisor) Start(ctx context.Context) (Info, error) {
	l, err := s.Acquire(ctx)
	if err != nil {
		return Info{}, err
	}
	defer l.Release()
	return l.inst.Info, nil
}

// Acquire returns a lease on the active instance, starting or restarting the plugin if
// it is not running. Concurrent callers share one start. Errors are *pluginerr.Error
// with reason plugin_refused, plugin_crash_loop or plugin_unavailable.
func (s *Supervisor) Acquire(ctx context.Context) (*Lease, error) {
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return nil, &pluginerr.Error{Reason: pluginerr.PluginUnavailable,
				Message: fmt.Sprintf("%s plugin supervisor is shut down", s.kind.Name)}
		}
		if inst := s.active; inst != nil {
			if !inst.Exited() {
				inst.leases++
				s.mu.Unlock()
				return &Lease{s: s, inst: inst}, nil
			}
			s.active = nil
			s.crashes = append(s.crashes, time.Now())
			s.opts.Logger.Warn("plugin process exited; it will be restarted", "path", inst.Binary.Path, "generation", inst.Gen)
			go s.stop(inst)
		}
		if wait := s.starting; wait != nil {
			s.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, unavailable(s.kind.Name, "waiting for the plugin to start: %v", context.Cause(ctx))
			}
		}
		recent := s.recentCrashesLocked(time.Now())
		if len(recent) >= s.opts.CrashLoopLimit {
			until := recent[0].Add(s.opts.CrashLoopWindow)
			s.mu.Unlock()
			return nil, &pluginerr.Error{
				Reason:     pluginerr.PluginCrashLoop,
				Retryable:  true,
				RetryAfter: time.Until(until),
				Message: fmt.Sprintf("%s plugin %s crashed %d times within %s; not restarting it before %s. Check the plugin's log lines above, fix or swap the binary",
					s.kind.Name, s.bin.Path, len(recent), s.opts.CrashLoopWindow, until.Format(time.RFC3339)),
			}
		}
		done := make(chan struct{})
		s.starting = done
		bin := s.bin
		s.mu.Unlock()

		inst, err := s.startAfter(ctx, s.backoff(len(recent)), bin)

		s.mu.Lock()
		s.starting = nil
		close(done)
		if err == nil {
			if s.closed {
				s.mu.Unlock()
				s.stop(inst)
				continue
			}
			s.active = inst
		}
		s.mu.Unlock()
		if err != nil {
			return nil, err
		}
		s.announce(inst)
	}
}

func (s *Supervisor) startAfter(ctx context.Context, delay time.Duration, bin Binary) (*Instance, error) {
	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return nil, unavailable(s.kind.Name, "restart delayed by backoff: %v", context.Cause(ctx))
		}
	}
	return s.launch(bin)
}

func (s *Supervisor) backoff(recentCrashes int) time.Duration {
	if recentCrashes == 0 {
		return 0
	}
	d := s.opts.BackoffBase << (recentCrashes - 1)
	return min(d, s.opts.BackoffMax)
}

func (s *Supervisor) recentCrashesLocked(now time.Time) []time.Time {
	s.crashes = slices.DeleteFunc(s.crashes, func(t time.Time) bool { return now.Sub(t) > s.opts.CrashLoopWindow })
	return s.crashes
}

func (s *Supervisor) announce(inst *Instance) {
	if s.opts.OnStart != nil {
		go s.opts.OnStart(inst)
	}
}

// Swap starts bin, probes it, routes new calls to it, then drains and stops the
// previous instance. Calls already running on the previous instance finish there, so
// no call fails because of a swap. If bin cannot be started the previous instance
// stays active and the error says why.
func (s *Supervisor) Swap(ctx context.Context, bin Binary) (Info, error) {
	s.swapMu.Lock()
	defer s.swapMu.Unlock()
	inst, err := s.launch(bin)
	if err != nil {
		return Info{}, err
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.stop(inst)
		return Info{}, unavailable(s.kind.Name, "supervisor shut down during swap")
	}
	old := s.active
	s.active, s.bin, s.crashes = inst, bin, nil
	s.mu.Unlock()
	s.announce(inst)
	if old != nil {
		s.retire(ctx, old)
	}
	return inst.Info, nil
}

// Close drains every instance (waiting at most DrainTimeout or until ctx ends for
// in-flight calls), then stops the processes. Later Acquires fail.
func (s *Supervisor) Close(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	insts := make([]*Instance, 0, len(s.live))
	for inst := range s.live {
		insts = append(insts, inst)
	}
	s.active = nil
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, inst := range insts {
		wg.Go(func() { s.retire(ctx, inst) })
	}
	wg.Wait()
	return nil
}

// AcquireGen returns a lease on the running instance of generation gen, so calls for
// state held by one process (a live channel) reach that process even after a swap made
// another instance active. ok is false once that instance exited or started draining.
func (s *Supervisor) AcquireGen(gen uint64) (lease *Lease, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for inst := range s.live {
		if inst.Gen == gen && !inst.draining && !inst.Exited() {
			inst.leases++
			return &Lease{s: s, inst: inst}, true
		}
	}
	return nil, false
}

// Active returns the instance new calls go to, or nil when none runs.
func (s *Supervisor) Active() *Instance {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.active
}

// retire waits until inst has no leases (bounded), asks it to drain, and stops it.
func (s *Supervisor) retire(ctx context.Context, inst *Instance) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.DrainTimeout)
	defer cancel()
	s.mu.Lock()
	var idle chan struct{}
	if inst.leases > 0 {
		if inst.idle == nil {
			inst.idle = make(chan struct{})
		}
		idle = inst.idle
	}
	s.mu.Unlock()
	if idle != nil {
		select {
		case <-idle:
		case <-ctx.Done():
			s.opts.Logger.Warn("drain deadline passed with calls in flight; stopping plugin anyway", "path", inst.Binary.Path)
		}
	}
	s.mu.Lock()
	inst.draining = true
	s.mu.Unlock()
	if !inst.Exited() && s.kind.Drain != nil && ctx.Err() == nil {
		if err := s.kind.Drain(ctx, inst.api); err != nil {
			s.opts.Logger.Warn("plugin drain failed", "path", inst.Binary.Path, "error", err)
		}
	}
	s.stop(inst)
}

func unavailable(kind, format string, args ...any) *pluginerr.Error {
	return &pluginerr.Error{Reason: pluginerr.PluginUnavailable, Retryable: true,
		Message: kind + " plugin unavailable: " + fmt.Sprintf(format, args...)}
}
