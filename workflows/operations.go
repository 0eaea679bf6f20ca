package workflows

import (
	"encoding/json"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/meerkat-temporal/meerkat/machine"
)

// Shell operations: updates named as the spec names the runtime's operations (snake_case,
// where inputs are CamelCase), each running a whole pipeline of machine steps and host
// calls and returning its typed result. They are updates, not signals, because their
// caller needs the result. Operations hold the session's gate: while one runs, no other
// operation, input update or signal is applied (signals stay buffered), so its staged
// inputs can always be restored.
const (
	// OpAcceptInputWithCompletion runs the accept pipeline of spec §7.1
	// (machine.State.Accept) on an AcceptInputRequest and returns the
	// machine.AcceptResult. Its WaitOn names the input whose completion the caller may
	// wait for (the existing input for a deduplicated accept). The content of an
	// accepted input is kept until the input is terminal: it is what the runtime loop
	// hands to the model.
	OpAcceptInputWithCompletion = "accept_input_with_completion"
	// OpReconfigureSessionLlmIdentity runs the LLM identity reconfigure of spec §10.5 on a
	// machine.SessionLlmReconfigureRequest and returns the
	// machine.SessionLlmReconfigureReport.
	OpReconfigureSessionLlmIdentity = machine.OpReconfigureSessionLlmIdentity
	// OpReconfigureLiveTopology runs the live topology reconfigure of spec §9.4 on a
	// LiveTopologyRequest and returns a LiveTopologyResult (the new realtime authority).
	OpReconfigureLiveTopology = machine.OpReconfigureLiveTopology
	// OpLiveOpen opens a live channel (spec §8.8) on a LiveOpenRequest and returns a
	// LiveOpenResult.
	OpLiveOpen = "live_open"
)

// registerOperations wires the shell operations as updates.
func (a *authority) registerOperations(ctx workflow.Context) error {
	err := workflow.SetUpdateHandlerWithOptions(ctx, OpReconfigureSessionLlmIdentity,
		func(ctx workflow.Context, raw converter.RawValue) (machine.SessionLlmReconfigureReport, error) {
			return runOperation(ctx, a, OpReconfigureSessionLlmIdentity, raw, func(ctx workflow.Context, req machine.SessionLlmReconfigureRequest) (machine.SessionLlmReconfigureReport, error) {
				return a.reconfigureLlm(ctx, a.state.SessionID.Get(), req)
			})
		},
		workflow.UpdateHandlerOptions{
			Validator: func(ctx workflow.Context, raw converter.RawValue) error {
				if err := a.refuseWhileDraining(OpReconfigureSessionLlmIdentity); err != nil {
					return err
				}
				if a.remembered(updateID(ctx)) != nil {
					return nil
				}
				_, err := a.reconfigureRequest(raw)
				if err == nil {
					err = a.state.CheckLlmReconfigureAllowed()
				}
				return applicationError(OpReconfigureSessionLlmIdentity, err)
			},
			Description: "Switch the session's LLM identity through the host (spec §10.5) and return the report.",
		})
	if err != nil {
		return err
	}
	err = workflow.SetUpdateHandlerWithOptions(ctx, OpReconfigureLiveTopology,
		func(ctx workflow.Context, raw converter.RawValue) (LiveTopologyResult, error) {
			return runOperation(ctx, a, OpReconfigureLiveTopology, raw, func(ctx workflow.Context, req LiveTopologyRequest) (LiveTopologyResult, error) {
				return a.reconfigureTopology(ctx, a.state.SessionID.Get(), req)
			})
		},
		workflow.UpdateHandlerOptions{
			Validator: func(ctx workflow.Context, raw converter.RawValue) error {
				if err := a.refuseWhileDraining(OpReconfigureLiveTopology); err != nil {
					return err
				}
				if a.remembered(updateID(ctx)) != nil {
					return nil
				}
				req, err := a.topologyRequest(raw)
				if err == nil {
					_, err = a.state.Preview(machine.BeginLiveTopologyReconfigure{AuthorityEpoch: req.AuthorityEpoch})
				}
				return applicationError(OpReconfigureLiveTopology, err)
			},
			Description: "Move a realtime session to another LLM identity at a safe boundary (spec §9.4) and return the new realtime authority.",
		})
	if err != nil {
		return err
	}
	err = workflow.SetUpdateHandlerWithOptions(ctx, OpLiveOpen,
		func(ctx workflow.Context, raw converter.RawValue) (LiveOpenResult, error) {
			return runOperation(ctx, a, OpLiveOpen, raw, func(ctx workflow.Context, req LiveOpenRequest) (LiveOpenResult, error) {
				return a.openLive(ctx, a.state.SessionID.Get(), req)
			})
		},
		workflow.UpdateHandlerOptions{
			Validator: func(ctx workflow.Context, raw converter.RawValue) error {
				if err := a.refuseWhileDraining(OpLiveOpen); err != nil {
					return err
				}
				var req LiveOpenRequest
				err := decodeStrict(OpLiveOpen, raw, &req)
				if err == nil {
					err = checkTokenDigest(machine.RecordLiveWebsocketTokenIssued{Token: req.TokenDigest})
				}
				return applicationError(OpLiveOpen, err)
			},
			Description: "Open a live channel: admission, host open, token digest record (spec §8.8).",
		})
	if err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, OpAcceptInputWithCompletion,
		func(ctx workflow.Context, raw converter.RawValue) (machine.AcceptResult, error) {
			return runOperation(ctx, a, OpAcceptInputWithCompletion, raw, func(_ workflow.Context, req AcceptInputRequest) (machine.AcceptResult, error) {
				return a.accept(req)
			})
		},
		workflow.UpdateHandlerOptions{
			Validator: func(ctx workflow.Context, raw converter.RawValue) error {
				if err := a.refuseWhileDraining(OpAcceptInputWithCompletion); err != nil {
					return err
				}
				if a.remembered(updateID(ctx)) != nil {
					return nil
				}
				var req AcceptInputRequest
				return applicationError(OpAcceptInputWithCompletion, decodeStrict(OpAcceptInputWithCompletion, raw, &req))
			},
			Description: "Admit an input through the accept pipeline (spec §7.1) and return the outcome and the input to wait on.",
		})
}

