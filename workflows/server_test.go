package workflows_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"

	"github.com/meerkat-temporal/meerkat/activities"
	"github.com/meerkat-temporal/meerkat/plugins/live/loopback"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost/reference"
	"github.com/meerkat-temporal/meerkat/workflows"
	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

// One in-process Temporal server (temporaltest: in-memory SQLite) is shared by the
// real-server tests of the package and started on first use.
var (
	serverOnce sync.Once
	server     *temporaltest.TestServer
	serverErr  error
	pluginDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if server != nil {
		server.Stop()
	}
	if pluginDir != "" {
		_ = os.RemoveAll(pluginDir)
	}
	os.Exit(code)
}

// realServer returns the shared server with the search attributes registered and a
// worker on workflows.TaskQueue for both workflows and the plugin activities, served by
// the reference LLM host and the loopback live adapter in process.
func realServer(t testing.TB) *temporaltest.TestServer {
	t.Helper()
	if testing.Short() {
		t.Skip("real-server test skipped in -short mode")
	}
	serverOnce.Do(func() {
		server = temporaltest.NewServer()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, serverErr = server.GetDefaultClient().OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
			Namespace: server.GetDefaultNamespace(), SearchAttributes: workflows.SearchAttributeTypes(),
		})
		if serverErr != nil {
			return
		}
		if pluginDir, serverErr = os.MkdirTemp("", "meerkat-llmhost-"); serverErr != nil {
			return
		}
		var llm *reference.Plugin
		if llm, serverErr = reference.New(reference.Config{DataDir: pluginDir}); serverErr != nil {
			return
		}
		acts := &activities.Activities{LLM: llm, Live: loopback.New(loopback.Config{ReadyAfter: time.Millisecond})}
		server.NewWorkerWithOptions(workflows.TaskQueue, func(r worker.Registry) {
			workflows.RegisterWorkflows(r)
			r.RegisterActivity(acts)
		}, worker.Options{})
	})
	if serverErr != nil {
		t.Fatalf("test server: %v", serverErr)
	}
	return server
}

// realClient returns the Temporal client and a session client over the shared server.
func realClient(t testing.TB, opts sessionclient.Options) (client.Client, *sessionclient.Client) {
	ts := realServer(t)
	tc := ts.GetDefaultClient()
	return tc, sessionclient.New(tc, opts)
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, d time.Duration, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		ok, err := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not reached within %s (last error: %v)", what, d, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
