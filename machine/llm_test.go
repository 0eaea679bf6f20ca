package machine

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// llmVisibility is a visibility state with every field set, so that a plan that changed a
// field by mistake is noticed.
func llmVisibility(imageToolResults bool) SessionToolVisibilityState {
	return SessionToolVisibilityState{
		CapabilityBaseFilter:         CapabilityBaseFilterFor(imageToolResults),
		InheritedBaseFilter:          DenyTools("shell"),
		ActiveFilter:                 AllowTools(ViewImageToolName, "read"),
		StagedFilter:                 DenyTools(),
		ActiveRequestedDeferredNames: NewSet("search"),
		StagedRequestedDeferredNames: NewSet("search", "fetch"),
		ActiveRevision:               3,
		StagedRevision:               5,
		RequestedWitnesses: map[string]ToolVisibilityWitness{
			"search": {LastSeenProvenance: Some(ToolProvenance{Kind: SourceMcp, SourceID: "srv"})},
		},
		FilterWitnesses: map[string]ToolVisibilityWitness{"read": {}},
	}
}

// llmHydrated is a host hydration of model "claude" with a resolved surface.
func llmHydrated(realtime, imageToolResults bool) HydratedSessionLlmState {
	return HydratedSessionLlmState{
		CurrentIdentity:          SessionLlmIdentity{Model: "claude", Provider: ProviderAnthropic},
		CurrentVisibilityState:   llmVisibility(imageToolResults),
		CurrentCapabilitySurface: Some(SessionLlmCapabilitySurface{Realtime: realtime, ImageToolResults: imageToolResults, Vision: true}),
		CapabilitySurfaceStatus:  SurfaceResolved,
		BaseToolNames:            NewSet(ViewImageToolName, "read", "search"),
	}
}

// llmHydratedUnresolved is a host hydration whose model has no capability profile.
func llmHydratedUnresolved() HydratedSessionLlmState {
	return HydratedSessionLlmState{
		CurrentIdentity:         SessionLlmIdentity{Model: "claude", Provider: ProviderAnthropic},
		CurrentVisibilityState:  llmVisibility(true),
		CapabilitySurfaceStatus: SurfaceUnresolved,
		BaseToolNames:           NewSet(ViewImageToolName),
	}
}

// llmRejected fails unless err is a guard rejection whose guard starts with name.
func llmRejected(t testing.TB, err error, name string) {
	t.Helper()
	var r *Rejection
	if !errors.As(err, &r) || r.Kind != KindRejected || !strings.HasPrefix(r.Guard, name+":") {
		t.Fatalf("got %v; want rejection by %s", err, name)
	}
}

// spec §10.4 HydrateSessionLlmState: the base filter must be the one the surface implies.
func TestHydrateSessionLlmStateFilterGuard(t *testing.T) {
	img := Some(SessionLlmCapabilitySurface{ImageToolResults: true})
	noImg := Some(SessionLlmCapabilitySurface{ImageToolResults: false, Realtime: true})
	none := None[SessionLlmCapabilitySurface]()
	cases := []struct {
		surface Opt[SessionLlmCapabilitySurface]
		status  SessionLlmCapabilitySurfaceStatus
		filter  ToolFilter
		ok      bool
	}{
		{img, SurfaceResolved, AllTools(), true},
		{img, SurfaceResolved, DenyTools(ViewImageToolName), false},
		{noImg, SurfaceResolved, DenyTools(ViewImageToolName), true},
		{noImg, SurfaceResolved, AllTools(), false},
		{noImg, SurfaceResolved, DenyTools(ViewImageToolName, "x"), false},
		{noImg, SurfaceResolved, DenyTools(), false},
		{noImg, SurfaceResolved, AllowTools(ViewImageToolName), false},
		{none, SurfaceResolved, AllTools(), false},
		{none, SurfaceUnresolved, AllTools(), true},
		{none, SurfaceUnresolved, DenyTools(ViewImageToolName), false},
		{img, SurfaceUnresolved, AllTools(), false},
	}
	for i, c := range cases {
		s := stateIn(t, PhaseAttached)
		in := HydrateSessionLlmState{
			CurrentIdentity: SessionLlmIdentity{Model: "m", Provider: ProviderOpenAI}, CurrentCapabilitySurface: c.surface,
			CurrentCapabilitySurfaceStatus: c.status, CurrentCapabilityBaseFilter: c.filter,
		}
		fx, err := applyChecked(t, &s, in)
		if !c.ok {
			llmRejected(t, err, "capability_base_filter_matches_surface")
			continue
		}
		if err != nil || fx != nil {
			t.Fatalf("case %d: %v %v", i, fx, err)
		}
		if !s.CurrentSessionLlmIdentity.Is(in.CurrentIdentity) || s.CurrentSessionCapabilitySurface != c.surface ||
			s.CurrentSessionCapabilitySurfaceStatus != c.status || !s.CurrentSessionCapabilityBaseFilter.Equal(c.filter) {
			t.Fatalf("case %d: state %+v", i, s.llmState)
		}
	}
}

