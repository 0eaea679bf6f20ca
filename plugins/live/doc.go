// Package live is the contract of Meerkat live adapter plugins, protocol major 1
// (proto package live.v1): realtime channels opened for a session, the four live
// commands of spec §8 (send input, commit input, interrupt, truncate assistant output)
// answered with per-channel acceptance sequences, refresh, the WebRTC answer, and one
// server stream of status and close observations per adapter process.
//
// # For plugin authors
//
// Implement [Host] and make [Serve] the first call of main. Optionally implement
// [Drainer] (close channels before the process is stopped). Return *[pluginerr.Error]
// values with the §11.2 reason codes of errors.go. Check your plugin with
// plugins/live/conformance.
//
// # For the host
//
// [NewManager] supervises an adapter binary (checksum, restart, drain, hot swap),
// implements [Host], routes each channel's calls to the process that opened it, and
// turns the death of a process into Closed observations for its channels.
// [CommandRejectionReason] and [ChannelRequestRejectionReason] map errors to the
// machine's rejection reasons; the mapping itself is the machine's
// (machine.CommandRejectionForHostError, machine.ChannelRequestRejectionForHostError).
//
// # What it must not import
//
// Temporal, workflows/, activities/. It uses machine/ for data types and its pure
// host-error mappings.
package live
