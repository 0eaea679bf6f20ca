package reference_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-plugin"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost/conformance"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost/reference"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

// inProcess serves p through the real go-plugin gRPC stack inside the test process.
func inProcess(t *testing.T, p llmhost.Host) llmhost.Host {
	t.Helper()
	client, _ := plugin.TestPluginGRPCConn(t, false, llmhost.PluginSet(p))
	t.Cleanup(func() { _ = client.Close() }) // Close shuts the server down through its controller
	raw, err := client.Dispense(llmhost.Kind)
	if err != nil {
		t.Fatal(err)
	}
	return raw.(*llmhost.Client)
}

func newPlugin(t *testing.T, cfg reference.Config) *reference.Plugin {
	t.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	p, err := reference.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConformanceInProcess(t *testing.T) {
	conformance.Run(t, func(t *testing.T) llmhost.Host { return inProcess(t, newPlugin(t, reference.Config{})) })
}

func TestConformanceSubprocess(t *testing.T) {
	m := newManager(t, llmhost.Options{})
	conformance.Run(t, func(*testing.T) llmhost.Host { return m })
}

func user(text string) llmhost.Message {
	return llmhost.Message{Role: llmhost.RoleUser, Content: []llmhost.ContentPart{{Text: text}}}
}

// A swap to a model without image tool results must really hide view_image: it is no
// longer offered to the model and executing it is refused.
func TestModelSwapHidesViewImage(t *testing.T) {
	dir := t.TempDir()
	cat := filepath.Join(dir, "models.json")
	if err := os.WriteFile(cat, []byte(`[{"model":"echo-text","provider":"Other","backend":"echo","surface":{"image_tool_results":false}}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	h := inProcess(t, newPlugin(t, reference.Config{DataDir: dir, CatalogueFile: cat}))
	ctx := context.Background()
	const s = "swap-session"
	st, err := h.HydrateSessionLlmState(ctx, &llmhost.HydrateRequest{SessionID: s})
	if err != nil {
		t.Fatal(err)
	}
	ask := []llmhost.Message{user(`call:view_image {"path":"a.png"}`)}
	before, err := h.CallLlm(ctx, &llmhost.CallLlmRequest{SessionID: s, Identity: st.CurrentIdentity, Messages: ask})
	if err != nil || before.Outcome != llmhost.OutcomeToolCalls {
		t.Fatalf("before swap: CallLlm = %+v, %v; want a view_image tool call", before, err)
	}
	res, err := h.ResolveTargetIdentity(ctx, &llmhost.ResolveTargetIdentityRequest{SessionID: s, CurrentIdentity: st.CurrentIdentity,
		Request: llmhost.SessionLlmReconfigureRequest{Model: machine.Some("echo-text")}})
	if err != nil {
		t.Fatal(err)
	}
	next := st.CurrentVisibilityState
	next.CapabilityBaseFilter = machine.CapabilityBaseFilterFor(res.TargetCapabilitySurface.ImageToolResults)
	next.ActiveRevision++
	if err := h.ApplyIdentity(ctx, &llmhost.ApplyIdentityRequest{IdempotencyKey: "wf/1", SessionID: s, Identity: res.TargetIdentity}); err != nil {
		t.Fatal(err)
	}
	if err := h.ApplyToolVisibilityState(ctx, &llmhost.ApplyToolVisibilityStateRequest{IdempotencyKey: "wf/2", SessionID: s, State: &next}); err != nil {
		t.Fatal(err)
	}
	after, err := h.CallLlm(ctx, &llmhost.CallLlmRequest{SessionID: s, Identity: res.TargetIdentity, Messages: ask})
	if err != nil {
		t.Fatal(err)
	}
	if after.Outcome != llmhost.OutcomeAnswer || strings.Contains(strings.Join(after.OfferedTools, ","), reference.ToolViewImage) {
		t.Errorf("after swap: CallLlm = %+v; want a plain answer with view_image not offered", after)
	}
	_, err = h.ExecuteToolCall(ctx, &llmhost.ExecuteToolCallRequest{SessionID: s, Call: llmhost.ToolCall{ID: "1", Name: reference.ToolViewImage, ArgumentsJSON: `{"path":"a.png"}`}})
	if pluginerr.ReasonOf(err) != llmhost.ToolNotVisible {
		t.Errorf("ExecuteToolCall(view_image) after swap: %v, want %s", err, llmhost.ToolNotVisible)
	}
}

func TestPersistedStateSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	first := newPlugin(t, reference.Config{DataDir: dir})
	persisted := machine.SessionLlmIdentity{Model: reference.ModelRealtime, Provider: machine.ProviderOpenAI}
	if err := first.ApplyIdentity(ctx, &llmhost.ApplyIdentityRequest{SessionID: "kept", Identity: persisted}); err != nil {
		t.Fatal(err)
	}
	if err := first.PersistLiveSession(ctx, &llmhost.SessionRequest{SessionID: "kept"}); err != nil {
		t.Fatal(err)
	}
	if err := first.ApplyIdentity(ctx, &llmhost.ApplyIdentityRequest{SessionID: "unpersisted", Identity: persisted}); err != nil {
		t.Fatal(err)
	}
	second := newPlugin(t, reference.Config{DataDir: dir})
	tests := map[string]string{"kept": reference.ModelRealtime, "unpersisted": reference.ModelEcho}
	for session, wantModel := range tests {
		st, err := second.HydrateSessionLlmState(ctx, &llmhost.HydrateRequest{SessionID: session})
		if err != nil {
			t.Fatal(err)
		}
		if st.CurrentIdentity.Model != wantModel {
			t.Errorf("after restart, session %q model = %q, want %q", session, st.CurrentIdentity.Model, wantModel)
		}
	}
	if err := second.DiscardLiveSession(ctx, &llmhost.SessionRequest{SessionID: "kept"}); err != nil {
		t.Fatal(err)
	}
	third := newPlugin(t, reference.Config{DataDir: dir})
	if st, _ := third.HydrateSessionLlmState(ctx, &llmhost.HydrateRequest{SessionID: "kept"}); st.CurrentIdentity.Model != reference.ModelEcho {
		t.Errorf("after discard, model = %q, want the default", st.CurrentIdentity.Model)
	}
}

func TestViewImage(t *testing.T) {
	dir := t.TempDir()
	p := newPlugin(t, reference.Config{DataDir: dir})
	ws := p.WorkspaceDir("s")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	for name, data := range map[string][]byte{"ok.png": png, "notes.txt": []byte("hello")} {
		if err := os.MkdirAll(ws, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(ws, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	secret := filepath.Join(dir, "secret.png")
	if err := os.WriteFile(secret, png, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(ws, "link.png")); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		args    string
		wantErr string
	}{
		"image in workspace": {args: `{"path":"ok.png"}`},
		"parent escape":      {args: `{"path":"../secret.png"}`, wantErr: "outside the session workspace"},
		"absolute path":      {args: `{"path":"` + secret + `"}`, wantErr: "outside the session workspace"},
		"symlink escape":     {args: `{"path":"link.png"}`, wantErr: "outside the session workspace"},
		"not an image":       {args: `{"path":"notes.txt"}`, wantErr: "not an image"},
		"missing":            {args: `{"path":"none.png"}`, wantErr: "no file"},
		"bad arguments":      {args: `{}`, wantErr: "needs arguments"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res, err := p.ExecuteToolCall(context.Background(), &llmhost.ExecuteToolCallRequest{SessionID: "s",
				Call: llmhost.ToolCall{ID: "1", Name: reference.ToolViewImage, ArgumentsJSON: tc.args}})
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantErr == "" {
				if res.IsError || len(res.Content) != 1 || res.Content[0].Image == nil || res.Content[0].Image.MediaType != "image/png" {
					t.Fatalf("got %+v, want one image/png part", res)
				}
				return
			}
			if !res.IsError || !strings.Contains(res.Content[0].Text, tc.wantErr) {
				t.Fatalf("got %+v, want a tool error containing %q", res, tc.wantErr)
			}
		})
	}
}

// The echo model can be told to call tools first, so multi-step turns are exercised.
func TestEchoMultiStepTurn(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	h := inProcess(t, newPlugin(t, reference.Config{Now: func() time.Time { return now }}))
	ctx := context.Background()
	id := machine.SessionLlmIdentity{Model: reference.ModelEcho, Provider: machine.ProviderOther}
	msgs := []llmhost.Message{user("call:current_time\nwhat time is it?")}
	step1, err := h.CallLlm(ctx, &llmhost.CallLlmRequest{IdempotencyKey: "k1", SessionID: "m", Identity: id, Messages: msgs})
	if err != nil || step1.Outcome != llmhost.OutcomeToolCalls || len(step1.ToolCalls) != 1 {
		t.Fatalf("step 1 = %+v, %v; want one tool call", step1, err)
	}
	call := step1.ToolCalls[0]
	out, err := h.ExecuteToolCall(ctx, &llmhost.ExecuteToolCallRequest{IdempotencyKey: "k2", SessionID: "m", Call: call})
	if err != nil {
		t.Fatal(err)
	}
	msgs = append(msgs, llmhost.Message{Role: llmhost.RoleAssistant, ToolCalls: step1.ToolCalls},
		llmhost.Message{Role: llmhost.RoleTool, ToolCallID: call.ID, Content: out.Content})
	step2, err := h.CallLlm(ctx, &llmhost.CallLlmRequest{IdempotencyKey: "k3", SessionID: "m", Identity: id, Messages: msgs})
	if err != nil || step2.Outcome != llmhost.OutcomeAnswer || !strings.Contains(step2.Text, "2026-11-23T12:00:00Z") {
		t.Fatalf("step 2 = %+v, %v; want an answer quoting the tool result", step2, err)
	}
}

func TestEchoFailureDirectives(t *testing.T) {
	h := inProcess(t, newPlugin(t, reference.Config{}))
	id := machine.SessionLlmIdentity{Model: reference.ModelEcho, Provider: machine.ProviderOther}
	tests := map[string]struct {
		source machine.RunFailureSourceKind
		retry  machine.LlmRetryFailureKind
	}{
		"fail:TokenBudgetExceeded": {source: machine.FailureSourceTokenBudgetExceeded},
		"fail:rate_limited":        {source: machine.FailureSourceLlm, retry: machine.RetryFailureRateLimited},
	}
	for text, tc := range tests {
		res, err := h.CallLlm(context.Background(), &llmhost.CallLlmRequest{SessionID: "f", Identity: id, Messages: []llmhost.Message{user(text)}})
		if err != nil || res.Outcome != llmhost.OutcomeFailure || res.Failure.Source != tc.source || res.Failure.RetryKind != tc.retry {
			t.Errorf("%s: CallLlm = %+v, %v; want failure %v/%v", text, res, err, tc.source, tc.retry)
		}
	}
}
