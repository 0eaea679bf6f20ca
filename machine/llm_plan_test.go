package machine

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// spec §10.3: the plan is accepted by the machine for every combination of current and
// target image capability, tool availability, inherited/active filters and revisions, and
// its revision rule is max(active, staged) + 1 exactly when view_image visibility flips.
func TestPlanSessionLlmReconfigureIsAccepted(t *testing.T) {
	filters := []ToolFilter{AllTools(), DenyTools(ViewImageToolName), AllowTools("read"), AllowTools(ViewImageToolName)}
	revisions := [][2]uint64{{0, 0}, {3, 5}, {7, 2}}
	n := 0
	for _, curImg := range []bool{false, true} {
		for _, tgtImg := range []bool{false, true} {
			for _, available := range []bool{false, true} {
				for _, inherited := range filters {
					for _, active := range filters {
						for _, rev := range revisions {
							h := llmHydrated(false, curImg)
							h.CurrentVisibilityState.InheritedBaseFilter = inherited
							h.CurrentVisibilityState.ActiveFilter = active
							h.CurrentVisibilityState.ActiveRevision, h.CurrentVisibilityState.StagedRevision = rev[0], rev[1]
							if !available {
								h.BaseToolNames = NewSet("read")
							}
							target := ResolvedSessionLlmReconfigure{
								TargetIdentity:          SessionLlmIdentity{Model: "t", Provider: ProviderGemini},
								TargetCapabilitySurface: SessionLlmCapabilitySurface{ImageToolResults: tgtImg},
							}
							s := stateIn(t, PhaseAttached)
							mustApply(t, &s, h.Input())
							plan := PlanSessionLlmReconfigure(h, target)
							fx := mustApply(t, &s, plan)
							visible := func(img bool) bool {
								return available && img && inherited.Allows(ViewImageToolName) && active.Allows(ViewImageToolName)
							}
							flipped := visible(curImg) != visible(tgtImg)
							wantRev := rev[0]
							if flipped {
								wantRev = max(rev[0], rev[1]) + 1
							}
							if plan.NextActiveVisibilityRevision != wantRev || plan.ToolVisibilityDelta.RevisionBumped != flipped ||
								plan.ViewImageToolAvailable != available {
								t.Fatalf("%v %v %v %v %v %v: %+v", curImg, tgtImg, available, inherited, active, rev, plan)
							}
							auth, err := ResolveSessionLlmReconfigureAuthority(plan, fx)
							if err != nil || auth.NextVisibilityState.ActiveRevision != wantRev ||
								!auth.NextVisibilityState.CapabilityBaseFilter.Equal(CapabilityBaseFilterFor(tgtImg)) {
								t.Fatal(auth, err)
							}
							n++
						}
					}
				}
			}
		}
	}
	if n != 2*2*2*4*4*3 {
		t.Fatal(n)
	}
	// From an unresolved hydration too.
	s := stateIn(t, PhaseIdle)
	h := llmHydratedUnresolved()
	h.CurrentVisibilityState.CapabilityBaseFilter = AllTools()
	mustApply(t, &s, h.Input())
	fx := mustApply(t, &s, PlanSessionLlmReconfigure(h, ResolvedSessionLlmReconfigure{
		TargetIdentity: SessionLlmIdentity{Model: "t", Provider: ProviderGemini}, TargetCapabilitySurface: SessionLlmCapabilitySurface{Realtime: true},
	}))
	if p := fx[0].(SessionLlmReconfigurePlanResolved); !p.CapabilityChanged || p.PreviousCapabilitySurface.Present() {
		t.Fatalf("%+v", p)
	}
}

