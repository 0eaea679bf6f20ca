// Package pluginsdk is the plumbing shared by every Meerkat plugin kind: the handshake,
// the go-plugin glue of a protocol ([Protocol], [GRPCPlugin]) and the self-description
// type every Describe returns ([Info]), the go-plugin Serve call with a JSON hclog
// logger and a generous message size limit, the in-flight call tracker behind the
// Drain RPC, and the parent watchdog that ends a plugin whose worker went away.
//
// It must not import machine/ or any protocol package; protocol packages import it.
package pluginsdk
