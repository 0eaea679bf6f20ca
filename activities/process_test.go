package activities_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.temporal.io/server/temporaltest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/meerkat-temporal/meerkat/activities"
	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost/reference"
	"github.com/meerkat-temporal/meerkat/plugins/plugintest"
)

// Process-level tests: a real Temporal server (temporaltest), a real worker and the
// reference LLM host as a real subprocess (this test binary re-executed, serving
// faultHost).

const (
	envPlugin  = "MEERKAT_ACTIVITIES_TEST_PLUGIN"
	envMarkers = "MEERKAT_ACTIVITIES_TEST_MARKERS"
)

func TestMain(m *testing.M) {
	if os.Getenv(envPlugin) == "llmhost" {
		servePlugin()
		os.Exit(0)
	}
	code := m.Run()
	if server != nil {
		server.Stop()
	}
	os.Exit(code)
}

func servePlugin() {
	cfg := reference.ConfigFromEnv()
	cfg.Version = plugintest.VersionFromArgs(os.Args[1:])
	p, err := reference.New(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	llmhost.Serve(&faultHost{Plugin: p, markers: os.Getenv(envMarkers)})
}

// faultHost injects faults chosen by the last user message of a CallLlm:
//
//	hang         answers only when the caller gives up; it writes the marker
//	             started-<key> on entry and cancelled-<key> once its context ends
//	sleep:<dur>  answers after dur
//	crash-once   the process exits mid-call the first time it sees a key
type faultHost struct {
	*reference.Plugin
	markers string
}

func (f *faultHost) marker(name, key string) string {
	return filepath.Join(f.markers, name+"-"+strings.ReplaceAll(key, "/", "_"))
}

func (f *faultHost) CallLlm(ctx context.Context, req *llmhost.CallLlmRequest) (*llmhost.CallLlmResponse, error) {
	text := req.Messages[len(req.Messages)-1].Content[0].Text
	switch {
	case text == "hang":
		_ = os.WriteFile(f.marker("started", req.IdempotencyKey), nil, 0o600)
		<-ctx.Done()
		_ = os.WriteFile(f.marker("cancelled", req.IdempotencyKey), []byte(ctx.Err().Error()), 0o600)
		return nil, ctx.Err()
	case strings.HasPrefix(text, "sleep:"):
		d, err := time.ParseDuration(strings.TrimPrefix(text, "sleep:"))
		if err != nil {
			return nil, err
		}
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	case text == "crash-once":
		if _, err := os.Stat(f.marker("crashed", req.IdempotencyKey)); err != nil {
			_ = os.WriteFile(f.marker("crashed", req.IdempotencyKey), nil, 0o600)
			os.Exit(2)
		}
	}
	return f.Plugin.CallLlm(ctx, req)
}

var (
	serverOnce sync.Once
	server     *temporaltest.TestServer
)

// harness is one worker, on its own task queue, whose activities call a supervised
// plugin subprocess; partitioned drops the worker's heartbeats on their way to the
// server, as a network partition or a stalled worker would.
type harness struct {
	client      client.Client
	queue       string
	markers     string
	partitioned atomic.Bool
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	if testing.Short() {
		t.Skip("real-server test skipped in -short mode")
	}
	serverOnce.Do(func() { server = temporaltest.NewServer() })
	h := &harness{queue: "activities-" + t.Name(), markers: t.TempDir()}
	h.client = server.NewClientWithOptions(client.Options{ConnectionOptions: client.ConnectionOptions{
		DialOptions: []grpc.DialOption{grpc.WithChainUnaryInterceptor(h.dropHeartbeats)},
	}})
	t.Cleanup(h.client.Close)

	bin, err := plugintest.SelfBinary("1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	m := llmhost.NewManager(bin, llmhost.Options{Env: []string{
		envPlugin + "=llmhost", reference.EnvDataDir + "=" + t.TempDir(), envMarkers + "=" + h.markers,
	}})
	t.Cleanup(func() { _ = m.Close(context.Background()) })

	w := worker.New(h.client, h.queue, worker.Options{})
	w.RegisterWorkflow(callLlmWorkflow)
	w.RegisterActivity(&activities.Activities{LLM: m})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return h
}

func (h *harness) dropHeartbeats(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoke grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if h.partitioned.Load() && strings.HasSuffix(method, "/RecordActivityTaskHeartbeat") {
		return status.Error(codes.Unavailable, "test: heartbeats are partitioned away")
	}
	return invoke(ctx, method, req, reply, cc, opts...)
}

// start runs callLlmWorkflow.
func (h *harness) start(t *testing.T, in callLlmWorkflowInput) client.WorkflowRun {
	t.Helper()
	run, err := h.client.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: t.Name(), TaskQueue: h.queue, WorkflowExecutionTimeout: time.Minute}, callLlmWorkflow, in)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// waitMarker waits until the plugin wrote a marker whose name starts with prefix and
