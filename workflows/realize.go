package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/meerkat-temporal/meerkat/machine"
)

// applyCaller applies a caller's input and realizes what it asks of the runtime.
func (a *authority) applyCaller(ctx workflow.Context, in machine.Input) (machine.Effects, error) {
	if err := a.beforeApply(ctx, in); err != nil {
		return nil, err
	}
	fx, err := a.state.Apply(in)
	if err == nil {
		a.realize(ctx, in, fx)
	}
	return fx, err
}

// beforeApply is the part of the shell's work that must precede the input: a Destroy the
// machine accepts first ends every pending input (reason Destroyed), since a destroyed
// machine takes no input-lifecycle step.
func (a *authority) beforeApply(ctx workflow.Context, in machine.Input) error {
	if _, ok := in.(machine.Destroy); !ok {
		return nil
	}
	if _, err := a.state.Preview(in); err != nil {
		return err
	}
	a.terminalise(ctx, machine.AbandonDestroyed, "session destroyed")
	return nil
}

// realize is the shell's side of a lifecycle input a caller sent (spec §5.2–5.5, §6.1),
// whichever way it came (signal, update or operation):
//
//   - EnsureSessionWithExecutor attaches the runtime loop and wakes it;
//   - StopRuntimeExecutor lands at once when no run is in flight (otherwise the runtime
//     loop lands it when the run returns): executor exit, pending inputs abandoned
//     Stopped, waiters resolved RuntimeTerminated;
//   - Reset abandons every pending input (reason Reset) and detaches the loop;
//     Destroy (see beforeApply) also cancels the run in flight; Retire does so (reason Retired) only when no loop is attached,
//     since an attached loop drains the queue;
//   - a cancellation request at a boundary (CancelAfterBoundary, InterruptCurrentRun)
//     marks the running turn, which then ends Cancelled at its next boundary.
func (a *authority) realize(ctx workflow.Context, in machine.Input, fx machine.Effects) {
	s := &a.state
	switch in.(type) {
	case machine.EnsureSessionWithExecutor:
		switch s.LifecyclePhase {
		case machine.PhaseAttached, machine.PhaseRunning, machine.PhaseRetired:
			a.shell.LoopAttached, a.shell.WakePending = true, true
		}
	case machine.StopRuntimeExecutor:
		if !a.turnActive {
			a.terminalise(ctx, machine.AbandonStopped, "runtime stopped")
		}
	case machine.Reset:
		a.terminalise(ctx, machine.AbandonReset, "runtime reset")
	case machine.Destroy:
		if a.stopLoop != nil {
			a.stopLoop()
		}
	case machine.Retire:
		if !a.shell.LoopAttached {
			a.terminalise(ctx, machine.AbandonRetired, "runtime retired without a runtime loop")
		}
	case machine.UnregisterSession:
		a.shell.LoopAttached = false
	}
	for _, e := range fx {
		if _, ok := e.(machine.RequestCancellationAtBoundary); ok {
			if run, running := s.CurrentRunID.Lookup(); running && s.LifecyclePhase == machine.PhaseRunning {
				a.runtimeStep(ctx, machine.RequestCancelAfterBoundary{RunID: run})
			}
		}
	}
}
