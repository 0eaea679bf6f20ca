package machine

import "fmt"

// This file holds the §7.1 pipeline of accept_input_with_completion (and of
// accept_input_without_wake) as one pure function over the state: the lifecycle gate,
// the plan and signal probes, validation, idempotency, the admission plan, the input
// lifecycle steps the plan authorises, and the admission signal, applied in the
// documented order and all or nothing.

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
	// duplicate of a non-terminal input arrives, none otherwise (spec §7.1 step 6). It is
	// set with without_wake too: upstream's accept_input_without_wake hands out no handle,
	// but waiting here only reads the machine's input state, so nothing is lost by it.
	WaitOn Opt[string] `json:"wait_on,omitzero"`
	// Signal is the post-admission signal for the runtime loop, if any.
	Signal Opt[PostAdmissionSignalKind] `json:"signal,omitzero"`
	// Effects are every effect of the inputs evaluated, in order: for Accepted, the
	// verdicts, the plan, the lifecycle steps and the admission signal; for Rejected and
	// Deduplicated, the verdicts that decided them (nothing was applied).
	Effects Effects `json:"effects"`
}

// Accept runs the §7.1 pipeline of accept_input_with_completion (or, with without_wake,
// of accept_input_without_wake) as one all-or-nothing function:
//
//  1. the lifecycle gate on the visible phase (§5.6): a destroyed session is a
//     KindDestroyed error; a session whose ingress is not ready, or that rejects input
//     (Initializing, Retired, Stopped), yields Rejected{NotReady{state}};
//  2. the probes (steps 3-4): the admission plan and the AcceptWithCompletion (or
//     AcceptWithoutWake) signal its flags call for are evaluated without writing; a
//     request no plan admits, or flags the phase does not accept, is a
//     KindValidationFailed error (the session's ingress is open);
//  3. ResolveAdmissionValidation (step 5b): a rejection is a Rejected outcome;
//  4. ResolveAdmissionIdempotency (step 5c): a claimed key is a Deduplicated outcome and
//     nothing is applied;
//  5. ResolveAdmissionPlan, then QueueAccepted or SteerAccepted by the plan's lane, the
//     existing-input action (CoalesceInput or SupersedeInput), the queue action
//     (PrioritizeInput for EnqueueFront), RegisterAcceptedIdempotency when a key is given;
//     ConsumedOnAccept plans apply QueueAccepted, ConsumeOnAccept and the key instead
//     (step 5d);
//  6. AcceptWithCompletion with the plan's flags, or AcceptWithoutWake (step 7).
//
// Rejected and Deduplicated outcomes leave the state exactly as it was (their Effects are
// the verdicts that decided them); so does every error. An input_id that is already
// tracked, or an existing_superseded_input_id naming an input that already has a terminal
// outcome, is a KindValidationFailed error (upstream mints fresh ids and finds the
// coalesce target in its own queue, so neither can happen there).
func (s *State) Accept(req AcceptRequest) (AcceptResult, error) {
	_, res, err := s.StageAccept(req)
	return res, err
}

// StageAccept runs Accept and, when it admitted the input, also returns a handle that
// restores the state as it was before the accept (spec §7.1 step 7: the shell restores the
// pre-accept snapshot when dispatching a runtime effect fails). The handle is nil for
// Rejected and Deduplicated outcomes and for errors, which change nothing.
func (s *State) StageAccept(req AcceptRequest) (*Staged, AcceptResult, error) {
	if err := req.check(); err != nil {
		return nil, AcceptResult{}, err
	}
	visible := s.VisiblePhase()
	class := ClassifyLifecycle(visible)
	switch {
	case class.IngressAdmission == IngressDestroyed:
		return nil, AcceptResult{}, &Rejection{Kind: KindDestroyed, Phase: s.LifecyclePhase, Input: acceptInput, Reason: "the session is destroyed"}
	case class.IngressAdmission == IngressNotReady || class.InputAdmission == InputRejectsInput:
		return nil, rejected(req.InputID, RejectReason{RejectType: RejectTypeNotReady, State: Some(visible)}, nil), nil
	}

	plan := req.plan(s.LifecyclePhase == PhaseRunning)
	policy, err := probePlan(s, plan)
	if err != nil {
		return nil, AcceptResult{}, err
	}
	signal := req.signal(policy)
	if err := probeSignal(s, signal, req, policy); err != nil {
		return nil, AcceptResult{}, err
	}

	p := s.beginPipeline()
	fx, err := p.apply(req.validation())
	if err != nil {
		return nil, AcceptResult{}, p.fail(err)
	}
	if v := fx[0].(AdmissionValidationResolved); v.Result == ValidationReject {
		return nil, rejected(req.InputID, rejectReasonFor(v.RejectReason.Get()), p.abandon()), nil
	}
	fx, err = p.apply(ResolveAdmissionIdempotency{InputID: req.InputID, IdempotencyKey: req.IdempotencyKey})
	if err != nil {
		return nil, AcceptResult{}, p.fail(err)
	}
	if d := fx[0].(AdmissionIdempotencyResolved); d.Result == IdempotencyDeduplicated {
		// A deduplicated accept applies nothing and emits no new signal (step 7).
		existing := d.ExistingInputID.Get()
		res := AcceptResult{
			Outcome: AcceptOutcome{Outcome: AcceptDeduplicated, InputID: req.InputID, ExistingID: Some(existing)},
			Effects: p.abandon(),
		}
		if t, ok := s.InputStates[existing]; ok && !t.Terminal() {
			res.WaitOn = Some(existing)
		}
		return nil, res, nil
	}
	if err := s.admissible(req); err != nil {
		p.abandon()
		return nil, AcceptResult{}, err
	}
	if _, err = p.apply(plan); err != nil {
		return nil, AcceptResult{}, p.fail(err)
	}
	for _, in := range admissionSteps(req, policy) {
		if _, err := p.apply(in); err != nil {
			return nil, AcceptResult{}, p.fail(err)
		}
	}
	fx, err = p.apply(signal)
	if err != nil {
		return nil, AcceptResult{}, p.fail(err)
	}
	t := s.InputStates[req.InputID]
	res := AcceptResult{
		Outcome: AcceptOutcome{Outcome: AcceptAccepted, InputID: req.InputID, Policy: Some(policy), State: Some(publicLifecycle(t.Phase))},
		Effects: p.effects,
	}
	if !t.Terminal() {
		res.WaitOn = Some(req.InputID)
	}
	for _, e := range fx {
		if sig, ok := e.(PostAdmissionSignal); ok {
			res.Signal = Some(sig.Signal)
		}
	}
	return p.commit(), res, nil
}