// returns its content.
func (h *harness) waitMarker(t *testing.T, prefix string, within time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if found, _ := filepath.Glob(filepath.Join(h.markers, prefix+"-*")); len(found) > 0 {
			b, _ := os.ReadFile(found[0])
			return string(b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the plugin wrote no %s marker within %s", prefix, within)
	return ""
}

var echoIdentity = machine.SessionLlmIdentity{Model: reference.ModelEcho, Provider: machine.ProviderOther}

type callLlmWorkflowInput struct {
	Text             string
	HeartbeatTimeout time.Duration
	MaximumAttempts  int32
}

// callLlmWorkflow runs the CallLlm activity once with the given heartbeat timeout and
// retry budget and returns the answer.
func callLlmWorkflow(ctx workflow.Context, in callLlmWorkflowInput) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		HeartbeatTimeout:    in.HeartbeatTimeout,
		WaitForCancellation: true,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 10 * time.Millisecond, MaximumAttempts: in.MaximumAttempts},
	})
	var a *activities.Activities
	var res llmhost.CallLlmResponse
	err := workflow.ExecuteActivity(ctx, a.CallLlm, activities.CallLlmInput{SessionID: "process", Identity: echoIdentity,
		Messages: []llmhost.Message{{Role: llmhost.RoleUser, Content: []llmhost.ContentPart{{Text: in.Text}}}}}).Get(ctx, &res)
	return res.Text, err
}

// A plugin call that hangs while the worker's heartbeats stop reaching the server: the
// server times the attempt out, and the SDK, unable to heartbeat, cancels the activity
// context, which cancels the call inside the plugin process.
func TestHangIsCancelledByHeartbeatTimeout(t *testing.T) {
	h := newHarness(t)
	run := h.start(t, callLlmWorkflowInput{Text: "hang", HeartbeatTimeout: time.Second, MaximumAttempts: 1})
	h.waitMarker(t, "started", 30*time.Second)
	h.partitioned.Store(true)

	err := run.Get(context.Background(), nil)
	var timeoutErr *temporal.TimeoutError
	if !errors.As(err, &timeoutErr) || timeoutErr.TimeoutType() != enumspb.TIMEOUT_TYPE_HEARTBEAT {
		t.Fatalf("workflow error %v; want the activity's heartbeat timeout", err)
	}
	if got := h.waitMarker(t, "cancelled", 10*time.Second); got != context.Canceled.Error() {
		t.Errorf("plugin call ended with %q, want %q", got, context.Canceled)
	}
}

// A workflow's cancel request reaches the activity through a heartbeat and ends the
// plugin call.
func TestWorkflowCancelReachesHungPluginCall(t *testing.T) {
	h := newHarness(t)
	run := h.start(t, callLlmWorkflowInput{Text: "hang", HeartbeatTimeout: time.Second, MaximumAttempts: 1})
	h.waitMarker(t, "started", 30*time.Second)
	if err := h.client.CancelWorkflow(context.Background(), run.GetID(), ""); err != nil {
		t.Fatal(err)
	}
	if got := h.waitMarker(t, "cancelled", 10*time.Second); got != context.Canceled.Error() {
		t.Errorf("plugin call ended with %q, want %q", got, context.Canceled)
	}
	var canceled *temporal.CanceledError
	if err := run.Get(context.Background(), nil); !errors.As(err, &canceled) {
		t.Fatalf("workflow error %v; want canceled", err)
	}
}

// A call that runs three times longer than the HeartbeatTimeout succeeds: the
// activity heartbeats while it waits for the plugin.
func TestSlowCallOutlivesHeartbeatTimeout(t *testing.T) {
	h := newHarness(t)
	run := h.start(t, callLlmWorkflowInput{Text: "sleep:1.5s", HeartbeatTimeout: 500 * time.Millisecond, MaximumAttempts: 1})
	var answer string
	if err := run.Get(context.Background(), &answer); err != nil || answer != "echo: sleep:1.5s" {
		t.Fatalf("slow call = %q, %v; want the echo answer", answer, err)
	}
}

// The plugin process crashes in the middle of the first attempt; the supervisor
// restarts it and Temporal's retry of the activity succeeds with the same idempotency
// key.
func TestCrashMidCallActivityRetrySucceeds(t *testing.T) {
	h := newHarness(t)
	run := h.start(t, callLlmWorkflowInput{Text: "crash-once", HeartbeatTimeout: 5 * time.Second, MaximumAttempts: 3})
	var answer string
	if err := run.Get(context.Background(), &answer); err != nil || answer != "echo: crash-once" {
		t.Fatalf("workflow = %q, %v; want the answer of the retried attempt", answer, err)
	}
	if crashed, _ := filepath.Glob(filepath.Join(h.markers, "crashed-*")); len(crashed) != 1 {
		t.Errorf("crash markers %v; want exactly one crash, in the first attempt", crashed)
	}
}
