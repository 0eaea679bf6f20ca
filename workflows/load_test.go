package workflows_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

// TestRealContinueAsNewUnderLoad pushes 5,000 inputs from concurrent senders (signals
// and updates) into one session whose runs continue as new every 400 messages, and
// proves none was lost or applied twice: the machine counted exactly one application
// per input, the shell's counters match what was sent, and the histories of all runs
// hold exactly as many signal events as were sent.
func TestRealContinueAsNewUnderLoad(t *testing.T) {
	const (
		session        = "load"
		signalSenders  = 4
		signalsEach    = 1000
		updateSenders  = 2
		updatesEach    = 500
		total          = signalSenders*signalsEach + updateSenders*updatesEach
		messagesPerRun = 400
	)
	tc, sc := realClient(t, sessionclient.Options{Session: workflows.Options{MaxMessagesPerRun: messagesPerRun}})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if _, err := sc.Open(ctx, session); err != nil {
		t.Fatal(err)
	}
	base, err := sc.MachineState(ctx, session)
	if err != nil {
		t.Fatal(err)
	}
	in := machine.RegisterSession{SessionID: session} // accepted every time (idempotent)
	var wg sync.WaitGroup
	errs := make(chan error, signalSenders+updateSenders)
	for s := range signalSenders {
		wg.Go(func() {
			for range signalsEach {
				if err := sc.Signal(ctx, session, in); err != nil {
					errs <- fmt.Errorf("signal sender %d: %w", s, err)
					return
				}
			}
		})
	}
	for u := range updateSenders {
		wg.Go(func() {
			for i := range updatesEach {
				fx, err := sc.ApplyWithID(ctx, session, fmt.Sprintf("load-%d-%d", u, i), in)
				if err != nil || len(fx) != 0 {
					errs <- fmt.Errorf("update sender %d #%d: effects %v, error %w", u, i, fx.Names(), err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	var status workflows.ShellStatus
	eventually(t, time.Minute, "every input handled", func() (bool, error) {
		var err error
		status, err = sc.ShellStatus(ctx, session)
		return err == nil && status.Messages >= base.Applied-2+total, err
	})
	st, err := sc.MachineState(ctx, session)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Applied - base.Applied; got != total {
		t.Errorf("machine applied %d inputs, want %d", got, total)
	}
	if status.SignalsApplied != signalSenders*signalsEach || status.UpdatesApplied != updateSenders*updatesEach+1 || status.SignalsRefused != 0 {
		t.Errorf("shell counters = %+v", status.ShellState)
	}
	if status.Runs < 3 {
		t.Errorf("only %d continue-as-new boundaries crossed", status.Runs)
	}

	// Count the signal events over every run of the chain, once visibility lists every
	// run the session reports (the last run may still continue as new meanwhile).
	var runs []*workflowpb.WorkflowExecutionInfo
	eventually(t, 30*time.Second, "visibility lists every run", func() (bool, error) {
		resp, err := tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("WorkflowId = %q", workflows.WorkflowID(session)),
		})
		if err != nil {
			return false, err
		}
		status, err = sc.ShellStatus(ctx, session)
		runs = resp.GetExecutions()
		return err == nil && len(runs) == int(status.Runs)+1, fmt.Errorf("%d runs listed, %d reported", len(runs), status.Runs+1)
	})
	signaled := 0
	for _, ex := range runs {
		for _, e := range history(t, tc, ex.GetExecution().GetWorkflowId(), ex.GetExecution().GetRunId()) {
			if e.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED {
				signaled++
			}
		}
	}
	if signaled != signalSenders*signalsEach {
		t.Errorf("the %d runs hold %d signal events, want %d", len(runs), signaled, signalSenders*signalsEach)
	}
	t.Logf("%d inputs over %d runs", total, status.Runs+1)
}
