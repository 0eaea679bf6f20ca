package workflows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/meerkat-temporal/meerkat/activities"
	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
)

// TestReconfigureLiveTopologySaga runs spec §9.4 against mocked host activities, on a
// session that is attached, realtime-bound (epoch 1) and has an open live channel.
func TestReconfigureLiveTopologySaga(t *testing.T) {
	hostDown := temporal.NewNonRetryableApplicationError("host refused", "AdapterError", nil)
	realtimeTarget := machine.SessionLlmCapabilitySurface{Realtime: true}
	cases := []struct {
		name                                               string
		target                                             machine.SessionLlmCapabilitySurface
		hydrateErr, resolveErr                             error
		identityErr, visibilityErr, persistErr, discardErr error
		wantErr                                            string // substring of the error; "" = success
		wantEpoch                                          uint64 // realtime binding epoch afterwards (0 = none, 2 = a new one)
		wantClosed                                         bool   // the live channel was closed at the detach
		wantDiscard                                        bool   // the live session was discarded
	}{
		{name: "realtime target reattaches", target: realtimeTarget, wantEpoch: 2, wantClosed: true},
		{name: "non-realtime target completes detached", wantErr: "completed detached", wantClosed: true},
		{name: "hydrate fails before the detach: aborted, binding kept", target: realtimeTarget, hydrateErr: hostDown, wantErr: "host refused", wantEpoch: 1},
		{name: "resolve fails before the detach: aborted, binding kept", target: realtimeTarget, resolveErr: hostDown, wantErr: "host refused", wantEpoch: 1},
		{name: "identity install fails after the detach: reattach required", target: realtimeTarget, identityErr: hostDown, wantErr: "failed after detach", wantClosed: true, wantDiscard: true},
		{name: "visibility install fails after the detach", target: realtimeTarget, visibilityErr: hostDown, wantErr: "failed after detach", wantClosed: true, wantDiscard: true},
		{name: "persist fails after the detach", target: realtimeTarget, persistErr: hostDown, wantErr: "failed after detach", wantClosed: true, wantDiscard: true},
		{name: "persist fails and the discard compensation fails too", target: realtimeTarget, persistErr: hostDown, discardErr: hostDown, wantErr: "failed after detach", wantClosed: true, wantDiscard: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := newEnv(t)
			env.RegisterActivity(acts)
			h := hydrated()
			h.CurrentCapabilitySurface = machine.Some(machine.SessionLlmCapabilitySurface{Realtime: true})
			if c.hydrateErr != nil {
				h = nil
			}
			env.OnActivity(acts.HydrateSessionLlmState, mock.Anything, mock.Anything).Return(h, c.hydrateErr)
			var resolved *activities.ResolveTargetSessionLlmIdentityResult
			if c.resolveErr == nil {
				resolved = &activities.ResolveTargetSessionLlmIdentityResult{TargetIdentity: targetIdentity, TargetCapabilitySurface: c.target}
			}
			env.OnActivity(acts.ResolveTargetSessionLlmIdentity, mock.Anything, mock.Anything).Return(resolved, c.resolveErr)
			env.OnActivity(acts.ApplySessionLlmIdentity, mock.Anything, mock.Anything).Return(c.identityErr)
			env.OnActivity(acts.ApplySessionToolVisibilityState, mock.Anything, mock.Anything).Return(c.visibilityErr)
			env.OnActivity(acts.PersistLiveSession, mock.Anything, mock.Anything).Return(c.persistErr)
			discarded := false
			env.OnActivity(acts.DiscardLiveSession, mock.Anything, mock.Anything).Return(func(context.Context, activities.SessionInput) error {
				discarded = true
				return c.discardErr
			})
			closed := false
			env.OnActivity(acts.CloseLiveChannel, mock.Anything, mock.Anything).Return(func(context.Context, activities.LiveChannelInput) (*activities.CloseLiveChannelResult, error) {
				closed = true
				return &activities.CloseLiveChannelResult{CloseObservationSequence: 1}, nil
			})

			channel := machine.NewChannelID(testSession, [16]byte{4})
			setup := []struct{ name, payload string }{
				{"PrepareBindings", `{"agent_runtime_id":"rt","fence_token":1,"generation":1,"session_id":"s1"}`},
				{"EnsureSessionWithExecutor", `{"session_id":"s1"}`},
				{"BeginRealtimeBinding", `{}`},
				{"ResolveLiveOpenAdmission", `{"session_id":"s1","channel_id":"` + channel + `","llm_identity":{"model":"claude","provider":"Anthropic"}}`},
			}
			for i, s := range setup {
				env.RegisterDelayedCallback(func() {
					env.UpdateWorkflow(s.name, s.name, &testsuite.TestUpdateCallback{
						OnAccept: func() {}, OnReject: func(err error) { t.Errorf("setup %s: %v", s.name, err) }, OnComplete: func(any, error) {},
					}, rawJSON(s.payload))
				}, time.Duration(i+1)*time.Second)
			}
			var result workflows.LiveTopologyResult
			var opErr error
			env.RegisterDelayedCallback(func() {
				env.UpdateWorkflow(workflows.OpReconfigureLiveTopology, "topology", &testsuite.TestUpdateCallback{
					OnAccept: func() {}, OnReject: func(err error) { t.Errorf("rejected: %v", err) },
					OnComplete: func(v any, err error) {
						opErr = err
						if r, ok := v.(workflows.LiveTopologyResult); ok {
							result = r
						}
					},
				}, rawJSON(`{"authority_epoch":1,"reconfigure":{"model":"gpt","provider":"OpenAI"}}`))
			}, 10*time.Second)
			var rt workflows.RealtimeStatus
			env.RegisterDelayedCallback(func() {
				rt = query[workflows.RealtimeStatus](t, env, workflows.QueryRealtimeStatus)
				env.CancelWorkflow()
			}, time.Minute)
			env.ExecuteWorkflow(workflows.SessionWorkflowName, workflows.SessionParams{SessionID: testSession})

			// A new binding gets an epoch above the one the caller held; the machine
			// decides how far above.
			epochOK := func(got uint64) bool { return got == c.wantEpoch || (c.wantEpoch == 2 && got > 1) }
			switch {
			case c.wantErr == "" && (opErr != nil || !epochOK(result.Authority.AuthorityEpoch)):
				t.Fatalf("result %+v, error %v", result, opErr)
			case c.wantErr != "" && (opErr == nil || !strings.Contains(opErr.Error(), c.wantErr)):
				t.Fatalf("error %v, want one mentioning %q", opErr, c.wantErr)
			}
			if got := rt.BindingAuthorityEpoch.Get(); !epochOK(got) || rt.LiveTopologyPhase != machine.TopologyIdle {
				t.Errorf("binding epoch %d, topology %s; want %d, Idle", got, rt.LiveTopologyPhase, c.wantEpoch)
			}
			if c.wantErr == "failed after detach" && !rt.ReattachRequired {
				t.Errorf("a failure after the detach left no reattach required: %+v", rt)
			}
			if discarded != c.wantDiscard {
				t.Errorf("live session discarded = %v, want %v", discarded, c.wantDiscard)
			}
			if c.wantErr == "" && result.Authority.AuthorityEpoch != rt.BindingAuthorityEpoch.Get() {
				t.Errorf("returned authority %d differs from the binding %d", result.Authority.AuthorityEpoch, rt.BindingAuthorityEpoch.Get())
			}
			if c.wantErr == "" && rt.AttachmentStatus != machine.AttachmentBindingNotReady {
				t.Errorf("attachment status %s after a reattach, want BindingNotReady", rt.AttachmentStatus)
			}
			if closed != c.wantClosed {
				t.Errorf("channel closed = %v, want %v", closed, c.wantClosed)
			}
		})
	}
}
