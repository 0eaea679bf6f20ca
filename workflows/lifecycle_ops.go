package workflows

import (
	"encoding/json"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/meerkat-temporal/meerkat/machine"
)

// Lifecycle operations: the shell's side of the runtime executor (spec §5.2–5.4). Each
// takes the machine input it is named after (attach_runtime takes {}) and returns the
// effects of every input it applied.
const (
	// OpAttachRuntime makes the workflow's runtime loop the session's executor: it binds
	// the session to the workflow (PrepareBindings) when it has no binding yet, or
	// attaches the bound runtime (EnsureSessionWithExecutor), so accepted inputs run as
	// turns. Attaching an attached session changes nothing.
	OpAttachRuntime = "attach_runtime"
	// OpStopRuntimeExecutor stops the executor (spec §5.3). While a turn runs the stop
	// is deferred and lands when the turn returns; then every pending waiter resolves
	// RuntimeTerminated.
	OpStopRuntimeExecutor = "stop_runtime_executor"
	// OpCancelAfterBoundary ends the running turn at its next boundary (spec §5.4).
	OpCancelAfterBoundary = "cancel_after_boundary"
	// OpDestroy destroys the session: pending waiters resolve and the workflow completes.
	OpDestroy = "destroy"
	// OpPrepareBindings registers the session (idempotent) and binds it to a runtime
	// (spec §5.2): RegisterSession then PrepareBindings.
	OpPrepareBindings = "prepare_bindings"
	// OpRetire stops taking new input; an attached loop drains the queue, otherwise the
	// pending inputs resolve RuntimeTerminated.
	OpRetire = "retire"
	// OpReset returns the runtime to Idle; pending inputs are abandoned Reset.
	OpReset = "reset"
	// OpRecycle clears the runtime binding, keeping queued work.
	OpRecycle = "recycle"
	// OpRecover announces that the runtime recovered.
	OpRecover = "recover"
)

// lifecycleOp is one lifecycle operation: its name, documentation, and how it decodes
// and runs its request.
type lifecycleOp struct {
	name, request, doc string
	// plan returns the inputs to apply, in order; the validator previews the first.
	plan func(a *authority, raw converter.RawValue) ([]machine.Input, error)
}

func decodeOne[In machine.Input](name string) func(*authority, converter.RawValue) ([]machine.Input, error) {
	return func(_ *authority, raw converter.RawValue) ([]machine.Input, error) {
		var in In
		if err := decodeStrict(name, raw, &in); err != nil {
			return nil, err
		}
		return []machine.Input{in}, nil
	}
}

var lifecycleOps = []lifecycleOp{
	{OpAttachRuntime, "{}", "Attach the workflow's runtime loop as the session's executor, so accepted inputs run as turns.",
		func(a *authority, raw converter.RawValue) ([]machine.Input, error) {
			var none struct{}
			if err := decodeStrict(OpAttachRuntime, raw, &none); err != nil {
				return nil, err
			}
			return a.attachPlan(), nil
		}},
	{OpStopRuntimeExecutor, "machine.StopRuntimeExecutor", "Stop the runtime executor (spec §5.3); deferred while a turn runs.", decodeOne[machine.StopRuntimeExecutor](OpStopRuntimeExecutor)},
	{OpCancelAfterBoundary, "machine.CancelAfterBoundary", "End the running turn at its next boundary (spec §5.4).", decodeOne[machine.CancelAfterBoundary](OpCancelAfterBoundary)},
	{OpDestroy, "machine.Destroy", "Destroy the session: resolve every waiter and complete the workflow.", decodeOne[machine.Destroy](OpDestroy)},
	{OpPrepareBindings, "machine.PrepareBindings", "Register the session and bind it to a runtime (spec §5.2).",
		func(a *authority, raw converter.RawValue) ([]machine.Input, error) {
			var in machine.PrepareBindings
			if err := decodeStrict(OpPrepareBindings, raw, &in); err != nil {
				return nil, err
			}
			return []machine.Input{machine.RegisterSession{SessionID: in.SessionID}, in}, nil
		}},
	{OpRetire, "machine.Retire", "Stop taking new input; an attached runtime loop drains the queue.", decodeOne[machine.Retire](OpRetire)},
	{OpReset, "machine.Reset", "Return the runtime to Idle; pending inputs resolve RuntimeTerminated.", decodeOne[machine.Reset](OpReset)},
	{OpRecycle, "machine.Recycle", "Clear the runtime binding, keeping queued work.", decodeOne[machine.Recycle](OpRecycle)},
	{OpRecover, "machine.Recover", "Announce that the runtime recovered.", decodeOne[machine.Recover](OpRecover)},
}

// attachPlan is what attach_runtime applies in the current state: a binding to this
// workflow when the session has none (keeping the parts of an earlier binding a Reset
// left), then EnsureSessionWithExecutor, which attaches the runtime loop.
func (a *authority) attachPlan() []machine.Input {
	s := &a.state
	session := s.SessionID.Get()
	ensure := machine.EnsureSessionWithExecutor{SessionID: session}
	if s.ActiveRuntimeID.Present() && s.ActiveFenceToken.Present() {
		return []machine.Input{ensure}
	}
	bind := machine.PrepareBindings{
		AgentRuntimeID: WorkflowID(session), FenceToken: 1, Generation: machine.Some[uint64](1), SessionID: session,
	}
	if id, ok := s.ActiveRuntimeID.Lookup(); ok {
		bind.AgentRuntimeID, bind.Generation, bind.RuntimeEpochID = id, s.ActiveRuntimeGeneration, s.ActiveRuntimeEpochID
	}
	return []machine.Input{bind, ensure}
}

// registerLifecycleOps wires the lifecycle operations as updates.
func (a *authority) registerLifecycleOps(ctx workflow.Context) error {
	for _, op := range lifecycleOps {
		err := workflow.SetUpdateHandlerWithOptions(ctx, op.name,
			func(ctx workflow.Context, raw converter.RawValue) (machine.Effects, error) {
				return runOperation(ctx, a, op.name, raw, func(ctx workflow.Context, _ json.RawMessage) (machine.Effects, error) {
					ins, err := op.plan(a, raw)
					if err != nil {
						return nil, err
					}
					return a.applyAll(ctx, ins)
				})
			},
			workflow.UpdateHandlerOptions{
				Validator: func(ctx workflow.Context, raw converter.RawValue) error {
					if err := a.refuseWhileDraining(op.name); err != nil {
						return err
					}
					if a.remembered(updateID(ctx)) != nil {
						return nil
					}
					ins, err := op.plan(a, raw)
					if err == nil && len(ins) > 0 {
						_, err = a.state.Preview(ins[0])
					}
					return applicationError(op.name, err)
				},
				Description: op.doc,
			})
		if err != nil {
			return err
		}
	}
	return nil
}

// applyAll applies inputs in order, all or nothing, and returns their effects.
func (a *authority) applyAll(ctx workflow.Context, ins []machine.Input) (machine.Effects, error) {
	var fx machine.Effects
	var staged []*machine.Staged
	for _, in := range ins {
		if err := a.beforeApply(ctx, in); err != nil {
			a.restore(ctx, staged)
			return nil, err
		}
		st, out, err := a.state.Stage(in)
		if err != nil {
			a.restore(ctx, staged)
			return nil, err
		}
		staged = append(staged, st)
		fx = append(fx, out...)
	}
	for _, in := range ins {
		a.realize(ctx, in, fx)
	}
	return fx, nil
}
