package pluginsdk

import (
	"context"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

// ProtocolVersion is the go-plugin protocol version; it equals the proto major version.
const ProtocolVersion = 1

// MaxMessageBytes bounds one gRPC message in either direction (images travel inline).
const MaxMessageBytes = 64 << 20

// Handshake returns the handshake for a plugin kind. The cookie differs per kind, so
// a live adapter binary launched as an LLM host fails the handshake instead of
// answering the wrong protocol.
func Handshake(kind string) plugin.HandshakeConfig {
	return plugin.HandshakeConfig{
		ProtocolVersion:  ProtocolVersion,
		MagicCookieKey:   "MEERKAT_PLUGIN_KIND",
		MagicCookieValue: "meerkat-" + kind + "-plugin-v1-3f9a61c2",
	}
}

// ServeConfig describes one plugin process.
type ServeConfig struct {
	// Kind is the plugin kind ("llmhost", "live").
	Kind string
	// Plugins is the go-plugin set for ProtocolVersion.
	Plugins plugin.PluginSet
	// Tracker counts in-flight unary calls for Drain; never nil.
	Tracker *Tracker
}

// Serve runs the plugin until the host stops it. It must be the first thing main does:
// anything written to stdout before it breaks the handshake.
func Serve(cfg ServeConfig) {
	logger := hclog.New(&hclog.LoggerOptions{
		Name:       "meerkat-" + cfg.Kind,
		Level:      hclog.Info,
		Output:     os.Stderr,
		JSONFormat: true,
	})
	go WatchParent(context.Background(), time.Second, func() {
		logger.Error("parent process went away; exiting")
		os.Exit(3)
	})
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  Handshake(cfg.Kind),
		VersionedPlugins: map[int]plugin.PluginSet{ProtocolVersion: cfg.Plugins},
		GRPCServer: func(opts []grpc.ServerOption) *grpc.Server {
			opts = append(opts,
				grpc.MaxRecvMsgSize(MaxMessageBytes),
				grpc.MaxSendMsgSize(MaxMessageBytes),
				grpc.ChainUnaryInterceptor(cfg.Tracker.unary))
			return grpc.NewServer(opts...)
		},
		Logger: logger,
	})
}

// WatchParent calls gone once the process that started this one has exited (the
// process is re-parented, so its parent pid changes). It returns when ctx ends.
func WatchParent(ctx context.Context, every time.Duration, gone func()) {
	parent := os.Getppid()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if os.Getppid() != parent {
				gone()
				return
			}
		}
	}
}

// Tracker counts in-flight unary calls so Drain can wait for them. The zero value is
// ready to use.
type Tracker struct {
	mu       sync.Mutex
	inflight int
	idle     chan struct{} // closed when inflight drops to 0 while someone waits; guarded by mu
}

func (t *Tracker) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	if strings.HasSuffix(info.FullMethod, "/Drain") {
		return h(ctx, req)
	}
	t.mu.Lock()
	t.inflight++
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		t.inflight--
		if t.inflight == 0 && t.idle != nil {
			close(t.idle)
			t.idle = nil
		}
		t.mu.Unlock()
	}()
	return h(ctx, req)
}

// Wait blocks until no unary call is in flight or ctx ends.
func (t *Tracker) Wait(ctx context.Context) error {
	t.mu.Lock()
	if t.inflight == 0 {
		t.mu.Unlock()
		return nil
	}
	if t.idle == nil {
		t.idle = make(chan struct{})
	}
	idle := t.idle
	t.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Drainer is implemented by plugins with work to finish before they are stopped.
type Drainer interface {
	Drain(ctx context.Context) error
}

// Drain is a plugin's Drain RPC: wait until no call is in flight, then let impl finish its
// own work when it implements Drain(ctx) error.
func (t *Tracker) Drain(ctx context.Context, impl any) error {
	if err := t.Wait(ctx); err != nil {
		return err
	}
	if d, ok := impl.(Drainer); ok {
		return d.Drain(ctx)
	}
	return nil
}
