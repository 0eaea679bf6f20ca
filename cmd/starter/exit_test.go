package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"

	"github.com/meerkat-temporal/meerkat/workflows"
	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

func TestClassify(t *testing.T) {
	notReady := &workflows.Error{Kind: "NotReady", Input: "cancel_after_boundary", Phase: "Idle", Reason: "accepted only in phases Attached, Running"}
	guarded := &workflows.Error{Kind: "Rejected", Input: "reconfigure_live_topology", Phase: "Attached", Rule: "BeginLiveTopologyReconfigure",
		Guard: "authority_matches_current", Reason: "the epoch is stale"}
	overWire := temporal.NewApplicationErrorWithOptions(guarded.Error(), guarded.Kind, temporal.ApplicationErrorOptions{Details: []any{*guarded}})
	g := globals{timeout: 2 * time.Minute}
	cases := []struct {
		name    string
		err     error
		code    int
		kind    string
		message string // substring
	}{
		{"usage", usagef("--model is required"), exitUsage, "usage", "--model is required"},
		{"machine refusal", notReady, exitRejected, "NotReady", `rejected: NotReady (input cancel_after_boundary, phase Idle): accepted only`},
		{"refusal names the guard", guarded, exitRejected, "Rejected", `rejected: Rejected by guard "authority_matches_current" of rule "BeginLiveTopologyReconfigure"`},
		{"refusal over the wire", fmt.Errorf("update: %w", overWire), exitRejected, "Rejected", `by guard "authority_matches_current"`},
		{"host reason", &workflows.Error{Kind: "UnknownModel", Input: "reconfigure_session_llm_identity", Reason: "no model x"}, exitRejected, "UnknownModel", "rejected: UnknownModel"},
		{"internal", &workflows.Error{Kind: "Internal", Reason: "invariant broken"}, exitFailure, "Internal", "internal error in the session"},
		{"refused outcome", refusedf("input x was not admitted: not_ready"), exitRejected, "refused", "rejected: input x was not admitted"},
		{"unreachable", &unreachableError{address: "h:1", err: errors.New("refused")}, exitFailure, "unreachable", "cannot reach Temporal at h:1"},
		{"timeout", fmt.Errorf("waiting: %w", context.DeadlineExceeded), exitFailure, "timeout", "timed out after 2m0s"},
		{"grpc deadline", serviceerror.NewDeadlineExceeded("context deadline exceeded"), exitFailure, "timeout", "timed out"},
		{"interrupted", context.Canceled, exitFailure, "interrupted", "interrupted"},
		{"not found", serviceerror.NewNotFound("workflow not found for ID: meerkat-session/x"), exitFailure, "not_found", "workflow not found"},
		{"unknown input", fmt.Errorf("%w: x", sessionclient.ErrUnknownInput), exitFailure, "not_found", "does not track"},
		{"check failed", checkf("expected a change"), exitFailure, "check_failed", "expected a change"},
		{"demo reported", &reportedError{err: notReady}, exitRejected, "NotReady", "rejected: NotReady"},
		{"anything else", errors.New("boom"), exitFailure, "internal", "boom"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := classify(c.err, g)
			if f.Code != c.code || f.Kind != c.kind || !strings.Contains(f.Message, c.message) {
				t.Fatalf("classify = %+v, want code %d kind %s message containing %q", f, c.code, c.kind, c.message)
			}
		})
	}
}

func TestRejectionMessage(t *testing.T) {
	cases := []struct {
		e    workflows.Error
		want string
	}{
		{workflows.Error{Kind: "NotReady", Reason: "r"}, "rejected: NotReady: r"},
		{workflows.Error{Kind: "NotReady", Guard: "g", Reason: "r"}, `rejected: NotReady by guard "g": r`},
		{workflows.Error{Kind: "Rejected", Guard: "g", Rule: "R", Input: "I", Phase: "P", Reason: "r"}, `rejected: Rejected by guard "g" of rule "R" (input I, phase P): r`},
		{workflows.Error{Kind: "ValidationFailed", Input: "I"}, "rejected: ValidationFailed (input I)"},
	}
	for _, c := range cases {
		if got := rejectionMessage(&c.e); got != c.want {
			t.Errorf("rejectionMessage(%+v) = %q, want %q", c.e, got, c.want)
		}
	}
}
