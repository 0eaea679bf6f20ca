// Package llmhost is the contract of the Meerkat LLM host plugin, protocol major 1
// (proto package llmhost.v1).
//
// # For plugin authors
//
// Implement [Host] (the six operations of SessionLlmReconfigureHost from spec §10.2,
// plus [Host.CallLlm] and [Host.ExecuteToolCall]) and make [Serve] the first call of
// main. Optionally implement [Drainer]. Return *[pluginerr.Error] values with the
// reasons of errors.go; anything else reaches the host as internal_host_error. Check
// your plugin with plugins/llmhost/conformance.
//
// # For the host
//
// [NewManager] supervises a plugin binary (checksum, restart, drain, hot swap) and
// itself implements [Host]; [Client] is what go-plugin dispenses for one connection
// (see [PluginSet]), used directly in in-process tests.
//
// # What it must not import
//
// Temporal, workflows/, activities/. It uses machine/ only for data types.
package llmhost
