package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
	"github.com/meerkat-temporal/meerkat/workflows"
)

var conversationCommand = &command{
	name: "conversation", args: "<session>", nargs: [2]int{1, 1},
	summary: "Print the session's conversation with the model, oldest first.",
	setup:   noFlags(runConversation),
}

type conversationDoc struct {
	Session string `json:"session"`
	workflows.Conversation
}

func runConversation(ctx context.Context, a *app, args []string) error {
	conv, err := a.sc.Conversation(ctx, args[0])
	if err != nil {
		return err
	}
	if conv.Messages == nil {
		conv.Messages = []llmhost.Message{}
	}
	return a.emit(conversationDoc{Session: args[0], Conversation: conv}, func(w io.Writer) {
		printConversation(w, conv)
	})
}

func printConversation(w io.Writer, conv workflows.Conversation) {
	if conv.Dropped > 0 {
		fmt.Fprintf(w, "(%d older message%s dropped)\n", conv.Dropped, plural(int(conv.Dropped)))
	}
	if len(conv.Messages) == 0 {
		fmt.Fprintln(w, "No messages yet: the conversation starts when the runtime loop runs a turn.")
		return
	}
	for _, m := range conv.Messages {
		var parts []string
		for _, c := range m.Content {
			switch {
			case c.Image != nil:
				parts = append(parts, "[image "+c.Image.MediaType+"]")
			default:
				parts = append(parts, c.Text)
			}
		}
		for _, call := range m.ToolCalls {
			parts = append(parts, fmt.Sprintf("→ %s(%s)", call.Name, call.ArgumentsJSON))
		}
		role := m.Role
		if m.ToolCallID != "" {
			role += " " + m.ToolCallID
		}
		fmt.Fprintf(w, "%-10s %s\n", role+":", strings.Join(parts, "\n           "))
	}
}
