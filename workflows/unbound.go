package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/meerkat-temporal/meerkat/machine"
)

// UnboundParams start a run of the unbound authority workflow.
type UnboundParams struct {
	Options  Options   `json:"options,omitzero"`
	Snapshot *Snapshot `json:"snapshot,omitempty"`
}

// unboundInputNames are the inputs the unbound authority answers (spec §8.7): requests
// for a live channel or token that no session owns.
var unboundInputNames = []string{
	"RecordLiveCommandRejected",
	"RecordLiveChannelRequestRejected",
	"ResolveLiveWebsocketTokenAdmission",
}

// UnboundInputs lists the catalogue inputs the unbound authority accepts, each as a
// signal and as an update of the same name.
func UnboundInputs() []machine.InputSpec {
	var out []machine.InputSpec
	for _, name := range unboundInputNames {
		if sp, ok := machine.Lookup(name); ok {
			out = append(out, sp)
		}
	}
	return out
}

// UnboundAuthorityWorkflow is the process-wide unbound rejection authority: one
// singleton workflow (ID UnboundWorkflowID) with its own machine, initialised and bound
// to no session, answering live requests that no session owns. Its sequence counters are
// shared by every such call, as the spec requires (first unbound command rejection
// reports sequence 1, the next 2, …). It continues as new like a session.
func UnboundAuthorityWorkflow(ctx workflow.Context, p UnboundParams) error {
	a, err := restore(p.Snapshot, unboundAuthority, p.Options, UnboundInputs())
	if err != nil {
		return applicationError(UnboundWorkflowName, err)
	}
	a.changed = func(workflow.Context) {}
	err = workflow.SetQueryHandlerWithOptions(ctx, QueryMachineState, func() (machine.State, error) { return a.state, nil },
		workflow.QueryHandlerOptions{Description: "The unbound authority's machine state."})
	if err != nil {
		return err
	}
	if err := workflow.SetQueryHandler(ctx, QueryShellStatus, func() (ShellStatus, error) { return a.status(), nil }); err != nil {
		return err
	}
	if err := a.register(ctx); err != nil {
		return err
	}
	snap, err := a.loop(ctx)
	if err != nil {
		return err
	}
	return workflow.NewContinueAsNewError(ctx, UnboundAuthorityWorkflow, UnboundParams{Options: p.Options, Snapshot: snap})
}

// unboundAuthority is an initialised machine in Idle with no session (spec §8.7).
func unboundAuthority() (machine.State, error) { return machine.NewUnboundAuthority(), nil }
