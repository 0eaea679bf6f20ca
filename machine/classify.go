package machine

// LifecycleClassification is the pure lifecycle classification of spec §5.6
// (ClassifyRuntimeLifecycleState).
type LifecycleClassification struct {
	State            RuntimeLifecycleObservedState `json:"state"`
	Terminality      RuntimeLifecycleTerminality   `json:"terminality"`
	InputAdmission   RuntimeInputAdmission         `json:"input_admission"`
	QueueAdmission   RuntimeQueueAdmission         `json:"queue_admission"`
	PrepareAdmission RuntimePrepareAdmission       `json:"prepare_admission"`
	IngressAdmission RuntimeIngressAdmission       `json:"ingress_admission"`
}

var lifecycleClassifications = [...]LifecycleClassification{
	ObservedInitializing: {ObservedInitializing, LifecycleNonTerminal, InputRejectsInput, QueueBlocksQueue, PrepareNotReady, IngressOpen},
	ObservedIdle:         {ObservedIdle, LifecycleNonTerminal, InputAcceptsInput, QueueProcessesQueue, PrepareReady, IngressOpen},
	ObservedAttached:     {ObservedAttached, LifecycleNonTerminal, InputAcceptsInput, QueueProcessesQueue, PrepareReady, IngressOpen},
	ObservedRunning:      {ObservedRunning, LifecycleNonTerminal, InputAcceptsInput, QueueBlocksQueue, PrepareNotReady, IngressOpen},
	ObservedRetired:      {ObservedRetired, LifecycleNonTerminal, InputRejectsInput, QueueProcessesQueue, PrepareNotReady, IngressNotReady},
	ObservedStopped:      {ObservedStopped, LifecycleNonTerminal, InputRejectsInput, QueueBlocksQueue, PrepareNotReady, IngressNotReady},
	ObservedDestroyed:    {ObservedDestroyed, LifecycleTerminal, InputRejectsInput, QueueBlocksQueue, PrepareDestroyed, IngressDestroyed},
}

// ClassifyLifecycle returns the §5.6 classification of an observed lifecycle state. An
// invalid state classifies as Destroyed (fail closed).
func ClassifyLifecycle(state RuntimeLifecycleObservedState) LifecycleClassification {
	if !state.Valid() {
		return lifecycleClassifications[ObservedDestroyed]
	}
	return lifecycleClassifications[state]
}

// ObservedState maps a machine phase to the public RuntimeLifecycleObservedState (1:1).
func ObservedState(p Phase) RuntimeLifecycleObservedState {
	return RuntimeLifecycleObservedState(p)
}

// VisiblePhase is the public phase of spec §5.6 (ResolveVisibleRuntimePhase without a
// separate control-plane persistence): "Running with pre-run Retired" reads as Retired.
func (s *State) VisiblePhase() RuntimeLifecycleObservedState {
	in := ResolveVisibleRuntimePhase{DslPhase: ObservedState(s.LifecyclePhase), ControlPhase: ObservedState(s.LifecyclePhase)}
	if pre, ok := s.PreRunPhase.Lookup(); ok {
		in.DslPreRunPhase = Some(preRunObserved[pre])
	}
	return in.Resolve().VisiblePhase
}

var preRunObserved = [...]RuntimeLifecycleObservedState{PreRunIdle: ObservedIdle, PreRunAttached: ObservedAttached, PreRunRetired: ObservedRetired}

// ProjectionAuthority returns a freshly initialised machine with no session (Idle), the
// instance the pure classification inputs are evaluated on (spec §1.9).
func ProjectionAuthority() State {
	s := NewState()
	s.LifecyclePhase = PhaseIdle
	return s
}

// ClassifyRuntimeLifecycleState classifies an observed lifecycle state (spec §5.6).
// Evaluated on a projection authority (phase Idle).
type ClassifyRuntimeLifecycleState struct {
	State RuntimeLifecycleObservedState `json:"state"`
}

// Name returns "ClassifyRuntimeLifecycleState".
func (ClassifyRuntimeLifecycleState) Name() string { return "ClassifyRuntimeLifecycleState" }

func (in ClassifyRuntimeLifecycleState) step(s *State) (Effects, error) {
	return step(s, in, classifyLifecycleRules)
}

var classifyLifecycleRules = []rule[ClassifyRuntimeLifecycleState]{
	{
		name: "ClassifyRuntimeLifecycle", from: phasesOf(PhaseIdle),
		guards: []guard[ClassifyRuntimeLifecycleState]{{"state is a declared lifecycle state", func(s *State, in ClassifyRuntimeLifecycleState) bool {
			return in.State.Valid()
		}}},
		emit: func(s *State, in ClassifyRuntimeLifecycleState) Effects {
			return Effects{RuntimeLifecycleStateClassified{LifecycleClassification: ClassifyLifecycle(in.State)}}
		},
	},
}

