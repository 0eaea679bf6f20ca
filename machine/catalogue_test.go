package machine

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// Every catalogued input decodes from its own encoding, in both the bare and the envelope
// form, and every effect type decodes from its envelope.
func TestCatalogueRoundTrip(t *testing.T) {
	g := newInputGen(7)
	for _, sp := range Catalogue() {
		if sp.Name == "" || sp.Doc == "" || len(sp.Transitions) == 0 || sp.Origin == 0 || sp.Group == "" {
			t.Errorf("%+v: incomplete catalogue entry", sp)
		}
		if got, ok := Lookup(sp.Name); !ok || got.Name != sp.Name {
			t.Errorf("Lookup(%s)", sp.Name)
		}
		for i := 0; i < 20; i++ {
			v := reflect.New(sp.typ).Elem()
			g.fill(v, "")
			in := v.Interface().(Input)
			env, err := MarshalInput(in)
			if err != nil {
				t.Fatal(err)
			}
			back, err := UnmarshalInput(env)
			if err != nil {
				if strings.Contains(err.Error(), "is required") {
					continue
				}
				t.Fatalf("%s: %v", env, err)
			}
			env2, _ := MarshalInput(back)
			if string(env) != string(env2) {
				t.Fatalf("%s: lossy:\n%s\n%s", sp.Name, env, env2)
			}
		}
	}
	if _, ok := Lookup("NoSuchInput"); ok {
		t.Fatal("lookup of an unknown input")
	}
	for _, name := range EffectNames() {
		e, err := UnmarshalEffect([]byte(`{"kind":"` + name + `"}`))
		if err != nil || e.Name() != name {
			t.Fatalf("%s: %v", name, err)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, input, data, want string
	}{
		{"unknown field", "RegisterSession", `{"session_id":"s","extra":1}`, `unknown field "extra"`},
		{"wrong type", "PrepareBindings", `{"agent_runtime_id":5}`, `field "agent_runtime_id": expected string, got JSON number`},
		{"bad enum", "ClassifyRuntimeLifecycleState", `{"state":"Sleeping"}`, `unknown RuntimeLifecycleObservedState "Sleeping"`},
		{"missing enum", "ClassifyRuntimeLifecycleState", `{}`, `field "state" is required`},
		{"trailing data", "Reset", `{} {}`, "unexpected data after the JSON object"},
		{"not json", "Reset", `{`, "unexpected EOF"},
		{"unknown input", "Teleport", `{}`, "no such input"},
		{"oversized", "RegisterSession", `{"session_id":"` + strings.Repeat("x", MaxInputBytes) + `"}`, "the limit is"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeInput(tt.input, []byte(tt.data))
			if KindOf(err) != KindValidationFailed || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
	if in, err := DecodeInput("Reset", nil); err != nil || in.Name() != "Reset" {
		t.Fatal("an empty payload decodes a field-less input", err)
	}
	if _, err := UnmarshalInput([]byte(`[`)); KindOf(err) != KindValidationFailed {
		t.Fatal(err)
	}
	if _, err := UnmarshalEffect([]byte(`{"kind":"Nope"}`)); KindOf(err) != KindValidationFailed {
		t.Fatal(err)
	}
	if _, err := UnmarshalEffect([]byte(`{"kind":"RuntimeBound","fields":{"x":1}}`)); KindOf(err) != KindValidationFailed {
		t.Fatal(err)
	}
}

// The catalogue states who may send each input: run and turn facts are the runtime's.
func TestCatalogueOrigins(t *testing.T) {
	for name, want := range map[string]Origin{
		"RunCompleted": OriginRuntime, "RuntimeExecutorExited": OriginRuntime, "Prepare": OriginRuntime,
		"StopRuntimeExecutor": OriginCaller, "CancelAfterBoundary": OriginCaller,
	} {
		if sp, _ := Lookup(name); sp.Origin != want {
			t.Errorf("%s: origin %s, want %s", name, sp.Origin, want)
		}
	}
	sp, _ := Lookup("Prepare")
	if !reflect.DeepEqual(sp.Phases, []Phase{PhaseIdle, PhaseAttached}) {
		t.Errorf("Prepare phases %v", sp.Phases)
	}
}

func TestEffectsJSON(t *testing.T) {
	fx := Effects{RuntimeNotice{Kind: NoticeStop, Detail: "d"}, RuntimeBound{AgentRuntimeID: "rt", FenceToken: 3}}
	b, err := json.Marshal(fx)
	if err != nil {
		t.Fatal(err)
	}
	var back Effects
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, fx) {
		t.Fatalf("%s: %v %v", b, back, err)
	}
	if b, _ := json.Marshal(Effects(nil)); string(b) != "[]" {
		t.Fatal(string(b))
	}
	if err := json.Unmarshal([]byte(`[{"kind":"Nope"}]`), &back); err == nil {
		t.Fatal("unknown effect kind accepted")
	}
}
