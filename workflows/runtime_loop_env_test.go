package workflows_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/meerkat-temporal/meerkat/activities"
	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
	"github.com/meerkat-temporal/meerkat/workflows"
)

// loopScript is one scheduled caller action of a runtime-loop test, at a time of the
// (skipped) test clock.
type loopScript struct {
	at      time.Duration
	update  string
	payload string
}

// loopRun is what a runtime-loop test observed.
type loopRun struct {
	calls   int
	results map[string]error // update name@time -> error
	state   machine.State
	shell   workflows.ShellStatus
	done    bool // the workflow completed on its own
}

// attach attaches the runtime loop one second into a test.
var attach = loopScript{time.Second, workflows.OpAttachRuntime, `{}`}

// runLoop runs a session whose CallLlm activity answers with llm (each call taking
// callTime), plays the script, and reads the state at end.
func runLoop(t *testing.T, callTime time.Duration, llm func(n int, in activities.CallLlmInput) (*llmhost.CallLlmResponse, error), script []loopScript, end time.Duration) loopRun {
	t.Helper()
	return runLoopWith(t, func(*testsuite.TestWorkflowEnvironment) {}, callTime, llm, script, end)
}

// runLoopWith is runLoop with more activities mocked by setup.
func runLoopWith(t *testing.T, setup func(*testsuite.TestWorkflowEnvironment), callTime time.Duration, llm func(n int, in activities.CallLlmInput) (*llmhost.CallLlmResponse, error), script []loopScript, end time.Duration) loopRun {
	t.Helper()
	env := newEnv(t)
	env.RegisterActivity(acts)
	setup(env)
	out := loopRun{results: map[string]error{}}
	env.OnActivity(acts.HydrateSessionLlmState, mock.Anything, mock.Anything).Return(hydrated(), nil)
	env.OnActivity(acts.CallLlm, mock.Anything, mock.Anything).After(callTime).Return(func(_ context.Context, in activities.CallLlmInput) (*llmhost.CallLlmResponse, error) {
		out.calls++
		return llm(out.calls, in)
	})
	env.OnActivity(acts.ExecuteToolCall, mock.Anything, mock.Anything).Return(&llmhost.ExecuteToolCallResponse{Content: []llmhost.ContentPart{{Text: "12:00"}}}, nil)
	for _, s := range script {
		key := fmt.Sprintf("%s@%s", s.update, s.at)
		env.RegisterDelayedCallback(func() {
			env.UpdateWorkflow(s.update, key, &testsuite.TestUpdateCallback{
				OnAccept: func() {}, OnReject: func(err error) { out.results[key] = err },
				OnComplete: func(_ any, err error) { out.results[key] = err },
			}, rawJSON(s.payload))
		}, s.at)
	}
	env.RegisterDelayedCallback(func() {
		out.state = query[machine.State](t, env, workflows.QueryMachineState)
		out.shell = query[workflows.ShellStatus](t, env, workflows.QueryShellStatus)
		env.CancelWorkflow()
	}, end)
	env.ExecuteWorkflow(workflows.SessionWorkflowName, workflows.SessionParams{SessionID: testSession})
	out.done = env.IsWorkflowCompleted() && env.GetWorkflowError() == nil
	if out.done {
		v, err := env.QueryWorkflow(workflows.QueryMachineState)
		if err == nil {
			_ = v.Get(&out.state)
		}
		if v, err := env.QueryWorkflow(workflows.QueryShellStatus); err == nil {
			_ = v.Get(&out.shell)
		}
	}
	return out
}

func accept(id, text string) string {
	return fmt.Sprintf(`{"input_id":%q,"input_kind":"Prompt","input_origin":"Operator","durability":"Durable","silent_intent_match":false,"active_turn_boundary_available":false,"content":{"text":%q}}`, id, text)
}

func acceptWithoutWake(id, text string) string {
	return fmt.Sprintf(`{"input_id":%q,"input_kind":"Prompt","input_origin":"Operator","durability":"Durable","silent_intent_match":false,"active_turn_boundary_available":false,"without_wake":true,"content":{"text":%q}}`, id, text)
}

func answer(text string) (*llmhost.CallLlmResponse, error) {
	return &llmhost.CallLlmResponse{Outcome: llmhost.OutcomeAnswer, Text: text}, nil
}

