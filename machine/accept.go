package machine

import "fmt"

// This file holds the §7.1 pipeline of accept_input_with_completion (and of
// accept_input_without_wake) as one pure function over the state: the lifecycle gate,
// validation, idempotency, the admission plan, the input lifecycle steps the plan
// authorises, and the post-admission signal, applied in the documented order and all or
// nothing.

// AcceptRequest describes an input offered for admission. The input id is minted by the
// caller. Absent peer validity flags read as valid; a zero durability reads as Missing
// and is rejected.
type AcceptRequest struct {
	InputID                               string                             `json:"input_id"`
	InputKind                             AdmissionInputKind                 `json:"input_kind"`
	InputOrigin                           AdmissionInputOriginKind           `json:"input_origin"`
	Durability                            InputDurabilityKind                `json:"durability,omitzero"`
	PeerHandlingModeValid                 Opt[bool]                          `json:"peer_handling_mode_valid,omitzero"`
	PeerResponseTerminalStructurallyValid Opt[bool]                          `json:"peer_response_terminal_structurally_valid,omitzero"`
	PeerResponseTerminalObservedStatus    PeerResponseTerminalObservedStatus `json:"peer_response_terminal_observed_status,omitzero"`
	RequestedLane                         Opt[InputLane]                     `json:"requested_lane,omitzero"`
	ContinuationKind                      AdmissionContinuationKind          `json:"continuation_kind,omitzero"`
	SilentIntentMatch                     bool                               `json:"silent_intent_match"`
	ExistingSupersededInputID             Opt[string]                        `json:"existing_superseded_input_id,omitzero"`
	IdempotencyKey                        Opt[string]                        `json:"idempotency_key,omitzero"`
	ActiveTurnBoundaryAvailable           bool                               `json:"active_turn_boundary_available"`
	WithoutWake                           bool                               `json:"without_wake"`
}

// AcceptOutcomeKind says how an accept ended.
type AcceptOutcomeKind string

// The three outcomes of spec §7.7 AcceptOutcome.
const (
	AcceptAccepted     AcceptOutcomeKind = "accepted"
	AcceptDeduplicated AcceptOutcomeKind = "deduplicated"
	AcceptRejected     AcceptOutcomeKind = "rejected"
)

// RejectReason is why an input was not admitted (spec §7.7), tagged by reject_type:
// not_ready (with the lifecycle state), durability_violation, peer_handling_mode_invalid
// or peer_response_terminal_invalid (with a detail).
type RejectReason struct {
	RejectType string                             `json:"reject_type"`
	State      Opt[RuntimeLifecycleObservedState] `json:"state,omitzero"`
	Detail     string                             `json:"detail,omitempty"`
}

// AcceptOutcome is the public result of an accept (spec §7.7).
type AcceptOutcome struct {
	Outcome    AcceptOutcomeKind              `json:"outcome"`
	InputID    string                         `json:"input_id"`
	ExistingID Opt[string]                    `json:"existing_id,omitzero"`
	Policy     Opt[AdmissionResolved]         `json:"policy,omitzero"`
	State      Opt[InputPublicLifecycleState] `json:"state,omitzero"`
	Reason     Opt[RejectReason]              `json:"reason,omitzero"`
}

// AcceptResult is an AcceptOutcome with what the shell must do next.
type AcceptResult struct {
	Outcome AcceptOutcome `json:"outcome"`
	// WaitOn is the input whose completion a waiter registered by this accept waits for:
	// the new input when it is accepted and not yet terminal, the existing one when a
	// duplicate of a non-terminal input arrives, none otherwise (spec §7.1 step 6).
	WaitOn Opt[string] `json:"wait_on,omitzero"`
	// Signal is the post-admission signal for the runtime loop, if any.
	Signal Opt[PostAdmissionSignalKind] `json:"signal,omitzero"`
	// Effects are every effect of the inputs applied, in order.
	Effects Effects `json:"effects"`
}

