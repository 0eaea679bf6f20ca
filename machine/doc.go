// Package machine is the pure functional core of the Meerkat session runtime: the Go form
// of the MeerkatMachine of the Rust crate meerkat-runtime, as specified in spec/machine.md.
//
// It owns the session state (State), the DSL inputs and effects, the transition rules and
// the projections. It must never import Temporal, gRPC, the operating system (os, net,
// os/exec, time.Now) or randomness (math/rand, crypto/rand): every fact from outside,
// including time and fresh identifiers, arrives as an input field.
//
// # Usage
//
//	s, _ := machine.NewSession("session-1")          // Initialize + RegisterSession
//	fx, err := s.Apply(machine.PrepareBindings{...})   // commit
//	fx, err = s.Preview(machine.CancelAfterBoundary{}) // evaluate, never commit
//	st, fx, err := s.Stage(in)                         // commit, restorable
//	st.Restore()                                       // only if nothing else was accepted since
//
// # Semantics (spec §1)
//
// Transitions of one input are tried in declaration order; the first whose guards all hold
// fires. Its updates run in order, then the lifecycle phase moves, then its effects are
// built from the updated state. A rejected input changes nothing and emits nothing. An
// absent optional value reads as its zero value.
package machine
