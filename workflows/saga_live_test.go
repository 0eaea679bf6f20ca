package workflows_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
)

// TestOpenLiveHostFailureAbandons: when the live host cannot open the channel, the
// admission is abandoned, so the session holds no channel and can open another.
func TestOpenLiveHostFailureAbandons(t *testing.T) {
	env := newEnv(t)
	env.RegisterActivity(acts)
	env.OnActivity(acts.OpenLiveChannel, mock.Anything, mock.Anything).Return(nil, temporal.NewNonRetryableApplicationError("no adapter", "NoAdapter", nil))
	channel := machine.NewChannelID(testSession, [16]byte{5})
	var opErr error
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(workflows.OpLiveOpen, "open", &testsuite.TestUpdateCallback{
			OnAccept: func() {}, OnReject: func(err error) { t.Errorf("rejected: %v", err) },
			OnComplete: func(_ any, err error) { opErr = err },
		}, rawJSON(`{"channel_id":"`+channel+`","token_digest":"`+machine.TokenDigest("t")+`","token_ttl_ms":60000,"llm_identity":{"model":"gpt-realtime","provider":"OpenAI"}}`))
	}, time.Second)
	var routing workflows.LiveRouting
	env.RegisterDelayedCallback(func() {
		routing = query[workflows.LiveRouting](t, env, workflows.QueryLiveRouting)
		env.CancelWorkflow()
	}, time.Minute)
	env.ExecuteWorkflow(workflows.SessionWorkflowName, workflows.SessionParams{SessionID: testSession})
	if e := workflows.ErrorFrom(opErr); e == nil || e.Kind != "NoAdapter" {
		t.Fatalf("error %v, want kind NoAdapter", opErr)
	}
	if routing.ActiveChannel.Present() {
		t.Fatalf("the session still holds channel %s after the host failed", routing.ActiveChannel.Get())
	}
}

// TestOpenLiveRefusesRawToken: a token that is not a digest is refused by the validator.
func TestOpenLiveRefusesRawToken(t *testing.T) {
	env := newEnv(t)
	var rejected error
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(workflows.OpLiveOpen, "open", &testsuite.TestUpdateCallback{
			OnAccept: func() { t.Error("accepted") }, OnReject: func(err error) { rejected = err }, OnComplete: func(any, error) {},
		}, rawJSON(`{"channel_id":"c","token_digest":"mkt1.raw-token","token_ttl_ms":1}`))
	}, time.Second)
	env.RegisterDelayedCallback(env.CancelWorkflow, time.Minute)
	env.ExecuteWorkflow(workflows.SessionWorkflowName, workflows.SessionParams{SessionID: testSession})
	if e := workflows.ErrorFrom(rejected); e == nil || e.Kind != "ValidationFailed" {
		t.Fatalf("rejection %v, want ValidationFailed", rejected)
	}
}
