package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/meerkat-temporal/meerkat/machine"
)

// runDue reports whether this run should end in continue-as-new: Temporal suggests it
// (history size or event count) or the run handled its configured number of messages
// (Temporal does not count signals into its suggestion).
func (a *authority) runDue(ctx workflow.Context) bool {
	return a.runMessages >= a.opts.maxMessages() || workflow.GetInfo(ctx).GetContinueAsNewSuggested()
}

// loop applies signals as they arrive until the run is due for continue-as-new, then
// drains and returns the snapshot for the next run.
//
// Draining: new updates are refused as retryable NotReady, running handlers finish, then
// every buffered signal is applied with no blocking call in between, so a signal is
// either applied in this run or delivered to the next one.
//
// A destroyed session ends the same way, but returns no snapshot: once every handler
// finished, its workflow completes. Waiters read the final input states from the closed
// workflow.
func (a *authority) loop(ctx workflow.Context) (*Snapshot, error) {
	destroyed := func() bool { return a.state.LifecyclePhase == machine.PhaseDestroyed }
	for {
		if err := workflow.Await(ctx, func() bool { return a.runDue(ctx) || destroyed() || (!a.busy && a.signalsPending()) }); err != nil {
			return nil, err
		}
		if !a.busy {
			a.receiveSignals(ctx)
		}
		if a.runDue(ctx) || destroyed() {
			break
		}
	}
	a.draining = true
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) && !a.turnActive }); err != nil {
		return nil, err
	}
	a.receiveSignals(ctx)
	if destroyed() {
		return nil, nil
	}
	return a.snapshot()
}