// spec §10.4: Idle needs a registered session; Attached and Running also a bound runtime.
func TestLlmInputPhases(t *testing.T) {
	h := llmHydrated(true, true)
	target := ResolvedSessionLlmReconfigure{TargetIdentity: SessionLlmIdentity{Model: "gpt", Provider: ProviderOpenAI},
		TargetCapabilitySurface: SessionLlmCapabilitySurface{ImageToolResults: true}}
	inputs := func() []Input {
		return []Input{h.Input(), PlanSessionLlmReconfigure(h, target), ClearSessionLlmState{}}
	}
	for _, p := range []Phase{PhaseIdle, PhaseAttached, PhaseRunning} {
		s := stateIn(t, p)
		for _, in := range inputs() {
			mustApply(t, &s, in)
			if s.LifecyclePhase != p {
				t.Fatalf("%s moved %s", in.Name(), p)
			}
		}
	}
	for _, p := range []Phase{PhaseInitializing, PhaseRetired, PhaseStopped, PhaseDestroyed} {
		for _, in := range inputs() {
			s := stateIn(t, p)
			if _, err := applyChecked(t, &s, in); KindOf(err) != KindNotReady && KindOf(err) != KindDestroyed {
				t.Fatalf("%s in %s: %v", in.Name(), p, err)
			}
		}
	}
	// Unregistered Idle.
	for _, in := range inputs() {
		s := NewState()
		mustApply(t, &s, Initialize{})
		_, err := applyChecked(t, &s, in)
		llmRejected(t, err, "session_registered")
	}
	// Attached/Running without a bound runtime (no fence): hydrate and reconfigure refuse,
	// clear does not need a runtime.
	for _, p := range []Phase{PhaseAttached, PhaseRunning} {
		s := stateIn(t, p)
		mustApply(t, &s, h.Input())
		s.ActiveFenceToken = None[uint64]()
		for _, in := range inputs()[:2] {
			_, err := applyChecked(t, &s, in)
			llmRejected(t, err, "runtime_is_bound")
		}
		mustApply(t, &s, ClearSessionLlmState{})
	}
}

