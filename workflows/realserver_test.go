package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

// history returns every event of the current run of a workflow.
func history(t testing.TB, tc client.Client, workflowID, runID string) []*historypb.HistoryEvent {
	t.Helper()
	it := tc.GetWorkflowHistory(context.Background(), workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var events []*historypb.HistoryEvent
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatalf("history of %s: %v", workflowID, err)
		}
		events = append(events, e)
	}
	return events
}

// TestRealSignalsAsCLISendsThem sends signals by name with raw JSON payloads (encoding
// json/plain, as `temporal workflow signal --input` sends them): valid ones are applied,
// malformed and forged ones are recorded, and the workflow keeps running.
func TestRealSignalsAsCLISendsThem(t *testing.T) {
	tc, sc := realClient(t, sessionclient.Options{})
	ctx := context.Background()
	const session = "cli-signals"
	if _, err := sc.Open(ctx, session); err != nil {
		t.Fatal(err)
	}
	id := workflows.WorkflowID(session)
	signals := []struct {
		name, payload string
	}{
		{"PrepareBindings", `{"agent_runtime_id":"rt","fence_token":1,"generation":1,"session_id":"cli-signals"}`},
		{"Retire", `{"session_id":`},
		{"RunCompleted", `{"run_id":"r1"}`},
		{"ProjectRealtimeIntent", `{"present":true}`},
	}
	for _, s := range signals {
		if err := tc.SignalWorkflow(ctx, id, "", s.name, rawJSON(s.payload)); err != nil {
			t.Fatalf("signal %s: %v", s.name, err)
		}
	}
	var status workflows.ShellStatus
	eventually(t, 10*time.Second, "all signals handled", func() (bool, error) {
		var err error
		status, err = sc.ShellStatus(ctx, session)
		return err == nil && status.SignalsApplied+status.SignalsRefused == uint64(len(signals)), err
	})
	// Signals of different names in one workflow task are applied in catalogue order, so
	// the refusals are compared as a set.
	kinds := map[string]string{}
	for _, r := range status.Refusals {
		kinds[r.Signal] = r.Error.Kind
	}
	if status.SignalsApplied != 2 || len(kinds) != 2 || kinds["Retire"] != "ValidationFailed" || kinds["RunCompleted"] != workflows.KindRuntimeOnly {
		t.Fatalf("status = %+v", status)
	}
	rt, err := sc.RealtimeStatus(ctx, session)
	if err != nil || !rt.IntentPresent {
		t.Fatalf("realtime status = %+v, %v", rt, err)
	}
	desc, err := tc.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		t.Fatal(err)
	}
	if st := desc.GetWorkflowExecutionInfo().GetStatus(); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("workflow status = %s, want running", st)
	}
	eventually(t, 10*time.Second, "search attribute MeerkatRuntimeState=Attached", func() (bool, error) {
		desc, err := tc.DescribeWorkflowExecution(ctx, id, "")
		if err != nil {
			return false, err
		}
		p := desc.GetWorkflowExecutionInfo().GetSearchAttributes().GetIndexedFields()[workflows.SARuntimeState.GetName()]
		var v string
		if p != nil {
			_ = converter.GetDefaultDataConverter().FromPayload(p, &v)
		}
		return v == "Attached", fmt.Errorf("value %q", v)
	})
}

