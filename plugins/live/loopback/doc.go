// Package loopback is the built-in live adapter: a local, simulated realtime model.
//
// Opening a channel reports Opening at once and Ready shortly after (on the
// observation stream). The four commands are accepted on Ready channels with one
// increasing per-channel sequence; commit starts a simulated assistant response,
// interrupt stops it, truncate cuts the assistant item it names. Faults can be injected
// by configuration (after the Nth accepted command of a channel) or by sending the text
// "fault:<action>": degrade:RateLimited, degrade:ProviderThrottled,
// degrade:NetworkUnstable, recover, close, crash.
//
// The worker binary re-executes itself and calls [Main]. It imports plugins/live and
// machine/ (data types only); never Temporal.
package loopback
