package main

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"

	"github.com/meerkat-temporal/meerkat/activities"
	"github.com/meerkat-temporal/meerkat/plugins/live/loopback"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost/reference"
	"github.com/meerkat-temporal/meerkat/workflows"
)

// testServer starts an in-process Temporal server with the search attributes registered
// and a worker running the session workflows, served by the reference LLM host and the
// loopback live adapter in process: what `go run ./cmd/worker` runs, without the UI.
func testServer(t *testing.T) *temporaltest.TestServer {
	t.Helper()
	if testing.Short() {
		t.Skip("real-server test skipped in -short mode")
	}
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := ts.GetDefaultClient().OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace: ts.GetDefaultNamespace(), SearchAttributes: workflows.SearchAttributeTypes(),
	}); err != nil {
		t.Fatal(err)
	}
	llm, err := reference.New(reference.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	acts := &activities.Activities{LLM: llm, Live: loopback.New(loopback.Config{ReadyAfter: time.Millisecond})}
	ts.NewWorkerWithOptions(workflows.TaskQueue, func(r worker.Registry) {
		workflows.RegisterWorkflows(r)
		r.RegisterActivity(acts)
	}, worker.Options{})
	return ts
}

// cli runs starter commands against one server.
type cli struct {
	t      *testing.T
	global []string
}

