// Package supervisor runs plugin processes for the host: it verifies each binary's
// SHA-256 before launch, starts it with automatic mutual TLS, a fresh exec.Cmd and
// SecureConfig, its own socket directory and an allow-listed environment, probes it
// (Describe), restarts it lazily after a crash (one start at a time, with backoff and a
// crash-loop limit), drains in-flight calls before stopping it, and hot-swaps it for a
// new binary without failing calls.
//
// It is shared by every plugin kind; kind-specific behaviour (the go-plugin set, the
// Describe probe, the Drain call) comes in a [Kind]. It must not import machine/ or
// any protocol package.
package supervisor
