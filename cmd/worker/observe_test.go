package main

import (
	"context"
	"strconv"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

// The worker records the built-in live adapter's observations in the sessions: a channel
// opened through the embedded server reaches Ready in its session only through the
// observation forwarder (the open itself records no status), and a close the adapter
// decides (an injected fault) unbinds the channel in the session.
func TestRunForwardsLiveObservations(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the embedded server and the built-in plugins")
	}
	frontend := freePort(t)
	_, stop := startWorker(t, t.TempDir(), frontend, freePort(t))
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	}()
	ctx := context.Background()
	tc, err := client.Dial(client.Options{HostPort: "127.0.0.1:" + strconv.Itoa(frontend), Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	sc := sessionclient.New(tc, sessionclient.Options{})
	const session = "observed"
	if _, err := sc.Open(ctx, session); err != nil {
		t.Fatal(err)
	}
	opened, err := sc.OpenLive(ctx, session, time.Minute, machine.SessionLlmIdentity{Model: "gpt-realtime", Provider: machine.ProviderOpenAI})
	if err != nil || !opened.Result.Admission.Admitted {
		t.Fatalf("open = %+v, %v", opened, err)
	}
	waitFor(t, "the forwarded Ready status", func() bool {
		st, err := sc.LiveStatus(ctx, opened.ChannelID)
		return err == nil && st.Channel.Status.Is(machine.LiveStatusReady)
	})
	res, err := sc.LiveCommand(ctx, workflows.LiveCommandRequest{ChannelID: opened.ChannelID, Command: machine.CommandSendInput, Text: "fault:close"})
	if err != nil || !res.Accepted.Present() {
		t.Fatalf("fault command = %+v, %v", res, err)
	}
	waitFor(t, "the adapter's close recorded in the session", func() bool {
		r, err := sc.LiveRouting(ctx, session)
		return err == nil && !r.ActiveChannel.Present()
	})
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not reached in 30s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
