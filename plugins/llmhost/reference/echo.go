package reference

import (
	"fmt"
	"strings"
	"time"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
)

// The echo provider is offline and deterministic. It answers the last user message
// with "echo: <text>". Directives in the user text change that:
//
//	call:<tool> <json arguments>   one line per tool call; answered with tool calls first,
//	                               then, after the tool results, with the echo answer
//	fail:<RunFailureSourceKind>    answers with that failure (e.g. fail:TokenBudgetExceeded)
//	fail:rate_limited              answers with a retryable Llm failure (RateLimited)
//
// A call directive for a tool that is not offered is skipped, so a hidden view_image is
// never called.
func echoStep(msgs []llmhost.Message, offered machine.Set) *llmhost.CallLlmResponse {
	user, afterUser := lastUser(msgs)
	text := partsText(user.Content)
	var calls []llmhost.ToolCall
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if f, ok := strings.CutPrefix(line, "fail:"); ok {
			return echoFailure(f)
		}
		if c, ok := strings.CutPrefix(line, "call:"); ok {
			name, args, _ := strings.Cut(c, " ")
			if !offered.Has(name) {
				continue
			}
			if strings.TrimSpace(args) == "" {
				args = "{}"
			}
			calls = append(calls, llmhost.ToolCall{ID: fmt.Sprintf("call_%d_%d", len(msgs), len(calls)+1), Name: name, ArgumentsJSON: strings.TrimSpace(args)})
		}
	}
	if len(calls) > 0 && len(afterUser) == 0 {
		return &llmhost.CallLlmResponse{Outcome: llmhost.OutcomeToolCalls, ToolCalls: calls}
	}
	answer := "echo: " + text
	for _, m := range afterUser {
		if m.Role == llmhost.RoleTool {
			answer += fmt.Sprintf("\n[%s] %s", m.ToolCallID, describeParts(m.Content))
		}
	}
	return &llmhost.CallLlmResponse{Outcome: llmhost.OutcomeAnswer, Text: answer}
}

func echoFailure(spec string) *llmhost.CallLlmResponse {
	f := &llmhost.LlmFailure{Source: machine.FailureSourceLlm, Message: "echo provider was told to fail with " + spec}
	if spec == "rate_limited" {
		f.RetryKind, f.RetryAfter = machine.RetryFailureRateLimited, time.Second
	} else if err := f.Source.UnmarshalText([]byte(spec)); err != nil || f.Source == machine.FailureSourceUnknown {
		f.Source, f.Message = machine.FailureSourceLlm, fmt.Sprintf("echo provider: unknown failure directive %q", spec)
	}
	return &llmhost.CallLlmResponse{Outcome: llmhost.OutcomeFailure, Failure: f}
}

func lastUser(msgs []llmhost.Message) (llmhost.Message, []llmhost.Message) {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == llmhost.RoleUser {
			return msgs[i], msgs[i+1:]
		}
	}
	return llmhost.Message{}, nil
}

func partsText(parts []llmhost.ContentPart) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.Text)
	}
	return b.String()
}

func describeParts(parts []llmhost.ContentPart) string {
	var out []string
	for _, p := range parts {
		if p.Image != nil {
			out = append(out, fmt.Sprintf("<%s, %d bytes>", p.Image.MediaType, len(p.Image.Data)))
		} else {
			out = append(out, p.Text)
		}
	}
	return strings.Join(out, " ")
}