// acceptInput names the pipeline in errors.
const acceptInput = "AcceptRequest"

// The reject_type tags of RejectReason (spec §7.7, snake_case).
const (
	RejectTypeNotReady                    = "not_ready"
	RejectTypeDurabilityViolation         = "durability_violation"
	RejectTypePeerHandlingModeInvalid     = "peer_handling_mode_invalid"
	RejectTypePeerResponseTerminalInvalid = "peer_response_terminal_invalid"
)

func (req AcceptRequest) check() error {
	switch {
	case req.InputID == "":
		return invalidInput(acceptInput, "input_id is required")
	case !req.InputKind.Valid():
		return invalidInput(acceptInput, "input_kind is required")
	case !req.InputOrigin.Valid():
		return invalidInput(acceptInput, "input_origin is required")
	}
	return nil
}

// admissible refuses what only a caller-minted request can get wrong: an input id that is
// already tracked, and a coalesce target that already has a terminal outcome.
func (s *State) admissible(req AcceptRequest) error {
	if s.tracked(req.InputID) {
		return invalidInput(acceptInput, "input_id %q is already tracked; mint a fresh id for every input", req.InputID)
	}
	if id, ok := req.ExistingSupersededInputID.Lookup(); ok && s.InputStates[id].Terminal() {
		return invalidInput(acceptInput, "existing_superseded_input_id %q already has a terminal outcome", id)
	}
	return nil
}

// firstRule returns the transition of rules that would fire for in, without running it.
func firstRule[I any](s *State, in I, rules []rule[I]) *rule[I] {
	for i := range rules {
		r := &rules[i]
		if !r.from.has(s.LifecyclePhase) {
			continue
		}
		holds := true
		for _, g := range r.guards {
			if !g.holds(s, in) {
				holds = false
				break
			}
		}
		if holds {
			return r
		}
	}
	return nil
}

// probePlan evaluates the admission plan without recording its witnesses (step 3). The
// plan's effect depends on the input only, so building it from the matching rule equals
// a preview.
func probePlan(s *State, in ResolveAdmissionPlan) (AdmissionResolved, error) {
	r := firstRule(s, in, planRules)
	if r == nil {
		lane := "none"
		if l, ok := in.RequestedLane.Lookup(); ok {
			lane = l.String()
		}
		return AdmissionResolved{}, invalidInput(acceptInput,
			"no admission plan admits input_kind %s with requested_lane %s, continuation_kind %s, silent_intent_match %t in phase %s (ResolveAdmissionPlan rejected)",
			in.InputKind, lane, in.ContinuationKind, in.SilentIntentMatch, s.LifecyclePhase)
	}
	return r.emit(s, in)[0].(AdmissionResolved), nil
}

// probeSignal checks that the phase accepts the admission signal (step 4). Its guards read
// only the phase, the session binding and the flags, none of which admission changes.
func probeSignal(s *State, signal Input, req AcceptRequest, policy AdmissionResolved) error {
	var ok bool
	switch in := signal.(type) {
	case AcceptWithCompletion:
		ok = firstRule(s, in, acceptRules) != nil
	case AcceptWithoutWake:
		ok = firstRule(s, in, acceptWithoutWakeRules) != nil
	}
	if ok {
		return nil
	}
	reason := "the session is not registered"
	if s.registered() {
		reason = "the phase does not accept these flags"
	}
	return invalidInput(acceptInput, "%s rejected in phase %s: %s; input_kind=%s; immediate=%t; interrupt_yielding=%t; wake_if_idle=%t",
		signal.Name(), s.LifecyclePhase, reason, req.InputKind, policy.RequestImmediateProcessing, policy.InterruptYielding, policy.WakeIfIdle)
}

