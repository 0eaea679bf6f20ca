package workflows

import (
	"github.com/meerkat-temporal/meerkat/machine"
)

// Completion is what a waiter on an input learns (query input_completions). Done is set
// once the input is terminal, or when the session does not track it (Known false) and so
// can never complete it.
type Completion struct {
	InputID string                                          `json:"input_id"`
	Known   bool                                            `json:"known"`
	Done    bool                                            `json:"done"`
	State   machine.InputPublicLifecycleState               `json:"state,omitzero"`
	Outcome machine.Opt[machine.InputPublicTerminalOutcome] `json:"outcome,omitzero"`
	// Result is how the runtime loop resolved the input's waiters: the completion class
	// the machine picked, the run, and the model's answer or the error. Absent for an
	// input the runtime loop did not end (superseded, coalesced, or consumed on accept).
	Result machine.Opt[InputResult] `json:"result,omitzero"`
}

// MaxCompletionQuery bounds the input ids of one input_completions query.
const MaxCompletionQuery = 2000

// completionsOf answers a batch of waiters in one read. Completion waiting is durable
// because the answer is the machine's own input state, which survives continue-as-new and
// worker restarts; it holds no update open, so any number of waiters can wait on one
// session (Temporal allows 10 in-flight updates per run). A client multiplexes all its
// waiters of a session into one query per poll (sessionclient.Client.WaitForCompletion).
func (a *authority) completionsOf(ids []string) ([]Completion, error) {
	if len(ids) > MaxCompletionQuery {
		return nil, &Error{
			Kind: machine.KindValidationFailed.String(), Input: QueryInputCompletions,
			Reason: "ask for at most MaxCompletionQuery input ids per query",
		}
	}
	out := make([]Completion, len(ids))
	var results map[string]InputResult
	for i, id := range ids {
		v, ok := a.state.InputState(id)
		out[i] = Completion{InputID: id, Known: ok, Done: !ok || v.Terminal(), State: v.State, Outcome: v.TerminalOutcome}
		if !ok || !v.Terminal() {
			continue
		}
		if results == nil {
			results = make(map[string]InputResult, len(a.shell.Results))
			for _, r := range a.shell.Results {
				results[r.InputID] = r
			}
		}
		if r, ok := results[id]; ok {
			out[i].Result = machine.Some(r)
		}
	}
	return out, nil
}
