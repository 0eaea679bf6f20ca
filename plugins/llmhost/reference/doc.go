// Package reference is the built-in LLM host plugin: a JSON model catalogue, durable
// per-session LLM state (one atomically written file per session), the offline `echo`
// provider and an OpenAI-compatible chat-completions provider, and two tools,
// `view_image` and `current_time`.
//
// The worker binary re-executes itself and calls [Main]; tests call [New] and serve the
// result in-process or from a re-executed test binary.
//
// It imports plugins/llmhost and machine/ (data types only); never Temporal.
package reference
