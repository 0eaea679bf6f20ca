package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/meerkat-temporal/meerkat/activities"
	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost/reference"
	"github.com/meerkat-temporal/meerkat/workflows"
	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

var acts *activities.Activities

var (
	previousIdentity = machine.SessionLlmIdentity{Model: "claude", Provider: machine.ProviderAnthropic}
	targetIdentity   = machine.SessionLlmIdentity{Model: "gpt", Provider: machine.ProviderOpenAI}
)

func hydrated() *activities.HydrateSessionLlmStateResult {
	return &activities.HydrateSessionLlmStateResult{
		CurrentIdentity: previousIdentity,
		CurrentVisibilityState: machine.SessionToolVisibilityState{
			CapabilityBaseFilter: machine.CapabilityBaseFilterFor(false), InheritedBaseFilter: machine.AllTools(),
			ActiveFilter: machine.AllTools(), StagedFilter: machine.AllTools(), ActiveRevision: 1, StagedRevision: 1,
		},
		CurrentCapabilitySurface: machine.Some(machine.SessionLlmCapabilitySurface{Vision: true}),
		CapabilitySurfaceStatus:  machine.SurfaceResolved,
		BaseToolNames:            machine.NewSet(machine.ViewImageToolName, "read"),
	}
}

// TestReconfigureLlmSaga runs the §10.5 operation against mocked host activities: the
// happy path commits the target identity; a failed visibility install is compensated and
// leaves the machine as it was; a failed compensation discards the live session and
// clears the LLM state.
func TestReconfigureLlmSaga(t *testing.T) {
	hostDown := temporal.NewNonRetryableApplicationError("host refused", "AdapterError", nil)
	none := machine.None[machine.SessionLlmIdentity]()
	cases := []struct {
		name                   string
		hydrateErr, resolveErr error
		identityErrs           []error // results of the identity installs, in order (nil: all succeed)
		visibilityErrs         []error // results of the visibility installs, in order (nil: all succeed)
		persistErr             error
		wantKind               string // "" = success
		wantIdentity           machine.Opt[machine.SessionLlmIdentity]
		wantDiscard            bool
		wantIdentityCalls      int // 0 = not checked
	}{
		{name: "success", wantIdentity: machine.Some(targetIdentity)},
		{name: "hydrate fails: nothing to compensate", hydrateErr: hostDown, wantKind: "AdapterError", wantIdentity: none},
		{name: "resolve fails: the hydration is restored", resolveErr: hostDown, wantKind: "AdapterError", wantIdentity: none},
		{name: "identity install fails: a plain error, nothing to roll back (spec §10.5 step 6)", identityErrs: []error{hostDown}, wantKind: "AdapterError", wantIdentity: none, wantIdentityCalls: 1},
		{name: "visibility install fails, compensation succeeds", visibilityErrs: []error{hostDown, nil}, wantKind: "AdapterError", wantIdentity: none},
		{name: "visibility install and its compensation fail", visibilityErrs: []error{hostDown, hostDown}, wantKind: "Internal", wantIdentity: none, wantDiscard: true},
		{name: "persist fails, compensation succeeds", persistErr: hostDown, wantKind: "AdapterError", wantIdentity: none},
		{name: "persist and its compensation fail", persistErr: hostDown, visibilityErrs: []error{nil, hostDown}, wantKind: "Internal", wantIdentity: none, wantDiscard: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := newEnv(t)
			env.RegisterActivity(acts)
			var hydrate *activities.HydrateSessionLlmStateResult
			if c.hydrateErr == nil {
				hydrate = hydrated()
			}
			env.OnActivity(acts.HydrateSessionLlmState, mock.Anything, mock.Anything).Return(hydrate, c.hydrateErr)
			var resolved *activities.ResolveTargetSessionLlmIdentityResult
			if c.resolveErr == nil {
				resolved = &activities.ResolveTargetSessionLlmIdentityResult{TargetIdentity: targetIdentity, TargetCapabilitySurface: machine.SessionLlmCapabilitySurface{ImageToolResults: true}}
			}
			env.OnActivity(acts.ResolveTargetSessionLlmIdentity, mock.Anything, mock.Anything).Return(resolved, c.resolveErr)
			identityCalls := 0
			env.OnActivity(acts.ApplySessionLlmIdentity, mock.Anything, mock.Anything).Return(func(context.Context, activities.ApplySessionLlmIdentityInput) error {
				identityCalls++
				if identityCalls <= len(c.identityErrs) {
					return c.identityErrs[identityCalls-1]
				}
				return nil
			})
			for _, err := range c.visibilityErrs {
				env.OnActivity(acts.ApplySessionToolVisibilityState, mock.Anything, mock.Anything).Return(err).Once()
			}
			env.OnActivity(acts.ApplySessionToolVisibilityState, mock.Anything, mock.Anything).Return(nil)
			env.OnActivity(acts.PersistLiveSession, mock.Anything, mock.Anything).Return(c.persistErr)
			discarded := false
			env.OnActivity(acts.DiscardLiveSession, mock.Anything, mock.Anything).Return(func(context.Context, activities.SessionInput) error {
				discarded = true
				return nil
			})

			var report machine.SessionLlmReconfigureReport
			var opErr error
			env.RegisterDelayedCallback(func() {
				env.UpdateWorkflow("PrepareBindings", "attach", &testsuite.TestUpdateCallback{
					OnAccept: func() {}, OnReject: func(err error) { t.Error(err) }, OnComplete: func(any, error) {},
				}, rawJSON(`{"agent_runtime_id":"rt","fence_token":1,"generation":1,"session_id":"s1"}`))
			}, time.Second)
			env.RegisterDelayedCallback(func() {
				env.UpdateWorkflow(workflows.OpReconfigureSessionLlmIdentity, "reconfigure", &testsuite.TestUpdateCallback{
					OnAccept: func() {}, OnReject: func(err error) { t.Errorf("rejected: %v", err) },
					OnComplete: func(v any, err error) {
						opErr = err
						if r, ok := v.(machine.SessionLlmReconfigureReport); ok {
							report = r
						}
					},
				}, rawJSON(`{"model":"gpt","provider":"OpenAI"}`))
			}, 2*time.Second)
			var llm workflows.LlmIdentity
			env.RegisterDelayedCallback(func() {
				llm = query[workflows.LlmIdentity](t, env, workflows.QueryLlmIdentity)
				env.CancelWorkflow()
			}, time.Minute)
			env.ExecuteWorkflow(workflows.SessionWorkflowName, workflows.SessionParams{SessionID: testSession})

			if c.wantKind == "" {
				if opErr != nil || report.NewIdentity != targetIdentity || !report.CapabilityDelta.Changed {
					t.Fatalf("report %+v, error %v", report, opErr)
				}
			} else {
				var app *temporal.ApplicationError
				if !errors.As(opErr, &app) || app.Type() != c.wantKind {
					t.Fatalf("error %v, want kind %s", opErr, c.wantKind)
				}
			}
			if llm.Identity != c.wantIdentity {
				t.Errorf("identity after the operation = %v, want %v", llm.Identity, c.wantIdentity)
			}
			if discarded != c.wantDiscard {
				t.Errorf("live session discarded = %v, want %v", discarded, c.wantDiscard)
			}
			if c.wantIdentityCalls > 0 && identityCalls != c.wantIdentityCalls {
				t.Errorf("identity installs = %d, want %d", identityCalls, c.wantIdentityCalls)
			}
		})
	}
}

