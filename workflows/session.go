package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/meerkat-temporal/meerkat/machine"
)

// SessionParams start a session workflow run.
type SessionParams struct {
	// SessionID is the session this workflow is the authority of. Required.
	SessionID string `json:"session_id"`
	// Options tune continue-as-new.
	Options Options `json:"options,omitzero"`
	// Snapshot is the state handed over by the previous run; nil for a new session.
	Snapshot *Snapshot `json:"snapshot,omitempty"`
}

// SessionWorkflow is the durable authority of one session: it owns the session's
// machine.State, accepts every caller input of the catalogue as a signal and as an
// update, answers queries, keeps search attributes and current details up to date, and
// continues as new with a snapshot when the run grows long.
func SessionWorkflow(ctx workflow.Context, p SessionParams) error {
	if p.SessionID == "" {
		return applicationError("SessionWorkflow", &Error{
			Kind: machine.KindValidationFailed.String(), Input: "SessionWorkflow",
			Reason: "session_id is required; start the workflow with WorkflowID(sessionID) and SessionParams{SessionID: sessionID}",
		})
	}
	a, err := restore(p.Snapshot, func() (machine.State, error) { return machine.NewSession(p.SessionID) }, p.Options, machine.Catalogue())
	if err != nil {
		return applicationError("SessionWorkflow", err)
	}
	v := newVisibility(ctx, p.SessionID)
	a.changed = func(ctx workflow.Context) { v.publish(ctx, a) }
	if err := registerSessionQueries(ctx, a); err != nil {
		return err
	}
	if err := a.register(ctx); err != nil {
		return err
	}
	if err := a.registerOperations(ctx); err != nil {
		return err
	}
	if err := a.registerLifecycleOps(ctx); err != nil {
		return err
	}
	if err := a.registerLiveOps(ctx); err != nil {
		return err
	}
	v.publish(ctx, a)
	if workflow.GetVersion(ctx, versionRuntimeLoop, workflow.DefaultVersion, 1) == 1 {
		loopCtx, cancel := workflow.WithCancel(ctx)
		a.stopLoop = cancel
		workflow.Go(loopCtx, a.runtimeLoop)
	}
	snap, err := a.loop(ctx)
	if err != nil || snap == nil {
		return err
	}
	return workflow.NewContinueAsNewError(ctx, SessionWorkflow, SessionParams{SessionID: p.SessionID, Options: p.Options, Snapshot: snap})
}