// The plan shares no set or map with the hydration, so the shell may keep using it.
func TestPlanSessionLlmReconfigureDoesNotAlias(t *testing.T) {
	h := llmHydrated(true, true)
	plan := PlanSessionLlmReconfigure(h, ResolvedSessionLlmReconfigure{TargetCapabilitySurface: SessionLlmCapabilitySurface{}})
	plan.NextVisibilityState.RequestedWitnesses["new"] = ToolVisibilityWitness{}
	plan.PreviousVisibilityState.ActiveRequestedDeferredNames["new"] = struct{}{}
	plan.NextVisibilityState.InheritedBaseFilter.Names["new"] = struct{}{}
	if _, ok := h.CurrentVisibilityState.RequestedWitnesses["new"]; ok || h.CurrentVisibilityState.ActiveRequestedDeferredNames.Has("new") ||
		h.CurrentVisibilityState.InheritedBaseFilter.Names.Has("new") {
		t.Fatal("the plan aliases the hydration")
	}
}

func TestHydratedInput(t *testing.T) {
	h := llmHydrated(false, false)
	in := h.Input()
	if in.CurrentIdentity != h.CurrentIdentity || in.CurrentCapabilitySurface != h.CurrentCapabilitySurface ||
		in.CurrentCapabilitySurfaceStatus != SurfaceResolved || !in.CurrentCapabilityBaseFilter.Equal(DenyTools(ViewImageToolName)) {
		t.Fatalf("%+v", in)
	}
}

// spec §10.5 step 5: exactly one plan effect.
func TestResolveSessionLlmReconfigureAuthority(t *testing.T) {
	h := llmHydrated(true, true)
	target := ResolvedSessionLlmReconfigure{TargetIdentity: SessionLlmIdentity{Model: "n", Provider: ProviderOpenAI}}
	plan := PlanSessionLlmReconfigure(h, target)
	s := stateIn(t, PhaseAttached)
	mustApply(t, &s, h.Input())
	fx := mustApply(t, &s, plan)
	auth, err := ResolveSessionLlmReconfigureAuthority(plan, append(Effects{RealtimeIntentProjected{}}, fx...))
	if err != nil {
		t.Fatal(err)
	}
	want := SessionLlmReconfigureReport{
		PreviousIdentity: h.CurrentIdentity, NewIdentity: target.TargetIdentity,
		CapabilityDelta: SessionLlmCapabilityDelta{Previous: h.CurrentCapabilitySurface, Current: Some(target.TargetCapabilitySurface), Changed: true},
		ToolVisibilityDelta: SessionToolVisibilityDelta{PreviousCapabilityBaseFilter: AllTools(), CurrentCapabilityBaseFilter: DenyTools(ViewImageToolName),
			CommittedVisibleSetChanged: true, RevisionBumped: true},
	}
	if !reflect.DeepEqual(auth.Report, want) {
		t.Fatalf("%+v\n%+v", auth.Report, want)
	}
	next := plan.NextVisibilityState
	if !auth.NextVisibilityState.Equal(next) {
		t.Fatal("authorised visibility state differs from the plan")
	}
	for _, bad := range []Effects{nil, {RealtimeIntentProjected{}}, append(append(Effects{}, fx...), fx...)} {
		if _, err := ResolveSessionLlmReconfigureAuthority(plan, bad); KindOf(err) != KindValidationFailed ||
			!strings.Contains(err.Error(), "generated SessionLlmReconfigurePlanResolved effect") {
			t.Fatal(err)
		}
	}
}

