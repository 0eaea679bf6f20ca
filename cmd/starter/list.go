package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"go.temporal.io/api/serviceerror"

	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

var listCommand = &command{
	name: "list", args: "[flags]", nargs: [2]int{0, 0},
	summary: "List sessions through Temporal visibility, filtered by their search attributes.",
	setup: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		var f sessionclient.ListFilter
		var provider string
		fs.StringVar(&f.Query, "query", "", "Temporal visibility `query`, ANDed with the other filters (e.g. \"MeerkatQueuedInputs > 0\")")
		fs.StringVar(&f.RuntimeState, "state", "", "runtime `state` (MeerkatRuntimeState), e.g. Idle, Attached, Running, Stopped")
		fs.StringVar(&f.Model, "model", "", "LLM `model` (MeerkatLlmModel)")
		fs.StringVar(&provider, "provider", "", "LLM `provider` (MeerkatLlmProvider), e.g. OpenAI")
		fs.StringVar(&f.TopologyPhase, "topology", "", "live topology `phase` (MeerkatTopologyPhase)")
		fs.BoolVar(&f.OpenOnly, "open", false, "only sessions whose workflow is running")
		fs.IntVar(&f.Limit, "limit", 100, "at most `n` sessions")
		return func(ctx context.Context, a *app, _ []string) error {
			if provider != "" {
				p, err := parseProvider(provider)
				if err != nil {
					return err
				}
				f.Provider = p.String()
			}
			if f.Limit <= 0 {
				return usagef("--limit must be positive, got %d", f.Limit)
			}
			return runList(ctx, a, f)
		}
	},
}

type listDoc struct {
	Query    string                           `json:"query"`
	Sessions []sessionclient.SessionExecution `json:"sessions"`
}

func runList(ctx context.Context, a *app, f sessionclient.ListFilter) error {
	if err := a.connect(ctx); err != nil {
		return err
	}
	sessions, err := a.sc.ListSessions(ctx, f)
	var invalid *serviceerror.InvalidArgument
	if errors.As(err, &invalid) {
		return usagef("the server refused the visibility query %q: %s", f.VisibilityQuery(), invalid.Message)
	}
	if err != nil {
		return err
	}
	if sessions == nil {
		sessions = []sessionclient.SessionExecution{}
	}
	return a.emit(listDoc{Query: f.VisibilityQuery(), Sessions: sessions}, func(w io.Writer) {
		printSessions(w, sessions, time.Now())
	})
}

func printSessions(w io.Writer, sessions []sessionclient.SessionExecution, now time.Time) {
	if len(sessions) == 0 {
		fmt.Fprintln(w, "No sessions match. (Visibility lags a moment behind new sessions.)")
		return
	}
	t := newTable(w)
	t.row("SESSION", "STATUS", "STATE", "MODEL", "QUEUED", "LIVE", "STARTED")
	for _, s := range sessions {
		model := s.Model
		if s.Provider != "" {
			model = s.Provider + "/" + s.Model
		}
		t.row(s.SessionID, s.Status, orDash(s.RuntimeState), orDash(model), strconv.FormatInt(s.QueuedInputs, 10),
			orDash(s.LiveChannel), orDash(ago(s.StartTime, now)))
	}
	t.flush()
	fmt.Fprintf(w, "%d session%s\n", len(sessions), plural(len(sessions)))
}