// admissionSteps lists the input lifecycle steps the plan authorised (spec §7.1 step 5d),
// as the upstream driver applies them.
func admissionSteps(req AcceptRequest, policy AdmissionResolved) []Input {
	id := InputRef{req.InputID}
	steps := make([]Input, 0, 4)
	if policy.Plan == PlanConsumedOnAccept {
		steps = append(steps, QueueAccepted{id}, ConsumeOnAccept{id})
	} else {
		// The admission lane is the plan's lane, and so is the queue action's target:
		// upstream's ChangeLane (only when the two differ) therefore never applies.
		if policy.Lane == LaneSteer {
			steps = append(steps, SteerAccepted{id})
		} else {
			steps = append(steps, QueueAccepted{id})
		}
		if existing, ok := policy.ExistingInputID.Lookup(); ok {
			switch policy.ExistingAction {
			case ExistingCoalesce:
				steps = append(steps, CoalesceInput{InputID: existing, AggregateID: req.InputID})
			case ExistingSupersede:
				steps = append(steps, SupersedeInput{InputID: existing, SupersededBy: req.InputID})
			}
		}
		if policy.QueueAction == QueueActionEnqueueFront {
			steps = append(steps, PrioritizeInput{id})
		}
	}
	if key, ok := req.IdempotencyKey.Lookup(); ok {
		steps = append(steps, RegisterAcceptedIdempotency{InputID: req.InputID, IdempotencyKey: key})
	}
	return steps
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

// signal is the admission signal of step 7 with the plan's coarse flags.
func (req AcceptRequest) signal(policy AdmissionResolved) Input {
	if req.WithoutWake {
		return AcceptWithoutWake{InputID: req.InputID}
	}
	return AcceptWithCompletion{InputID: req.InputID, RequestImmediateProcessing: policy.RequestImmediateProcessing,
		InterruptYielding: policy.InterruptYielding, WakeIfIdle: policy.WakeIfIdle}
}

func rejected(inputID string, reason RejectReason, fx Effects) AcceptResult {
	return AcceptResult{Outcome: AcceptOutcome{Outcome: AcceptRejected, InputID: inputID, Reason: Some(reason)}, Effects: fx}
}

// rejectReasonFor maps a validation rejection to the public reject reason (spec §7.1
// step 5b): the durability rejections are DurabilityViolation.
func rejectReasonFor(r AdmissionRejectReasonKind) RejectReason {
	switch r {
	case RejectPeerHandlingModeInvalid:
		return RejectReason{RejectType: RejectTypePeerHandlingModeInvalid, Detail: r.String()}
	case RejectPeerResponseTerminalInvalid:
		return RejectReason{RejectType: RejectTypePeerResponseTerminalInvalid, Detail: r.String()}
	}
	return RejectReason{RejectType: RejectTypeDurabilityViolation, Detail: r.String()}
}

// pipeline applies the accept's inputs under one journal, so the whole accept is undone
// (or kept) at once and the state is copied only once.
type pipeline struct {
	s       *State
	st      *Staged
	effects Effects
}

func (s *State) beginPipeline() *pipeline {
	return &pipeline{s: s, st: &Staged{s: s, before: *s}, effects: make(Effects, 0, 8)}
}

func (p *pipeline) apply(in Input) (Effects, error) {
	p.s.journal = p.st
	fx, err := in.step(p.s)
	p.s.journal = nil
	if err != nil {
		return nil, err
	}
	p.s.Applied++
	p.effects = append(p.effects, fx...)
	return fx, nil
}

// rollback restores the state as it was when the pipeline began.
func (p *pipeline) rollback() {
	for i := len(p.st.undo) - 1; i >= 0; i-- {
		p.st.undo[i]()
	}
	*p.s = p.st.before
}

// abandon rolls back and returns the effects evaluated so far (the verdicts of a Rejected
// or Deduplicated outcome).
func (p *pipeline) abandon() Effects {
	p.rollback()
	return p.effects
}

// fail rolls back after a step the probes and checks said would hold was refused: a bug,
// reported as KindInternal.
func (p *pipeline) fail(err error) error {
	p.rollback()
	return &Rejection{Kind: KindInternal, Phase: p.s.LifecyclePhase, Input: acceptInput,
		Reason: fmt.Sprintf("the accept pipeline could not apply a step its plan authorised: %v", err)}
}

// commit keeps the pipeline's writes and returns the handle that can restore them.
func (p *pipeline) commit() *Staged {
	p.st.applied = p.s.Applied
	return p.st
}
