package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

var sendCommand = &command{
	name: "send", args: "<session> <text> [--id ID] [--key KEY] [--wait] [--no-wake]", nargs: [2]int{2, 2},
	summary: "Send a prompt to the session's accept pipeline; with --wait, wait for its outcome and print the answer.",
	setup: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		var opts sessionclient.SendOptions
		var wait bool
		fs.StringVar(&opts.InputID, "id", "", "input `id` (default: a fresh UUID)")
		fs.StringVar(&opts.IdempotencyKey, "key", "", "idempotency `key`: a resend with the same key joins the first input")
		fs.BoolVar(&wait, "wait", false, "wait until the input is terminal and print its outcome and answer")
		fs.BoolVar(&opts.WithoutWake, "no-wake", false, "queue the input without waking the runtime loop")
		return func(ctx context.Context, a *app, args []string) error {
			if strings.TrimSpace(args[1]) == "" {
				return usagef("the text to send is empty")
			}
			return runSend(ctx, a, args[0], args[1], opts, wait)
		}
	},
}

// sendDoc is the result of send: the accept outcome and, with --wait, the completion.
type sendDoc struct {
	Session    string                `json:"session"`
	InputID    string                `json:"input_id"`
	Outcome    string                `json:"outcome"` // accepted, deduplicated or rejected
	WaitOn     *string               `json:"wait_on"` // null when there is nothing to wait for
	ExistingID string                `json:"existing_id,omitempty"`
	State      string                `json:"state,omitempty"`
	Reason     *machine.RejectReason `json:"reason,omitempty"`
	Effects    machine.Effects       `json:"effects"`
	Completion *workflows.Completion `json:"completion,omitempty"`
}

func sendDocOf(session string, res machine.AcceptResult) sendDoc {
	o := res.Outcome
	doc := sendDoc{Session: session, InputID: o.InputID, Outcome: string(o.Outcome), ExistingID: o.ExistingID.Get(),
		State: optString(o.State), Effects: res.Effects}
	if id, ok := res.WaitOn.Lookup(); ok {
		doc.WaitOn = &id
	}
	if r, ok := o.Reason.Lookup(); ok {
		doc.Reason = &r
	}
	if doc.Effects == nil {
		doc.Effects = machine.Effects{}
	}
	return doc
}

// rejectReasonString is "not_ready (state Stopped): detail".
func rejectReasonString(r *machine.RejectReason) string {
	if r == nil {
		return "no reason given"
	}
	s := r.RejectType
	if st, ok := r.State.Lookup(); ok {
		s += " (state " + st.String() + ")"
	}
	if r.Detail != "" {
		s += ": " + r.Detail
	}
	return s
}

func runSend(ctx context.Context, a *app, session, text string, opts sessionclient.SendOptions, wait bool) error {
	if err := a.connect(ctx); err != nil {
		return err
	}
	res, err := a.sc.SendText(ctx, session, text, opts)
	if err != nil {
		return err
	}
	doc := sendDocOf(session, res)
	if res.Outcome.Outcome == machine.AcceptRejected {
		if err := a.emit(doc, func(w io.Writer) { printSend(w, doc) }); err != nil {
			return err
		}
		return refusedf("input %s was not admitted: %s", doc.InputID, rejectReasonString(doc.Reason))
	}
	if wait {
		target := doc.InputID
		switch {
		case doc.WaitOn != nil:
			target = *doc.WaitOn
		case doc.ExistingID != "":
			target = doc.ExistingID
		}
		if !a.g.json {
			printSend(a.stdout, doc)
			fmt.Fprintf(a.stdout, "waiting for %s…\n", target)
		}
		c, err := a.sc.WaitForCompletion(ctx, session, target)
		if err != nil {
			return waitError(session, target, err)
		}
		doc.Completion = &c
		if a.g.json {
			return writeJSON(a.stdout, doc)
		}
		printCompletion(a.stdout, c)
		return nil
	}
	return a.emit(doc, func(w io.Writer) { printSend(w, doc) })
}

// waitError says how to wait again when a wait did not finish.
func waitError(session, inputID string, err error) error {
	if errors.Is(err, sessionclient.ErrUnknownInput) {
		return fmt.Errorf("session %s does not track input %s, so it can never complete: %w", session, inputID, err)
	}
	return fmt.Errorf("waiting for input %s (wait again with `starter wait %s %s`): %w", inputID, session, inputID, err)
}

func printSend(w io.Writer, d sendDoc) {
	outcome := d.Outcome
	if d.State != "" {
		outcome += " (" + d.State + ")"
	}
	pairs := []string{"input", d.InputID, "outcome", outcome}
	if d.ExistingID != "" {
		pairs = append(pairs, "existing input", d.ExistingID)
	}
	if d.Reason != nil {
		pairs = append(pairs, "reason", rejectReasonString(d.Reason))
	}
	if d.WaitOn != nil {
		pairs = append(pairs, "wait on", *d.WaitOn)
	}
	fields(w, pairs...)
}

func printCompletion(w io.Writer, c workflows.Completion) {
	fields(w, completionPairs(c)...)
}

func completionPairs(c workflows.Completion) []string {
	outcome := optString(c.Outcome)
	if outcome == "" {
		outcome = "unknown"
	}
	outcome += " (" + c.State.String() + ")"
	pairs := []string{"completed", outcome}
	if r, ok := c.Result.Lookup(); ok {
		result := r.Class.String()
		if r.RunID != "" {
			result += " in run " + r.RunID
		}
		pairs = append(pairs, "result", result)
		if r.Error != "" {
			pairs = append(pairs, "error", r.Error)
		}
	}
	_, answer := answerOf(c)
	return append(pairs, "answer", answer)
}

// answerOf returns the run that ended the input and the model's final answer in it ("",
// "" when no turn ended the input).
func answerOf(c workflows.Completion) (runID, answer string) {
	r := c.Result.Get()
	return r.RunID, r.Answer
}

var waitCommand = &command{
	name: "wait", args: "<session> <input-id>", nargs: [2]int{2, 2},
	summary: "Wait until an input is terminal and print its outcome and answer.",
	setup:   noFlags(runWait),
}

type waitDoc struct {
	Session    string               `json:"session"`
	Completion workflows.Completion `json:"completion"`
}

func runWait(ctx context.Context, a *app, args []string) error {
	session, input := args[0], args[1]
	c, err := a.sc.WaitForCompletion(ctx, session, input)
	if err != nil {
		return waitError(session, input, err)
	}
	return a.emit(waitDoc{Session: session, Completion: c}, func(w io.Writer) {
		fields(w, append([]string{"input", c.InputID}, completionPairs(c)...)...)
	})
}
