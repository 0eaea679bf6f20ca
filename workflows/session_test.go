package workflows_test

import (
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
)

const testSession = "s1"

func newEnv(t *testing.T) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := suite.NewTestWorkflowEnvironment()
	workflows.RegisterWorkflows(env)
	return env
}

// query runs a query inside a callback and decodes its result.
func query[T any](t *testing.T, env *testsuite.TestWorkflowEnvironment, name string) T {
	t.Helper()
	v, err := env.QueryWorkflow(name)
	if err != nil {
		t.Fatalf("query %s: %v", name, err)
	}
	var out T
	if err := v.Get(&out); err != nil {
		t.Fatalf("query %s decode: %v", name, err)
	}
	return out
}

// TestSignals sends each payload as a signal; the valid ones are applied, the others are
// recorded as refusals with the right kind, and the workflow keeps running.
func TestSignals(t *testing.T) {
	big := `{"session_id":"` + strings.Repeat("x", machine.MaxInputBytes) + `"}`
	cases := []struct {
		name    string
		signal  string
		payload converter.RawValue
		kind    string // "" = applied
	}{
		{"valid input", "RegisterSession", rawJSON(`{"session_id":"s1"}`), ""},
		{"null payload reads as empty input", "Recover", rawPayload(converter.MetadataEncodingNil, ""), ""},
		{"bad JSON", "RegisterSession", rawJSON(`{"session_id":`), "ValidationFailed"},
		{"unknown field", "RegisterSession", rawJSON(`{"session":"s1"}`), "ValidationFailed"},
		{"wrong type", "RegisterSession", rawJSON(`{"session_id":5}`), "ValidationFailed"},
		{"unknown enum value", "ClassifyRuntimeLifecycleState", rawJSON(`{"state":"Sleeping"}`), "ValidationFailed"},
		{"oversized", "RegisterSession", rawJSON(big), "ValidationFailed"},
		{"not JSON", "RegisterSession", rawPayload(converter.MetadataEncodingBinary, "s1"), "ValidationFailed"},
		{"runtime-only input", "RunCompleted", rawJSON(`{"run_id":"r1"}`), workflows.KindRuntimeOnly},
		{"guard rejection", "UnregisterSession", rawJSON(`{"session_id":"other"}`), "Rejected"},
		{"attach", "PrepareBindings", rawJSON(`{"agent_runtime_id":"rt","fence_token":1,"generation":1,"session_id":"s1"}`), ""},
	}
	env := newEnv(t)
	for i, c := range cases {
		env.RegisterDelayedCallback(func() { env.SignalWorkflow(c.signal, c.payload) }, time.Duration(i+1)*time.Second)
	}
	var status workflows.ShellStatus
	var rt workflows.RuntimeState
	env.RegisterDelayedCallback(func() {
		status = query[workflows.ShellStatus](t, env, workflows.QueryShellStatus)
		rt = query[workflows.RuntimeState](t, env, workflows.QueryRuntimeState)
		env.CancelWorkflow()
	}, time.Minute)
	env.ExecuteWorkflow(workflows.SessionWorkflowName, workflows.SessionParams{SessionID: testSession})

	var refusals []workflows.Refusal = status.Refusals
	applied := 0
	for _, c := range cases {
		if c.kind == "" {
			applied++
			continue
		}
		if len(refusals) == 0 {
			t.Fatalf("%s: no refusal recorded", c.name)
		}
		r := refusals[0]
		refusals = refusals[1:]
		if r.Signal != c.signal || r.Error.Kind != c.kind || r.Error.Reason == "" {
			t.Errorf("%s: refusal = %+v, want signal %s kind %s with a reason", c.name, r, c.signal, c.kind)
		}
	}
	if len(refusals) != 0 {
		t.Errorf("unexpected refusals: %+v", refusals)
	}
	if status.SignalsApplied != uint64(applied) || status.SignalsRefused != uint64(len(cases)-applied) {
		t.Errorf("applied/refused = %d/%d, want %d/%d", status.SignalsApplied, status.SignalsRefused, applied, len(cases)-applied)
	}
	if rt.VisiblePhase != machine.ObservedAttached {
		t.Errorf("visible phase = %s, want Attached", rt.VisiblePhase)
	}
}

