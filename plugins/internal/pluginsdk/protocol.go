package pluginsdk

import (
	"context"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

// Info is a plugin's self-description, its answer to Describe.
type Info struct {
	Name         string
	Version      string
	APIVersions  []uint32
	Capabilities []string
}

// Protocol is what the go-plugin glue needs to know of one plugin protocol whose
// implementations are H.
type Protocol[H any] struct {
	// Kind is the plugin kind: the handshake kind and the go-plugin dispense name.
	Kind string
	// Register registers the generated gRPC service serving impl; t counts its calls
	// for the Drain RPC.
	Register func(s *grpc.Server, impl H, t *Tracker)
	// NewClient wraps a connection to the plugin in the protocol's host-side client.
	NewClient func(*grpc.ClientConn) any
}

// GRPCPlugin is the go-plugin glue of a protocol: Impl is served on the plugin side; on
// the host side GRPCClient returns the protocol's client.
type GRPCPlugin[H any] struct {
	plugin.NetRPCUnsupportedPlugin
	Protocol Protocol[H]
	Impl     H
	tracker  *Tracker
}

// GRPCServer registers the protocol's service.
func (p *GRPCPlugin[H]) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	t := p.tracker
	if t == nil {
		t = &Tracker{}
	}
	p.Protocol.Register(s, p.Impl, t)
	return nil
}

// GRPCClient wraps the connection in the protocol's client.
func (p *GRPCPlugin[H]) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return p.Protocol.NewClient(c), nil
}

// PluginSet returns the go-plugin set serving impl (the zero H on the host side).
func (pr Protocol[H]) PluginSet(impl H) plugin.PluginSet {
	return plugin.PluginSet{pr.Kind: &GRPCPlugin[H]{Protocol: pr, Impl: impl}}
}

// Serve serves impl with [Serve], its unary calls counted for Drain.
func (pr Protocol[H]) Serve(impl H) {
	tracker := &Tracker{}
	Serve(ServeConfig{
		Kind:    pr.Kind,
		Plugins: plugin.PluginSet{pr.Kind: &GRPCPlugin[H]{Protocol: pr, Impl: impl, tracker: tracker}},
		Tracker: tracker,
	})
}
