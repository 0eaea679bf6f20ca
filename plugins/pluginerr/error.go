package pluginerr

import (
	"context"
	"errors"
	"fmt"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Domain is the google.rpc.ErrorInfo domain of every Meerkat plugin error.
const Domain = "plugins.meerkat"

// Reason is a stable snake_case code. Reasons never change spelling once released.
type Reason string

// Reasons produced by the host side for every plugin kind.
const (
	// PluginUnavailable: the plugin process is gone (crashed, killed, restarting) or
	// unreachable. The outcome of a mutating call is unknown; retrying with the same
	// idempotency key is safe.
	PluginUnavailable Reason = "plugin_unavailable"
	// PluginCrashLoop: the plugin crashed too often; the host stopped restarting it.
	PluginCrashLoop Reason = "plugin_crash_loop"
	// PluginRefused: the plugin binary was not started (checksum mismatch, handshake or
	// probe failure, missing file). An operator must fix the deployment.
	PluginRefused Reason = "plugin_refused"
	// UnsupportedByPlugin: the plugin does not implement the call (older protocol minor).
	UnsupportedByPlugin Reason = "unsupported_by_plugin"
	// InvalidRequest: the request is malformed (empty ids, bad enumeration spelling).
	InvalidRequest Reason = "invalid_request"
	// InternalHostError: the plugin failed in a way that has no more specific reason.
	InternalHostError Reason = "internal_host_error"
)

// Error is a plugin failure with a stable reason and a message a person can act on.
//
// Retryable says whether repeating the same call (same idempotency key) may succeed;
// RetryAfter, when non-zero, is the earliest sensible moment to do so.
type Error struct {
	Reason     Reason
	Message    string
	Retryable  bool
	RetryAfter time.Duration
	// Code is the gRPC code the error travels with; zero means "derive from Reason".
	Code codes.Code
	// Err is the underlying cause, if any.
	Err error
}

func (e *Error) Error() string {
	if e.Message == "" {
		return string(e.Reason)
	}
	return string(e.Reason) + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an Error with the given reason and a formatted message.
func New(reason Reason, format string, args ...any) *Error {
	return &Error{Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// ReasonOf returns the reason of the *Error in err's chain, or "" when there is none.
func ReasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// ToStatus encodes err for the wire. An *Error keeps its reason, retryability and
// retry delay; context errors keep their gRPC meaning; anything else becomes
// internal_host_error.
func ToStatus(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) {
		if _, ok := status.FromError(err); ok {
			return err
		}
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			return status.Error(codes.DeadlineExceeded, err.Error())
		case errors.Is(err, context.Canceled):
			return status.Error(codes.Canceled, err.Error())
		}
		e = &Error{Reason: InternalHostError, Message: err.Error()}
	}
	code := e.Code
	if code == codes.OK {
		code = codes.FailedPrecondition
		if e.Retryable {
			code = codes.Unavailable
		}
	}
	st := status.New(code, e.Message)
	details := []protoadapt.MessageV1{&errdetails.ErrorInfo{
		Reason:   string(e.Reason),
		Domain:   Domain,
		Metadata: map[string]string{"retryable": fmt.Sprint(e.Retryable)},
	}}
	if e.RetryAfter > 0 {
		details = append(details, &errdetails.RetryInfo{RetryDelay: durationpb.New(e.RetryAfter)})
	}
	if withDetails, derr := st.WithDetails(details...); derr == nil {
		st = withDetails
	}
	return st.Err()
}

// FromStatus decodes an error returned by a gRPC call into an *Error. A status without
// a Meerkat ErrorInfo is classified by its code: Unavailable means the process is gone
// (plugin_unavailable, retryable), Unimplemented means unsupported_by_plugin, and
// context cancellation or deadline errors are returned as the context's own error so
// callers can tell "my caller gave up" from a plugin failure.
func FromStatus(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var already *Error
	if errors.As(err, &already) {
		return err
	}
	// Once the caller gave up, the transport reports that in several ways (Canceled,
	// DeadlineExceeded, or a reset stream surfacing as Internal): the context decides.
	if ctx.Err() != nil {
		return fmt.Errorf("plugin call: %w", context.Cause(ctx))
	}
	st, ok := status.FromError(err)
	if !ok {
		return &Error{Reason: InternalHostError, Message: err.Error(), Err: err}
	}
	out := &Error{Code: st.Code(), Message: st.Message(), Err: err}
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			if d.GetDomain() == Domain {
				out.Reason = Reason(d.GetReason())
				out.Retryable = d.GetMetadata()["retryable"] == "true"
			}
		case *errdetails.RetryInfo:
			out.RetryAfter = d.GetRetryDelay().AsDuration()
		}
	}
	if out.Reason != "" {
		return out
	}
	switch st.Code() {
	case codes.Unavailable, codes.Canceled:
		out.Reason, out.Retryable = PluginUnavailable, true
		out.Message = "plugin process is unavailable (crashed, restarting or stopped): " + st.Message()
	case codes.Unimplemented:
		out.Reason = UnsupportedByPlugin
	case codes.DeadlineExceeded:
		out.Reason, out.Retryable = InternalHostError, true
	case codes.InvalidArgument:
		out.Reason = InvalidRequest
	default:
		out.Reason = InternalHostError
	}
	return out
}
