package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/meerkat-temporal/meerkat/workflows"
)

var stateCommand = &command{
	name: "state", args: "<session> [--input ID] [--machine]", nargs: [2]int{1, 1},
	summary: "Query a session's state: runtime and realtime status, one input's state, or the full machine state.",
	setup: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		input := fs.String("input", "", "show the state of the input with this `id`")
		full := fs.Bool("machine", false, "print the full machine state (JSON)")
		return func(ctx context.Context, a *app, args []string) error {
			switch {
			case *input != "" && *full:
				return usagef("--input and --machine show different things: give one of them")
			case *input != "":
				return runInputState(ctx, a, args[0], *input)
			case *full:
				return runMachineState(ctx, a, args[0])
			}
			return runRuntimeState(ctx, a, args[0])
		}
	},
}

type stateDoc struct {
	Session      string                   `json:"session"`
	RuntimeState workflows.RuntimeState   `json:"runtime_state"`
	Realtime     workflows.RealtimeStatus `json:"realtime_status"`
	Shell        shellCounters            `json:"shell"`
}

// shellCounters are the session workflow's own counters (query shell_status).
type shellCounters struct {
	Messages       uint64 `json:"messages"`
	UpdatesApplied uint64 `json:"updates_applied"`
	SignalsApplied uint64 `json:"signals_applied"`
	SignalsRefused uint64 `json:"signals_refused"`
	// Runs counts the continue-as-new boundaries crossed.
	Runs     uint64 `json:"runs"`
	Draining bool   `json:"draining"`
}

func runRuntimeState(ctx context.Context, a *app, session string) error {
	if err := a.connect(ctx); err != nil {
		return err
	}
	rt, err := a.sc.RuntimeState(ctx, session)
	if err != nil {
		return err
	}
	realtime, err := a.sc.RealtimeStatus(ctx, session)
	if err != nil {
		return err
	}
	shell, err := a.sc.ShellStatus(ctx, session)
	if err != nil {
		return err
	}
	doc := stateDoc{Session: session, RuntimeState: rt, Realtime: realtime, Shell: shellCounters{
		Messages: shell.Messages, UpdatesApplied: shell.UpdatesApplied, SignalsApplied: shell.SignalsApplied,
		SignalsRefused: shell.SignalsRefused, Runs: shell.Runs, Draining: shell.Draining,
	}}
	return a.emit(doc, func(w io.Writer) {
		fields(w,
			"session", session,
			"lifecycle phase", rt.LifecyclePhase.String(),
			"visible phase", phaseString(rt),
			"current run", optString(rt.CurrentRunID),
			"realtime", realtime.AttachmentStatus.String()+", channel "+realtime.ChannelStatus.State.String(),
			"binding", realtime.BindingState.String()+epochSuffix(realtime.BindingAuthorityEpoch.Lookup()),
			"topology", realtime.LiveTopologyPhase.String(),
			"messages", fmt.Sprintf("%d (%d updates, %d signals applied, %d signals refused)", shell.Messages, shell.UpdatesApplied, shell.SignalsApplied, shell.SignalsRefused),
			"runs", fmt.Sprintf("%d", shell.Runs+1),
		)
	})
}

func epochSuffix(epoch uint64, ok bool) string {
	if !ok {
		return ""
	}
	return fmt.Sprintf(" (authority epoch %d)", epoch)
}

type inputStateDoc struct {
	Session string               `json:"session"`
	Input   workflows.InputState `json:"input"`
}

func runInputState(ctx context.Context, a *app, session, inputID string) error {
	if err := a.connect(ctx); err != nil {
		return err
	}
	st, err := a.sc.InputState(ctx, session, inputID)
	if err != nil {
		return err
	}
	if !st.Known {
		st.InputID = inputID
	}
	return a.emit(inputStateDoc{Session: session, Input: st}, func(w io.Writer) {
		if !st.Known {
			fmt.Fprintf(w, "input %s: not tracked by session %s\n", inputID, session)
			return
		}
		fields(w,
			"input", st.InputID,
			"state", st.State.String(),
			"outcome", optString(st.TerminalOutcome),
			"phase", st.Phase.String(),
			"lane", optString(st.Lane),
			"run", optString(st.RunID),
			"attempts", optString(st.AttemptCount),
		)
	})
}

func runMachineState(ctx context.Context, a *app, session string) error {
	if err := a.connect(ctx); err != nil {
		return err
	}
	st, err := a.sc.MachineState(ctx, session)
	if err != nil {
		return err
	}
	// The machine state has no shorter human form than its JSON.
	return writeJSON(a.stdout, st)
}