// spec §10.4 ReconfigureSessionLlmIdentity: the update and the report effect.
func TestReconfigureSessionLlmIdentityReport(t *testing.T) {
	s := stateIn(t, PhaseRunning)
	h := llmHydrated(true, true)
	mustApply(t, &s, h.Input())
	target := ResolvedSessionLlmReconfigure{
		TargetIdentity:          SessionLlmIdentity{Model: "gpt-5", Provider: ProviderOpenAI, AuthBinding: Some(AuthBindingRef{RealmID: "r", BindingID: "b"})},
		TargetCapabilitySurface: SessionLlmCapabilitySurface{ImageToolResults: false, SupportsReasoning: true},
	}
	plan := PlanSessionLlmReconfigure(h, target)
	fx := mustApply(t, &s, plan)
	// view_image was visible (All, allowed by inherited and active filters) and is now
	// denied: the committed visible set changed and the revision moves past max(3, 5).
	want := SessionLlmReconfigurePlanResolved{
		PreviousCapabilitySurface:    h.CurrentCapabilitySurface,
		CurrentCapabilitySurface:     Some(target.TargetCapabilitySurface),
		CapabilityChanged:            true,
		PreviousCapabilityBaseFilter: AllTools(),
		CurrentCapabilityBaseFilter:  DenyTools(ViewImageToolName),
		CommittedVisibleSetChanged:   true,
		RevisionBumped:               true,
		ActiveVisibilityRevision:     6,
	}
	if len(fx) != 1 || !reflect.DeepEqual(fx[0], want) {
		t.Fatalf("%#v\nwant %#v", fx, want)
	}
	if !s.CurrentSessionLlmIdentity.Is(target.TargetIdentity) || !s.CurrentSessionCapabilitySurface.Is(target.TargetCapabilitySurface) ||
		s.CurrentSessionCapabilitySurfaceStatus != SurfaceResolved || !s.CurrentSessionCapabilityBaseFilter.Equal(DenyTools(ViewImageToolName)) {
		t.Fatalf("%+v", s.llmState)
	}
	if s.SessionLlmReconfigureActiveVisibilityRevision != 6 || !s.SessionLlmReconfigureRevisionBumped || !s.SessionLlmReconfigureCapabilityChanged {
		t.Fatalf("%+v", s.llmState)
	}
	if b, err := MarshalEffects(fx); err != nil || !strings.Contains(string(b), `"current_capability_base_filter":{"Deny":["view_image"]}`) {
		t.Fatalf("%s %v", b, err)
	}
	// The same plan again is stale: the machine's identity is the target now.
	_, err := applyChecked(t, &s, plan)
	llmRejected(t, err, "previous_identity_matches_current")

	// A reconfigure to the same surface: nothing changes but the identity.
	s = stateIn(t, PhaseIdle)
	mustApply(t, &s, h.Input())
	same := ResolvedSessionLlmReconfigure{TargetIdentity: SessionLlmIdentity{Model: "claude-2", Provider: ProviderAnthropic},
		TargetCapabilitySurface: h.CurrentCapabilitySurface.Get()}
	fx = mustApply(t, &s, PlanSessionLlmReconfigure(h, same))
	got := fx[0].(SessionLlmReconfigurePlanResolved)
	if got.CapabilityChanged || got.CommittedVisibleSetChanged || got.RevisionBumped || got.ActiveVisibilityRevision != 3 {
		t.Fatalf("%+v", got)
	}
}