// Accept runs the §7.1 pipeline. A rejection by validation or by the lifecycle is an
// outcome, not an error; an error means the request itself is unusable (KindDestroyed
// for a destroyed session, KindValidationFailed for a malformed request) or the machine
// refused a step its own plan authorised (KindInternal). On any error the state is
// exactly as before.
func (s *State) Accept(req AcceptRequest) (AcceptResult, error) {
	if req.InputID == "" {
		return AcceptResult{}, invalidInput("AcceptRequest", "input_id is required")
	}
	if !req.InputKind.Valid() || !req.InputOrigin.Valid() {
		return AcceptResult{}, invalidInput("AcceptRequest", "input_kind and input_origin are required")
	}
	visible := s.VisiblePhase()
	class := ClassifyLifecycle(visible)
	switch {
	case class.IngressAdmission == IngressDestroyed:
		return AcceptResult{}, &Rejection{Kind: KindDestroyed, Phase: s.LifecyclePhase, Input: "AcceptRequest", Reason: "the session is destroyed"}
	case class.IngressAdmission == IngressNotReady || class.InputAdmission == InputRejectsInput:
		return rejected(req.InputID, RejectReason{RejectType: "not_ready", State: Some(visible)}), nil
	}

	p := &pipeline{s: s}
	defer p.rollbackUnlessDone()

	fx, err := p.apply(req.validation())
	if err != nil {
		return AcceptResult{}, err
	}
	if v := fx[0].(AdmissionValidationResolved); v.Result == ValidationReject {
		p.done = true
		p.restoreAll()
		return rejected(req.InputID, rejectReasonFor(v.RejectReason.Get())), nil
	}
	fx, err = p.apply(ResolveAdmissionIdempotency{InputID: req.InputID, IdempotencyKey: req.IdempotencyKey})
	if err != nil {
		return AcceptResult{}, err
	}
	if d := fx[0].(AdmissionIdempotencyResolved); d.Result == IdempotencyDeduplicated {
		// A deduplicated accept applies nothing and emits no new signal.
		p.done = true
		p.restoreAll()
		existing := d.ExistingInputID.Get()
		res := AcceptResult{Outcome: AcceptOutcome{Outcome: AcceptDeduplicated, InputID: req.InputID, ExistingID: Some(existing)}}
		if t, ok := s.InputStates[existing]; ok && !t.Terminal() {
			res.WaitOn = Some(existing)
		}
		return res, nil
	}
	fx, err = p.apply(req.plan(s.LifecyclePhase == PhaseRunning))
	if err != nil {
		return AcceptResult{}, err
	}
	policy := fx[0].(AdmissionResolved)
	if err := p.admit(req, policy); err != nil {
		return AcceptResult{}, err
	}
	var signal Input = AcceptWithoutWake{InputID: req.InputID}
	if !req.WithoutWake {
		signal = AcceptWithCompletion{InputID: req.InputID, RequestImmediateProcessing: policy.RequestImmediateProcessing, InterruptYielding: policy.InterruptYielding, WakeIfIdle: policy.WakeIfIdle}
	}
	if _, err := p.apply(signal); err != nil {
		return AcceptResult{}, err
	}
	p.done = true
	view, _ := s.InputState(req.InputID)
	res := AcceptResult{
		Outcome: AcceptOutcome{Outcome: AcceptAccepted, InputID: req.InputID, Policy: Some(policy), State: Some(view.State)},
		Effects: p.effects,
	}
	if !view.Terminal() {
		res.WaitOn = Some(req.InputID)
	}
	for _, e := range p.effects {
		if sig, ok := e.(PostAdmissionSignal); ok {
			res.Signal = Some(sig.Signal)
		}
	}
	return res, nil
}

