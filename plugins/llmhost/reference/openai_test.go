package reference_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost/reference"
)

// fakeOpenAI speaks the chat-completions API; the last user message picks the answer.
func fakeOpenAI(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer sk-test" {
			http.Error(w, `{"error":{"message":"bad path or key"}}`, http.StatusUnauthorized)
			return
		}
		var req struct {
			Model    string `json:"model"`
			Messages []struct {
				Role    string `json:"role"`
				Content any    `json:"content"`
			} `json:"messages"`
			Tools []struct {
				Function struct {
					Name string `json:"name"`
				} `json:"function"`
			} `json:"tools"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var tools []string
		for _, tl := range req.Tools {
			tools = append(tools, tl.Function.Name)
		}
		w.Header().Set("Content-Type", "application/json")
		switch last, _ := req.Messages[len(req.Messages)-1].Content.(string); last {
		case "rate":
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"error":{"message":"slow down"}}`))
		case "boom":
			w.WriteHeader(http.StatusBadGateway)
		case "bad":
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":{"message":"unknown parameter"}}`))
		case "slow":
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		case "long":
			_, _ = w.Write([]byte(`{"choices":[{"finish_reason":"length","message":{"content":"..."}}]}`))
		case "tools":
			if !slices.Equal(tools, []string{"current_time"}) {
				http.Error(w, "unexpected tools", http.StatusBadRequest)
				return
			}
			_, _ = w.Write([]byte(`{"choices":[{"finish_reason":"tool_calls","message":{"tool_calls":[{"id":"c1","type":"function","function":{"name":"current_time","arguments":"{}"}}]}}]}`))
		default:
			_, _ = w.Write([]byte(`{"choices":[{"finish_reason":"stop","message":{"content":"hi from ` + req.Model + `"}}]}`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestOpenAIProvider(t *testing.T) {
	srv := fakeOpenAI(t)
	dir := t.TempDir()
	cat := filepath.Join(dir, "models.json")
	if err := os.WriteFile(cat, []byte(`[{"model":"fast-text","provider":"OpenAI","backend":"openai","surface":{"image_tool_results":false}}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	h := inProcess(t, newPlugin(t, reference.Config{DataDir: dir, CatalogueFile: cat,
		OpenAI: reference.OpenAIConfig{BaseURL: srv.URL + "/v1", APIKey: "sk-test", Timeout: 200 * time.Millisecond}}))
	id := machine.SessionLlmIdentity{Model: "fast-text", Provider: machine.ProviderOpenAI}
	tests := map[string]struct {
		outcome    llmhost.Outcome
		text       string
		source     machine.RunFailureSourceKind
		retry      machine.LlmRetryFailureKind
		retryAfter time.Duration
	}{
		"hello": {outcome: llmhost.OutcomeAnswer, text: "hi from fast-text"},
		"tools": {outcome: llmhost.OutcomeToolCalls},
		"rate":  {outcome: llmhost.OutcomeFailure, source: machine.FailureSourceLlm, retry: machine.RetryFailureRateLimited, retryAfter: 2 * time.Second},
		"boom":  {outcome: llmhost.OutcomeFailure, source: machine.FailureSourceLlm, retry: machine.RetryFailureRetryableProviderError},
		"bad":   {outcome: llmhost.OutcomeFailure, source: machine.FailureSourceLlm},
		"slow":  {outcome: llmhost.OutcomeFailure, source: machine.FailureSourceLlm, retry: machine.RetryFailureCallTimeout},
		"long":  {outcome: llmhost.OutcomeFailure, source: machine.FailureSourceMaxTokensReached},
	}
	for text, tc := range tests {
		t.Run(text, func(t *testing.T) {
			res, err := h.CallLlm(context.Background(), &llmhost.CallLlmRequest{SessionID: "o", Identity: id, Messages: []llmhost.Message{user(text)}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != tc.outcome || res.Text != tc.text {
				t.Fatalf("CallLlm = %+v (failure %+v), want outcome %d text %q", res, res.Failure, tc.outcome, tc.text)
			}
			if tc.outcome != llmhost.OutcomeFailure {
				return
			}
			if f := res.Failure; f.Source != tc.source || f.RetryKind != tc.retry || f.RetryAfter != tc.retryAfter {
				t.Errorf("failure = %+v, want source %v retry %v after %v", f, tc.source, tc.retry, tc.retryAfter)
			}
		})
	}
}

func TestOpenAIWrongKeyIsAuthFailure(t *testing.T) {
	srv := fakeOpenAI(t)
	h := inProcess(t, newPlugin(t, reference.Config{OpenAI: reference.OpenAIConfig{BaseURL: srv.URL + "/v1", APIKey: "wrong"}}))
	res, err := h.CallLlm(context.Background(), &llmhost.CallLlmRequest{SessionID: "o",
		Identity: machine.SessionLlmIdentity{Model: reference.ModelText, Provider: machine.ProviderOpenAI}, Messages: []llmhost.Message{user("hello")}})
	if err != nil || res.Outcome != llmhost.OutcomeFailure || res.Failure.Source != machine.FailureSourceAuthReauthRequired {
		t.Fatalf("CallLlm = %+v, %v; want an AuthReauthRequired failure", res, err)
	}
}
