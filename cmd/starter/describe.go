package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

var describeCommand = &command{
	name: "describe", args: "<session>", nargs: [2]int{1, 1},
	summary: "Show a session: workflow status, run count, runtime state, LLM identity, live routing, active inputs and its Web UI link.",
	setup:   noFlags(runDescribe),
}

type describeDoc struct {
	Session   string                         `json:"session"`
	Execution sessionclient.SessionExecution `json:"execution"`
	// Runs counts the continue-as-new boundaries crossed (run 1 has crossed none).
	Runs         uint64                    `json:"runs"`
	RuntimeState *workflows.RuntimeState   `json:"runtime_state,omitempty"`
	LlmIdentity  *workflows.LlmIdentity    `json:"llm_identity,omitempty"`
	LiveRouting  *workflows.LiveRouting    `json:"live_routing,omitempty"`
	Realtime     *workflows.RealtimeStatus `json:"realtime_status,omitempty"`
	ActiveInputs []machine.InputView       `json:"active_inputs"`
	// QueryError is set when the session's queries could not be answered (a closed
	// workflow without a worker to replay it): the execution is still shown.
	QueryError string `json:"query_error,omitempty"`
	UIURL      string `json:"ui_url"`
}

func runDescribe(ctx context.Context, a *app, args []string) error {
	session := args[0]
	exec, err := a.sc.DescribeSession(ctx, session)
	if err != nil {
		return err
	}
	doc := describeDoc{Session: session, Execution: exec, UIURL: uiLink(a.g.uiURL, a.g.namespace, session), ActiveInputs: []machine.InputView{}}
	if err := describeQueries(ctx, a.sc, session, &doc); err != nil {
		if exec.Status == "Running" {
			return err
		}
		doc.QueryError = err.Error()
	}
	return a.emit(doc, func(w io.Writer) { printDescribe(w, doc, time.Now()) })
}

// describeQueries reads the session's projections into doc.
func describeQueries(ctx context.Context, sc *sessionclient.Client, session string, doc *describeDoc) error {
	shell, err := sc.ShellStatus(ctx, session)
	if err != nil {
		return err
	}
	doc.Runs = shell.Runs
	rt, err := sc.RuntimeState(ctx, session)
	if err != nil {
		return err
	}
	doc.RuntimeState = &rt
	llm, err := sc.LlmIdentity(ctx, session)
	if err != nil {
		return err
	}
	doc.LlmIdentity = &llm
	routing, err := sc.LiveRouting(ctx, session)
	if err != nil {
		return err
	}
	doc.LiveRouting = &routing
	realtime, err := sc.RealtimeStatus(ctx, session)
	if err != nil {
		return err
	}
	doc.Realtime = &realtime
	inputs, err := sc.ActiveInputs(ctx, session)
	if err != nil {
		return err
	}
	if inputs != nil {
		doc.ActiveInputs = inputs
	}
	return nil
}

func printDescribe(w io.Writer, d describeDoc, now time.Time) {
	e := d.Execution
	status := e.Status
	if !e.CloseTime.IsZero() {
		status += ", closed " + ago(e.CloseTime, now)
	}
	pairs := []string{
		"session", d.Session,
		"workflow", e.WorkflowID + " (run " + e.RunID + ")",
		"status", status,
		"started", e.StartTime.Local().Format(time.DateTime) + " (" + ago(e.StartTime, now) + ")",
		"runs", fmt.Sprintf("%d (continue-as-new boundaries crossed: %d), %d events in this run", d.Runs+1, d.Runs, e.HistoryLength),
	}
	if rt := d.RuntimeState; rt != nil {
		state := phaseString(*rt)
		if run, ok := rt.CurrentRunID.Lookup(); ok {
			state += ", run " + run
		}
		pairs = append(pairs, "runtime state", state)
	}
	if llm := d.LlmIdentity; llm != nil {
		pairs = append(pairs,
			"llm", orNone(identityString(llm.Identity)),
			"capabilities", surfaceString(llm.Surface),
			"tool filter", llm.BaseFilter.String(),
		)
	}
	if r := d.LiveRouting; r != nil {
		live := "none"
		if ch, ok := r.ActiveChannel.Lookup(); ok {
			live = ch
			if id := identityString(r.BoundIdentity); id != "" {
				live += " (bound to " + id + ")"
			}
		}
		pairs = append(pairs, "live channel", live)
	}
	if rt := d.Realtime; rt != nil {
		realtime := rt.AttachmentStatus.String() + ", topology " + rt.LiveTopologyPhase.String()
		if epoch, ok := rt.BindingAuthorityEpoch.Lookup(); ok {
			realtime += fmt.Sprintf(", authority epoch %d", epoch)
		}
		pairs = append(pairs, "realtime", realtime)
	}
	if d.QueryError != "" {
		pairs = append(pairs, "queries", "unavailable: "+d.QueryError)
	}
	pairs = append(pairs, "web ui", d.UIURL)
	fields(w, pairs...)
	if d.QueryError != "" {
		return
	}
	if len(d.ActiveInputs) == 0 {
		fmt.Fprintln(w, "active inputs  none")
		return
	}
	fmt.Fprintf(w, "active inputs  %d\n", len(d.ActiveInputs))
	printInputs(w, d.ActiveInputs)
}

// printInputs is a table of inputs, indented.
func printInputs(w io.Writer, inputs []machine.InputView) {
	t := newTable(w)
	t.row("  INPUT", "STATE", "LANE", "RUN")
	for _, in := range inputs {
		t.row("  "+in.InputID, in.State.String(), orDash(optString(in.Lane)), orDash(optString(in.RunID)))
	}
	t.flush()
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "none"
	}
	return s
}
