package llmhost

import (
	"github.com/hashicorp/go-plugin"

	"github.com/meerkat-temporal/meerkat/plugins/internal/pluginsdk"
)

// ServeOption changes how [Serve] runs.
type ServeOption interface{ apply(*serveConfig) }

type serveConfig struct{ test *plugin.ServeTestConfig }

type serveOptionFunc func(*serveConfig)

func (f serveOptionFunc) apply(c *serveConfig) { f(c) }

// WithTestConfig serves in-process for a test (see plugin.ServeTestConfig).
func WithTestConfig(tc *plugin.ServeTestConfig) ServeOption {
	return serveOptionFunc(func(c *serveConfig) { c.test = tc })
}

// Serve serves impl as an LLM host plugin until the host stops it. It must be the first
// thing a plugin's main does (stdout carries the handshake). The plugin exits by itself
// when its parent process goes away.
func Serve(impl Host, opts ...ServeOption) {
	var cfg serveConfig
	for _, o := range opts {
		o.apply(&cfg)
	}
	tracker := &pluginsdk.Tracker{}
	pluginsdk.Serve(pluginsdk.ServeConfig{
		Kind:    Kind,
		Plugins: plugin.PluginSet{Kind: &GRPCPlugin{Impl: impl, tracker: tracker}},
		Tracker: tracker,
		Test:    cfg.test,
	})
}
