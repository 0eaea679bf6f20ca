package loopback_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-plugin"

	"github.com/meerkat-temporal/meerkat/plugins/live"
	"github.com/meerkat-temporal/meerkat/plugins/live/loopback"
	"github.com/meerkat-temporal/meerkat/plugins/plugintest"
)

const envMode = "MEERKAT_TEST_PLUGIN"

// The test binary doubles as the adapter plugin (helper-process pattern).
func TestMain(m *testing.M) {
	if os.Getenv(envMode) == "live" {
		cfg, err := loopback.ConfigFromEnv()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		cfg.Version = plugintest.VersionFromArgs(os.Args[1:])
		live.Serve(loopback.New(cfg))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func selfBinary(t testing.TB, version string) live.Binary {
	t.Helper()
	bin, err := plugintest.SelfBinary(version)
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

func newManager(t testing.TB, env ...string) *live.Manager {
	t.Helper()
	m := live.NewManager(selfBinary(t, "1.0.0"), live.Options{Env: append([]string{envMode + "=live"}, env...)})
	t.Cleanup(func() { _ = m.Close(context.Background()) })
	return m
}

func inProcess(t *testing.T, a live.Host) live.Host {
	t.Helper()
	client, _ := plugin.TestPluginGRPCConn(t, false, live.PluginSet(a))
	t.Cleanup(func() { _ = client.Close() }) // Close shuts the server down through its controller
	raw, err := client.Dispense(live.Kind)
	if err != nil {
		t.Fatal(err)
	}
	return raw.(*live.Client)
}

// recorder collects observations from Observe in the background.
type recorder struct {
	mu   sync.Mutex
	obs  []live.Observation
	stop func()
}

func record(t *testing.T, h live.Host) *recorder {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &recorder{}
	var wg sync.WaitGroup
	wg.Go(func() {
		_ = h.Observe(ctx, func(o live.Observation) error {
			r.mu.Lock()
			r.obs = append(r.obs, o)
			r.mu.Unlock()
			return nil
		})
	})
	r.stop = func() { cancel(); wg.Wait() }
	t.Cleanup(r.stop)
	return r
}

// wait returns the first observation of channel that satisfies ok, or fails the test.
func (r *recorder) wait(t *testing.T, channel string, ok func(live.Observation) bool) live.Observation {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		for _, o := range r.obs {
			if o.ChannelID == channel && ok(o) {
				r.mu.Unlock()
				return o
			}
		}
		r.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	t.Fatalf("no matching observation for %s; got %+v", channel, r.obs)
	return live.Observation{}
}
