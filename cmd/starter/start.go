package main

import (
	"context"
	"flag"
	"io"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
)

// noFlags is the setup of a command without flags of its own.
func noFlags(run func(ctx context.Context, a *app, args []string) error) func(*flag.FlagSet) func(context.Context, *app, []string) error {
	return func(*flag.FlagSet) func(context.Context, *app, []string) error {
		return func(ctx context.Context, a *app, args []string) error {
			if err := a.connect(ctx); err != nil {
				return err
			}
			return run(ctx, a, args)
		}
	}
}

var startCommand = &command{
	name: "start", args: "<session>", nargs: [2]int{1, 1},
	summary: "Open the session (or find it) and attach the runtime loop, so accepted inputs run as turns.",
	setup:   noFlags(runStart),
}

type startDoc struct {
	Session      string                 `json:"session"`
	WorkflowID   string                 `json:"workflow_id"`
	RuntimeState workflows.RuntimeState `json:"runtime_state"`
	Effects      machine.Effects        `json:"effects"`
	UIURL        string                 `json:"ui_url"`
}

func runStart(ctx context.Context, a *app, args []string) error {
	session := args[0]
	fx, err := a.sc.Start(ctx, session)
	if err != nil {
		return err
	}
	rt, err := a.sc.RuntimeState(ctx, session)
	if err != nil {
		return err
	}
	doc := startDoc{Session: session, WorkflowID: workflows.WorkflowID(session), RuntimeState: rt,
		Effects: fx, UIURL: uiLink(a.g.uiURL, a.g.namespace, session)}
	if doc.Effects == nil {
		doc.Effects = machine.Effects{}
	}
	return a.emit(doc, func(w io.Writer) {
		fields(w,
			"session", session,
			"workflow", doc.WorkflowID,
			"state", phaseString(rt),
			"effects", effectNames(fx),
			"web ui", doc.UIURL,
		)
	})
}
