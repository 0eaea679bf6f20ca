// Package conformance checks that a live adapter plugin honours the live contract, in
// the spirit of testing/slogtest. A plugin author runs it against their own adapter:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, func(t *testing.T) live.Host { return myAdapterOverGRPC(t) })
//	}
//
// newHost should return a host reached through the real gRPC path (for example
// plugin.TestPluginGRPCConn with live.PluginSet). Each case is a subtest that says what
// it checks and why. It imports only plugins/live, pluginerr and machine/ data types.
package conformance
