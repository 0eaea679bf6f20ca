package reference

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
)

// OpenAIConfig points the openai provider at any OpenAI-compatible chat-completions
// endpoint.
type OpenAIConfig struct {
	// BaseURL is e.g. https://api.openai.com/v1; "/chat/completions" is appended.
	BaseURL string
	// APIKey is sent as a Bearer token when set.
	APIKey string
	// Timeout bounds one call when the model has no call_timeout_secs. Default 60s.
	Timeout time.Duration
}

type openAIProvider struct {
	cfg  OpenAIConfig
	http *http.Client
}

type oaMessage struct {
	Role       string       `json:"role"`
	Content    any          `json:"content,omitempty"`
	ToolCalls  []oaToolCall `json:"tool_calls,omitempty"`
	ToolCallID string       `json:"tool_call_id,omitempty"`
}

type oaToolCall struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

type oaTool struct {
	Type     string `json:"type"`
	Function struct {
		Name        string          `json:"name"`
		Description string          `json:"description"`
		Parameters  json.RawMessage `json:"parameters"`
	} `json:"function"`
}

type oaResponse struct {
	Choices []struct {
		FinishReason string `json:"finish_reason"`
		Message      struct {
			Content   string       `json:"content"`
			ToolCalls []oaToolCall `json:"tool_calls"`
		} `json:"message"`
	} `json:"choices"`
	Error *struct {
		Message string `json:"message"`
	} `json:"error"`
}

func toOpenAIMessages(msgs []llmhost.Message) []oaMessage {
	out := make([]oaMessage, 0, len(msgs))
	for _, m := range msgs {
		om := oaMessage{Role: m.Role, ToolCallID: m.ToolCallID}
		var images []map[string]any
		var text strings.Builder
		for _, p := range m.Content {
			if p.Image != nil {
				images = append(images, map[string]any{"type": "image_url", "image_url": map[string]string{
					"url": "data:" + p.Image.MediaType + ";base64," + base64.StdEncoding.EncodeToString(p.Image.Data)}})
				continue
			}
			text.WriteString(p.Text)
		}
		om.Content = text.String()
		for _, c := range m.ToolCalls {
			tc := oaToolCall{ID: c.ID, Type: "function"}
			tc.Function.Name, tc.Function.Arguments = c.Name, c.ArgumentsJSON
			om.ToolCalls = append(om.ToolCalls, tc)
		}
		if len(images) > 0 && m.Role != llmhost.RoleTool {
			om.Content = append([]map[string]any{{"type": "text", "text": text.String()}}, images...)
		}
		out = append(out, om)
		if len(images) > 0 && m.Role == llmhost.RoleTool {
			// Tool messages cannot carry images in chat completions; hand them over as a
			// user message right after the tool result.
			out = append(out, oaMessage{Role: llmhost.RoleUser, Content: images})
		}
	}
	return out
}

func (p *openAIProvider) step(ctx context.Context, model Model, msgs []llmhost.Message, offered []string) *llmhost.CallLlmResponse {
	timeout := p.cfg.Timeout
	if secs, ok := model.Surface.CallTimeoutSecs.Lookup(); ok && secs > 0 {
		timeout = time.Duration(secs) * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	body := map[string]any{"model": model.Model, "messages": toOpenAIMessages(msgs)}
	var tools []oaTool
	for _, name := range offered {
		t := oaTool{Type: "function"}
		t.Function.Name, t.Function.Description, t.Function.Parameters = name, toolSchemas[name].Description, json.RawMessage(toolSchemas[name].Parameters)
		tools = append(tools, t)
	}
	if len(tools) > 0 {
		body["tools"] = tools
	}
	b, err := json.Marshal(body)
	if err != nil {
		return failure(machine.FailureSourceInternalError, 0, 0, "encoding request: "+err.Error())
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(p.cfg.BaseURL, "/")+"/chat/completions", bytes.NewReader(b))
	if err != nil {
		return failure(machine.FailureSourceConfigError, 0, 0, "openai base URL: "+err.Error())
	}
	req.Header.Set("Content-Type", "application/json")
	if p.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+p.cfg.APIKey)
	}
	resp, err := p.http.Do(req)
	if err != nil {
		var ne net.Error
		switch {
		case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
			return failure(machine.FailureSourceLlm, machine.RetryFailureCallTimeout, 0, fmt.Sprintf("no answer from %s within %s", p.cfg.BaseURL, timeout))
		default:
			return failure(machine.FailureSourceLlm, machine.RetryFailureNetworkTimeout, 0, "cannot reach "+p.cfg.BaseURL+": "+err.Error())
		}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return failure(machine.FailureSourceLlm, machine.RetryFailureNetworkTimeout, 0, "reading answer: "+err.Error())
	}
	var parsed oaResponse
	jsonErr := json.Unmarshal(raw, &parsed)
	if resp.StatusCode != http.StatusOK {
		msg := fmt.Sprintf("provider answered HTTP %d", resp.StatusCode)
		if jsonErr == nil && parsed.Error != nil {
			msg += ": " + parsed.Error.Message
		}
		return httpFailure(resp, msg)
	}
	if jsonErr != nil || len(parsed.Choices) == 0 {
		return failure(machine.FailureSourceLlm, machine.RetryFailureRetryableProviderError, 0, "provider answered without choices")
	}
	choice := parsed.Choices[0]
	switch choice.FinishReason {
	case "length":
		return failure(machine.FailureSourceMaxTokensReached, 0, 0, "the model reached its output token limit")
	case "content_filter":
		return failure(machine.FailureSourceContentFiltered, 0, 0, "the provider filtered the answer")
	}
	if len(choice.Message.ToolCalls) > 0 {
		calls := make([]llmhost.ToolCall, 0, len(choice.Message.ToolCalls))
		for _, c := range choice.Message.ToolCalls {
			calls = append(calls, llmhost.ToolCall{ID: c.ID, Name: c.Function.Name, ArgumentsJSON: c.Function.Arguments})
		}
		return &llmhost.CallLlmResponse{Outcome: llmhost.OutcomeToolCalls, ToolCalls: calls}
	}
	return &llmhost.CallLlmResponse{Outcome: llmhost.OutcomeAnswer, Text: choice.Message.Content}
}

func httpFailure(resp *http.Response, msg string) *llmhost.CallLlmResponse {
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return failure(machine.FailureSourceLlm, machine.RetryFailureRateLimited, retryAfter(resp.Header.Get("Retry-After")), msg)
	case resp.StatusCode >= 500:
		return failure(machine.FailureSourceLlm, machine.RetryFailureRetryableProviderError, retryAfter(resp.Header.Get("Retry-After")), msg)
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return failure(machine.FailureSourceAuthReauthRequired, 0, 0, msg+"; check the configured API key")
	case resp.StatusCode == http.StatusRequestTimeout:
		return failure(machine.FailureSourceLlm, machine.RetryFailureCallTimeout, 0, msg)
	default:
		return failure(machine.FailureSourceLlm, 0, 0, msg)
	}
}

func retryAfter(h string) time.Duration {
	if secs, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

func failure(src machine.RunFailureSourceKind, kind machine.LlmRetryFailureKind, after time.Duration, msg string) *llmhost.CallLlmResponse {
	return &llmhost.CallLlmResponse{Outcome: llmhost.OutcomeFailure,
		Failure: &llmhost.LlmFailure{Source: src, RetryKind: kind, RetryAfter: after, Message: msg}}
}
