// Package machine is the pure functional core of the Meerkat session runtime: the Go form
// of the MeerkatMachine of the Rust crate meerkat-runtime, as specified in spec/machine.md.
// Everything else in the product (the Temporal workflow, the plugins, the CLI) only feeds
// it facts and carries out the effects it emits.
//
// It owns the session state (State), the DSL inputs and effects, the transition rules, the
// catalogue of inputs and the projections. It must never import Temporal, gRPC, the
// operating system (os, net, os/exec, time.Now) or randomness (math/rand, crypto/rand):
// every fact from outside, including time and fresh identifiers, arrives as an input field.
// A test guards these imports.
//
// # Usage
//
//	s, err := machine.NewSession("session-1")              // Initialize + RegisterSession
//	fx, err := s.Apply(machine.PrepareBindings{...})         // commit
//	fx, err = s.Preview(machine.CancelAfterBoundary{})       // evaluate, never commit
//	st, fx, err := s.Stage(in)                               // commit, restorable
//	st.Restore()                                             // only if nothing else was accepted since
//	in, err := machine.DecodeInput("RegisterSession", data)  // JSON as the DSL spells it
//
// State is one plain value whose JSON uses the DSL field names and round-trips without loss;
// it is the snapshot a workflow carries across continue-as-new. Restore decodes a snapshot
// and hard-checks the invariants.
//
// # Semantics (spec §1)
//
// The transitions of one input are tried in declaration order; the first whose guards all
// hold fires. Its updates run in order, then the lifecycle phase moves, then its effects are
// built from the updated state, so an effect reports an incremented sequence. A rejected
// input changes nothing and emits nothing. An absent optional value (Opt) reads as its zero
// value. The DSL's per_phase shorthand is a rule whose from-set lists the phases and whose
// target is "stay". The invariants (CheckInvariants) hold after every accepted input; Apply
// does not run them (that would make its cost grow with the state), tests and fuzzing do
// after every step, and Restore does on every snapshot.
//
// Apply, Preview and Stage cost the same whatever the size of the state: guards only read,
// map writes go through a journal that Preview and Stage roll back, and nothing scans a map.
// A State is not safe for concurrent use (a Temporal workflow is single-threaded).
//
// # Effects
//
// Effects are returned in emission order; the shell carries them out in that order and
// reports what it observed as further inputs. Each effect type documents whether it is
// local (for the session's shell), external (a notice to observers) or routed (for another
// machine). The machine never invents a public result the shell must guess: result classes,
// public error classes and sequence numbers are all effect fields.
//
// # Errors
//
// A refusal is a *Rejection with a Kind: Rejected (a guard does not hold; Guard names it as
// the spec states it), NotReady (no transition starts in this phase), Destroyed,
// ValidationFailed (malformed input: bad JSON, unknown enum value, missing required field,
// oversized) or Internal. Match with errors.Is(err, ErrRejected) and siblings, or KindOf.
//
// # Catalogue
//
// Catalogue lists every implemented input and signal with its group, one line of
// documentation, the phases it can fire in, its transitions, whether a caller may send it
// or only the runtime reports it (run and turn facts, staging and consumption, executor
// exit), and a strict JSON decoder. The workflow registers its signal and update handlers
// from it and the README generates its message table from it.
//
// # Live channels and the live topology together
//
// Upstream never had the live-channel plane (spec §8, v0.7.1) and the realtime
// attachment / live-topology plane (spec §9, v0.6.3) in one release. This machine has both,
// joined by three rules:
//   - while live_topology_phase is not Idle, ResolveLiveOpenAdmission is answered with the
//     rejection TopologyReconfiguring: an outcome with admitted=false and a sequence, like
//     the other open rejections;
//   - when MarkLiveTopologyDetached fires while the session has an active live channel, the
//     machine also emits LiveChannelCloseRequested{reason: "topology"}, asking the shell to
//     close that channel; the close is then recorded with RecordLiveCloseClosed as usual;
//   - a channel admitted after CompleteLiveTopology binds the session's new identity: the
//     admitted bound identity is the machine's current session LLM identity when it has one.
//
// # Not implemented
//
// These parts of the upstream machine are out of scope and have no inputs here:
// mob-operator authority, MCP, peer ingress and peer projection, ops lifecycle, surface
// requests, model routing and image operations, event and interaction streams, the
// supervisor bridge, deferred-session staging, external tool surfaces, extraction, and the
// comms drain. The turn sub-machine stops short of extraction and the ops barrier.
//
// # Interpretations
//
// Where the spec's text is silent or contradicts itself we chose, and say so here:
//   - Identifiers that name something (session_id, run_id, channel ids, tokens) must not be
//     empty; an empty one is a guard rejection.
//   - Retire while a run is bound keeps Running with pre_run_phase Retired (upstream HEAD), so
//     the run can end and converge to Retired; v0.7.1 stranded the run in Retired.
//   - A run that ends into Idle or Retired, and UnregisterSession, clear
//     runtime_stop_deferred, and Recycle clears pre_run_phase with current_run_id: the
//     v0.7.1 text otherwise breaks its own §1.7 invariants.
//   - DrainQueuedRun requires that no run is bound.
//   - Input-lifecycle steps (stage, rollback, mark, consume, supersede, coalesce, abandon,
//     lane changes) apply only to inputs that are not terminal yet; upstream leaves this
//     to the shell. A terminal outcome is never overwritten.
//   - The admission plan's arm 3 takes an Operation with a requested Queue lane, as the
//     DSL guard does (the spec's prose calls that combination rejected).
//   - The accept pipeline (State.Accept) checks the plan and the admission signal without
//     writing before validation, as upstream's shell does; a request no plan admits, a
//     reused input id and a terminal coalesce target are ValidationFailed errors. The
//     lifecycle gate answers Rejected{NotReady} in Initializing, Retired and Stopped.
//     StageAccept returns a handle that restores the pre-accept state (§7.1 step 7).
//   - A token whose issued_at_ms + ttl_ms would overflow is refused (the DSL's sum would
//     wrap to an expiry in the past).
//   - The state records one value per tracked input, channel and token instead of the
//     DSL's parallel maps; JSON names stay the DSL's where a DSL field exists.
//   - Tokens are stored and compared by their SHA-256 digest, never by the raw value.
//   - Unset enumerations are the zero value and encode as "".
package machine