func resultOf(shell workflows.ShellStatus, id string) (workflows.InputResult, bool) {
	for _, r := range shell.Results {
		if r.InputID == id {
			return r, true
		}
	}
	return workflows.InputResult{}, false
}

// TestRetireDrains: retire with the runtime loop attached drains the queued inputs
// (DrainQueuedRun from Retired).
func TestRetireDrains(t *testing.T) {
	got := runLoop(t, 10*time.Second, func(int, activities.CallLlmInput) (*llmhost.CallLlmResponse, error) { return answer("ok") }, []loopScript{
		attach,
		{2 * time.Second, workflows.OpAcceptInputWithCompletion, accept("a", "one")},
		{3 * time.Second, workflows.OpAcceptInputWithCompletion, accept("b", "two")},
		{4 * time.Second, workflows.OpRetire, `{"session_id":"s1"}`},
	}, time.Hour)
	for _, id := range []string{"a", "b"} {
		if r, _ := resultOf(got.shell, id); r.Class != machine.ResultClassCompleted {
			t.Errorf("input %s: %+v, want Completed", id, r)
		}
	}
	if got.state.LifecyclePhase != machine.PhaseRetired {
		t.Errorf("phase = %s, want Retired", got.state.LifecyclePhase)
	}
}

// TestRuntimeLoop covers the runtime loop's control paths with a mocked LLM host: a
// deferred stop, a cancel after boundary, destroy mid-run, executor failures and a
// rate-limited model.
func TestRuntimeLoop(t *testing.T) {
	toolThenAnswer := func(n int, _ activities.CallLlmInput) (*llmhost.CallLlmResponse, error) {
		if n%2 == 1 {
			return &llmhost.CallLlmResponse{Outcome: llmhost.OutcomeToolCalls, ToolCalls: []llmhost.ToolCall{{ID: "c1", Name: "current_time", ArgumentsJSON: "{}"}}}, nil
		}
		return answer("done")
	}

	t.Run("stop during a run is deferred until the run returns", func(t *testing.T) {
		got := runLoop(t, 10*time.Second, func(int, activities.CallLlmInput) (*llmhost.CallLlmResponse, error) {
			return answer("first")
		}, []loopScript{
			attach,
			{2 * time.Second, workflows.OpAcceptInputWithCompletion, accept("a", "first")},
			{3 * time.Second, workflows.OpAcceptInputWithCompletion, accept("b", "second")},
			{4 * time.Second, workflows.OpStopRuntimeExecutor, `{"reason":"operator"}`},
		}, time.Minute)
		if err := got.results[workflows.OpStopRuntimeExecutor+"@4s"]; err != nil {
			t.Fatalf("stop: %v", err)
		}
		if got.state.LifecyclePhase != machine.PhaseStopped {
			t.Fatalf("phase = %s, want Stopped", got.state.LifecyclePhase)
		}
		if r, _ := resultOf(got.shell, "a"); r.Class != machine.ResultClassCompleted || r.Answer != "first" {
			t.Errorf("the run in flight: %+v, want Completed (the stop waits for it)", r)
		}
		b := got.state.InputStates["b"]
		if r, _ := resultOf(got.shell, "b"); r.Class != machine.ResultClassRuntimeTerminated || !b.AbandonReason.Is(machine.AbandonStopped) {
			t.Errorf("the queued input: %+v, %+v; want abandoned Stopped and RuntimeTerminated", b, r)
		}
		if got.calls != 1 {
			t.Errorf("LLM calls = %d, want 1 (no run after the stop)", got.calls)
		}
	})

	t.Run("cancel after boundary ends the turn before the next LLM step", func(t *testing.T) {
		got := runLoop(t, 10*time.Second, toolThenAnswer, []loopScript{
			attach,
			{2 * time.Second, workflows.OpAcceptInputWithCompletion, accept("a", "use a tool")},
			{5 * time.Second, workflows.OpCancelAfterBoundary, `{"reason":"operator"}`},
		}, time.Minute)
		if err := got.results[workflows.OpCancelAfterBoundary+"@5s"]; err != nil {
			t.Fatalf("cancel: %v", err)
		}
		a := got.state.InputStates["a"]
		if r, _ := resultOf(got.shell, "a"); r.Class != machine.ResultClassCancelled || !a.AbandonReason.Is(machine.AbandonCancelled) {
			t.Fatalf("input: %+v, result %+v; want abandoned Cancelled with class Cancelled", a, r)
		}
		if got.calls != 1 || got.state.LifecyclePhase != machine.PhaseAttached {
			t.Fatalf("LLM calls = %d, phase %s; want 1 call and back to Attached", got.calls, got.state.LifecyclePhase)
		}
	})

	t.Run("destroy mid-run resolves every input and completes the workflow", func(t *testing.T) {
		got := runLoop(t, 30*time.Second, toolThenAnswer, []loopScript{
			attach,
			{2 * time.Second, workflows.OpAcceptInputWithCompletion, accept("a", "one")},
			{3 * time.Second, workflows.OpAcceptInputWithCompletion, accept("b", "two")},
			{5 * time.Second, workflows.OpDestroy, `{"session_id":"s1"}`},
		}, time.Hour)
		if err := got.results[workflows.OpDestroy+"@5s"]; err != nil || !got.done {
			t.Fatalf("destroy: %v; workflow completed: %v", err, got.done)
		}
		for _, id := range []string{"a", "b"} {
			in := got.state.InputStates[id]
			if r, _ := resultOf(got.shell, id); r.Class != machine.ResultClassRuntimeTerminated || !in.AbandonReason.Is(machine.AbandonDestroyed) {
				t.Errorf("input %s: %+v, result %+v; want abandoned Destroyed, RuntimeTerminated", id, in, r)
			}
		}
	})

	t.Run("an unreachable host fails the run; the input is abandoned after 3 runs", func(t *testing.T) {
		got := runLoop(t, time.Second, func(int, activities.CallLlmInput) (*llmhost.CallLlmResponse, error) {
			return nil, temporal.NewNonRetryableApplicationError("no plugin", "Unavailable", nil)
		}, []loopScript{
			attach,
			{2 * time.Second, workflows.OpAcceptInputWithCompletion, accept("a", "hello")},
		}, time.Hour)
		a := got.state.InputStates["a"]
		r, _ := resultOf(got.shell, "a")
		if !a.AbandonReason.Is(machine.AbandonMaxAttemptsExhausted) || a.AbandonAttemptCount.Get() != 3 || r.Class != machine.ResultClassAbandonedWithError || !strings.Contains(r.Error, "no plugin") {
			t.Fatalf("input %+v, result %+v; want abandoned MaxAttemptsExhausted after 3, AbandonedWithError naming the cause", a, r)
		}
		if got.calls != 3 || got.state.LifecyclePhase != machine.PhaseAttached {
			t.Fatalf("LLM calls = %d, phase %s; want exactly 3 and no spinning", got.calls, got.state.LifecyclePhase)
		}
	})

	t.Run("a rate-limited model is retried inside the turn", func(t *testing.T) {
		got := runLoop(t, time.Second, func(n int, _ activities.CallLlmInput) (*llmhost.CallLlmResponse, error) {
			if n < 3 {
				return &llmhost.CallLlmResponse{Outcome: llmhost.OutcomeFailure, Failure: &llmhost.LlmFailure{
					Source: machine.FailureSourceLlm, RetryKind: machine.RetryFailureRateLimited, RetryAfter: 5 * time.Second, Message: "429"}}, nil
			}
			return answer("finally")
		}, []loopScript{
			attach,
			{2 * time.Second, workflows.OpAcceptInputWithCompletion, accept("a", "hello")},
		}, time.Hour)
		if r, _ := resultOf(got.shell, "a"); r.Class != machine.ResultClassCompleted || r.Answer != "finally" || got.calls != 3 {
			t.Fatalf("result %+v after %d calls; want Completed on the third call", r, got.calls)
		}
	})

	t.Run("a model that stays rate limited ends the turn LlmRetryExhausted", func(t *testing.T) {
		got := runLoop(t, time.Second, func(int, activities.CallLlmInput) (*llmhost.CallLlmResponse, error) {
			return &llmhost.CallLlmResponse{Outcome: llmhost.OutcomeFailure, Failure: &llmhost.LlmFailure{
				Source: machine.FailureSourceLlm, RetryKind: machine.RetryFailureRateLimited, Message: "429"}}, nil
		}, []loopScript{
			attach,
			{2 * time.Second, workflows.OpAcceptInputWithCompletion, accept("a", "hello")},
		}, time.Hour)
		if got.calls != 3*(workflows.MaxLlmRetries+1) {
			t.Errorf("LLM calls = %d, want %d (3 runs of 1+%d calls)", got.calls, 3*(workflows.MaxLlmRetries+1), workflows.MaxLlmRetries)
		}
		if r, _ := resultOf(got.shell, "a"); r.Class != machine.ResultClassAbandonedWithError {
			t.Fatalf("result %+v, want AbandonedWithError", r)
		}
		if got.state.TerminalCauseKind.Get() != machine.CauseRetryExhausted {
			t.Errorf("terminal cause = %v, want RetryExhausted", got.state.TerminalCauseKind)
		}
	})
}

