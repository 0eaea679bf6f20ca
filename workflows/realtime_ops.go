package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/meerkat-temporal/meerkat/activities"
	"github.com/meerkat-temporal/meerkat/machine"
)

// Realtime attachment operations (spec §9.4). Each takes {} and returns a RealtimeResult.
// The machine decides (State.AttachLive, ReplaceRealtimeAttachment,
// CapabilityDrivenRealtimeTransport, RealtimeBootstrapEligibility); the workflow hydrates
// the LLM state through the host when the machine asks for it and applies the input the
// decision names.
//
// The single-input steps of §9.4 are plain catalogue inputs, sent as signal or update
// under their own names: detach_live is DetachRealtimeBinding,
// require_realtime_attachment_reattach[_for_authority] is
// RequireRealtimeReattach[ForAuthority], and publish_realtime_attachment_signal is
// PublishRealtimeSignal (machine.PublishRealtimeAttachmentSignal builds it from an
// attachment status and refuses projection-only statuses).
const (
	// OpAttachLive begins a realtime binding under a new authority epoch, once the
	// session has a live executor attachment and, when its capability surface is known,
	// a realtime-capable model; it returns the authority.
	OpAttachLive = machine.OpAttachLive
	// OpReplaceRealtimeAttachment replaces the binding under a new epoch (same
	// preconditions) and returns the authority.
	OpReplaceRealtimeAttachment = machine.OpReplaceRealtimeAttachment
	// OpApplyCapabilityDrivenRealtimeTransport lets the resolved model's realtime
	// capability drive the binding: attach when realtime and unbound, detach when not
	// realtime and bound, otherwise nothing. It hydrates the LLM state first when the
	// machine holds none resolved.
	OpApplyCapabilityDrivenRealtimeTransport = "apply_capability_driven_realtime_transport"
	// OpRealtimeBootstrapEligibility answers whether the session may bootstrap realtime
	// (fail closed), hydrating the LLM state first when needed, and returns the realtime
	// channel status.
	OpRealtimeBootstrapEligibility = machine.OpRealtimeBootstrap
)

// RealtimeResult is the result of a realtime operation: the transport action carried out
// (attach_live: Attach; replace_realtime_attachment: Replace;
// apply_capability_driven_realtime_transport: whichever the machine chose), the binding
// authority after an Attach or Replace, and for realtime_bootstrap_eligibility the
// eligibility with the realtime channel status.
type RealtimeResult struct {
	Action      machine.Opt[machine.RealtimeTransportAction]           `json:"action,omitzero"`
	Authority   machine.Opt[machine.RealtimeAttachmentSignalAuthority] `json:"authority,omitzero"`
	Eligibility machine.Opt[machine.RealtimeBootstrapEligibility]      `json:"eligibility,omitzero"`
}

// realtimeOp is one realtime operation: check only reads (validator, and again under
// the gate); run carries it out.
type realtimeOp struct {
	name, doc string
	check     func(a *authority) error
	run       func(ctx workflow.Context, a *authority) (RealtimeResult, error)
}

var realtimeOps = []realtimeOp{
	{OpAttachLive, "Begin a realtime binding under a new authority epoch once the runtime is attached and the model may do realtime (spec §9.4); returns the authority.",
		func(a *authority) error { return a.previewDecision(a.state.AttachLive()) },
		func(ctx workflow.Context, a *authority) (RealtimeResult, error) {
			return a.carryOut(ctx, a.state.AttachLive)
		}},
	{OpReplaceRealtimeAttachment, "Replace the realtime binding under a new authority epoch, same preconditions as attach_live (spec §9.4); returns the authority.",
		func(a *authority) error { return a.previewDecision(a.state.ReplaceRealtimeAttachment()) },
		func(ctx workflow.Context, a *authority) (RealtimeResult, error) {
			return a.carryOut(ctx, a.state.ReplaceRealtimeAttachment)
		}},
	{OpApplyCapabilityDrivenRealtimeTransport, "Let the model's realtime capability attach or detach the realtime binding, hydrating the LLM state first if needed (spec §9.4).",
		func(a *authority) error { return a.previewDecision(a.state.CapabilityDrivenRealtimeTransport(false)) },
		func(ctx workflow.Context, a *authority) (RealtimeResult, error) {
			hydrated := false
			if d, err := a.state.CapabilityDrivenRealtimeTransport(false); err == nil && d.Action == machine.TransportHydrateFirst {
				if err := a.hydrateLlm(ctx); err != nil {
					return RealtimeResult{}, err
				}
				hydrated = true
			}
			return a.carryOut(ctx, func() (machine.RealtimeTransportDecision, error) {
				return a.state.CapabilityDrivenRealtimeTransport(hydrated)
			})
		}},
	{OpRealtimeBootstrapEligibility, "Whether the session may bootstrap realtime, fail closed, hydrating the LLM state first if needed (spec §9.4); returns the realtime channel status.",
		func(a *authority) error {
			_, err := a.state.RealtimeBootstrapEligibility(false)
			return err
		},
		func(ctx workflow.Context, a *authority) (RealtimeResult, error) {
			e, err := a.state.RealtimeBootstrapEligibility(false)
			if err == nil && e.HydrateFirst {
				if herr := a.hydrateLlm(ctx); herr != nil {
					return RealtimeResult{}, a.state.RealtimeBootstrapHostMissing(herr.Error())
				}
				e, err = a.state.RealtimeBootstrapEligibility(true)
			}
			if err != nil {
				return RealtimeResult{}, err
			}
			return RealtimeResult{Eligibility: machine.Some(e)}, nil
		}},
}

// previewDecision checks a transport decision without committing it: the machine's
// refusal, or its verdict on the input the decision names.
func (a *authority) previewDecision(d machine.RealtimeTransportDecision, err error) error {
	if err != nil {
		return err
	}
	if in := d.Input(); in != nil {
		_, err = a.state.Preview(in)
	}
	return err
}

// carryOut takes the machine's transport decision, applies the input it names and reads
// the binding authority back after an Attach or Replace.
func (a *authority) carryOut(ctx workflow.Context, decide func() (machine.RealtimeTransportDecision, error)) (RealtimeResult, error) {
	d, err := decide()
	if err != nil {
		return RealtimeResult{}, err
	}
	out := RealtimeResult{Action: machine.Some(d.Action)}
	in := d.Input()
	if in == nil {
		return out, nil
	}
	if err := a.applyNow(ctx, in); err != nil {
		return out, err
	}
	if d.Action == machine.TransportAttach || d.Action == machine.TransportReplace {
		auth, err := a.state.RealtimeAuthority()
		if err != nil {
			return out, err
		}
		out.Authority = machine.Some(auth)
	}
	return out, nil
}

// hydrateLlm loads the host's LLM state into the machine (HydrateSessionLlmState).
func (a *authority) hydrateLlm(ctx workflow.Context) error {
	ctx = workflow.WithActivityOptions(ctx, hostCallOptions)
	var h activities.HydrateSessionLlmStateResult
	in := activities.HydrateSessionLlmStateInput{SessionID: a.state.SessionID.Get()}
	if err := workflow.ExecuteActivity(summarize(ctx, "realtime: hydrate the LLM state"), acts.HydrateSessionLlmState, in).Get(ctx, &h); err != nil {
		return err
	}
	return a.applyNow(ctx, machine.HydratedSessionLlmState(h).Input())
}
