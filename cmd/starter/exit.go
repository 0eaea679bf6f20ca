package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/api/serviceerror"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

// Exit codes; part of the command line's contract.
const (
	exitOK       = 0
	exitFailure  = 1 // Temporal unreachable, internal error, timeout
	exitUsage    = 2 // bad flags or arguments
	exitRejected = 3 // a refusal by the session
)

// usageError is a bad flag or argument: exit 2, with the command's usage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// refusedError is an outcome the session's machine refused without an error (an accept
// rejected, a live open or token admission not admitted): exit 3. The command printed
// its result document before returning it.
type refusedError struct{ msg string }

func (e *refusedError) Error() string { return e.msg }

func refusedf(format string, args ...any) error {
	return &refusedError{msg: fmt.Sprintf(format, args...)}
}

// unreachableError is a failure to connect to Temporal.
type unreachableError struct {
	address string
	err     error
}

func (e *unreachableError) Error() string {
	return fmt.Sprintf("cannot reach Temporal at %s: %v", e.address, e.err)
}

func (e *unreachableError) Unwrap() error { return e.err }

// failure is how a failed command is reported: the exit code, the line printed on
// stderr and, with --json, the error document printed on stdout.
type failure struct {
	Code int `json:"exit_code"`
	// Kind classifies the failure: "usage", "unreachable", "timeout", "not_found",
	// "refused" (an outcome), "internal", or the session's rejection kind
	// (Rejected, NotReady, Destroyed, ValidationFailed, RuntimeOnly, a host reason…).
	Kind    string `json:"kind"`
	Input   string `json:"input,omitempty"`
	Phase   string `json:"phase,omitempty"`
	Rule    string `json:"rule,omitempty"`
	Guard   string `json:"guard,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message"`
	// Hint says what to do about it, when there is something to say.
	Hint string `json:"hint,omitempty"`
}

// rejectionOf returns the session's refusal carried by err, or nil.
func rejectionOf(err error) *workflows.Error {
	var e *workflows.Error
	if errors.As(err, &e) {
		return e
	}
	return workflows.ErrorFrom(err)
}

// classify maps err to its exit code and report. timeout is the --timeout in force.
func classify(err error, g globals) failure {
	var usage *usageError
	var refused *refusedError
	var check *checkError
	var unreachable *unreachableError
	var notFound *serviceerror.NotFound
	var invalid *serviceerror.InvalidArgument
	var nsNotFound *serviceerror.NamespaceNotFound
	switch {
	case errors.As(err, &usage):
		return failure{Code: exitUsage, Kind: "usage", Message: usage.msg}
	case errors.Is(err, sessionclient.ErrUnknownInput):
		return failure{Code: exitFailure, Kind: "not_found", Message: err.Error(),
			Hint: "check the input id: `starter describe <session>` lists the active inputs"}
	case errors.As(err, &check):
		return failure{Code: exitFailure, Kind: "check_failed", Message: err.Error()}
	case errors.As(err, &refused):
		return failure{Code: exitRejected, Kind: "refused", Message: "rejected: " + refused.msg}
	case errors.As(err, &unreachable):
		return failure{Code: exitFailure, Kind: "unreachable", Message: unreachable.Error(),
			Hint: "is the worker running? Start one with `go run ./cmd/worker`, or point --address (or " + addressEnv + ") and the TLS flags at your cluster"}
	}
	if e := rejectionOf(err); e != nil {
		f := failure{Code: exitRejected, Kind: e.Kind, Input: e.Input, Phase: e.Phase, Rule: e.Rule, Guard: e.Guard, Reason: e.Reason}
		if e.Kind == machine.KindInternal.String() {
			f.Code = exitFailure
			f.Message = "internal error in the session: " + e.Reason
			return f
		}
		f.Message = rejectionMessage(e)
		return f
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded) || status.Code(unwrapAll(err)) == codes.DeadlineExceeded || isDeadline(err):
		return failure{Code: exitFailure, Kind: "timeout", Message: fmt.Sprintf("timed out after %s: %v", g.timeout, err),
			Hint: "raise --timeout, and check that a worker polls task queue " + workflows.TaskQueue}
	case errors.Is(err, context.Canceled):
		return failure{Code: exitFailure, Kind: "interrupted", Message: "interrupted: " + err.Error()}
	case errors.As(err, &nsNotFound):
		return failure{Code: exitFailure, Kind: "not_found", Message: err.Error(),
			Hint: "check --namespace (the worker's default is " + defaultNamespace + ")"}
	case errors.As(err, &notFound) && strings.Contains(err.Error(), "already completed"):
		return failure{Code: exitFailure, Kind: "not_found", Message: err.Error(),
			Hint: "the session's workflow has ended (the session was destroyed): `starter describe <session>` shows it, `starter start <another id>` opens a new one"}
	case errors.As(err, &notFound):
		return failure{Code: exitFailure, Kind: "not_found", Message: err.Error(),
			Hint: "no running session has that id: list sessions with `starter list`, or start one with `starter start <session>`"}
	case errors.As(err, &invalid):
		return failure{Code: exitFailure, Kind: "invalid_argument", Message: err.Error()}
	}
	return failure{Code: exitFailure, Kind: "internal", Message: err.Error()}
}

// isDeadline recognises a deadline reported as text by the SDK (some paths flatten
// the gRPC status into a plain error).
func isDeadline(err error) bool {
	return strings.Contains(err.Error(), "context deadline exceeded")
}

// unwrapAll returns the innermost error, where the gRPC status lives.
func unwrapAll(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// rejectionMessage names the refusal: its kind, the guard and rule that refused it, the
// input and phase, and the machine's reason, e.g.
//
//	rejected: NotReady by guard "turnRunning" of rule "CancelAfterBoundary" (input cancel_after_boundary, phase Attached): no turn is running
func rejectionMessage(e *workflows.Error) string {
	var b strings.Builder
	b.WriteString("rejected: " + e.Kind)
	if e.Guard != "" {
		fmt.Fprintf(&b, " by guard %q", e.Guard)
	}
	if e.Rule != "" {
		fmt.Fprintf(&b, " of rule %q", e.Rule)
	}
	var where []string
	if e.Input != "" {
		where = append(where, "input "+e.Input)
	}
	if e.Phase != "" {
		where = append(where, "phase "+e.Phase)
	}
	if len(where) > 0 {
		b.WriteString(" (" + strings.Join(where, ", ") + ")")
	}
	if e.Reason != "" {
		b.WriteString(": " + e.Reason)
	}
	return b.String()
}

// report prints err (nothing when nil) and returns the exit code.
func (a *app) report(err error) int {
	if err == nil {
		return exitOK
	}
	f := classify(err, a.g)
	fmt.Fprintln(a.stderr, "starter:", f.Message)
	if f.Hint != "" {
		fmt.Fprintln(a.stderr, "  hint:", f.Hint)
	}
	if f.Code == exitUsage {
		fmt.Fprintln(a.stderr)
		if a.cmd != nil {
			a.printCommandUsage(a.stderr, a.cmd)
		} else {
			a.printHelp(a.stderr)
		}
	}
	// A refused outcome's command, and the demo, already printed their document.
	var refused *refusedError
	var reported *reportedError
	if a.g.json && !errors.As(err, &refused) && !errors.As(err, &reported) {
		_ = writeJSON(a.stdout, struct {
			Error failure `json:"error"`
		}{f})
	}
	return f.Code
}