// TestRealRejectedUpdateLeavesNoHistory: updates refused by the validator (malformed,
// forged, guard) add no event to history; an accepted one adds its two events.
func TestRealRejectedUpdateLeavesNoHistory(t *testing.T) {
	tc, sc := realClient(t, sessionclient.Options{})
	ctx := context.Background()
	const session = "no-history"
	if _, err := sc.Open(ctx, session); err != nil {
		t.Fatal(err)
	}
	id := workflows.WorkflowID(session)
	before := len(history(t, tc, id, ""))
	rejected := []struct {
		name, payload, kind string
	}{
		{"Retire", `{"session_id":`, "ValidationFailed"},
		{"ClassifyRuntimeLifecycleState", `{"state":"Sleeping"}`, "ValidationFailed"},
		{"RunCompleted", `{"run_id":"r1"}`, workflows.KindRuntimeOnly},
		{"UnregisterSession", `{"session_id":"other"}`, "Rejected"},
		{"CancelAfterBoundary", `{"reason":"user"}`, "NotReady"},
	}
	for _, r := range rejected {
		h, err := tc.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: id, UpdateName: r.name, Args: []any{rawJSON(r.payload)}, WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		e := workflows.ErrorFrom(err)
		if e == nil || e.Kind != r.kind || e.Reason == "" {
			t.Errorf("%s: err = %v, want kind %s", r.name, err, r.kind)
		}
	}
	_, err := sc.Apply(ctx, session, machine.UnregisterSession{SessionID: "other"})
	if !errors.Is(err, machine.ErrRejected) {
		t.Errorf("client Apply of a guard rejection: %v, want errors.Is machine.ErrRejected", err)
	}
	_, err = sc.Apply(ctx, session, machine.RunCompleted{RunID: "r1"})
	if !errors.Is(err, workflows.ErrRuntimeOnly) {
		t.Errorf("client Apply of a runtime input: %v, want errors.Is workflows.ErrRuntimeOnly", err)
	}
	if after := len(history(t, tc, id, "")); after != before {
		t.Fatalf("history grew from %d to %d events after rejected updates", before, after)
	}
	fx, err := sc.Apply(ctx, session, machine.PrepareBindings{AgentRuntimeID: "rt", FenceToken: 1, Generation: machine.Some[uint64](1), SessionID: session})
	if err != nil || strings.Join(fx.Names(), ",") != "RuntimeBound" {
		t.Fatalf("accepted update: %v %v", fx.Names(), err)
	}
	var accepted, completed int
	for _, e := range history(t, tc, id, "")[before:] {
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
			accepted++
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
			completed++
		}
	}
	if accepted != 1 || completed != 1 {
		t.Fatalf("accepted update wrote %d accepted and %d completed events, want 1 and 1", accepted, completed)
	}
}

// TestRealEnvelopeOrder sends register, bind and unbind back to back, twenty times, as
// MachineInput envelopes (sessionclient.Signal): each step depends on the one before, so
// all sixty are applied only if the session keeps their arrival order across kinds.
func TestRealEnvelopeOrder(t *testing.T) {
	_, sc := realClient(t, sessionclient.Options{})
	ctx := context.Background()
	const session = "envelope-order"
	if _, err := sc.Open(ctx, session); err != nil {
		t.Fatal(err)
	}
	binding := machine.RuntimeBindingObservation{AgentRuntimeID: machine.Some("rt"), FenceToken: machine.Some[uint64](1), Generation: machine.Some[uint64](1)}
	steps := []machine.Input{
		machine.RegisterSession{SessionID: session},
		machine.PrepareBindings{AgentRuntimeID: "rt", FenceToken: 1, Generation: machine.Some[uint64](1), SessionID: session},
		machine.UnregisterSession{SessionID: session, RuntimeBindingObservation: binding},
	}
	const rounds = 20
	for range rounds {
		for _, in := range steps {
			if err := sc.Signal(ctx, session, in); err != nil {
				t.Fatal(err)
			}
		}
	}
	var status workflows.ShellStatus
	eventually(t, 10*time.Second, "all envelopes handled", func() (bool, error) {
		var err error
		status, err = sc.ShellStatus(ctx, session)
		return err == nil && status.SignalsApplied+status.SignalsRefused == rounds*uint64(len(steps)), err
	})
	if status.SignalsRefused != 0 {
		t.Fatalf("%d envelopes refused: %+v", status.SignalsRefused, status.Refusals)
	}
}