// spec §10.4 guards 1-3: each stale or inconsistent field on its own is rejected by the
// guard that checks it, and the state is untouched (applyChecked verifies that).
func TestReconfigureSessionLlmIdentityGuards(t *testing.T) {
	h := llmHydrated(true, true)
	target := ResolvedSessionLlmReconfigure{
		TargetIdentity:          SessionLlmIdentity{Model: "gpt-5", Provider: ProviderOpenAI},
		TargetCapabilitySurface: SessionLlmCapabilitySurface{ImageToolResults: false},
	}
	const (
		gIdentity = "previous_identity_matches_current"
		gSurface  = "previous_capability_surface_matches_current"
		gStatus   = "previous_capability_surface_status_matches_current"
		gFilter   = "previous_capability_base_filter_matches_current"
		gNext     = "next_capability_base_filter_matches_target"
		gPlan     = "visibility_reconfigure_plan_matches"
	)
	type mut = func(p *ReconfigureSessionLlmIdentity)
	cases := []struct {
		name  string
		guard string
		mut   mut
	}{
		{"previous identity model", gIdentity, func(p *ReconfigureSessionLlmIdentity) { p.PreviousIdentity.Model = "other" }},
		{"previous identity provider", gIdentity, func(p *ReconfigureSessionLlmIdentity) { p.PreviousIdentity.Provider = ProviderGemini }},
		{"previous identity params", gIdentity, func(p *ReconfigureSessionLlmIdentity) { p.PreviousIdentity.ProviderParamsRepr = Some("{}") }},
		{"previous identity auth", gIdentity, func(p *ReconfigureSessionLlmIdentity) {
			p.PreviousIdentity.AuthBinding = Some(AuthBindingRef{RealmID: "r", BindingID: "b"})
		}},
		{"previous identity server", gIdentity, func(p *ReconfigureSessionLlmIdentity) { p.PreviousIdentity.SelfHostedServerID = Some("gpu1") }},
		{"previous surface differs", gSurface, func(p *ReconfigureSessionLlmIdentity) {
			p.PreviousCapabilitySurface = Some(SessionLlmCapabilitySurface{ImageToolResults: true})
		}},
		{"previous surface absent", gSurface, func(p *ReconfigureSessionLlmIdentity) {
			p.PreviousCapabilitySurface = None[SessionLlmCapabilitySurface]()
		}},
		{"previous status", gStatus, func(p *ReconfigureSessionLlmIdentity) { p.PreviousCapabilitySurfaceStatus = SurfaceUnresolved }},
		{"previous base filter", gFilter, func(p *ReconfigureSessionLlmIdentity) { p.PreviousCapabilityBaseFilter = DenyTools(ViewImageToolName) }},
		{"next filter All for a model without image results", gNext, func(p *ReconfigureSessionLlmIdentity) { p.NextCapabilityBaseFilter = AllTools() }},
		{"next filter denies more", gNext, func(p *ReconfigureSessionLlmIdentity) {
			p.NextCapabilityBaseFilter = DenyTools(ViewImageToolName, "read")
		}},
		{"next filter for another target", gNext, func(p *ReconfigureSessionLlmIdentity) { p.TargetCapabilitySurface.ImageToolResults = true }},
		{"previous state base filter", gPlan, func(p *ReconfigureSessionLlmIdentity) {
			p.PreviousVisibilityState.CapabilityBaseFilter = DenyTools("x")
		}},
		{"next state base filter", gPlan, func(p *ReconfigureSessionLlmIdentity) { p.NextVisibilityState.CapabilityBaseFilter = AllTools() }},
		{"inherited filter changed", gPlan, func(p *ReconfigureSessionLlmIdentity) { p.NextVisibilityState.InheritedBaseFilter = AllTools() }},
		{"active filter changed", gPlan, func(p *ReconfigureSessionLlmIdentity) { p.NextVisibilityState.ActiveFilter = AllowTools("read") }},
		{"staged filter changed", gPlan, func(p *ReconfigureSessionLlmIdentity) { p.NextVisibilityState.StagedFilter = AllTools() }},
		{"active requested names changed", gPlan, func(p *ReconfigureSessionLlmIdentity) { p.NextVisibilityState.ActiveRequestedDeferredNames = nil }},
		{"staged requested names changed", gPlan, func(p *ReconfigureSessionLlmIdentity) {
			p.NextVisibilityState.StagedRequestedDeferredNames = NewSet("x")
		}},
		{"staged revision changed", gPlan, func(p *ReconfigureSessionLlmIdentity) { p.NextVisibilityState.StagedRevision = 9 }},
		{"requested witnesses changed", gPlan, func(p *ReconfigureSessionLlmIdentity) {
			p.NextVisibilityState.RequestedWitnesses = map[string]ToolVisibilityWitness{"search": {}}
		}},
		{"filter witnesses changed", gPlan, func(p *ReconfigureSessionLlmIdentity) { p.NextVisibilityState.FilterWitnesses = nil }},
		{"previous active revision declared wrong", gPlan, func(p *ReconfigureSessionLlmIdentity) { p.PreviousActiveVisibilityRevision = 4 }},
		{"previous staged revision declared wrong", gPlan, func(p *ReconfigureSessionLlmIdentity) { p.PreviousStagedVisibilityRevision = 4 }},
		{"next active revision differs from next state", gPlan, func(p *ReconfigureSessionLlmIdentity) { p.NextActiveVisibilityRevision = 7 }},
		{"next revision not max+1", gPlan, func(p *ReconfigureSessionLlmIdentity) {
			p.NextActiveVisibilityRevision, p.NextVisibilityState.ActiveRevision = 4, 4
		}},
		{"previous flag wrong", gPlan, func(p *ReconfigureSessionLlmIdentity) { p.PreviousViewImageVisible = false }},
		{"next flag wrong", gPlan, func(p *ReconfigureSessionLlmIdentity) { p.NextViewImageVisible = true }},
		{"availability wrong", gPlan, func(p *ReconfigureSessionLlmIdentity) { p.ViewImageToolAvailable = false }},
		{"delta previous filter", gPlan, func(p *ReconfigureSessionLlmIdentity) {
			p.ToolVisibilityDelta.PreviousCapabilityBaseFilter = DenyTools(ViewImageToolName)
		}},
		{"delta current filter", gPlan, func(p *ReconfigureSessionLlmIdentity) { p.ToolVisibilityDelta.CurrentCapabilityBaseFilter = AllTools() }},
		{"delta changed flag", gPlan, func(p *ReconfigureSessionLlmIdentity) { p.ToolVisibilityDelta.CommittedVisibleSetChanged = false }},
		{"delta bumped flag", gPlan, func(p *ReconfigureSessionLlmIdentity) { p.ToolVisibilityDelta.RevisionBumped = false }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := stateIn(t, PhaseAttached)
			mustApply(t, &s, h.Input())
			p := PlanSessionLlmReconfigure(h, target)
			c.mut(&p)
			_, err := applyChecked(t, &s, p)
			llmRejected(t, err, c.guard)
		})
	}
	// No identity hydrated at all (ClearSessionLlmState, or never hydrated).
	s := stateIn(t, PhaseIdle)
	_, err := applyChecked(t, &s, PlanSessionLlmReconfigure(h, target))
	llmRejected(t, err, gIdentity)
}