// RuntimeLifecycleStateClassified carries the §5.6 classification.
type RuntimeLifecycleStateClassified struct {
	effect
	LifecycleClassification
}

// Name returns "RuntimeLifecycleStateClassified".
func (RuntimeLifecycleStateClassified) Name() string { return "RuntimeLifecycleStateClassified" }

// DurableState is the lifecycle state persisted for an observed one: Attached persists as
// Idle (attachment is process-local), every other state as itself (spec §5.6).
func DurableState(state RuntimeLifecycleObservedState) RuntimeLifecycleObservedState {
	if state == ObservedAttached {
		return ObservedIdle
	}
	return state
}

// ClassifyRuntimeLifecycleDurability says which lifecycle state is persisted (spec §5.6).
type ClassifyRuntimeLifecycleDurability struct {
	State RuntimeLifecycleObservedState `json:"state"`
}

// Name returns "ClassifyRuntimeLifecycleDurability".
func (ClassifyRuntimeLifecycleDurability) Name() string {
	return "ClassifyRuntimeLifecycleDurability"
}

func (in ClassifyRuntimeLifecycleDurability) step(s *State) (Effects, error) {
	return step(s, in, classifyDurabilityRules)
}

var classifyDurabilityRules = []rule[ClassifyRuntimeLifecycleDurability]{
	{
		name: "ClassifyRuntimeDurability", from: phasesOf(PhaseIdle),
		guards: []guard[ClassifyRuntimeLifecycleDurability]{{"state is a declared lifecycle state", func(s *State, in ClassifyRuntimeLifecycleDurability) bool {
			return in.State.Valid()
		}}},
		emit: func(s *State, in ClassifyRuntimeLifecycleDurability) Effects {
			return Effects{RuntimeLifecycleDurabilityClassified{State: in.State, DurableState: DurableState(in.State)}}
		},
	},
}

// RuntimeLifecycleDurabilityClassified carries the persisted form of a lifecycle state.
type RuntimeLifecycleDurabilityClassified struct {
	effect
	State        RuntimeLifecycleObservedState `json:"state"`
	DurableState RuntimeLifecycleObservedState `json:"durable_state"`
}

// Name returns "RuntimeLifecycleDurabilityClassified".
func (RuntimeLifecycleDurabilityClassified) Name() string {
	return "RuntimeLifecycleDurabilityClassified"
}

// LoopQueueAdmission is the runtime loop's queue decision (spec §5.6): whether the loop
// may take queued work and whether it allocates a new run or uses the pre-bound one.
// ok is false for combinations the spec rejects (Idle, Attached or Retired with a run).
func LoopQueueAdmission(state RuntimeLifecycleObservedState, currentRunBound bool) (RuntimeQueueAdmission, RuntimeLoopRunBinding, bool) {
	switch state {
	case ObservedIdle, ObservedAttached, ObservedRetired:
		if currentRunBound {
			return 0, 0, false
		}
		return QueueProcessesQueue, RunBindingAllocateNew, true
	case ObservedRunning:
		if currentRunBound {
			return QueueProcessesQueue, RunBindingUsePrebound, true
		}
		return QueueBlocksQueue, RunBindingBlocked, true
	case ObservedInitializing, ObservedStopped, ObservedDestroyed:
		return QueueBlocksQueue, RunBindingBlocked, true
	}
	return 0, 0, false
}

// ClassifyRuntimeLoopQueueAdmission classifies the runtime loop's queue admission
// (spec §5.6).
type ClassifyRuntimeLoopQueueAdmission struct {
	State           RuntimeLifecycleObservedState `json:"state"`
	CurrentRunBound bool                          `json:"current_run_bound"`
}

// Name returns "ClassifyRuntimeLoopQueueAdmission".
func (ClassifyRuntimeLoopQueueAdmission) Name() string { return "ClassifyRuntimeLoopQueueAdmission" }

func (in ClassifyRuntimeLoopQueueAdmission) step(s *State) (Effects, error) {
	return step(s, in, classifyLoopQueueRules)
}