// v0.7.1 request shape: absent keeps, Set replaces, Clear removes.
func TestMergeLlmReconfigureRequest(t *testing.T) {
	auth := AuthBindingRef{RealmID: "realm", BindingID: "b1"}
	cur := SessionLlmIdentity{Model: "m1", Provider: ProviderAnthropic, ProviderParamsRepr: Some(`{"a":1}`), AuthBinding: Some(auth)}
	selfHosted := SessionLlmIdentity{Model: "llama", Provider: ProviderSelfHosted, SelfHostedServerID: Some("gpu1")}
	newAuth := AuthBindingRef{RealmID: "realm", BindingID: "b2", ProfileID: Some("p")}
	cases := []struct {
		name string
		cur  SessionLlmIdentity
		req  SessionLlmReconfigureRequest
		want SessionLlmIdentity
	}{
		{"empty keeps everything", cur, SessionLlmReconfigureRequest{}, cur},
		{"model", cur, SessionLlmReconfigureRequest{Model: Some("m2")},
			SessionLlmIdentity{Model: "m2", Provider: ProviderAnthropic, ProviderParamsRepr: Some(`{"a":1}`), AuthBinding: Some(auth)}},
		{"provider and model", cur, SessionLlmReconfigureRequest{Model: Some("gpt"), Provider: Some(ProviderOpenAI)},
			SessionLlmIdentity{Model: "gpt", Provider: ProviderOpenAI, ProviderParamsRepr: Some(`{"a":1}`), AuthBinding: Some(auth)}},
		{"params set, stable", cur, SessionLlmReconfigureRequest{ProviderParams: SetTo(json.RawMessage(` {"z": 1.50, "a": {"y": "<b>", "x": null}} `))},
			SessionLlmIdentity{Model: "m1", Provider: ProviderAnthropic, ProviderParamsRepr: Some(`{"a":{"x":null,"y":"<b>"},"z":1.50}`), AuthBinding: Some(auth)}},
		{"params clear", cur, SessionLlmReconfigureRequest{ProviderParams: ClearValue[json.RawMessage]()},
			SessionLlmIdentity{Model: "m1", Provider: ProviderAnthropic, AuthBinding: Some(auth)}},
		{"auth set", cur, SessionLlmReconfigureRequest{AuthBinding: SetTo(newAuth)},
			SessionLlmIdentity{Model: "m1", Provider: ProviderAnthropic, ProviderParamsRepr: Some(`{"a":1}`), AuthBinding: Some(newAuth)}},
		{"auth clear", cur, SessionLlmReconfigureRequest{AuthBinding: ClearValue[AuthBindingRef]()},
			SessionLlmIdentity{Model: "m1", Provider: ProviderAnthropic, ProviderParamsRepr: Some(`{"a":1}`)}},
		{"self-hosted keeps its server", selfHosted, SessionLlmReconfigureRequest{AuthBinding: SetTo(newAuth)},
			SessionLlmIdentity{Model: "llama", Provider: ProviderSelfHosted, SelfHostedServerID: Some("gpu1"), AuthBinding: Some(newAuth)}},
		{"self-hosted new model: the host resolves the server", selfHosted, SessionLlmReconfigureRequest{Model: Some("qwen")},
			SessionLlmIdentity{Model: "qwen", Provider: ProviderSelfHosted}},
		{"leaving self-hosted drops the server", selfHosted, SessionLlmReconfigureRequest{Model: Some("gpt"), Provider: Some(ProviderOpenAI)},
			SessionLlmIdentity{Model: "gpt", Provider: ProviderOpenAI}},
	}
	for _, c := range cases {
		if got := MergeLlmReconfigureRequest(c.cur, c.req); got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}
}

