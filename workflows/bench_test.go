package workflows_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

// counterWorkflow is the baseline: a minimal entity workflow that only counts messages,
// received as a signal or as an update named "count".
func counterWorkflow(ctx workflow.Context) error {
	count := 0
	if err := workflow.SetUpdateHandler(ctx, "count", func(ctx workflow.Context) (int, error) {
		count++
		return count, nil
	}); err != nil {
		return err
	}
	if err := workflow.SetQueryHandler(ctx, "count", func() (int, error) { return count, nil }); err != nil {
		return err
	}
	ch := workflow.GetSignalChannel(ctx, "count")
	for {
		ch.Receive(ctx, nil)
		count++
	}
}

// throughput is one side of the comparison.
type throughput struct {
	signalsPerSecond float64
	updateP50        time.Duration
	updateP99        time.Duration
}

func (t throughput) String() string {
	return fmt.Sprintf("%.0f signals/s, update round trip p50 %s p99 %s", t.signalsPerSecond, t.updateP50.Round(10*time.Microsecond), t.updateP99.Round(10*time.Microsecond))
}

// measure sends signals sequentially and waits until the workflow counted them all,
// then times sequential update round trips.
func measure(t *testing.T, signals, updates int, signal func() error, update func() error, counted func() (int, error)) throughput {
	t.Helper()
	base, err := counted()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for range signals {
		if err := signal(); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, time.Minute, "signals counted", func() (bool, error) {
		n, err := counted()
		return err == nil && n >= base+signals, err
	})
	out := throughput{signalsPerSecond: float64(signals) / time.Since(start).Seconds()}
	lat := make([]time.Duration, updates)
	for i := range lat {
		s := time.Now()
		if err := update(); err != nil {
			t.Fatal(err)
		}
		lat[i] = time.Since(s)
	}
	slices.Sort(lat)
	out.updateP50, out.updateP99 = lat[len(lat)/2], lat[len(lat)*99/100]
	return out
}

// TestBenchmarkAgainstBaseline measures, against the in-process server, signals per
// second into one session and the update round trip, side by side with the minimal
// counting workflow. It reports and asserts nothing about speed; it runs only with
// MEERKAT_BENCH=1.
func TestBenchmarkAgainstBaseline(t *testing.T) {
	if os.Getenv("MEERKAT_BENCH") != "1" {
		t.Skip("set MEERKAT_BENCH=1 to run the benchmark")
	}
	const signals, updates = 1000, 400
	tc, sc := realClient(t, sessionclient.Options{Session: workflows.Options{MaxMessagesPerRun: 5000}})
	ctx := context.Background()
	ts := realServer(t)
	const baselineQueue = "bench-baseline"
	ts.NewWorkerWithOptions(baselineQueue, func(r worker.Registry) { r.RegisterWorkflow(counterWorkflow) }, worker.Options{})

	if _, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "bench-baseline", TaskQueue: baselineQueue}, counterWorkflow); err != nil {
		t.Fatal(err)
	}
	runBaseline := func(signals, updates int) throughput {
		return measure(t, signals, updates,
			func() error { return tc.SignalWorkflow(ctx, "bench-baseline", "", "count", nil) },
			func() error {
				h, err := tc.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: "bench-baseline", UpdateName: "count", WaitForStage: client.WorkflowUpdateStageCompleted})
				if err != nil {
					return err
				}
				return h.Get(ctx, nil)
			},
			func() (int, error) {
				v, err := tc.QueryWorkflow(ctx, "bench-baseline", "", "count")
				if err != nil {
					return 0, err
				}
				var n int
				return n, v.Get(&n)
			})
	}

	const session = "bench"
	if _, err := sc.Open(ctx, session); err != nil {
		t.Fatal(err)
	}
	in := machine.RegisterSession{SessionID: session}
	runSession := func(signals, updates int) throughput {
		return measure(t, signals, updates,
			func() error { return sc.Signal(ctx, session, in) },
			func() error { _, err := sc.Apply(ctx, session, in); return err },
			func() (int, error) {
				st, err := sc.ShellStatus(ctx, session)
				return int(st.Messages), err
			})
	}

	// Warm both up (connections, caches, JIT of the worker's task handling) unmeasured.
	runBaseline(50, 20)
	runSession(50, 20)
	baseline := runBaseline(signals, updates)
	ours := runSession(signals, updates)

	t.Logf("baseline (counting workflow): %s", baseline)
	t.Logf("session workflow:             %s", ours)
	t.Logf("ratio: signals %.2fx slower, update p50 %.2fx, p99 %.2fx (target < 1.3)",
		baseline.signalsPerSecond/ours.signalsPerSecond,
		float64(ours.updateP50)/float64(baseline.updateP50), float64(ours.updateP99)/float64(baseline.updateP99))
}
