package machine

import (
	"encoding/json"
	"fmt"
)

// State is one session's machine authority: every field of the spec's state that this
// port implements, in one plain value. Its JSON uses the DSL field names and round-trips
// without loss; it is the snapshot a workflow carries across continue-as-new.
//
// The groups are embedded, so their fields are promoted both in Go and in JSON.
type State struct {
	// LifecyclePhase is the DSL's `lifecycle_phase`.
	LifecyclePhase Phase `json:"lifecycle_phase"`
	// Applied counts accepted inputs. It is not a DSL field: it lets a shell restore a
	// staged input only if nothing else was accepted since (compare-and-restore).
	Applied uint64 `json:"applied_inputs"`

	lifecycleState
	turnState
	inputLedger
	llmState
	liveState
	realtimeState

	journal *Staged
}

// lifecycleState holds spec §3.1: the session and runtime binding.
type lifecycleState struct {
	SessionID                    Opt[string]       `json:"session_id"`
	ActiveRuntimeID              Opt[string]       `json:"active_runtime_id"`
	ActiveFenceToken             Opt[uint64]       `json:"active_fence_token"`
	ActiveRuntimeGeneration      Opt[uint64]       `json:"active_runtime_generation"`
	ActiveRuntimeEpochID         Opt[string]       `json:"active_runtime_epoch_id"`
	CurrentRunID                 Opt[string]       `json:"current_run_id"`
	PreRunPhase                  Opt[PreRunPhase]  `json:"pre_run_phase"`
	RuntimeStopDeferred          bool              `json:"runtime_stop_deferred"`
	RegistrationPhase            RegistrationPhase `json:"registration_phase"`
	SilentIntentOverrides        Set               `json:"silent_intent_overrides"`
	RuntimeCompletionResultRunID Opt[string]       `json:"runtime_completion_result_run_id"`
}

// NewState returns the machine as `init(Initializing)` leaves it (spec §3). A production
// session authority is then initialised with the Initialize signal (→ Idle) and bound with
// RegisterSession.
func NewState() State {
	s := State{LifecyclePhase: PhaseInitializing}
	s.lifecycleState = lifecycleState{RegistrationPhase: RegistrationQueuing}
	s.turnState = initialTurnState()
	s.inputLedger = initialInputLedger()
	s.llmState = initialLlmState()
	s.liveState = liveState{}
	s.realtimeState = initialRealtimeState()
	return s
}

// NewSession returns an initialised authority (Idle) bound to sessionID, as the runtime
// creates one per registered session.
func NewSession(sessionID string) (State, error) {
	s := NewState()
	if _, err := s.Apply(Initialize{}); err != nil {
		return State{}, err
	}
	if _, err := s.Apply(RegisterSession{SessionID: sessionID}); err != nil {
		return State{}, err
	}
	return s, nil
}

// Restore decodes a snapshot written by json.Marshal(State) and hard-checks the
// invariants (spec §1.7: RecoveredStateInvariantRejected).
func Restore(data []byte) (State, error) {
	var s State
	if err := json.Unmarshal(data, &s); err != nil {
		return State{}, invalidInput("State", "snapshot does not decode: %v", err)
	}
	if !s.LifecyclePhase.Valid() {
		return State{}, invalidInput("State", "snapshot has no lifecycle_phase")
	}
	if err := s.CheckInvariants(); err != nil {
		return State{}, err
	}
	return s, nil
}

// runtimeBound reports whether a runtime id and fence are both bound.
func (s *State) runtimeBound() bool {
	return s.ActiveRuntimeID.Present() && s.ActiveFenceToken.Present()
}

// registered reports whether the machine is bound to a session.
func (s *State) registered() bool { return s.SessionID.Present() }

// isSession reports whether the machine is bound to exactly this session id.
func (s *State) isSession(id string) bool { return s.SessionID.Is(id) }

func (s State) String() string {
	return fmt.Sprintf("State{phase=%s session=%s run=%s turn=%s}", s.LifecyclePhase, s.SessionID, s.CurrentRunID, s.TurnPhase)
}
