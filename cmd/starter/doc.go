// Command starter is the command line of the Meerkat session runtime: it starts, lists,
// describes and destroys sessions, sends inputs and waits for their outcome, stops and
// cancels runs, reconfigures the LLM and the live topology, opens live channels and
// issues and presents their tokens, reads every projection of a session, and runs
// `starter demo`, a scripted end-to-end scenario against a running worker.
//
// # Usage
//
//	starter [global flags] <command> [args]
//	starter help                  # every command
//	starter <command> -h          # one command's arguments and flags
//
// Output is human-readable by default; with --json every command prints exactly one
// JSON document on stdout, spelled as the DSL spells it (snake_case fields, enum values
// as the machine names them). Exit codes:
//
//	0  success
//	1  failure: Temporal unreachable, internal error, timeout (see --timeout)
//	2  usage error: bad flags or arguments (the command's usage is printed)
//	3  rejected by the session: a machine or workflow refusal (kind, rule, guard and
//	   reason are printed), or an accept, live open or token admission refused
//
// # Ownership
//
// The package owns the command line only: argument parsing, output, exit codes and the
// demo script. Every session operation goes through workflows/sessionclient, sessions
// are addressed by workflows.WorkflowID with an empty run ID, and no status is invented
// here: what is printed is what the session's machine answered. It imports machine and
// plugins/llmhost for their data types only; it must never import activities or a plugin
// implementation, and never call machine.Apply.
package main