// TestUpdates sends each payload as an update: valid ones return the machine's effects,
// the others are rejected by the validator with the kind the caller can branch on.
func TestUpdates(t *testing.T) {
	cases := []struct {
		name    string
		update  string
		payload converter.RawValue
		effects []string // when the update is accepted
		kind    string   // "" = accepted
	}{
		{"not in this phase", "CancelAfterBoundary", rawJSON(`{"reason":"user"}`), nil, "NotReady"},
		{"attach returns RuntimeBound", "PrepareBindings", rawJSON(`{"agent_runtime_id":"rt","fence_token":1,"generation":1,"session_id":"s1"}`), []string{"RuntimeBound"}, ""},
		{"idempotent register has no effects", "RegisterSession", rawJSON(`{"session_id":"s1"}`), []string{}, ""},
		{"bad JSON", "Retire", rawJSON(`{`), nil, "ValidationFailed"},
		{"unknown enum value", "ClassifyRuntimeLifecycleState", rawJSON(`{"state":"Sleeping"}`), nil, "ValidationFailed"},
		{"runtime-only input", "Prepare", rawJSON(`{"session_id":"s1","run_id":"r1"}`), nil, workflows.KindRuntimeOnly},
		{"guard rejection", "UnregisterSession", rawJSON(`{"session_id":"other"}`), nil, "Rejected"},
	}
	env := newEnv(t)
	type outcome struct {
		effects machine.Effects
		err     error
		reject  bool
	}
	got := make([]outcome, len(cases))
	for i, c := range cases {
		env.RegisterDelayedCallback(func() {
			env.UpdateWorkflow(c.update, c.name, &testsuite.TestUpdateCallback{
				OnAccept: func() {},
				OnReject: func(err error) { got[i] = outcome{err: err, reject: true} },
				OnComplete: func(v any, err error) {
					fx, _ := v.(machine.Effects)
					got[i] = outcome{effects: fx, err: err}
				},
			}, c.payload)
		}, time.Duration(i+1)*time.Second)
	}
	var state machine.State
	env.RegisterDelayedCallback(func() {
		state = query[machine.State](t, env, workflows.QueryMachineState)
		env.CancelWorkflow()
	}, time.Minute)
	env.ExecuteWorkflow(workflows.SessionWorkflowName, workflows.SessionParams{SessionID: testSession})

	for i, c := range cases {
		o := got[i]
		if c.kind == "" {
			if o.err != nil {
				t.Errorf("%s: %v", c.name, o.err)
			} else if strings.Join(o.effects.Names(), ",") != strings.Join(c.effects, ",") {
				t.Errorf("%s: effects %v, want %v", c.name, o.effects.Names(), c.effects)
			}
			continue
		}
		e := workflows.ErrorFrom(o.err)
		if !o.reject || e == nil || e.Kind != c.kind || e.Input != c.update {
			t.Errorf("%s: rejected=%v err=%v, want a validator rejection of kind %s", c.name, o.reject, o.err, c.kind)
		}
	}
	// Two accepted inputs on top of the Initialize + RegisterSession of a new session.
	if state.Applied != 4 || state.LifecyclePhase != machine.PhaseAttached {
		t.Errorf("state applied=%d phase=%s, want 4 and Attached", state.Applied, state.LifecyclePhase)
	}
}

// TestUpdateDedup: the same update ID twice returns the first result and applies once.
func TestUpdateDedup(t *testing.T) {
	env := newEnv(t)
	var results []machine.Effects
	for i := range 2 {
		env.RegisterDelayedCallback(func() {
			env.UpdateWorkflow("PrepareBindings", "same-id", &testsuite.TestUpdateCallback{
				OnAccept: func() {}, OnReject: func(err error) { t.Errorf("rejected: %v", err) },
				OnComplete: func(v any, err error) {
					if err != nil {
						t.Errorf("update: %v", err)
					}
					fx, _ := v.(machine.Effects)
					results = append(results, fx)
				},
			}, rawJSON(`{"agent_runtime_id":"rt","fence_token":1,"generation":1,"session_id":"s1"}`))
		}, time.Duration(i+1)*time.Second)
	}
	var status workflows.ShellStatus
	env.RegisterDelayedCallback(func() {
		status = query[workflows.ShellStatus](t, env, workflows.QueryShellStatus)
		env.CancelWorkflow()
	}, time.Minute)
	env.ExecuteWorkflow(workflows.SessionWorkflowName, workflows.SessionParams{SessionID: testSession})
	if len(results) != 2 || len(results[0]) != 1 || len(results[1]) != 1 {
		t.Fatalf("results = %v, want RuntimeBound twice", results)
	}
	if status.UpdatesApplied != 1 {
		t.Errorf("updates applied = %d, want 1", status.UpdatesApplied)
	}
}

