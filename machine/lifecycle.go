package machine

// Initialize is the DSL signal that moves a fresh machine from Initializing to Idle
// (spec §5.2). Every production authority is created already initialised.
type Initialize struct{}

func (Initialize) Name() string { return "Initialize" }

func (in Initialize) step(s *State) (Effects, error) { return step(s, &in, initializeRules) }

var initializeRules = []rule[Initialize]{
	{name: "Initialize", from: phasesOf(PhaseInitializing), to: PhaseIdle},
}

// RegisterSession binds the machine to a session (spec §5.2). Registering the session it
// is already bound to is an idempotent no-op; a new binding resets the LLM identity and
// capability fields.
type RegisterSession struct {
	SessionID string `json:"session_id"`
}

func (RegisterSession) Name() string { return "RegisterSession" }

func (in RegisterSession) step(s *State) (Effects, error) { return step(s, &in, registerSessionRules) }

var registerSessionRules = []rule[RegisterSession]{
	{
		name: "RegisterSession", from: livePhases,
		guards: []guard[RegisterSession]{
			{"session_id is not empty", func(s *State, in *RegisterSession) bool { return in.SessionID != "" }},
			{"new_session_binding: stored session_id differs", func(s *State, in *RegisterSession) bool { return !s.isSession(in.SessionID) }},
		},
		update: func(s *State, in *RegisterSession) {
			s.SessionID = Some(in.SessionID)
			s.resetSessionLlm()
		},
	},
	{
		name: "RegisterSessionIdempotent", from: livePhases,
		guards: []guard[RegisterSession]{
			{"same_session_binding: stored session_id equals session_id", func(s *State, in *RegisterSession) bool { return s.isSession(in.SessionID) }},
		},
	},
}

var lifecycleCatalogue = []InputSpec{
	signalSpec(specOf("lifecycle", OriginRuntime, "Move a fresh machine from Initializing to Idle.", initializeRules)),
	specOf("lifecycle", OriginCaller, "Bind the machine to a session id; the same id again is a no-op.", registerSessionRules),
}

var lifecycleEffects = []Effect{}

func signalSpec(sp InputSpec) InputSpec {
	sp.Signal = true
	return sp
}
