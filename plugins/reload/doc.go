// Package reload lets a running worker hot-swap its plugins: it reads a plugin manifest
// (a JSON file naming each kind's binary, SHA-256 and version) and calls Swap on the
// matching manager, either once ([Apply]) or every time the worker receives a signal,
// SIGHUP by convention ([OnSignal]).
//
// Operators install a new binary next to the old one (never overwrite a running
// executable), update the manifest atomically (write temp, rename) and send SIGHUP.
//
// It imports only plugins/internal/supervisor types; the worker wires it to
// llmhost.Manager and live.Manager.
package reload
