package activities_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/meerkat-temporal/meerkat/activities"
	"github.com/meerkat-temporal/meerkat/plugins/live"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

func TestToApplicationError(t *testing.T) {
	type want struct {
		errType      string
		nonRetryable bool
		delay        time.Duration
	}
	contract := func(typ string) want { return want{errType: typ, nonRetryable: true} }
	tests := map[string]struct {
		in   error
		want want
	}{
		"channel_not_found":     {pluginerr.New(live.ChannelNotFound, "x"), contract("ChannelNotFound")},
		"no_adapter":            {pluginerr.New(live.NoAdapter, "x"), contract("NoAdapter")},
		"channel_not_ready":     {pluginerr.New(live.ChannelNotReady, "x"), contract("ChannelNotReady")},
		"unsupported_command":   {pluginerr.New(live.UnsupportedCommand, "x"), contract("UnsupportedCommand")},
		"adapter_error":         {pluginerr.New(live.AdapterError, "x"), contract("AdapterError")},
		"internal_host_error":   {pluginerr.New(live.InternalHostError, "x"), contract("InternalHostError")},
		"session_already_bound": {pluginerr.New(live.SessionAlreadyBound, "x"), contract("SessionAlreadyBound")},
		"invalid_payload":       {pluginerr.New(live.InvalidPayload, "x"), contract("InvalidPayload")},
		"webrtc_answer_error":   {pluginerr.New(live.WebrtcAnswerError, "x"), contract("WebrtcAnswerError")},
		"unknown_model":         {pluginerr.New(llmhost.UnknownModel, "x"), contract("UnknownModel")},
		"tool_not_visible":      {pluginerr.New(llmhost.ToolNotVisible, "x"), contract("ToolNotVisible")},
		"invalid_request":       {pluginerr.New(pluginerr.InvalidRequest, "x"), contract("InvalidRequest")},
		"unsupported_by_plugin": {pluginerr.New(pluginerr.UnsupportedByPlugin, "x"), contract("UnsupportedByPlugin")},
		"plugin_unavailable":    {&pluginerr.Error{Reason: pluginerr.PluginUnavailable, Retryable: true}, want{errType: "PluginUnavailable", delay: activities.UnavailableRetryDelay}},
		"plugin_crash_loop":     {&pluginerr.Error{Reason: pluginerr.PluginCrashLoop, Retryable: true, RetryAfter: 40 * time.Second}, want{errType: "PluginCrashLoop", delay: 40 * time.Second}},
		"plugin_refused":        {pluginerr.New(pluginerr.PluginRefused, "checksum"), want{errType: "PluginRefused", delay: activities.RefusedRetryDelay}},
		"retryable from plugin": {&pluginerr.Error{Reason: "rate_limited", Retryable: true, RetryAfter: 3 * time.Second}, want{errType: "RateLimited", delay: 3 * time.Second}},
		"plain error":           {errors.New("boom"), want{errType: "InternalHostError"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var appErr *temporal.ApplicationError
			if !errors.As(activities.ToApplicationError(tc.in), &appErr) {
				t.Fatalf("not an ApplicationError")
			}
			got := want{errType: appErr.Type(), nonRetryable: appErr.NonRetryable(), delay: appErr.NextRetryDelay()}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestContextErrorsPassThrough(t *testing.T) {
	for _, err := range []error{context.Canceled, fmt.Errorf("plugin call: %w", context.DeadlineExceeded)} {
		if got := activities.ToApplicationError(err); got != err {
			t.Errorf("ToApplicationError(%v) = %v, want it unchanged", err, got)
		}
	}
}
