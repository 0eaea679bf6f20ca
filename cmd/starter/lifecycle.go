package main

import (
	"context"
	"flag"
	"io"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
)

// Lifecycle commands: stop, cancel (after the turn's boundary) and destroy. Each is one
// shell operation of the session and prints the effects the machine emitted.

var stopCommand = &command{
	name: "stop", args: "<session> [--reason R]", nargs: [2]int{1, 1},
	summary: "Stop the session's runtime executor; deferred while a turn runs, then pending waiters resolve.",
	setup: reasonFlag("operator stop", func(ctx context.Context, a *app, session, reason string) (machine.Effects, error) {
		return a.sc.Stop(ctx, session, reason)
	}),
}

var cancelCommand = &command{
	name: "cancel", args: "<session> [--reason R]", nargs: [2]int{1, 1},
	summary: "Cancel the running turn at its next boundary.",
	setup: reasonFlag("operator cancel", func(ctx context.Context, a *app, session, reason string) (machine.Effects, error) {
		return a.sc.CancelAfterBoundary(ctx, session, reason)
	}),
}

var destroyCommand = &command{
	name: "destroy", args: "<session>", nargs: [2]int{1, 1},
	summary: "Destroy the session for good: pending waiters resolve and its workflow completes.",
	setup: noFlags(func(ctx context.Context, a *app, args []string) error {
		fx, err := a.sc.Destroy(ctx, args[0])
		if err != nil {
			return err
		}
		return a.emitOperation("destroy", args[0], "", fx, nil)
	}),
}

func reasonFlag(def string, op func(ctx context.Context, a *app, session, reason string) (machine.Effects, error)) func(*flag.FlagSet) func(context.Context, *app, []string) error {
	return func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		reason := fs.String("reason", def, "`reason` recorded with the request")
		return func(ctx context.Context, a *app, args []string) error {
			if err := a.connect(ctx); err != nil {
				return err
			}
			fx, err := op(ctx, a, args[0], *reason)
			if err != nil {
				return err
			}
			rt, err := a.sc.RuntimeState(ctx, args[0])
			if err != nil {
				return err
			}
			return a.emitOperation(a.cmd.name, args[0], *reason, fx, &rt)
		}
	}
}

// operationDoc is the result of a lifecycle operation.
type operationDoc struct {
	Operation    string                  `json:"operation"`
	Session      string                  `json:"session"`
	Reason       string                  `json:"reason,omitempty"`
	Effects      machine.Effects         `json:"effects"`
	RuntimeState *workflows.RuntimeState `json:"runtime_state,omitempty"`
}

func (a *app) emitOperation(op, session, reason string, fx machine.Effects, rt *workflows.RuntimeState) error {
	if fx == nil {
		fx = machine.Effects{}
	}
	doc := operationDoc{Operation: op, Session: session, Reason: reason, Effects: fx, RuntimeState: rt}
	return a.emit(doc, func(w io.Writer) {
		pairs := []string{"session", session, op, "done", "effects", effectNames(fx)}
		if rt != nil {
			pairs = append(pairs, "state", phaseString(*rt))
		}
		fields(w, pairs...)
	})
}
