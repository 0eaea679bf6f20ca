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
	if s.LifecyclePhase == PhaseRunning && s.PreRunPhase.Is(PreRunRetired) {
		return ObservedRetired
	}
	return ObservedState(s.LifecyclePhase)
}
