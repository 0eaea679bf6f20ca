package pluginerr_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

func TestStatusRoundTrip(t *testing.T) {
	tests := map[string]struct {
		in   error
		want pluginerr.Error
	}{
		"typed reason": {in: pluginerr.New("channel_not_found", "channel c not found"),
			want: pluginerr.Error{Reason: "channel_not_found", Message: "channel c not found", Code: codes.FailedPrecondition}},
		"retryable with delay": {in: &pluginerr.Error{Reason: "rate_limited", Message: "slow down", Retryable: true, RetryAfter: 2 * time.Second},
			want: pluginerr.Error{Reason: "rate_limited", Message: "slow down", Retryable: true, RetryAfter: 2 * time.Second, Code: codes.Unavailable}},
		"plain error": {in: errors.New("disk full"),
			want: pluginerr.Error{Reason: pluginerr.InternalHostError, Message: "disk full", Code: codes.FailedPrecondition}},
		"bare unavailable (process died)": {in: status.Error(codes.Unavailable, "error reading from server: EOF"),
			want: pluginerr.Error{Reason: pluginerr.PluginUnavailable, Retryable: true, Code: codes.Unavailable}},
		"bare unimplemented": {in: status.Error(codes.Unimplemented, "unknown method"),
			want: pluginerr.Error{Reason: pluginerr.UnsupportedByPlugin, Message: "unknown method", Code: codes.Unimplemented}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := pluginerr.FromStatus(context.Background(), pluginerr.ToStatus(tc.in))
			var got *pluginerr.Error
			if !errors.As(err, &got) {
				t.Fatalf("FromStatus = %v, want *pluginerr.Error", err)
			}
			if got.Reason != tc.want.Reason || got.Retryable != tc.want.Retryable || got.RetryAfter != tc.want.RetryAfter || got.Code != tc.want.Code {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			if tc.want.Message != "" && got.Message != tc.want.Message {
				t.Errorf("message %q, want %q", got.Message, tc.want.Message)
			}
		})
	}
}

func TestCallerCancellationStaysAContextError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := pluginerr.FromStatus(ctx, status.Error(codes.Canceled, "context canceled"))
	if !errors.Is(err, context.Canceled) || pluginerr.ReasonOf(err) != "" {
		t.Fatalf("FromStatus(canceled by caller) = %v, want context.Canceled and no plugin reason", err)
	}
}