// spec §10.4 ClearSessionLlmState resets identity, capability and report fields.
func TestClearSessionLlmState(t *testing.T) {
	s := stateIn(t, PhaseAttached)
	h := llmHydrated(false, false)
	mustApply(t, &s, h.Input())
	mustApply(t, &s, PlanSessionLlmReconfigure(h, ResolvedSessionLlmReconfigure{
		TargetIdentity: SessionLlmIdentity{Model: "x", Provider: ProviderOther}, TargetCapabilitySurface: SessionLlmCapabilitySurface{ImageToolResults: true},
	}))
	if fx := mustApply(t, &s, ClearSessionLlmState{}); fx != nil {
		t.Fatal(fx)
	}
	if !reflect.DeepEqual(s.llmState, initialLlmState()) {
		t.Fatalf("%+v", s.llmState)
	}
}

// spec §10.5 step 1.
func TestCheckLlmReconfigureAllowed(t *testing.T) {
	for p, ok := range map[Phase]bool{PhaseIdle: true, PhaseAttached: true, PhaseRunning: true, PhaseRetired: false, PhaseStopped: false, PhaseDestroyed: false} {
		s := stateIn(t, p)
		if err := s.CheckLlmReconfigureAllowed(); (err == nil) != ok || (err != nil && KindOf(err) != KindNotReady) {
			t.Errorf("%s: %v", p, err)
		}
	}
	// Running towards Retired reads as Retired.
	s := stateIn(t, PhaseRunning)
	mustApply(t, &s, Retire{SessionID: testSession})
	if err := s.CheckLlmReconfigureAllowed(); KindOf(err) != KindNotReady || !strings.Contains(err.Error(), "Retired") {
		t.Fatal(err)
	}
	s = NewState()
	mustApply(t, &s, Initialize{})
	if err := s.CheckLlmReconfigureAllowed(); KindOf(err) != KindNotReady {
		t.Fatal(err)
	}
}