// TestContinueAsNewCarriesSnapshot: after MaxMessagesPerRun messages the run continues as
// new, and the next run restores the machine and the shell state from the snapshot.
func TestContinueAsNewCarriesSnapshot(t *testing.T) {
	env := newEnv(t)
	opts := workflows.Options{MaxMessagesPerRun: 3}
	payloads := []converter.RawValue{
		rawJSON(`{"agent_runtime_id":"rt","fence_token":1,"generation":1,"session_id":"s1"}`),
		rawJSON(`{"session_id":`),
		rawJSON(`{"session_id":"s1"}`),
	}
	names := []string{"PrepareBindings", "RegisterSession", "RegisterSession"}
	for i := range payloads {
		env.RegisterDelayedCallback(func() { env.SignalWorkflow(names[i], payloads[i]) }, time.Duration(i+1)*time.Second)
	}
	env.ExecuteWorkflow(workflows.SessionWorkflowName, workflows.SessionParams{SessionID: testSession, Options: opts})
	var can *workflow.ContinueAsNewError
	if !errors.As(env.GetWorkflowError(), &can) {
		t.Fatalf("workflow error = %v, want continue-as-new", env.GetWorkflowError())
	}
	var next workflows.SessionParams
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	if next.Snapshot == nil || next.Options != opts || next.SessionID != testSession {
		t.Fatalf("next params = %+v", next)
	}

	env2 := newEnv(t)
	var status workflows.ShellStatus
	var rt workflows.RuntimeState
	env2.RegisterDelayedCallback(func() {
		status = query[workflows.ShellStatus](t, env2, workflows.QueryShellStatus)
		rt = query[workflows.RuntimeState](t, env2, workflows.QueryRuntimeState)
		env2.CancelWorkflow()
	}, time.Second)
	env2.ExecuteWorkflow(workflows.SessionWorkflowName, next)
	if status.Runs != 1 || status.Messages != 3 || status.SignalsApplied != 2 || len(status.Refusals) != 1 {
		t.Errorf("carried shell state = %+v", status.ShellState)
	}
	if rt.VisiblePhase != machine.ObservedAttached {
		t.Errorf("carried phase = %s, want Attached", rt.VisiblePhase)
	}
}

// TestSignalEnvelopes: MachineInput envelopes share one channel and keep their arrival
// order; an envelope of an unknown kind or of a runtime input is refused like a named
// signal. (The order across named signals of one workflow task needs a real server:
// TestRealEnvelopeOrder.)
func TestSignalEnvelopes(t *testing.T) {
	const bind = `{"agent_runtime_id":"rt","fence_token":1,"generation":1,"session_id":"s1"}`
	const unbind = `{"session_id":"s1","agent_runtime_id":"rt","fence_token":1,"generation":1}`
	cases := []struct {
		name     string
		signals  [][2]string // signal name, payload
		phase    machine.Phase
		refusals int
	}{
		{"envelopes: arrival order", [][2]string{
			{workflows.SignalInput, `{"kind":"PrepareBindings","fields":` + bind + `}`},
			{workflows.SignalInput, `{"kind":"UnregisterSession","fields":` + unbind + `}`},
		}, machine.PhaseIdle, 0},
		{"envelope of an unknown kind", [][2]string{{workflows.SignalInput, `{"kind":"Nope","fields":{}}`}}, machine.PhaseIdle, 1},
		{"envelope of a runtime input", [][2]string{{workflows.SignalInput, `{"kind":"RunCompleted","fields":{"run_id":"r"}}`}}, machine.PhaseIdle, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := newEnv(t)
			env.RegisterDelayedCallback(func() {
				for _, s := range c.signals {
					env.SignalWorkflow(s[0], rawJSON(s[1]))
				}
			}, time.Second)
			var st machine.State
			var status workflows.ShellStatus
			env.RegisterDelayedCallback(func() {
				st = query[machine.State](t, env, workflows.QueryMachineState)
				status = query[workflows.ShellStatus](t, env, workflows.QueryShellStatus)
				env.CancelWorkflow()
			}, time.Minute)
			env.ExecuteWorkflow(workflows.SessionWorkflowName, workflows.SessionParams{SessionID: testSession})
			if st.LifecyclePhase != c.phase || len(status.Refusals) != c.refusals {
				t.Errorf("phase %s with %d refusals (%+v), want %s with %d", st.LifecyclePhase, len(status.Refusals), status.Refusals, c.phase, c.refusals)
			}
		})
	}
}

// TestContinueAsNewWhenSuggested: the run continues as new as soon as Temporal suggests it
// (history size or length), whatever its own message count.
func TestContinueAsNewWhenSuggested(t *testing.T) {
	env := newEnv(t)
	env.SetContinueAsNewSuggested(true)
	env.ExecuteWorkflow(workflows.SessionWorkflowName, workflows.SessionParams{SessionID: testSession})
	var can *workflow.ContinueAsNewError
	if !errors.As(env.GetWorkflowError(), &can) {
		t.Fatalf("workflow error = %v, want continue-as-new", env.GetWorkflowError())
	}
}
