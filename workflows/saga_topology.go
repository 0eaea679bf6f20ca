package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/meerkat-temporal/meerkat/activities"
	"github.com/meerkat-temporal/meerkat/machine"
)

// LiveTopologyRequest is the request of reconfigure_live_topology (spec §9.4): the
// caller's realtime binding authority and the LLM reconfigure to carry out.
type LiveTopologyRequest struct {
	AuthorityEpoch uint64                               `json:"authority_epoch"`
	Reconfigure    machine.SessionLlmReconfigureRequest `json:"reconfigure"`
	// DetachWindowMs bounds the wait for the running turn to reach a safe boundary.
	// Optional: DetachWindow by default.
	DetachWindowMs uint64 `json:"detach_window_ms,omitzero"`
}

func (r LiveTopologyRequest) detachWindow() time.Duration {
	if r.DetachWindowMs > 0 {
		return time.Duration(r.DetachWindowMs) * time.Millisecond
	}
	return DetachWindow
}

// LiveTopologyResult is the new realtime binding authority after a reconfigure to a
// realtime-capable model.
type LiveTopologyResult struct {
	Authority machine.RealtimeAttachmentSignalAuthority `json:"authority"`
}

// DetachWindow is how long reconfigure_live_topology waits by default for the turn to
// reach a boundary where MarkLiveTopologyDetached is accepted (spec §9.4 step 4: 1 s).
const DetachWindow = time.Second

// reconfigureTopology is reconfigure_live_topology of spec §9.4 as workflow code. Before
// the detach, any failure applies AbortLiveTopologyBeforeDetach (the binding is kept);
// after it, a host failure discards the live session, clears the LLM state and applies
// FailLiveTopologyAfterDetach (a reattach is required).
func (a *authority) reconfigureTopology(ctx workflow.Context, sessionID string, req LiveTopologyRequest) (LiveTopologyResult, error) {
	var out LiveTopologyResult
	if err := req.Reconfigure.Validate(); err != nil {
		return out, err
	}
	if _, err := a.state.Apply(machine.BeginLiveTopologyReconfigure{AuthorityEpoch: req.AuthorityEpoch}); err != nil {
		return out, err
	}
	a.changed(ctx)
	ctx = workflow.WithActivityOptions(ctx, hostCallOptions)

	var err error
	if a.state.LifecyclePhase == machine.PhaseRunning {
		// The running turn is asked to end at its next boundary, where the detach can land.
		_, err = a.applyCaller(ctx, machine.CancelAfterBoundary{Reason: "live topology reconfigure"})
	}
	var plan machine.ReconfigureSessionLlmIdentity
	var target activities.ResolveTargetSessionLlmIdentityResult
	var staged []*machine.Staged
	if err == nil {
		plan, target, staged, err = a.prepareTopology(ctx, sessionID, req.Reconfigure)
	}
	var closes []machine.LiveChannelCloseRequested
	if err == nil {
		closes, err = a.detachAtBoundary(ctx, req.detachWindow())
	}
	if err != nil {
		a.restore(ctx, staged)
		return out, errors.Join(err, a.applyNow(ctx, machine.AbortLiveTopologyBeforeDetach{}))
	}
	if err := a.closeChannels(ctx, sessionID, closes); err != nil {
		workflow.GetLogger(ctx).Warn("closing the live channel at detach failed", "error", err)
	}
	if err := a.installTopology(ctx, sessionID, plan, target); err != nil {
		return out, a.failAfterDetach(ctx, sessionID, err)
	}
	if err := a.applyNow(ctx, machine.CompleteLiveTopology{}); err != nil {
		return out, err
	}
	decision, err := a.state.LiveTopologyCompletion(machine.ResolvedSessionLlmReconfigure(target))
	if err != nil {
		return out, err
	}
	if err := a.applyNow(ctx, decision.Input()); err != nil {
		return out, err
	}
	out.Authority, err = a.state.RealtimeAuthority()
	return out, err
}

// prepareTopology hydrates and resolves the target (spec §9.4 step 3), staging the
// hydration, and returns the plan the machine will check.
func (a *authority) prepareTopology(ctx workflow.Context, sessionID string, req machine.SessionLlmReconfigureRequest) (machine.ReconfigureSessionLlmIdentity, activities.ResolveTargetSessionLlmIdentityResult, []*machine.Staged, error) {
	var plan machine.ReconfigureSessionLlmIdentity
	var target activities.ResolveTargetSessionLlmIdentityResult
	var hydrated activities.HydrateSessionLlmStateResult
	if err := workflow.ExecuteActivity(summarize(ctx, "topology reconfigure: hydrate"), acts.HydrateSessionLlmState, activities.HydrateSessionLlmStateInput{SessionID: sessionID}).Get(ctx, &hydrated); err != nil {
		return plan, target, nil, err
	}
	h := machine.HydratedSessionLlmState(hydrated)
	st, _, err := a.state.Stage(h.Input())
	if err != nil {
		return plan, target, nil, err
	}
	staged := []*machine.Staged{st}
	if err := workflow.ExecuteActivity(summarize(ctx, "topology reconfigure: resolve the target identity"), acts.ResolveTargetSessionLlmIdentity, resolveTargetInput(sessionID, h.CurrentIdentity, req)).Get(ctx, &target); err != nil {
		return plan, target, staged, err
	}
	plan = machine.PlanSessionLlmReconfigure(h, machine.ResolvedSessionLlmReconfigure(target))
	_, err = a.state.Preview(plan)
	return plan, target, staged, err
}