func (a *authority) reconfigureRequest(raw converter.RawValue) (machine.SessionLlmReconfigureRequest, error) {
	var req machine.SessionLlmReconfigureRequest
	if err := decodeStrict(OpReconfigureSessionLlmIdentity, raw, &req); err != nil {
		return req, err
	}
	return req, req.Validate()
}

// awaitGate waits until no operation holds the gate.
func (a *authority) awaitGate(ctx workflow.Context) error {
	return workflow.Await(ctx, func() bool { return !a.busy })
}

// acquireGate waits for the gate and holds it until release is called.
func (a *authority) acquireGate(ctx workflow.Context) (release func(), err error) {
	if err := a.awaitGate(ctx); err != nil {
		return nil, err
	}
	a.busy = true
	return func() { a.busy = false }, nil
}

func (a *authority) topologyRequest(raw converter.RawValue) (LiveTopologyRequest, error) {
	var req LiveTopologyRequest
	if err := decodeStrict(OpReconfigureLiveTopology, raw, &req); err != nil {
		return req, err
	}
	return req, req.Reconfigure.Validate()
}

// runOperation is the common frame of a gated operation: the remembered result of a
// retried update, strict decoding, the gate, the message count and the dedup record.
func runOperation[Req, Res any](ctx workflow.Context, a *authority, name string, raw converter.RawValue, run func(workflow.Context, Req) (Res, error)) (Res, error) {
	var out Res
	id := updateID(ctx)
	if done := a.remembered(id); done != nil {
		err := json.Unmarshal(done, &out)
		return out, err
	}
	var req Req
	if err := decodeStrict(name, raw, &req); err != nil {
		return out, applicationError(name, err)
	}
	release, err := a.acquireGate(ctx)
	if err != nil {
		return out, err
	}
	defer release()
	a.count()
	out, err = run(ctx, req)
	if err != nil {
		return out, applicationError(name, err)
	}
	a.applied(ctx, id, out)
	return out, nil
}

// operationDoc describes a shell operation in the message table.
type operationDoc struct{ name, request, result, doc string }

// shellOperations lists every shell operation, in the order of the message table.
func shellOperations() []operationDoc {
	out := []operationDoc{
		{OpAcceptInputWithCompletion, "workflows.AcceptInputRequest", "machine.AcceptResult", "Admit an input through the accept pipeline (spec §7.1); the result names the input to wait on."},
		{OpReconfigureSessionLlmIdentity, "machine.SessionLlmReconfigureRequest", "machine.SessionLlmReconfigureReport", "Switch the session's LLM identity through the host (spec §10.5), compensating on failure."},
		{OpReconfigureLiveTopology, "workflows.LiveTopologyRequest", "workflows.LiveTopologyResult", "Move a realtime session to another LLM identity at a safe boundary (spec §9.4)."},
		{OpLiveOpen, "workflows.LiveOpenRequest", "workflows.LiveOpenResult", "Open a live channel: admission, host open, token digest record (spec §8.8)."},
	}
	for _, op := range lifecycleOps {
		out = append(out, operationDoc{op.name, op.request, "machine.Effects", op.doc})
	}
	out = append(out, liveOperations()...)
	return out
}
