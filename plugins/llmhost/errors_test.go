package llmhost_test

import (
	"errors"
	"testing"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

func TestRunFailureSource(t *testing.T) {
	tests := map[string]struct {
		err       error
		source    machine.RunFailureSourceKind
		retryable bool
	}{
		"plugin crashed":    {pluginerr.New(pluginerr.PluginUnavailable, "x"), machine.FailureSourceLlm, true},
		"crash loop":        {pluginerr.New(pluginerr.PluginCrashLoop, "x"), machine.FailureSourceLlm, true},
		"session not found": {pluginerr.New(llmhost.SessionNotFound, "x"), machine.FailureSourceSessionNotFound, false},
		"unknown model":     {pluginerr.New(llmhost.UnknownModel, "x"), machine.FailureSourceConfigError, false},
		"hidden tool":       {pluginerr.New(llmhost.ToolNotVisible, "x"), machine.FailureSourceInvalidToolAccess, false},
		"anything else":     {errors.New("boom"), machine.FailureSourceInternalError, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			src, retry := llmhost.RunFailureSource(tc.err)
			if src != tc.source || retry != tc.retryable {
				t.Errorf("RunFailureSource = %s, %v; want %s, %v", src, retry, tc.source, tc.retryable)
			}
		})
	}
}