// run runs one command and returns its exit code, stdout and stderr.
func (c cli) run(args ...string) (int, string, string) {
	c.t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append(slices.Clone(c.global), args...), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// json runs one command with --json, checks its exit code and decodes its document.
func (c cli) json(want int, args ...string) map[string]any {
	c.t.Helper()
	code, stdout, stderr := c.run(append([]string{"--json"}, args...)...)
	if code != want {
		c.t.Fatalf("starter %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, want, stdout, stderr)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		c.t.Fatalf("starter %s: stdout is not one JSON document (%v):\n%s", strings.Join(args, " "), err, stdout)
	}
	return doc
}

// get walks a decoded JSON document by keys.
func get(doc any, path ...string) any {
	for _, k := range path {
		m, ok := doc.(map[string]any)
		if !ok {
			return nil
		}
		doc = m[k]
	}
	return doc
}

// TestEndToEnd drives a session through the command line against a real server: start,
// reconfigure, send and wait, deduplicate, describe, list through visibility, state,
// a rejection by a guard (exit 3), an accept rejected after stop (exit 3), destroy.
func TestEndToEnd(t *testing.T) {
	ts := testServer(t)
	c := cli{t: t, global: []string{"--address", ts.GetFrontendHostPort(), "--namespace", ts.GetDefaultNamespace(), "--timeout", "30s"}}
	const session = "e2e"

	doc := c.json(exitOK, "start", session)
	if get(doc, "runtime_state", "visible_phase") != "Attached" || get(doc, "workflow_id") != "meerkat-session/e2e" {
		t.Fatalf("start: %v", doc)
	}
	code, out, errOut := c.run("start", session) // human output; starting again changes nothing
	if code != exitOK || !strings.Contains(out, "Attached (AcceptsInput)") || !strings.Contains(out, "meerkat-session%2Fe2e") {
		t.Fatalf("start again: exit %d\n%s%s", code, out, errOut)
	}

	doc = c.json(exitOK, "reconfigure-llm", session, "--model", reference.ModelEcho, "--provider", "other")
	if get(doc, "report", "new_identity", "model") != reference.ModelEcho {
		t.Fatalf("reconfigure-llm: %v", doc)
	}

	doc = c.json(exitOK, "send", session, "hello", "--wait", "--id", "in-1")
	if doc["input_id"] != "in-1" || doc["outcome"] != "accepted" || doc["wait_on"] != "in-1" ||
		get(doc, "completion", "outcome") != "Completed" || get(doc, "completion", "result", "answer") != "echo: hello" {
		t.Fatalf("send --wait: %v", doc)
	}
	first := c.json(exitOK, "send", session, "once", "--key", "k1", "--no-wake")
	again := c.json(exitOK, "send", session, "once", "--key", "k1")
	if first["outcome"] != "accepted" || again["outcome"] != "deduplicated" || again["existing_id"] != first["input_id"] {
		t.Fatalf("idempotent resend: %v then %v", first, again)
	}
	// The input accepted without wake waits for the next wake: this send's.
	c.json(exitOK, "send", session, "wake up", "--wait")
	doc = c.json(exitOK, "wait", session, first["input_id"].(string))
	if get(doc, "completion", "outcome") != "Completed" {
		t.Fatalf("wait: %v", doc)
	}
	code, out, _ = c.run("conversation", session)
	if code != exitOK || !strings.Contains(out, "assistant: echo: hello") {
		t.Fatalf("conversation: exit %d\n%s", code, out)
	}

	doc = c.json(exitOK, "describe", session)
	if get(doc, "execution", "status") != "Running" || get(doc, "llm_identity", "identity", "model") != reference.ModelEcho ||
		!strings.HasSuffix(doc["ui_url"].(string), "/namespaces/"+ts.GetDefaultNamespace()+"/workflows/meerkat-session%2Fe2e") {
		t.Fatalf("describe: %v", doc)
	}

	// Visibility lags the workflow a moment: poll until the session shows up filtered by
	// its model and state.
	deadline := time.Now().Add(15 * time.Second)
	for {
		doc = c.json(exitOK, "list", "--model", reference.ModelEcho, "--provider", "other", "--state", "Attached", "--open")
		sessions, _ := doc["sessions"].([]any)
		if len(sessions) == 1 && get(sessions[0], "session_id") == session {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("list never showed the session: %v", doc)
		}
		time.Sleep(200 * time.Millisecond)
	}
	doc = c.json(exitOK, "list", "--model", "no-such-model")
	if sessions, _ := doc["sessions"].([]any); len(sessions) != 0 {
		t.Fatalf("list by another model: %v", doc)
	}
	c.json(exitUsage, "list", "--query", "this is not a query")

	doc = c.json(exitOK, "state", session)
	if get(doc, "runtime_state", "visible_phase") != "Attached" {
		t.Fatalf("state: %v", doc)
	}
	doc = c.json(exitOK, "state", session, "--input", "in-1")
	if get(doc, "input", "known") != true || get(doc, "input", "state") != "Consumed" {
		t.Fatalf("state --input: %v", doc)
	}
	doc = c.json(exitOK, "state", session, "--machine")
	if doc["session_id"] != session {
		t.Fatalf("state --machine: session_id %v", doc["session_id"])
	}

	doc = c.json(exitOK, "live", "open", session)
	channel, _ := doc["channel_id"].(string)
	doc = c.json(exitOK, "live", "command", session, channel, "send-input", "--text", "hi")
	if get(doc, "accepted", "command") != "SendInput" {
		t.Fatalf("live command: %v", doc)
	}
	doc = c.json(exitOK, "live", "close", session, channel)
	if get(doc, "closed", "channel_id") != channel {
		t.Fatalf("live close: %v", doc)
	}
	doc = c.json(exitRejected, "live", "command", session, channel, "interrupt")
	if get(doc, "rejection", "rejection") == nil {
		t.Fatalf("live command on a closed channel: %v", doc)
	}

	// A guard refuses: the session holds no realtime authority epoch 7.
	doc = c.json(exitRejected, "topology", session, "--epoch", "7", "--model", reference.ModelRealtime, "--provider", "OpenAI")
	if get(doc, "error", "kind") != "Rejected" || get(doc, "error", "guard") == "" || get(doc, "error", "exit_code") != float64(exitRejected) {
		t.Fatalf("topology with a stale epoch: %v", doc)
	}
	code, _, errOut = c.run("topology", session, "--epoch", "7", "--model", reference.ModelRealtime)
	if code != exitRejected || !strings.Contains(errOut, `rejected: Rejected by guard "`) {
		t.Fatalf("human rejection: exit %d, stderr %s", code, errOut)
	}

	doc = c.json(exitFailure, "wait", session, "never-sent")
	if get(doc, "error", "kind") != "not_found" {
		t.Fatalf("wait on an unknown input: %v", doc)
	}
	c.json(exitFailure, "describe", "no-such-session")

	doc = c.json(exitOK, "stop", session)
	if get(doc, "runtime_state", "visible_phase") != "Stopped" {
		t.Fatalf("stop: %v", doc)
	}
	doc = c.json(exitRejected, "send", session, "too late")
	if doc["outcome"] != "rejected" || doc["wait_on"] != nil || get(doc, "reason", "reject_type") != "not_ready" {
		t.Fatalf("send after stop: %v", doc)
	}
	c.json(exitOK, "destroy", session)
	doc = c.json(exitOK, "describe", session)
	if get(doc, "execution", "status") != "Completed" {
		t.Fatalf("describe after destroy: %v", doc)
	}
}

// TestDemo runs `starter demo` against the same kind of server: every step is checked.
func TestDemo(t *testing.T) {
	ts := testServer(t)
	c := cli{t: t, global: []string{"--address", ts.GetFrontendHostPort(), "--namespace", ts.GetDefaultNamespace(), "--timeout", "30s", "--ui-url", "http://ui.example"}}
	doc := c.json(exitOK, "demo", "--session", "demo-test")
	steps, _ := doc["steps"].([]any)
	if doc["ok"] != true || len(steps) < 10 || doc["ui_url"] != "http://ui.example/namespaces/"+ts.GetDefaultNamespace()+"/workflows/meerkat-session%2Fdemo-test" {
		t.Fatalf("demo: %v", doc)
	}
	for _, s := range steps {
		if get(s, "ok") != true {
			t.Errorf("step %v", s)
		}
	}
	// A second run on the stopped session fails its first check, and says so.
	doc = c.json(exitFailure, "demo", "--session", "demo-test")
	if doc["ok"] != false || get(doc["steps"].([]any)[0], "ok") != false {
		t.Fatalf("demo on a stopped session: %v", doc)
	}
}
