package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/meerkat-temporal/meerkat/machine"
)

// Error kinds beyond the machine's own (Rejected, NotReady, Destroyed, ValidationFailed,
// Internal, spelled as machine.Kind spells them).
const (
	// KindRuntimeOnly: the input reports a fact only the session's own runtime loop
	// observes (machine.OriginRuntime); callers cannot send it.
	KindRuntimeOnly = "RuntimeOnly"
	// KindPreviewOnly: the input is only ever previewed (machine.InputSpec.PreviewOnly);
	// as a signal it would have no observable result, so send it as an update.
	KindPreviewOnly = "PreviewOnly"
)

// Error is the error an update returns, carried to the client as the details of a
// Temporal application error whose type is Kind. The client package turns it back into
// an *Error, so callers branch on Kind or use errors.Is with the machine's sentinels
// (machine.ErrRejected and siblings).
type Error struct {
	Kind  string `json:"kind"`
	Input string `json:"input"`
	// Phase is the lifecycle phase the input was evaluated in, when the machine refused it.
	Phase string `json:"phase,omitempty"`
	Rule  string `json:"rule,omitempty"`
	Guard string `json:"guard,omitempty"`
	// Reason is a sentence a person can act on.
	Reason string `json:"reason"`
	// Retryable is true when the same call may succeed later unchanged (the workflow is
	// draining for continue-as-new).
	Retryable bool `json:"retryable,omitempty"`
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("workflows: %s %s", e.Input, e.Kind)
	if e.Phase != "" {
		msg += " in phase " + e.Phase
	}
	return msg + ": " + e.Reason
}

// Is makes errors.Is(err, machine.ErrRejected) and its siblings match an *Error of the
// same kind, so callers handle a refusal the same way on both sides of the wire.
func (e *Error) Is(target error) bool {
	var r *machine.Rejection
	if errors.As(target, &r) && r.Input == "" {
		return r.Kind.String() == e.Kind
	}
	t, ok := target.(*Error)
	return ok && t.Input == "" && t.Kind == e.Kind
}

// Sentinels for errors.Is on the shell's own kinds.
var (
	ErrRuntimeOnly = &Error{Kind: KindRuntimeOnly}
	ErrPreviewOnly = &Error{Kind: KindPreviewOnly}
)

// errorOf describes err (a machine rejection or an *Error) as an *Error.
func errorOf(input string, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var r *machine.Rejection
	if errors.As(err, &r) {
		out := &Error{Kind: r.Kind.String(), Input: input, Rule: r.Rule, Guard: r.Guard, Reason: r.Reason}
		if r.Kind != machine.KindValidationFailed && r.Kind != machine.KindInternal {
			out.Phase = r.Phase.String()
		}
		return out
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		// A host failure reported by an activity keeps its reason code as the kind.
		return &Error{Kind: app.Type(), Input: input, Reason: app.Error()}
	}
	return &Error{Kind: machine.KindInternal.String(), Input: input, Reason: err.Error()}
}

// applicationError wraps err for the Temporal boundary: the type is the kind, the
// details carry the *Error, and the category is benign (a refused input is an expected
// outcome, not a failure to alert on).
func applicationError(input string, err error) error {
	if err == nil {
		return nil
	}
	e := errorOf(input, err)
	return temporal.NewApplicationErrorWithOptions(e.Error(), e.Kind, temporal.ApplicationErrorOptions{
		NonRetryable: !e.Retryable,
		Details:      []any{*e},
		Category:     temporal.ApplicationErrorCategoryBenign,
	})
}

// ErrorFrom recovers the *Error carried by an update's failure (as returned by the
// Temporal client), or nil when err carries none.
func ErrorFrom(err error) *Error {
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || !app.HasDetails() {
		return nil
	}
	var e Error
	if app.Details(&e) != nil || e.Kind == "" {
		return nil
	}
	return &e
}