func TestSessionLlmReconfigureRequestJSON(t *testing.T) {
	decode := func(s string) (SessionLlmReconfigureRequest, error) {
		var r SessionLlmReconfigureRequest
		err := json.Unmarshal([]byte(s), &r)
		return r, err
	}
	r, err := decode(`{}`)
	if err != nil || !r.ProviderParams.IsZero() || !r.AuthBinding.IsZero() || r.Model.Present() {
		t.Fatal(r, err)
	}
	r, err = decode(`{"model":"m","provider":"OpenAI","provider_params":{"action":"set","value":{"t":1}},"auth_binding":{"action":"clear"}}`)
	if err != nil || r.Model.Get() != "m" || r.Provider.Get() != ProviderOpenAI || !r.AuthBinding.IsClear() {
		t.Fatal(r, err)
	}
	if v, ok := r.ProviderParams.Lookup(); !ok || string(v) != `{"t":1}` {
		t.Fatal(string(v))
	}
	// Bare values read as Set, as upstream.
	r, err = decode(`{"provider_params":{"t":2},"auth_binding":{"realm_id":"r","binding_id":"b"}}`)
	if v, ok := r.ProviderParams.Lookup(); err != nil || !ok || string(v) != `{"t":2}` {
		t.Fatal(string(v), err)
	}
	if v, ok := r.AuthBinding.Lookup(); !ok || v != (AuthBindingRef{RealmID: "r", BindingID: "b"}) {
		t.Fatal(v)
	}
	r, err = decode(`{"provider_params":"bare","auth_binding":null}`)
	if v, ok := r.ProviderParams.Lookup(); err != nil || !ok || string(v) != `"bare"` || !r.AuthBinding.IsZero() {
		t.Fatal(err)
	}
	for _, bad := range []string{
		`{"auth_binding":{"action":"clear","value":1}}`,
		`{"auth_binding":{"action":"set"}}`,
		`{"auth_binding":{"action":"set","value":{},"extra":1}}`,
		`{"auth_binding":{"action":"toggle"}}`,
		`{"auth_binding":{"action":5}}`,
		`{"auth_binding":{"action":"set","value":"not an object"}}`,
		`{"provider":"Nope"}`,
	} {
		if _, err := decode(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	// Round trip.
	in := SessionLlmReconfigureRequest{Model: Some("m"), ProviderParams: SetTo(json.RawMessage(`{"k":[1,2]}`)), AuthBinding: ClearValue[AuthBindingRef]()}
	b, err := json.Marshal(in)
	if err != nil || string(b) != `{"model":"m","provider_params":{"action":"set","value":{"k":[1,2]}},"auth_binding":{"action":"clear"}}` {
		t.Fatal(string(b), err)
	}
	back, err := decode(string(b))
	if err != nil || !reflect.DeepEqual(back, in) {
		t.Fatal(back, err)
	}
	if b, _ := json.Marshal(Override[int]{}); string(b) != "null" {
		t.Fatal(string(b))
	}
}

func TestSessionLlmReconfigureRequestValidate(t *testing.T) {
	if err := (SessionLlmReconfigureRequest{Provider: Some(ProviderOpenAI)}).Validate(); KindOf(err) != KindValidationFailed ||
		!strings.Contains(err.Error(), "provider override requires model on an existing session") {
		t.Fatal(err)
	}
	if err := (SessionLlmReconfigureRequest{ProviderParams: SetTo(json.RawMessage(`{`))}).Validate(); KindOf(err) != KindValidationFailed {
		t.Fatal(err)
	}
	if err := (SessionLlmReconfigureRequest{Provider: Some(ProviderOpenAI), Model: Some("gpt")}).Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestStableJSON(t *testing.T) {
	for in, want := range map[string]string{
		`{"b":1,"a":[1.50,{"d":"<x>","c":null}]}`: `{"a":[1.50,{"c":null,"d":"<x>"}],"b":1}`,
		` 12345678901234567890 `:                  `12345678901234567890`,
		`not json`:                                `not json`,
	} {
		if got := StableJSON([]byte(in)); got != want {
			t.Errorf("%s: got %s", in, got)
		}
	}
}

func TestShellRefusalMessages(t *testing.T) {
	orig, rb := errors.New("persist failed"), errors.New("host gone")
	for err, want := range map[error]string{
		LlmReconfigureRollbackFailed(orig, rb):   "failed to rollback live llm reconfiguration after error (persist failed): host gone",
		LiveTopologyFailedAfterDetach(orig):      "live topology reconfigure failed after detach: persist failed",
		LiveTopologyBoundaryTimeout(ErrRejected): "timed out waiting for live topology boundary: ",
	} {
		if KindOf(err) != KindInternal || !strings.Contains(err.Error(), want) {
			t.Errorf("%v; want %q", err, want)
		}
	}
}
