package live

import (
	"github.com/hashicorp/go-plugin"

	"github.com/meerkat-temporal/meerkat/plugins/internal/pluginsdk"
)

// Serve serves impl as a live adapter plugin until the host stops it. It must be the first
// thing a plugin's main does (stdout carries the handshake). The plugin exits by itself
// when its parent process goes away.
func Serve(impl Host) {
	tracker := &pluginsdk.Tracker{}
	pluginsdk.Serve(pluginsdk.ServeConfig{
		Kind:    Kind,
		Plugins: plugin.PluginSet{Kind: &GRPCPlugin{Impl: impl, tracker: tracker}},
		Tracker: tracker,
	})
}