// detachAtBoundary applies MarkLiveTopologyDetached as soon as the machine accepts it,
// waiting at most window (spec §9.4 step 4). The condition is re-evaluated after every
// state change, so no polling timer is needed.
func (a *authority) detachAtBoundary(ctx workflow.Context, window time.Duration) ([]machine.LiveChannelCloseRequested, error) {
	var last error
	ready := func() bool {
		_, last = a.state.Preview(machine.MarkLiveTopologyDetached{})
		return last == nil
	}
	ok, err := workflow.AwaitWithTimeout(ctx, window, ready)
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, machine.LiveTopologyBoundaryTimeout(last)
	}
	fx, err := a.state.Apply(machine.MarkLiveTopologyDetached{})
	if err != nil {
		return nil, err
	}
	a.changed(ctx)
	return closeRequests(fx), nil
}

// closeRequests picks the channels the machine asked the shell to close.
func closeRequests(fx machine.Effects) []machine.LiveChannelCloseRequested {
	var out []machine.LiveChannelCloseRequested
	for _, e := range fx {
		if c, ok := e.(machine.LiveChannelCloseRequested); ok {
			out = append(out, c)
		}
	}
	return out
}

// closeChannels closes each channel the detach asked for and records the close.
func (a *authority) closeChannels(ctx workflow.Context, sessionID string, requests []machine.LiveChannelCloseRequested) error {
	for _, c := range requests {
		var res activities.CloseLiveChannelResult
		if err := workflow.ExecuteActivity(summarize(ctx, "topology reconfigure: close the detached channel"), acts.CloseLiveChannel, activities.LiveChannelInput{ChannelID: c.ChannelID}).Get(ctx, &res); err != nil {
			return err
		}
		if err := a.applyNow(ctx, machine.RecordLiveCloseClosed{SessionID: sessionID, ChannelID: c.ChannelID, CloseObservationSequence: res.CloseObservationSequence}); err != nil {
			return err
		}
	}
	return nil
}

// installTopology carries out spec §9.4 steps 5-7: the host installs the identity, then the
// visibility state, and persists; the machine records each step and takes the new
// identity through the reconfigure plan.
func (a *authority) installTopology(ctx workflow.Context, sessionID string, plan machine.ReconfigureSessionLlmIdentity, target activities.ResolveTargetSessionLlmIdentityResult) error {
	if err := workflow.ExecuteActivity(summarize(ctx, "topology reconfigure: apply the identity"), acts.ApplySessionLlmIdentity, activities.ApplySessionLlmIdentityInput{SessionID: sessionID, Identity: target.TargetIdentity}).Get(ctx, nil); err != nil {
		return err
	}
	if err := a.applyNow(ctx, machine.ApplyLiveTopologyIdentity{}); err != nil {
		return err
	}
	fx, err := a.state.Apply(plan)
	if err != nil {
		return err
	}
	authority, err := machine.ResolveSessionLlmReconfigureAuthority(plan, fx)
	if err != nil {
		return err
	}
	next := authority.NextVisibilityState
	if err := workflow.ExecuteActivity(summarize(ctx, "topology reconfigure: apply the tool visibility"), acts.ApplySessionToolVisibilityState, activities.ApplySessionToolVisibilityStateInput{SessionID: sessionID, State: &next}).Get(ctx, nil); err != nil {
		return err
	}
	if err := workflow.ExecuteActivity(summarize(ctx, "topology reconfigure: persist"), acts.PersistLiveSession, activities.SessionInput{SessionID: sessionID}).Get(ctx, nil); err != nil {
		return err
	}
	return a.applyNow(ctx, machine.ApplyLiveTopologyVisibility{})
}

// failAfterDetach is the post-detach failure path of spec §9.4, on a disconnected context.
func (a *authority) failAfterDetach(ctx workflow.Context, sessionID string, cause error) error {
	dctx, cancel := workflow.NewDisconnectedContext(ctx)
	defer cancel()
	if err := workflow.ExecuteActivity(summarize(dctx, "topology reconfigure: discard the live session after detach"), acts.DiscardLiveSession, activities.SessionInput{SessionID: sessionID}).Get(dctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("discarding the live session after a failed topology reconfigure failed", "error", err)
	}
	failed := machine.LiveTopologyFailedAfterDetach(cause)
	return errors.Join(failed, a.applyNow(ctx, machine.ClearSessionLlmState{}), a.applyNow(ctx, machine.FailLiveTopologyAfterDetach{}))
}

// applyNow applies a step of an operation and publishes the change.
func (a *authority) applyNow(ctx workflow.Context, in machine.Input) error {
	if _, err := a.state.Apply(in); err != nil {
		return err
	}
	a.changed(ctx)
	return nil
}