var classifyLoopQueueRules = []rule[ClassifyRuntimeLoopQueueAdmission]{
	{
		name: "ClassifyRuntimeLoopQueue", from: phasesOf(PhaseIdle),
		guards: []guard[ClassifyRuntimeLoopQueueAdmission]{{"state and current_run_bound form a classified combination", func(s *State, in ClassifyRuntimeLoopQueueAdmission) bool {
			_, _, ok := LoopQueueAdmission(in.State, in.CurrentRunBound)
			return ok
		}}},
		emit: func(s *State, in ClassifyRuntimeLoopQueueAdmission) Effects {
			q, b, _ := LoopQueueAdmission(in.State, in.CurrentRunBound)
			return Effects{RuntimeLoopQueueAdmissionClassified{State: in.State, CurrentRunBound: in.CurrentRunBound, QueueAdmission: q, RunBinding: b}}
		},
	},
}

// RuntimeLoopQueueAdmissionClassified carries the loop's queue decision.
type RuntimeLoopQueueAdmissionClassified struct {
	effect
	State           RuntimeLifecycleObservedState `json:"state"`
	CurrentRunBound bool                          `json:"current_run_bound"`
	QueueAdmission  RuntimeQueueAdmission         `json:"queue_admission"`
	RunBinding      RuntimeLoopRunBinding         `json:"run_binding"`
}

// Name returns "RuntimeLoopQueueAdmissionClassified".
func (RuntimeLoopQueueAdmissionClassified) Name() string {
	return "RuntimeLoopQueueAdmissionClassified"
}

// ResolveVisibleRuntimePhase picks the public phase from the machine's phase and a
// persisted control phase (spec §5.6).
type ResolveVisibleRuntimePhase struct {
	DslPhase              RuntimeLifecycleObservedState      `json:"dsl_phase"`
	DslPreRunPhase        Opt[RuntimeLifecycleObservedState] `json:"dsl_pre_run_phase,omitzero"`
	ControlPhase          RuntimeLifecycleObservedState      `json:"control_phase"`
	ControlPreRunPhase    Opt[RuntimeLifecycleObservedState] `json:"control_pre_run_phase,omitzero"`
	HasRuntimePersistence bool                               `json:"has_runtime_persistence"`
}

// Name returns "ResolveVisibleRuntimePhase".
func (ResolveVisibleRuntimePhase) Name() string { return "ResolveVisibleRuntimePhase" }

func (in ResolveVisibleRuntimePhase) step(s *State) (Effects, error) {
	return step(s, in, resolveVisiblePhaseRules)
}

// Resolve applies the §5.6 rule: the control phase is published iff persistence exists,
// the phases differ, and (the machine's phase is Retired, Stopped or Destroyed, or the
// control phase is Running, Retired, Stopped or Destroyed), except control Retired over a
// machine Running with pre-run Retired. "Running with pre-run Retired" reads as Retired.
func (in ResolveVisibleRuntimePhase) Resolve() VisibleRuntimePhaseResolved {
	late := func(p RuntimeLifecycleObservedState) bool {
		return p == ObservedRetired || p == ObservedStopped || p == ObservedDestroyed
	}
	publish := in.HasRuntimePersistence && in.ControlPhase != in.DslPhase &&
		(late(in.DslPhase) || in.ControlPhase == ObservedRunning || late(in.ControlPhase)) &&
		!(in.ControlPhase == ObservedRetired && in.DslPhase == ObservedRunning && in.DslPreRunPhase.Is(ObservedRetired))
	raw, pre := in.DslPhase, in.DslPreRunPhase
	if publish {
		raw, pre = in.ControlPhase, in.ControlPreRunPhase
	}
	visible := raw
	if raw == ObservedRunning && pre.Is(ObservedRetired) {
		visible = ObservedRetired
	}
	return VisibleRuntimePhaseResolved{PublishControl: publish, SelectedRawPhase: raw, VisiblePhase: visible}
}

var resolveVisiblePhaseRules = []rule[ResolveVisibleRuntimePhase]{
	{
		name: "ResolveVisibleRuntimePhase", from: phasesOf(PhaseIdle),
		guards: []guard[ResolveVisibleRuntimePhase]{{"dsl_phase and control_phase are declared lifecycle states", func(s *State, in ResolveVisibleRuntimePhase) bool {
			return in.DslPhase.Valid() && in.ControlPhase.Valid()
		}}},
		emit: func(s *State, in ResolveVisibleRuntimePhase) Effects { return Effects{in.Resolve()} },
	},
}

// VisibleRuntimePhaseResolved carries the public phase and where it came from.
type VisibleRuntimePhaseResolved struct {
	effect
	PublishControl   bool                          `json:"publish_control"`
	SelectedRawPhase RuntimeLifecycleObservedState `json:"selected_raw_phase"`
	VisiblePhase     RuntimeLifecycleObservedState `json:"visible_phase"`
}

// Name returns "VisibleRuntimePhaseResolved".
func (VisibleRuntimePhaseResolved) Name() string { return "VisibleRuntimePhaseResolved" }