// TestReconfigureLlmRefusedWithoutHistory: a malformed request is refused by the validator.
func TestReconfigureLlmRefused(t *testing.T) {
	cases := []struct{ name, payload, reason string }{
		{"provider without model", `{"provider":"OpenAI"}`, "requires model"},
		{"unknown field", `{"modle":"x"}`, "unknown field"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := newEnv(t)
			var rejected error
			env.RegisterDelayedCallback(func() {
				env.UpdateWorkflow(workflows.OpReconfigureSessionLlmIdentity, "r", &testsuite.TestUpdateCallback{
					OnAccept: func() { t.Error("accepted") }, OnReject: func(err error) { rejected = err }, OnComplete: func(any, error) {},
				}, rawJSON(c.payload))
			}, time.Second)
			env.RegisterDelayedCallback(env.CancelWorkflow, time.Minute)
			env.ExecuteWorkflow(workflows.SessionWorkflowName, workflows.SessionParams{SessionID: testSession})
			e := workflows.ErrorFrom(rejected)
			if e == nil || e.Kind != "ValidationFailed" || !strings.Contains(e.Reason, c.reason) {
				t.Fatalf("rejection %v, want ValidationFailed mentioning %q", rejected, c.reason)
			}
		})
	}
}

// TestRealReconfigureSessionLlm switches a session to another model end to end: client,
// server, workflow, activities and the reference LLM host in process. The new model shows
// in the query and in the search attributes.
func TestRealReconfigureSessionLlm(t *testing.T) {
	tc, sc := realClient(t, sessionclient.Options{})
	ctx := context.Background()
	const session = "reconfigure"
	if _, err := sc.Open(ctx, session); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.Apply(ctx, session, machine.PrepareBindings{AgentRuntimeID: "rt", FenceToken: 1, Generation: machine.Some[uint64](1), SessionID: session}); err != nil {
		t.Fatal(err)
	}
	report, err := sc.ReconfigureSessionLlm(ctx, session, machine.SessionLlmReconfigureRequest{
		Model: machine.Some(reference.ModelRealtime), Provider: machine.Some(machine.ProviderOpenAI),
	})
	if err != nil {
		t.Fatal(err)
	}
	if report.NewIdentity.Model != reference.ModelRealtime || report.RollbackOccurred {
		t.Fatalf("report = %+v", report)
	}
	llm, err := sc.LlmIdentity(ctx, session)
	if err != nil || llm.Identity.Get().Model != reference.ModelRealtime || !llm.Surface.Get().Realtime {
		t.Fatalf("llm identity = %+v, %v", llm, err)
	}
	eventually(t, 10*time.Second, "search attribute MeerkatLlmModel", func() (bool, error) {
		desc, err := tc.DescribeWorkflowExecution(ctx, workflows.WorkflowID(session), "")
		if err != nil {
			return false, err
		}
		var v string
		if p := desc.GetWorkflowExecutionInfo().GetSearchAttributes().GetIndexedFields()[workflows.SAModel.GetName()]; p != nil {
			_ = converter.GetDefaultDataConverter().FromPayload(p, &v)
		}
		return v == reference.ModelRealtime, fmt.Errorf("value %q", v)
	})
}