// TestLifecycleOperations: inputs wait while no runtime loop is attached; reset abandons
// them (RuntimeTerminated); attaching runs new inputs; an input accepted without wake
// waits for the next wake.
func TestLifecycleOperations(t *testing.T) {
	echo := func(_ int, in activities.CallLlmInput) (*llmhost.CallLlmResponse, error) {
		last := in.Messages[len(in.Messages)-1]
		return answer("echo: " + last.Content[0].Text)
	}
	got := runLoop(t, 10*time.Second, echo, []loopScript{
		{2 * time.Second, workflows.OpAcceptInputWithCompletion, accept("a", "one")},
		{3 * time.Second, workflows.OpAcceptInputWithCompletion, accept("b", "two")},
		{5 * time.Second, workflows.OpReset, `{}`},
		{6 * time.Second, workflows.OpAcceptInputWithCompletion, accept("c", "three")},
		{7 * time.Second, workflows.OpAttachRuntime, `{}`},
		{8 * time.Second, workflows.OpAcceptInputWithCompletion, accept("d", "four")},
		{40 * time.Second, workflows.OpAcceptInputWithCompletion, acceptWithoutWake("e", "later")},
	}, time.Hour)
	for key, err := range got.results {
		if err != nil {
			t.Errorf("%s: %v", key, err)
		}
	}
	want := map[string]machine.RuntimeCompletionResultClass{
		"a": machine.ResultClassRuntimeTerminated, "b": machine.ResultClassRuntimeTerminated,
		"c": machine.ResultClassCompleted, "d": machine.ResultClassCompleted,
	}
	for id, class := range want {
		if r, _ := resultOf(got.shell, id); r.Class != class {
			t.Errorf("input %s: %+v, want class %s", id, r, class)
		}
	}
	if r, ok := resultOf(got.shell, "e"); ok || got.state.InputStates["e"].Phase != machine.InputQueued {
		t.Errorf("input e accepted without wake: %+v, %+v; want it still queued", got.state.InputStates["e"], r)
	}
	if !got.state.InputStates["b"].AbandonReason.Is(machine.AbandonReset) || got.state.LifecyclePhase != machine.PhaseAttached {
		t.Errorf("b = %+v, phase %s; want b abandoned Reset and the session Retired", got.state.InputStates["b"], got.state.LifecyclePhase)
	}
}

