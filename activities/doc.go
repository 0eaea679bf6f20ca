// Package activities holds the Temporal activities that call the plugins: one activity
// per plugin operation, no session state. Each activity builds the idempotency key from
// the workflow ID and activity ID (stable across retries), calls the plugin with the
// activity context (cancellation and deadlines reach the plugin) while heartbeating
// every third of the activity's HeartbeatTimeout, and maps failures to Temporal
// application errors with [ToApplicationError].
//
// # Timeouts and cancellation
//
// Give plugin activities a HeartbeatTimeout: a cancel requested by the workflow and a
// heartbeat timeout reach a running activity only through its heartbeats, and both then
// cancel the plugin call (the plugin's handler sees its context end). A worker whose
// heartbeats stop arriving, because it hangs, is partitioned or was killed, is noticed
// by the server after one HeartbeatTimeout, and the attempt is retried.
//
// # Error mapping
//
// The ApplicationError type is the plugin reason in CamelCase, which for live rejections
// equals the machine's rejection reason (ChannelNotFound, NoAdapter, ChannelNotReady,
// UnsupportedCommand, AdapterError, InternalHostError, …). Plugin outages
// (PluginUnavailable, PluginCrashLoop, PluginRefused) and errors the plugin marks
// retryable are retried after a delay; every other reason is a contract error and is
// not retried.
//
// # Observations
//
// [ObservationForwarder] is not an activity: the worker runs it beside the activities to
// record the live adapter's status and close observations in the owning sessions.
//
// # What it must not import
//
// workflows/ and machine/ internals beyond data types; it holds no session state.
package activities
