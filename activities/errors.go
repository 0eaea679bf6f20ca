package activities

import (
	"context"
	"errors"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

// Retry delays for plugin outages.
const (
	// UnavailableRetryDelay: the plugin crashed or is restarting; the next attempt
	// restarts it.
	UnavailableRetryDelay = 2 * time.Second
	// RefusedRetryDelay: the binary was refused (checksum, handshake); an operator has
	// to fix it or hot-swap a good binary.
	RefusedRetryDelay = time.Minute
)

// ToApplicationError maps a plugin error to a Temporal error. Context errors pass
// through unchanged (Temporal handles cancellation and timeouts itself).
func ToApplicationError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var perr *pluginerr.Error
	if !errors.As(err, &perr) {
		perr = &pluginerr.Error{Reason: pluginerr.InternalHostError, Message: err.Error(), Retryable: true, Err: err}
	}
	opts := temporal.ApplicationErrorOptions{Cause: perr.Err}
	switch {
	case perr.Reason == pluginerr.PluginUnavailable || perr.Reason == pluginerr.PluginCrashLoop:
		opts.NextRetryDelay = max(perr.RetryAfter, UnavailableRetryDelay)
	case perr.Reason == pluginerr.PluginRefused:
		opts.NextRetryDelay = RefusedRetryDelay
	case perr.Retryable:
		opts.NextRetryDelay = perr.RetryAfter
	default:
		opts.NonRetryable = true
		opts.Category = temporal.ApplicationErrorCategoryBenign
	}
	return temporal.NewApplicationErrorWithOptions(perr.Error(), ErrorType(perr.Reason), opts)
}

// ErrorType is the ApplicationError type of a reason: snake_case to CamelCase, so
// channel_not_found becomes ChannelNotFound (the machine's spelling).
func ErrorType(r pluginerr.Reason) string {
	var b strings.Builder
	for part := range strings.SplitSeq(string(r), "_") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}