// TestRealOperationAcrossContinueAsNew: a reconfigure that makes its run due for
// continue-as-new holds the drain until it finishes, while concurrent updates (refused as
// retryable NotReady during the drain, then retried by the client with the same update ID)
// and signals all land exactly once.
func TestRealOperationAcrossContinueAsNew(t *testing.T) {
	_, sc := realClient(t, sessionclient.Options{Session: workflows.Options{MaxMessagesPerRun: 3}})
	ctx := context.Background()
	session := fmt.Sprintf("drain-%d", time.Now().UnixNano()) // fresh under -count
	if _, err := sc.Open(ctx, session); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.Apply(ctx, session, machine.PrepareBindings{AgentRuntimeID: "rt", FenceToken: 1, Generation: machine.Some[uint64](1), SessionID: session}); err != nil {
		t.Fatal(err)
	}
	const others = 10
	errs := make(chan error, 1+2*others)
	go func() {
		_, err := sc.ReconfigureSessionLlm(ctx, session, machine.SessionLlmReconfigureRequest{Model: machine.Some(reference.ModelText), Provider: machine.Some(machine.ProviderOpenAI)})
		errs <- err
	}()
	for range others {
		go func() {
			_, err := sc.Apply(ctx, session, machine.RegisterSession{SessionID: session})
			errs <- err
		}()
		go func() { errs <- sc.Signal(ctx, session, machine.RegisterSession{SessionID: session}) }()
	}
	for range 1 + 2*others {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var status workflows.ShellStatus
	eventually(t, 10*time.Second, "every message applied", func() (bool, error) {
		var err error
		status, err = sc.ShellStatus(ctx, session)
		return err == nil && status.Messages == 3+2*others, err
	})
	if status.UpdatesApplied != 3+others || status.SignalsApplied != others || status.Runs < 1 {
		t.Fatalf("status = %+v", status.ShellState)
	}
	llm, err := sc.LlmIdentity(ctx, session)
	if err != nil || llm.Identity.Get().Model != reference.ModelText {
		t.Fatalf("identity = %+v, %v", llm, err)
	}
}