// admit applies the input lifecycle steps the plan authorised (spec §7.1 step 5d).
func (p *pipeline) admit(req AcceptRequest, policy AdmissionResolved) error {
	steps := []Input{QueueAccepted{inputRef{req.InputID}}}
	if policy.Lane == LaneSteer {
		steps[0] = SteerAccepted{inputRef{req.InputID}}
	}
	if policy.Plan == PlanConsumedOnAccept {
		steps = append(steps, ConsumeOnAccept{inputRef{req.InputID}})
	} else {
		if existing, ok := policy.ExistingInputID.Lookup(); ok {
			switch policy.ExistingAction {
			case ExistingCoalesce:
				steps = append(steps, CoalesceInput{InputID: existing, AggregateID: req.InputID})
			case ExistingSupersede:
				steps = append(steps, SupersedeInput{InputID: existing, SupersededBy: req.InputID})
			}
		}
		if policy.QueueAction == QueueActionEnqueueFront {
			steps = append(steps, PrioritizeInput{inputRef{req.InputID}}, ChangeLane{InputID: req.InputID, NewLane: policy.HandlingMode()})
		}
	}
	if key, ok := req.IdempotencyKey.Lookup(); ok {
		steps = append(steps, RegisterAcceptedIdempotency{InputID: req.InputID, IdempotencyKey: key})
	}
	for _, in := range steps {
		if _, err := p.apply(in); err != nil {
			return err
		}
	}
	return nil
}

func (req AcceptRequest) validation() ResolveAdmissionValidation {
	durability := req.Durability
	if durability == 0 {
		durability = DurabilityMissing
	}
	status := req.PeerResponseTerminalObservedStatus
	if status == 0 {
		status = PeerTerminalNotPeerTerminal
	}
	return ResolveAdmissionValidation{
		InputID: req.InputID, InputKind: req.InputKind, InputOrigin: req.InputOrigin, Durability: durability,
		PeerHandlingModeValid:                 !req.PeerHandlingModeValid.Is(false),
		PeerResponseTerminalStructurallyValid: !req.PeerResponseTerminalStructurallyValid.Is(false),
		PeerResponseTerminalObservedStatus:    status,
	}
}

func (req AcceptRequest) plan(running bool) ResolveAdmissionPlan {
	continuation := req.ContinuationKind
	if continuation == 0 {
		continuation = ContinuationOrdinary
	}
	return ResolveAdmissionPlan{
		InputID: req.InputID, InputKind: req.InputKind, RequestedLane: req.RequestedLane, ContinuationKind: continuation,
		SilentIntentMatch: req.SilentIntentMatch, ExistingSupersededInputID: req.ExistingSupersededInputID,
		RuntimeRunning: running, ActiveTurnBoundaryAvailable: req.ActiveTurnBoundaryAvailable, WithoutWake: req.WithoutWake,
	}
}

func rejected(inputID string, reason RejectReason) AcceptResult {
	return AcceptResult{Outcome: AcceptOutcome{Outcome: AcceptRejected, InputID: inputID, Reason: Some(reason)}}
}

// rejectReasonFor maps a validation rejection to the public reject reason (spec §7.1
// step 5b).
func rejectReasonFor(r AdmissionRejectReasonKind) RejectReason {
	switch r {
	case RejectPeerHandlingModeInvalid:
		return RejectReason{RejectType: "peer_handling_mode_invalid", Detail: r.String()}
	case RejectPeerResponseTerminalInvalid:
		return RejectReason{RejectType: "peer_response_terminal_invalid", Detail: r.String()}
	}
	return RejectReason{RejectType: "durability_violation", Detail: r.String()}
}

// pipeline applies inputs as staged steps so the whole accept can be undone.
type pipeline struct {
	s       *State
	staged  []*Staged
	effects Effects
	done    bool
}

func (p *pipeline) apply(in Input) (Effects, error) {
	st, fx, err := p.s.Stage(in)
	if err != nil {
		return nil, &Rejection{Kind: KindInternal, Phase: p.s.LifecyclePhase, Input: in.Name(),
			Reason: fmt.Sprintf("the accept pipeline could not apply a step its plan authorised: %v", err)}
	}
	p.staged = append(p.staged, st)
	p.effects = append(p.effects, fx...)
	return fx, nil
}

func (p *pipeline) restoreAll() {
	for i := len(p.staged) - 1; i >= 0; i-- {
		p.staged[i].Restore()
	}
	p.staged = nil
}

func (p *pipeline) rollbackUnlessDone() {
	if !p.done {
		p.restoreAll()
	}
}