// The LLM invariants catch corrupt snapshots.
func TestLlmInvariants(t *testing.T) {
	surface := SessionLlmCapabilitySurface{ImageToolResults: true}
	cases := map[string]func(s *State){
		"status valid":                 func(s *State) { s.CurrentSessionCapabilitySurfaceStatus = 0 },
		"resolved without surface":     func(s *State) { s.CurrentSessionCapabilitySurfaceStatus = SurfaceResolved },
		"surface while unresolved":     func(s *State) { s.CurrentSessionCapabilitySurface = Some(surface) },
		"surface without identity":     func(s *State) { s.CurrentSessionLlmIdentity = None[SessionLlmIdentity]() },
		"filter does not match":        func(s *State) { s.CurrentSessionCapabilityBaseFilter = DenyTools(ViewImageToolName) },
		"report filter without report": func(s *State) { s.SessionLlmReconfigureCurrentCapabilityBaseFilter = DenyTools("x") },
		"report revision without report": func(s *State) {
			s.SessionLlmReconfigureActiveVisibilityRevision = 2
		},
		"report filter mismatch": func(s *State) {
			s.SessionLlmReconfigureCurrentCapabilitySurface = Some(surface)
			s.SessionLlmReconfigureCapabilityChanged = true
			s.SessionLlmReconfigureCurrentCapabilityBaseFilter = DenyTools(ViewImageToolName)
		},
		"report changed flag": func(s *State) {
			s.SessionLlmReconfigureCurrentCapabilitySurface = Some(surface)
		},
		"report bumped flag": func(s *State) {
			s.SessionLlmReconfigureCurrentCapabilitySurface = Some(surface)
			s.SessionLlmReconfigureCapabilityChanged = true
			s.SessionLlmReconfigureRevisionBumped = true
		},
	}
	for name, corrupt := range cases {
		s := stateIn(t, PhaseIdle)
		mustApply(t, &s, llmHydrated(true, true).Input())
		if name == "surface while unresolved" || name == "resolved without surface" || name == "report filter without report" ||
			name == "report revision without report" {
			mustApply(t, &s, ClearSessionLlmState{})
		}
		if err := s.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
		corrupt(&s)
		if err := s.CheckInvariants(); KindOf(err) != KindInternal {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Unresolved with a filter other than All.
	s := stateIn(t, PhaseIdle)
	s.CurrentSessionCapabilityBaseFilter = DenyTools(ViewImageToolName)
	if err := s.CheckInvariants(); KindOf(err) != KindInternal {
		t.Error(err)
	}
}

// BenchmarkReconfigureSessionLlmIdentity previews a reconfigure (the update validator's
// path): all six guards, the whole visibility plan check, the update and its rollback.
func BenchmarkReconfigureSessionLlmIdentity(b *testing.B) {
	s := stateIn(b, PhaseRunning)
	h := llmHydrated(true, true)
	mustApply(b, &s, h.Input())
	var in Input = PlanSessionLlmReconfigure(h, ResolvedSessionLlmReconfigure{
		TargetIdentity:          SessionLlmIdentity{Model: "gpt", Provider: ProviderOpenAI},
		TargetCapabilitySurface: SessionLlmCapabilitySurface{ImageToolResults: false},
	})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Preview(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHydrateSessionLlmState applies a hydration.
func BenchmarkHydrateSessionLlmState(b *testing.B) {
	s := stateIn(b, PhaseRunning)
	var in Input = llmHydrated(true, false).Input()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Apply(in); err != nil {
			b.Fatal(err)
		}
	}
}