// TestTopologyWhileTurnRuns: a live topology reconfigure asks the running turn to end at
// its next boundary and detaches there. A turn that reaches a boundary in time (after its
// tool calls) ends Cancelled and the reconfigure completes; one that does not (a long LLM
// call) makes the reconfigure abort before the detach, keeping the binding.
func TestTopologyWhileTurnRuns(t *testing.T) {
	channel := machine.NewChannelID(testSession, [16]byte{4})
	hostMocks := func(env *testsuite.TestWorkflowEnvironment) {
		env.OnActivity(acts.ResolveTargetSessionLlmIdentity, mock.Anything, mock.Anything).Return(
			&activities.ResolveTargetSessionLlmIdentityResult{TargetIdentity: targetIdentity, TargetCapabilitySurface: machine.SessionLlmCapabilitySurface{Realtime: true}}, nil)
		env.OnActivity(acts.ApplySessionLlmIdentity, mock.Anything, mock.Anything).Return(nil)
		env.OnActivity(acts.ApplySessionToolVisibilityState, mock.Anything, mock.Anything).Return(nil)
		env.OnActivity(acts.PersistLiveSession, mock.Anything, mock.Anything).Return(nil)
		env.OnActivity(acts.CloseLiveChannel, mock.Anything, mock.Anything).Return(&activities.CloseLiveChannelResult{CloseObservationSequence: 1}, nil)
	}
	toolsFirst := func(n int, _ activities.CallLlmInput) (*llmhost.CallLlmResponse, error) {
		if n == 1 {
			return &llmhost.CallLlmResponse{Outcome: llmhost.OutcomeToolCalls, ToolCalls: []llmhost.ToolCall{{ID: "c1", Name: "current_time", ArgumentsJSON: "{}"}}}, nil
		}
		return answer("done")
	}
	script := []loopScript{
		attach,
		{2 * time.Second, "BeginRealtimeBinding", `{}`},
		{3 * time.Second, "ResolveLiveOpenAdmission", `{"session_id":"s1","channel_id":"` + channel + `","llm_identity":{"model":"claude","provider":"Anthropic"}}`},
		{4 * time.Second, workflows.OpAcceptInputWithCompletion, accept("a", "use a tool")},
		{4*time.Second + 100*time.Millisecond, workflows.OpReconfigureLiveTopology, `{"authority_epoch":1,"reconfigure":{"model":"gpt","provider":"OpenAI"}}`},
	}
	topologyKey := workflows.OpReconfigureLiveTopology + "@4.1s"
	cases := []struct {
		name      string
		callTime  time.Duration
		wantErr   string // "" = the reconfigure completed
		wantCalls int
	}{
		{"the turn reaches a boundary within the window", 500 * time.Millisecond, "", 1},
		{"the turn is still in its LLM call when the window ends", 30 * time.Second, "boundary", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := runLoopWith(t, hostMocks, c.callTime, toolsFirst, script, time.Minute)
			err := got.results[topologyKey]
			if c.wantErr == "" && err != nil || c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
				t.Fatalf("topology reconfigure: %v, want error containing %q", err, c.wantErr)
			}
			a := got.state.InputStates["a"]
			if r, _ := resultOf(got.shell, "a"); r.Class != machine.ResultClassCancelled || !a.AbandonReason.Is(machine.AbandonCancelled) {
				t.Errorf("the running turn's input: %+v, %+v; want Cancelled at its boundary", a, r)
			}
			if got.calls != c.wantCalls {
				t.Errorf("LLM calls = %d, want %d (no step after the boundary)", got.calls, c.wantCalls)
			}
			wantEpoch, wantModel := uint64(1), previousIdentity.Model
			if c.wantErr == "" {
				wantEpoch, wantModel = got.state.RealtimeBindingAuthorityEpoch.Get(), targetIdentity.Model
				if wantEpoch <= 1 {
					t.Errorf("binding epoch %d after the reattach, want above 1", wantEpoch)
				}
			}
			if got.state.RealtimeBindingAuthorityEpoch.Get() != wantEpoch || got.state.CurrentSessionLlmIdentity.Get().Model != wantModel || got.state.LiveTopologyPhase != machine.TopologyIdle {
				t.Errorf("epoch %v, model %v, topology %s; want %d, %s, Idle", got.state.RealtimeBindingAuthorityEpoch, got.state.CurrentSessionLlmIdentity, got.state.LiveTopologyPhase, wantEpoch, wantModel)
			}
		})
	}
}

// TestContentDroppedWhenAcceptEndsInput: an input coalesced by a later accept never
// runs, so its content is not carried any longer.
func TestContentDroppedWhenAcceptEndsInput(t *testing.T) {
	got := runLoop(t, time.Second, func(int, activities.CallLlmInput) (*llmhost.CallLlmResponse, error) { return answer("ok") }, []loopScript{
		{2 * time.Second, workflows.OpAcceptInputWithCompletion, accept("p", "first")},
		{3 * time.Second, workflows.OpAcceptInputWithCompletion, `{"input_id":"c","input_kind":"PeerResponseProgress","input_origin":"Peer","durability":"Durable","silent_intent_match":false,"active_turn_boundary_available":false,"existing_superseded_input_id":"p","content":{"text":"progress"}}`},
	}, time.Minute)
	for key, err := range got.results {
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
	}
	if !got.state.InputStates["p"].Terminal() {
		t.Fatalf("p = %+v, want it ended by the second accept", got.state.InputStates["p"])
	}
	if _, kept := got.shell.Contents["p"]; kept {
		t.Errorf("contents %v still carry the ended input p", got.shell.Contents)
	}
}
