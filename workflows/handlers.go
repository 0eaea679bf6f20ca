package workflows

import (
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/meerkat-temporal/meerkat/machine"
)

// register wires every input of the authority's list as a signal channel and an update
// of the same name. Runtime-origin inputs are registered too, so a forged one is refused
// and recorded instead of lingering unhandled.
//
// A signal is the fire-and-forget form: Temporal persists it even while no worker runs,
// and the workflow records a refusal instead of failing. An update is the acknowledged
// form: its validator previews the input, so a refused update leaves no trace in history,
// and its result is the effects the machine emitted.
func (a *authority) register(ctx workflow.Context) error {
	a.envelope = workflow.GetSignalChannel(ctx, SignalInput)
	a.channels = make([]workflow.ReceiveChannel, len(a.inputs))
	for i, sp := range a.inputs {
		a.channels[i] = workflow.GetSignalChannel(ctx, sp.Name)
		err := workflow.SetUpdateHandlerWithOptions(ctx, sp.Name,
			func(ctx workflow.Context, raw converter.RawValue) (machine.Effects, error) {
				return a.update(ctx, sp, raw)
			},
			workflow.UpdateHandlerOptions{
				Validator: func(ctx workflow.Context, raw converter.RawValue) error {
					return a.validate(ctx, sp, raw)
				},
				Description: sp.Doc,
			})
		if err != nil {
			return err
		}
	}
	return nil
}

// signalsPending reports whether any signal waits to be received.
func (a *authority) signalsPending() bool {
	if a.envelope.Len() > 0 {
		return true
	}
	for _, ch := range a.channels {
		if ch.Len() > 0 {
			return true
		}
	}
	return false
}

// receiveSignals applies every buffered signal without blocking: first the MachineInput
// envelopes, then each named channel in catalogue order. Signals of one name, and all
// envelopes, are applied in arrival order.
func (a *authority) receiveSignals(ctx workflow.Context) {
	for {
		var raw converter.RawValue
		if !a.envelope.ReceiveAsync(&raw) {
			break
		}
		a.onEnvelope(ctx, raw)
	}
	for i, ch := range a.channels {
		for {
			var raw converter.RawValue
			if !ch.ReceiveAsync(&raw) {
				break
			}
			a.onSignal(ctx, a.inputs[i], raw)
		}
	}
}
