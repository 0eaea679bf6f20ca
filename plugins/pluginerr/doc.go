// Package pluginerr is the error vocabulary shared by every Meerkat plugin protocol.
//
// # What it owns
//
// [Error] with a stable snake_case [Reason], the encoding of an Error into a gRPC status
// (a google.rpc.ErrorInfo detail carries the reason, a RetryInfo detail the retry
// delay) and its decoding on the host side, plus the reasons the host itself produces
// when a plugin process is unavailable, crash-looping or refused. Protocol packages
// (plugins/llmhost, plugins/live) define their own reasons on top and map them to the
// machine's enumerations.
//
// # What it must not import
//
// Nothing of the project: no machine/, no Temporal, no go-plugin.
package pluginerr
