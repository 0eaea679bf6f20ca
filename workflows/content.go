package workflows

import (
	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
)

// AcceptInputRequest is the payload of accept_input_with_completion: the machine's
// accept request (its fields inline) and the content the runtime loop hands to the
// model when the input runs.
type AcceptInputRequest struct {
	machine.AcceptRequest
	Content InputContent `json:"content,omitzero"`
}

// InputContent is what an input says to the model.
type InputContent struct {
	// Text is the user's message.
	Text string `json:"text,omitempty"`
}

// accept runs the accept pipeline, keeps the content of a newly accepted input until it
// is terminal (dropping the content of an input the accept itself ended) and wakes the
// runtime loop when the machine's post-admission signal says so (an input accepted
// without wake waits for the next wake).
func (a *authority) accept(req AcceptInputRequest) (machine.AcceptResult, error) {
	res, err := a.state.Accept(req.AcceptRequest)
	if err != nil || res.Outcome.Outcome != machine.AcceptAccepted {
		return res, err
	}
	if res.Signal.Present() {
		a.shell.WakePending = true
	}
	// An input the accept ended (superseded or coalesced into the new one) never runs.
	if old, ok := req.ExistingSupersededInputID.Lookup(); ok && a.terminal(old) {
		delete(a.shell.Contents, old)
	}
	if req.Content == (InputContent{}) || a.terminal(req.InputID) {
		return res, nil
	}
	if a.shell.Contents == nil {
		a.shell.Contents = map[string]InputContent{}
	}
	a.shell.Contents[req.InputID] = req.Content
	return res, nil
}

// terminal reports whether the machine tracks the input as terminal.
func (a *authority) terminal(inputID string) bool {
	v, ok := a.state.InputState(inputID)
	return ok && v.Terminal()
}

// Conversation is the session's conversation as the runtime loop keeps it (query
// conversation): every message sent to and received from the model, oldest first, at
// most ConversationLimit (older ones are dropped and counted).
type Conversation struct {
	Messages []llmhost.Message `json:"messages"`
	// Dropped counts the older messages no longer kept.
	Dropped uint64 `json:"dropped,omitempty"`
}

// ConversationLimit bounds the messages a session keeps.
const ConversationLimit = 200

func (a *authority) conversation() Conversation {
	return Conversation{Messages: a.shell.Conversation, Dropped: a.shell.ConversationDropped}
}

// InputResult is how the runtime loop resolved an input's waiters: the completion class
// the machine picked (spec §6.2) for the run that ended it, and the model's final answer
// or the error.
type InputResult struct {
	InputID string                               `json:"input_id"`
	RunID   string                               `json:"run_id,omitempty"`
	Class   machine.RuntimeCompletionResultClass `json:"class"`
	Answer  string                               `json:"answer,omitempty"`
	Error   string                               `json:"error,omitempty"`
}

// ResultLimit bounds the remembered input results (oldest dropped).
const ResultLimit = 4096
