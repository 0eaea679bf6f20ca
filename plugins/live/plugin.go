package live

import (
	"context"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/meerkat-temporal/meerkat/plugins/internal/pluginsdk"
	pb "github.com/meerkat-temporal/meerkat/plugins/live/internal/livev1"
)

// Kind is the plugin kind name: the handshake kind and the go-plugin dispense name.
const Kind = "live"

// GRPCPlugin is the go-plugin glue: Impl is served on the plugin side; on the host
// side GRPCClient returns a *Client.
type GRPCPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl    Host
	tracker *pluginsdk.Tracker
}

// GRPCServer registers the llmhost.v1 service.
func (p *GRPCPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	t := p.tracker
	if t == nil {
		t = &pluginsdk.Tracker{}
	}
	pb.RegisterLiveAdapterServer(s, &grpcServer{impl: p.Impl, tracker: t})
	return nil
}

// GRPCClient wraps the connection in a *Client.
func (p *GRPCPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return &Client{rpc: pb.NewLiveAdapterClient(c)}, nil
}

// PluginSet returns the go-plugin set serving impl (nil impl: host side).
func PluginSet(impl Host) plugin.PluginSet {
	return plugin.PluginSet{Kind: &GRPCPlugin{Impl: impl}}
}
