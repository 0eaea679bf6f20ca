package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/meerkat-temporal/meerkat/activities"
	"github.com/meerkat-temporal/meerkat/machine"
)

// acts names the activities by method value; the worker registers an *activities.Activities.
var acts *activities.Activities

// hostCallOptions apply to every plugin call of a saga. Host calls carry an idempotency
// key (workflow ID + activity ID), so retrying them is safe; permanent host failures come
// back as non-retryable application errors.
var hostCallOptions = workflow.ActivityOptions{
	StartToCloseTimeout: time.Minute,
	HeartbeatTimeout:    15 * time.Second,
	RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumAttempts: 5},
}

// reconfigureLlm is the LLM identity reconfigure of spec §10.5 as workflow code. The
// machine decides (CheckLlmReconfigureAllowed, the staged ReconfigureSessionLlmIdentity and
// its plan); the host calls are activities. On failure every staged input is restored in
// reverse order; a failed host install after the identity switch is compensated on a
// disconnected context (previous identity, then previous visibility), and when that
// compensation fails too the live session is discarded and ClearSessionLlmState applied.
func (a *authority) reconfigureLlm(ctx workflow.Context, sessionID string, req machine.SessionLlmReconfigureRequest) (report machine.SessionLlmReconfigureReport, err error) {
	if err := req.Validate(); err != nil {
		return report, err
	}
	if err := a.state.CheckLlmReconfigureAllowed(); err != nil {
		return report, err
	}
	ctx = workflow.WithActivityOptions(ctx, hostCallOptions)

	var hydrated activities.HydrateSessionLlmStateResult
	if err := workflow.ExecuteActivity(summarize(ctx, "LLM reconfigure: hydrate"), acts.HydrateSessionLlmState, activities.HydrateSessionLlmStateInput{SessionID: sessionID}).Get(ctx, &hydrated); err != nil {
		return report, err
	}
	h := machine.HydratedSessionLlmState(hydrated)
	var staged []*machine.Staged
	defer func() {
		if err != nil {
			a.restore(ctx, staged)
		}
	}()
	st, _, err := a.state.Stage(h.Input())
	if err != nil {
		return report, err
	}
	staged = append(staged, st)

	var target activities.ResolveTargetSessionLlmIdentityResult
	if err := workflow.ExecuteActivity(summarize(ctx, "LLM reconfigure: resolve the target identity"), acts.ResolveTargetSessionLlmIdentity, resolveTargetInput(sessionID, h.CurrentIdentity, req)).Get(ctx, &target); err != nil {
		return report, err
	}
	in := machine.PlanSessionLlmReconfigure(h, machine.ResolvedSessionLlmReconfigure(target))
	st, fx, err := a.state.Stage(in)
	if err != nil {
		return report, err
	}
	staged = append(staged, st)
	authority, err := machine.ResolveSessionLlmReconfigureAuthority(in, fx)
	if err != nil {
		return report, err
	}

	if err := workflow.ExecuteActivity(summarize(ctx, "LLM reconfigure: apply the identity"), acts.ApplySessionLlmIdentity, activities.ApplySessionLlmIdentityInput{SessionID: sessionID, Identity: in.TargetIdentity}).Get(ctx, nil); err != nil {
		return report, err
	}
	next := authority.NextVisibilityState
	err = workflow.ExecuteActivity(summarize(ctx, "LLM reconfigure: apply the tool visibility"), acts.ApplySessionToolVisibilityState, activities.ApplySessionToolVisibilityStateInput{SessionID: sessionID, State: &next}).Get(ctx, nil)
	if err == nil {
		err = workflow.ExecuteActivity(summarize(ctx, "LLM reconfigure: persist"), acts.PersistLiveSession, activities.SessionInput{SessionID: sessionID}).Get(ctx, nil)
	}
	if err != nil {
		rollback := compensateLlm(ctx, sessionID, in)
		a.restore(ctx, staged)
		staged = nil
		return report, a.afterRollback(ctx, sessionID, err, rollback)
	}
	a.changed(ctx)
	return authority.Report, nil
}

// compensateLlm re-installs the previous identity, then the previous visibility state
// (spec §10.5 step 6), on a disconnected context so it also runs while the workflow is
// being cancelled. It returns the compensation's own failure.
func compensateLlm(ctx workflow.Context, sessionID string, in machine.ReconfigureSessionLlmIdentity) error {
	dctx, cancel := workflow.NewDisconnectedContext(ctx)
	defer cancel()
	prev := in.PreviousVisibilityState
	if err := workflow.ExecuteActivity(summarize(dctx, "LLM reconfigure rollback: re-apply the previous identity"), acts.ApplySessionLlmIdentity, activities.ApplySessionLlmIdentityInput{SessionID: sessionID, Identity: in.PreviousIdentity}).Get(dctx, nil); err != nil {
		return err
	}
	return workflow.ExecuteActivity(summarize(dctx, "LLM reconfigure rollback: re-apply the previous tool visibility"), acts.ApplySessionToolVisibilityState, activities.ApplySessionToolVisibilityStateInput{SessionID: sessionID, State: &prev}).Get(dctx, nil)
}

// afterRollback finishes a failed install (spec §10.5 step 7): a successful compensation
// returns the original error; a failed one discards the live session (best effort),
// applies ClearSessionLlmState and returns the Internal rollback error.
func (a *authority) afterRollback(ctx workflow.Context, sessionID string, cause, rollback error) error {
	if rollback == nil {
		return cause
	}
	dctx, cancel := workflow.NewDisconnectedContext(ctx)
	defer cancel()
	if err := workflow.ExecuteActivity(summarize(dctx, "LLM reconfigure: discard the live session after a failed rollback"), acts.DiscardLiveSession, activities.SessionInput{SessionID: sessionID}).Get(dctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("discarding the live session after a failed rollback failed", "error", err)
	}
	failed := machine.LlmReconfigureRollbackFailed(cause, rollback)
	if _, err := a.state.Apply(machine.ClearSessionLlmState{}); err != nil {
		return errors.Join(failed, err)
	}
	a.changed(ctx)
	return failed
}

// restore undoes staged inputs in reverse order. A staged input is only restored while
// nothing else was accepted since (operations hold the gate, so nothing is); anything
// else is logged, never silently assumed.
func (a *authority) restore(ctx workflow.Context, staged []*machine.Staged) {
	for i := len(staged) - 1; i >= 0; i-- {
		if !staged[i].Restore() {
			workflow.GetLogger(ctx).Error("a staged input could not be restored: another input was accepted since")
		}
	}
}

// resolveTargetInput maps the v0.7.1 request onto the host's resolve call.
func resolveTargetInput(sessionID string, current machine.SessionLlmIdentity, req machine.SessionLlmReconfigureRequest) activities.ResolveTargetSessionLlmIdentityInput {
	in := activities.ResolveTargetSessionLlmIdentityInput{
		SessionID: sessionID, CurrentIdentity: current, Model: req.Model, Provider: req.Provider,
		ClearProviderParams: req.ProviderParams.IsClear(), ClearAuthBinding: req.AuthBinding.IsClear(),
	}
	if raw, ok := req.ProviderParams.Lookup(); ok {
		in.ProviderParams = machine.Some(machine.StableJSON(raw))
	}
	if ab, ok := req.AuthBinding.Lookup(); ok {
		in.AuthBinding = machine.Some(ab)
	}
	return in
}
