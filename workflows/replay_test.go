package workflows_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost/reference"
	"github.com/meerkat-temporal/meerkat/workflows"
	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

const historiesDir = "testdata/histories"

// TestReplayHistories replays every history recorded from a real-server run of the main
// flows against the current workflow code: a change that makes old histories
// non-deterministic fails here (see the package doc on workflow.GetVersion).
func TestReplayHistories(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(historiesDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no histories under %s; record them with MEERKAT_RECORD_HISTORIES=<label> go test -run TestRecordHistories", historiesDir)
	}
	replayer := worker.NewWorkflowReplayer()
	workflows.RegisterWorkflows(replayer)
	logger := sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			if err := replayer.ReplayWorkflowHistoryFromJSONFile(logger, f); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestRecordHistories runs the main flows on a real server and writes every run's
// history under testdata/histories as <label>-<flow>-run<N>.json. It only runs with
// MEERKAT_RECORD_HISTORIES=<label>: the committed histories are the corpus
// TestReplayHistories checks, so record under a new label when the workflow changes and
// keep the old files.
func TestRecordHistories(t *testing.T) {
	label := os.Getenv("MEERKAT_RECORD_HISTORIES")
	if label == "" {
		t.Skip("set MEERKAT_RECORD_HISTORIES=<label> to record the replay corpus")
	}
	tc, sc := realClient(t, sessionclient.Options{Session: workflows.Options{MaxMessagesPerRun: 6}})
	ctx := context.Background()
	const session = "recorded"
	if _, err := sc.Open(ctx, session); err != nil {
		t.Fatal(err)
	}
	id := workflows.WorkflowID(session)
	steps := []func() error{
		func() error {
			return tc.SignalWorkflow(ctx, id, "", "ProjectRealtimeIntent", rawJSON(`{"present":true}`))
		},
		func() error { return tc.SignalWorkflow(ctx, id, "", "Retire", rawJSON(`{"session_id":`)) },
		func() error { return tc.SignalWorkflow(ctx, id, "", "RunCompleted", rawJSON(`{"run_id":"r1"}`)) },
		func() error {
			_, err := sc.Apply(ctx, session, machine.PrepareBindings{AgentRuntimeID: "rt", FenceToken: 1, Generation: machine.Some[uint64](1), SessionID: session})
			return err
		},
		func() error {
			_, err := sc.Apply(ctx, session, machine.UnregisterSession{SessionID: "other"})
			if err == nil {
				return fmt.Errorf("guard rejection was accepted")
			}
			return nil
		},
		func() error {
			channel := machine.NewChannelID(session, [16]byte{7})
			if _, err := sc.Apply(ctx, session, machine.ResolveLiveOpenAdmission{SessionID: session, ChannelID: channel, LlmIdentity: testIdentity}); err != nil {
				return err
			}
			token, _, err := sc.IssueWebsocketToken(ctx, session, channel, time.Minute)
			if err != nil {
				return err
			}
			_, err = sc.AdmitWebsocketToken(ctx, token, channel)
			return err
		},
		func() error {
			_, err := sc.RejectUnboundCommand(ctx, machine.NewChannelID("nobody", [16]byte{1}), machine.CommandSendInput)
			return err
		},
		func() error {
			req := workflows.AcceptInputRequest{AcceptRequest: machine.AcceptRequest{InputID: "in-1", InputKind: machine.KindPrompt, InputOrigin: machine.OriginOperator, Durability: machine.DurabilityDurable, IdempotencyKey: machine.Some("key-1")}}
			if _, err := sc.Accept(ctx, session, req); err != nil {
				return err
			}
			req.InputID = "in-2"
			_, err := sc.Accept(ctx, session, req)
			return err
		},
		func() error {
			realtime := machine.SessionLlmReconfigureRequest{Model: machine.Some(reference.ModelRealtime), Provider: machine.Some(machine.ProviderOpenAI)}
			if _, err := sc.ReconfigureSessionLlm(ctx, session, realtime); err != nil {
				return err
			}
			fx, err := sc.Apply(ctx, session, machine.BeginRealtimeBinding{})
			if err != nil {
				return err
			}
			st, err := sc.RealtimeStatus(ctx, session)
			if err != nil {
				return fmt.Errorf("after %v: %w", fx.Names(), err)
			}
			_, err = sc.ReconfigureLiveTopology(ctx, session, workflows.LiveTopologyRequest{AuthorityEpoch: st.BindingAuthorityEpoch.Get(), Reconfigure: realtime})
			return err
		},
		func() error {
			return tc.SignalWorkflow(ctx, id, "", "ProjectRealtimeIntent", rawJSON(`{"present":false}`))
		},
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	eventually(t, 10*time.Second, "the session crossed a continue-as-new boundary", func() (bool, error) {
		st, err := sc.ShellStatus(ctx, session)
		return err == nil && st.Runs >= 1 && st.SignalsApplied+st.SignalsRefused == 4, err
	})
	const liveSession = "recorded-live"
	if _, err := sc.Open(ctx, liveSession); err != nil {
		t.Fatal(err)
	}
	opened, err := sc.OpenLive(ctx, liveSession, time.Minute, testIdentity)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.AdmitWebsocketToken(ctx, opened.Token, opened.ChannelID); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.SendLiveText(ctx, opened.ChannelID, "hi"); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.RefreshLive(ctx, opened.ChannelID); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.CloseLive(ctx, opened.ChannelID); err != nil {
		t.Fatal(err)
	}
	const loopSession = "recorded-loop"
	if _, err := sc.Start(ctx, loopSession); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"hello", "what time is it?\ncall:current_time", "fail:TokenBudgetExceeded"} {
		res, err := sc.SendText(ctx, loopSession, text, sessionclient.SendOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sc.WaitForCompletion(ctx, loopSession, res.WaitOn.Get()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sc.Stop(ctx, loopSession, "recorded"); err != nil {
		t.Fatal(err)
	}
	flows := []struct{ name, workflowID string }{{"session", id}, {"live", workflows.WorkflowID(liveSession)}, {"unbound", workflows.UnboundWorkflowID}, {"loop", workflows.WorkflowID(loopSession)}}
	for _, flow := range flows {
		var runs []*workflowpb.WorkflowExecutionInfo
		eventually(t, 10*time.Second, "visibility lists every run of "+flow.name, func() (bool, error) {
			resp, err := tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: fmt.Sprintf("WorkflowId = %q", flow.workflowID)})
			if err != nil {
				return false, err
			}
			runs = resp.GetExecutions()
			running := 0
			for _, r := range runs {
				if r.GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
					running++
				}
			}
			return running == 1, fmt.Errorf("%d runs listed, %d running", len(runs), running)
		})
		slices.SortFunc(runs, func(a, b *workflowpb.WorkflowExecutionInfo) int {
			return a.GetStartTime().AsTime().Compare(b.GetStartTime().AsTime())
		})
		for i, ex := range runs {
			var events []*historypb.HistoryEvent
			eventually(t, 10*time.Second, "the first workflow task of "+flow.name, func() (bool, error) {
				events = history(t, tc, flow.workflowID, ex.GetExecution().GetRunId())
				return len(events) >= 3, fmt.Errorf("%d events", len(events))
			})
			data, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(&historypb.History{Events: events})
			if err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("%s-%s-run%d.json", label, flow.name, i+1)
			if err := os.WriteFile(filepath.Join(historiesDir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("recorded %s (%d events)", name, len(events))
		}
	}
}
