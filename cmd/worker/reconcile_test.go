package main

import (
	"context"
	"strconv"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

// A live channel dies with the worker's adapter process. After a restart on the same
// data directory the session no longer holds it (the worker released it), and a new
// channel can be opened.
func TestRestartReleasesLostLiveChannels(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the embedded server and the built-in plugins twice")
	}
	dir := t.TempDir()
	frontend, ui := freePort(t), freePort(t)
	identity := machine.SessionLlmIdentity{Model: "gpt-realtime", Provider: machine.ProviderOpenAI}
	const session = "restarted"
	dial := func() (client.Client, *sessionclient.Client) {
		tc, err := client.Dial(client.Options{HostPort: "127.0.0.1:" + strconv.Itoa(frontend), Namespace: "default"})
		if err != nil {
			t.Fatal(err)
		}
		return tc, sessionclient.New(tc, sessionclient.Options{})
	}
	ctx := context.Background()

	_, stop := startWorker(t, dir, frontend, ui)
	tc, sc := dial()
	if _, err := sc.Open(ctx, session); err != nil {
		t.Fatal(err)
	}
	first, err := sc.OpenLive(ctx, session, time.Minute, identity)
	if err != nil || !first.Result.Admission.Admitted {
		t.Fatalf("open = %+v, %v", first, err)
	}
	waitFor(t, "the channel in visibility", func() bool {
		s, err := sc.DescribeSession(ctx, session)
		return err == nil && s.LiveChannel == first.ChannelID
	})
	tc.Close()
	if err := stop(); err != nil {
		t.Fatalf("first shutdown: %v", err)
	}

	_, stop = startWorker(t, dir, frontend, ui)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("second shutdown: %v", err)
		}
	}()
	tc, sc = dial()
	defer tc.Close()
	waitFor(t, "the lost channel released", func() bool {
		r, err := sc.LiveRouting(ctx, session)
		return err == nil && !r.ActiveChannel.Present()
	})
	second, err := sc.OpenLive(ctx, session, time.Minute, identity)
	if err != nil || !second.Result.Admission.Admitted {
		t.Fatalf("open after the restart = %+v, %v", second, err)
	}
}
