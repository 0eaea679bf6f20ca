package machine

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies why the machine refused something, so callers can choose a response
// without reading messages.
type Kind uint8

const (
	// KindRejected: the input is known in the current phase but a guard does not hold
	// (the DSL's GuardRejected). Idempotent callers may treat it as a no-op.
	KindRejected Kind = 1 + iota
	// KindNotReady: no transition of the input starts in the current phase.
	KindNotReady
	// KindDestroyed: the session is destroyed; it accepts nothing further.
	KindDestroyed
	// KindValidationFailed: the input itself is malformed (bad JSON, unknown enum value,
	// missing required field, oversized payload, unknown input name).
	KindValidationFailed
	// KindInternal: a programming error (no transition declared, a broken invariant).
	KindInternal
)

var kindNames = [...]string{"", "Rejected", "NotReady", "Destroyed", "ValidationFailed", "Internal"}

func (k Kind) String() string {
	if int(k) < len(kindNames) && k != 0 {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Rejection is the error returned when the machine refuses an input. Nothing in the state
// changed and nothing was emitted.
type Rejection struct {
	Kind  Kind
	Phase Phase  // lifecycle phase when the input was evaluated
	Input string // DSL name of the input
	Rule  string // the transition that came closest to firing, if any
	Guard string // the guard of Rule that did not hold, if any
	// Reason is a sentence a person can act on.
	Reason string
}

func (r *Rejection) Error() string {
	var b strings.Builder
	b.WriteString("machine: ")
	b.WriteString(r.Input)
	b.WriteString(" ")
	switch r.Kind {
	case KindValidationFailed:
		b.WriteString("is invalid")
	case KindInternal:
		b.WriteString("failed")
	default:
		b.WriteString("rejected in phase ")
		b.WriteString(r.Phase.String())
	}
	if r.Reason != "" {
		b.WriteString(": ")
		b.WriteString(r.Reason)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrRejected) and its siblings match on Kind.
func (r *Rejection) Is(target error) bool {
	t, ok := target.(*Rejection)
	return ok && t.Input == "" && t.Kind == r.Kind
}

// Sentinels for errors.Is; each matches every Rejection of its Kind.
var (
	ErrRejected         = &Rejection{Kind: KindRejected}
	ErrNotReady         = &Rejection{Kind: KindNotReady}
	ErrDestroyed        = &Rejection{Kind: KindDestroyed}
	ErrValidationFailed = &Rejection{Kind: KindValidationFailed}
	ErrInternal         = &Rejection{Kind: KindInternal}
)

// KindOf returns the Kind of a machine error, or 0 when err is not one.
func KindOf(err error) Kind {
	var r *Rejection
	if errors.As(err, &r) {
		return r.Kind
	}
	return 0
}

func invalidInput(input string, format string, args ...any) *Rejection {
	return &Rejection{Kind: KindValidationFailed, Input: input, Reason: fmt.Sprintf(format, args...)}
}
