package workflows

import (
	"encoding/json"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/meerkat-temporal/meerkat/machine"
)

// Shell operations: updates named after the runtime's operations, each running a whole
// pipeline of machine steps (all or nothing) and returning its typed result.
const (
	// OpAcceptInputWithCompletion runs the accept pipeline of spec §7.1
	// (machine.State.Accept) on a machine.AcceptRequest and returns the
	// machine.AcceptResult. Its WaitOn names the input whose completion the caller may
	// wait for (the existing input for a deduplicated accept).
	OpAcceptInputWithCompletion = "AcceptInputWithCompletion"
)

// registerOperations wires the shell operations as updates. They are updates, not
// signals, because their caller needs the result (the outcome and the input to wait on).
func (a *authority) registerOperations(ctx workflow.Context) error {
	return workflow.SetUpdateHandlerWithOptions(ctx, OpAcceptInputWithCompletion,
		func(ctx workflow.Context, raw converter.RawValue) (machine.AcceptResult, error) {
			return a.accept(ctx, raw)
		},
		workflow.UpdateHandlerOptions{
			Validator: func(ctx workflow.Context, raw converter.RawValue) error {
				if err := a.refuseWhileDraining(OpAcceptInputWithCompletion); err != nil {
					return err
				}
				if a.remembered(updateID(ctx)) != nil {
					return nil
				}
				var req machine.AcceptRequest
				return applicationError(OpAcceptInputWithCompletion, decodeStrict(OpAcceptInputWithCompletion, raw, &req))
			},
			Description: "Admit an input through the accept pipeline (spec §7.1) and return the outcome and the input to wait on.",
		})
}

func (a *authority) accept(ctx workflow.Context, raw converter.RawValue) (machine.AcceptResult, error) {
	var res machine.AcceptResult
	id := updateID(ctx)
	if done := a.remembered(id); done != nil {
		err := json.Unmarshal(done, &res)
		return res, err
	}
	var req machine.AcceptRequest
	if err := decodeStrict(OpAcceptInputWithCompletion, raw, &req); err != nil {
		return res, applicationError(OpAcceptInputWithCompletion, err)
	}
	a.count()
	res, err := a.state.Accept(req)
	if err != nil {
		return res, applicationError(OpAcceptInputWithCompletion, err)
	}
	a.applied(ctx, id, res)
	return res, nil
}
