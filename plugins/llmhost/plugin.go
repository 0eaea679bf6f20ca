package llmhost

import (
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/meerkat-temporal/meerkat/plugins/internal/pluginsdk"
	pb "github.com/meerkat-temporal/meerkat/plugins/llmhost/internal/llmhostv1"
)

// Kind is the plugin kind name: the handshake kind and the go-plugin dispense name.
const Kind = "llmhost"

var protocol = pluginsdk.Protocol[Host]{
	Kind: Kind,
	Register: func(s *grpc.Server, impl Host, t *pluginsdk.Tracker) {
		pb.RegisterLlmHostServer(s, &grpcServer{impl: impl, tracker: t})
	},
	NewClient: func(c *grpc.ClientConn) any { return &Client{rpc: pb.NewLlmHostClient(c)} },
}

// GRPCPlugin is the go-plugin glue: Impl is served on the plugin side; on the host
// side GRPCClient returns a *Client.
type GRPCPlugin = pluginsdk.GRPCPlugin[Host]

// PluginSet returns the go-plugin set serving impl (nil impl: host side).
func PluginSet(impl Host) plugin.PluginSet { return protocol.PluginSet(impl) }

// Serve serves impl as an LLM host plugin until the host stops it. It must be the first
// thing a plugin's main does (stdout carries the handshake). The plugin exits by itself
// when its parent process goes away.
func Serve(impl Host) { protocol.Serve(impl) }
