package activities_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/meerkat-temporal/meerkat/activities"
	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/live/loopback"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost/reference"
)

// keyRecorder remembers the idempotency keys the activities send.
type keyRecorder struct {
	*reference.Plugin
	keys []string
}

func (k *keyRecorder) ApplyIdentity(ctx context.Context, req *llmhost.ApplyIdentityRequest) error {
	k.keys = append(k.keys, req.IdempotencyKey)
	return k.Plugin.ApplyIdentity(ctx, req)
}

func newEnv(t *testing.T) (*testsuite.TestActivityEnvironment, *keyRecorder) {
	t.Helper()
	p, err := reference.New(reference.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	rec := &keyRecorder{Plugin: p}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(&activities.Activities{LLM: rec, Live: loopback.New(loopback.Config{ReadyAfter: time.Millisecond})})
	return env, rec
}

func TestLlmActivities(t *testing.T) {
	env, rec := newEnv(t)
	var a *activities.Activities
	val, err := env.ExecuteActivity(a.HydrateSessionLlmState, activities.HydrateSessionLlmStateInput{SessionID: "s"})
	if err != nil {
		t.Fatal(err)
	}
	var hydrated activities.HydrateSessionLlmStateResult
	if err := val.Get(&hydrated); err != nil {
		t.Fatal(err)
	}
	if hydrated.CurrentIdentity.Model != reference.ModelEcho || hydrated.CapabilitySurfaceStatus != machine.SurfaceResolved {
		t.Fatalf("hydrated %+v, want the echo default, Resolved", hydrated)
	}
	val, err = env.ExecuteActivity(a.ResolveTargetSessionLlmIdentity, activities.ResolveTargetSessionLlmIdentityInput{
		SessionID: "s", CurrentIdentity: hydrated.CurrentIdentity, Model: machine.Some(reference.ModelText)})
	if err != nil {
		t.Fatal(err)
	}
	var resolved activities.ResolveTargetSessionLlmIdentityResult
	if err := val.Get(&resolved); err != nil {
		t.Fatal(err)
	}
	if resolved.TargetIdentity.Provider != machine.ProviderOpenAI || resolved.TargetCapabilitySurface.ImageToolResults {
		t.Fatalf("resolved %+v, want the OpenAI text model without image tool results", resolved)
	}
	if _, err := env.ExecuteActivity(a.ApplySessionLlmIdentity, activities.ApplySessionLlmIdentityInput{SessionID: "s", Identity: resolved.TargetIdentity}); err != nil {
		t.Fatal(err)
	}
	if len(rec.keys) != 1 || len(strings.Split(rec.keys[0], "/")) != 3 || strings.Contains(rec.keys[0], "//") || strings.HasPrefix(rec.keys[0], "/") || strings.HasSuffix(rec.keys[0], "/") {
		t.Errorf("idempotency keys %q, want one <workflow ID>/<run ID>/<activity ID>", rec.keys)
	}
	_, err = env.ExecuteActivity(a.ResolveTargetSessionLlmIdentity, activities.ResolveTargetSessionLlmIdentityInput{
		SessionID: "s", CurrentIdentity: hydrated.CurrentIdentity, Model: machine.Some("no-such-model")})
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != "UnknownModel" || !appErr.NonRetryable() {
		t.Errorf("unknown model: %v, want a non-retryable UnknownModel", err)
	}
}

func TestCallLlmFailureIsAResult(t *testing.T) {
	env, _ := newEnv(t)
	var a *activities.Activities
	val, err := env.ExecuteActivity(a.CallLlm, activities.CallLlmInput{SessionID: "s",
		Identity: machine.SessionLlmIdentity{Model: reference.ModelEcho, Provider: machine.ProviderOther},
		Messages: []llmhost.Message{{Role: llmhost.RoleUser, Content: []llmhost.ContentPart{{Text: "fail:TimeBudgetExceeded"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	var res llmhost.CallLlmResponse
	if err := val.Get(&res); err != nil {
		t.Fatal(err)
	}
	if res.Outcome != llmhost.OutcomeFailure || res.Failure.Source != machine.FailureSourceTimeBudgetExceeded {
		t.Fatalf("CallLlm result %+v, want a TimeBudgetExceeded failure", res)
	}
}

func TestLiveActivities(t *testing.T) {
	env, _ := newEnv(t)
	var a *activities.Activities
	if _, err := env.ExecuteActivity(a.OpenLiveChannel, activities.OpenLiveChannelInput{SessionID: "s", ChannelID: "ch",
		BoundIdentity: machine.SessionLlmIdentity{Model: reference.ModelRealtime, Provider: machine.ProviderOpenAI}}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // loopback reaches Ready after 1ms
	val, err := env.ExecuteActivity(a.SendLiveInput, activities.SendLiveInputInput{ChannelID: "ch", Text: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	var res activities.LiveCommandResult
	if err := val.Get(&res); err != nil {
		t.Fatal(err)
	}
	if res.Command != machine.CommandSendInput || res.CommandAcceptanceSequence != 1 {
		t.Errorf("SendLiveInput = %+v, want SendInput #1", res)
	}
	_, err = env.ExecuteActivity(a.InterruptLiveChannel, activities.LiveChannelInput{ChannelID: "missing"})
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != machine.CommandRejectionChannelNotFound.String() || !appErr.NonRetryable() {
		t.Errorf("command on a missing channel: %v, want non-retryable ChannelNotFound", err)
	}
}
