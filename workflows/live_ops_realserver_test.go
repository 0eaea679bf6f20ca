package workflows_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/proto"

	"github.com/meerkat-temporal/meerkat/activities"
	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/live/loopback"
	"github.com/meerkat-temporal/meerkat/workflows"
	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

// liveOpsTaskQueue is served by the worker of TestRealLiveChannelLifecycle only, so its
// loopback adapter is the one its observation forwarder watches.
const liveOpsTaskQueue = "meerkat-liveops"

// TestRealLiveChannelLifecycle drives a channel end to end on the real server with the
// loopback live adapter and the observation forwarder: open, the forwarded Ready status,
// commands, refresh, a WebRTC answer with a single-use token, an injected degradation,
// close, then requests for the closed channel answered by the unbound authority, and a
// close the adapter decides itself, forwarded into the session.
func TestRealLiveChannelLifecycle(t *testing.T) {
	ts := realServer(t)
	adapter := loopback.New(loopback.Config{ReadyAfter: time.Millisecond})
	ts.NewWorkerWithOptions(liveOpsTaskQueue, func(r worker.Registry) {
		workflows.RegisterWorkflows(r)
		r.RegisterActivity(&activities.Activities{Live: adapter})
	}, worker.Options{})
	tc := ts.GetDefaultClient()
	sc := sessionclient.New(tc, sessionclient.Options{TaskQueue: liveOpsTaskQueue})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	fwdCtx, stopForwarder := context.WithCancel(ctx)
	forwarded := make(chan error, 1)
	go func() {
		forwarded <- (&activities.ObservationForwarder{Live: adapter, Sink: sc, RetryDelay: 10 * time.Millisecond, Logger: testLogger{t}}).Run(fwdCtx)
	}()
	defer func() {
		stopForwarder()
		if err := <-forwarded; err != nil {
			t.Errorf("forwarder: %v", err)
		}
	}()

	const session = "live-lifecycle"
	if _, err := sc.Open(ctx, session); err != nil {
		t.Fatal(err)
	}
	opened, err := sc.OpenLive(ctx, session, time.Minute, testIdentity)
	if err != nil || !opened.Result.Admission.Admitted {
		t.Fatalf("open = %+v, %v", opened, err)
	}
	channel := opened.ChannelID
	waitStatus(t, sc, channel, machine.LiveStatusReady)

	for i, req := range []workflows.LiveCommandRequest{
		{ChannelID: channel, Command: machine.CommandSendInput, Text: "hello"},
		{ChannelID: channel, Command: machine.CommandCommitInput},
		{ChannelID: channel, Command: machine.CommandInterrupt},
	} {
		res, err := sc.LiveCommand(ctx, req)
		if a, ok := res.Accepted.Lookup(); err != nil || !ok || a.Command != req.Command || a.CommandAcceptanceSequence != uint64(i+1) {
			t.Fatalf("%s = %+v, %v", req.Command, res, err)
		}
	}
	// The loopback adapter refuses to truncate an item it never produced: the machine
	// classifies its adapter_error.
	res, err := sc.LiveCommand(ctx, workflows.LiveCommandRequest{ChannelID: channel, Command: machine.CommandTruncateAssistantOutput, ItemID: "item_9", AudioEndMs: 1})
	if r, ok := res.Rejection.Lookup(); err != nil || !ok || r.Rejection != machine.CommandRejectionAdapterError || r.PublicErrorClass != machine.CommandClassInternalError {
		t.Fatalf("truncate of an unknown item = %+v, %v", res, err)
	}
	refreshed, err := sc.RefreshLive(ctx, channel)
	if err != nil || refreshed.Queued.Get().QueueAcceptanceSequence != 1 {
		t.Fatalf("refresh = %+v, %v", refreshed, err)
	}

	token, _, err := sc.IssueWebrtcToken(ctx, session, channel, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	answer, err := sc.WebrtcAnswer(ctx, token, channel, "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n")
	if err != nil || !answer.Admission.Get().Admitted || !strings.HasPrefix(answer.AnswerSDP, "v=0") || !answer.Answer.Get().Answered {
		t.Fatalf("answer = %+v, %v", answer, err)
	}
	again, err := sc.WebrtcAnswer(ctx, token, channel, "v=0\r\n")
	if err != nil || again.Admission.Get().Admitted || !again.Admission.Get().Rejection.Is(machine.WebrtcTokenAlreadyConsumed) {
		t.Fatalf("second answer with the same token = %+v, %v", again, err)
	}

	if res, err := sc.SendLiveText(ctx, channel, "fault:"+loopback.FaultDegradeRateLimited); err != nil || !res.Accepted.Present() {
		t.Fatalf("fault command = %+v, %v", res, err)
	}
	st := waitStatus(t, sc, channel, machine.LiveStatusDegraded)
	if !st.Channel.Status.Is(machine.LiveStatusDegraded) {
		t.Fatalf("status = %+v", st)
	}

	closed, err := sc.CloseLive(ctx, channel)
	if err != nil || !closed.Closed.Present() {
		t.Fatalf("close = %+v, %v", closed, err)
	}
	waitStatus(t, sc, channel, machine.LiveStatusClosed) // the close history keeps status routable
	after, err := sc.LiveCommand(ctx, workflows.LiveCommandRequest{ChannelID: channel, Command: machine.CommandInterrupt})
	if r, ok := after.Rejection.Lookup(); err != nil || !ok || r.Rejection != machine.CommandRejectionChannelNotFound || r.PublicErrorClass != machine.CommandClassInvalidParams {
		t.Fatalf("command after close = %+v, %v", after, err)
	}
	reclose, err := sc.CloseLive(ctx, channel)
	if r, ok := reclose.Rejection.Lookup(); err != nil || !ok || r.Rejection != machine.RequestRejectionChannelNotFound || r.Request != machine.RequestClose {
		t.Fatalf("second close = %+v, %v", reclose, err)
	}

	// A close the adapter decides itself reaches the session through the forwarder.
	reopened, err := sc.OpenLive(ctx, session, time.Minute, testIdentity)
	if err != nil || !reopened.Result.Admission.Admitted {
		t.Fatalf("reopen = %+v, %v", reopened, err)
	}
	waitStatus(t, sc, reopened.ChannelID, machine.LiveStatusReady)
	if res, err := sc.SendLiveText(ctx, reopened.ChannelID, "fault:"+loopback.FaultClose); err != nil || !res.Accepted.Present() {
		t.Fatalf("fault close = %+v, %v", res, err)
	}
	eventually(t, 10*time.Second, "the adapter's close recorded in the session", func() (bool, error) {
		r, err := sc.LiveRouting(ctx, session)
		return err == nil && !r.ActiveChannel.Present(), err
	})

	// Stale observations (the close live_close recorded itself) are refused by the update
	// validator: nothing reaches the refused-signal list.
	shell, err := sc.ShellStatus(ctx, session)
	if err != nil || shell.SignalsRefused != 0 {
		t.Fatalf("shell status = %+v, %v", shell, err)
	}
	// Only the WebRTC token's digest is in history.
	var events []byte
	for _, e := range history(t, tc, workflows.WorkflowID(session), "") {
		b, err := proto.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, b...)
	}
	secret := token[strings.LastIndexByte(token, '.')+1:]
	if !bytes.Contains(events, []byte(machine.TokenDigest(token))) || bytes.Contains(events, []byte(secret)) {
		t.Fatal("history must hold the WebRTC token's digest and never the token")
	}
}

// waitStatus polls LiveStatus until the session recorded status for the channel.
func waitStatus(t *testing.T, sc *sessionclient.Client, channel string, status machine.LiveChannelPublicStatus) sessionclient.LiveStatus {
	t.Helper()
	var st sessionclient.LiveStatus
	eventually(t, 10*time.Second, "channel status "+status.String(), func() (bool, error) {
		var err error
		st, err = sc.LiveStatus(context.Background(), channel)
		return err == nil && st.Channel.Status.Is(status), err
	})
	return st
}

// testLogger sends the forwarder's diagnostics to the test log.
type testLogger struct{ t *testing.T }

func (l testLogger) Debug(msg string, args ...any) { l.t.Log(append([]any{"debug:", msg}, args...)...) }
func (l testLogger) Warn(msg string, args ...any)  { l.t.Log(append([]any{"warn:", msg}, args...)...) }
