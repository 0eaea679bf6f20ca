package machine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// Origin says who may send an input.
type Origin uint8

const (
	// OriginCaller inputs may be sent by anyone driving the session (a Temporal signal or
	// update, the CLI).
	OriginCaller Origin = 1 + iota
	// OriginRuntime inputs report facts the runtime observes itself (run and turn facts,
	// staging and consumption, executor exit). Only the session's own loop feeds them; a
	// caller cannot forge "turn completed".
	OriginRuntime
)

func (o Origin) String() string {
	switch o {
	case OriginCaller:
		return "caller"
	case OriginRuntime:
		return "runtime"
	}
	return fmt.Sprintf("Origin(%d)", uint8(o))
}

// MaxInputBytes bounds the JSON form of one input. Larger payloads are refused before
// decoding.
const MaxInputBytes = 64 << 10

// InputSpec describes one implemented input of the machine.
type InputSpec struct {
	Name   string // DSL name; also the Temporal signal and update name
	Group  string // spec group, e.g. "lifecycle", "live"
	Doc    string // one line of documentation
	Origin Origin // who may send it
	Signal bool   // a DSL signal rather than an input
	// PreviewOnly inputs are only ever evaluated with Preview: the shell reads their
	// effect and never commits them (spec §6.3, §6.4).
	PreviewOnly bool
	Phases      []Phase  // phases in which at least one transition can fire
	Transitions []string // transition names, in declaration order

	typ reflect.Type
}

// Decode reads the input's JSON (snake_case DSL field names, enum values as the DSL
// spells them). Unknown fields, unknown enum values, wrong types, trailing data, missing
// required enum fields and payloads over MaxInputBytes are refused with a
// KindValidationFailed error that names the problem.
func (sp InputSpec) Decode(data []byte) (Input, error) {
	if len(data) > MaxInputBytes {
		return nil, invalidInput(sp.Name, "payload is %d bytes; the limit is %d", len(data), MaxInputBytes)
	}
	ptr := reflect.New(sp.typ)
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		trimmed = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(ptr.Interface()); err != nil {
		return nil, invalidInput(sp.Name, "%s", describeDecodeError(err))
	}
	if dec.More() {
		return nil, invalidInput(sp.Name, "unexpected data after the JSON object")
	}
	if path := missingEnum(ptr.Elem(), ""); path != "" {
		return nil, invalidInput(sp.Name, "field %q is required", path)
	}
	return ptr.Elem().Interface().(Input), nil
}

func describeDecodeError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return fmt.Sprintf("field %q: expected %s, got JSON %s", te.Field, te.Type, te.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// missingEnum returns the JSON path of the first required enumeration left unset, or "".
func missingEnum(v reflect.Value, prefix string) string {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := jsonName(f)
		fv := v.Field(i)
		if e, ok := fv.Interface().(interface{ Valid() bool }); ok {
			if !e.Valid() {
				return prefix + name
			}
			continue
		}
		if fv.Kind() == reflect.Struct && !strings.HasPrefix(f.Type.Name(), "Opt[") {
			if p := missingEnum(fv, prefix+name+"."); p != "" {
				return p
			}
		}
	}
	return ""
}

func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	if name, _, _ := strings.Cut(tag, ","); name != "" {
		return name
	}
	return f.Name
}

// specOf builds the catalogue entry of an input from its rule table.
func specOf[I Input](group string, origin Origin, doc string, rules []rule[I]) InputSpec {
	return specAs[I](group, origin, doc, rules)
}

// specAs builds the catalogue entry of input I whose rules are written over another type
// R (two inputs sharing one rule table, such as the token families).
func specAs[I Input, R any](group string, origin Origin, doc string, rules []rule[R]) InputSpec {
	var zero I
	var from phaseSet
	names := make([]string, 0, len(rules))
	for i := range rules {
		from |= rules[i].from
		if len(names) == 0 || names[len(names)-1] != rules[i].name {
			names = append(names, rules[i].name)
		}
	}
	return InputSpec{
		Name: zero.Name(), Group: group, Doc: doc, Origin: origin,
		Phases: from.list(), Transitions: names, typ: reflect.TypeOf(zero),
	}
}

var (
	catalogue      []InputSpec
	catalogueIndex map[string]int
	effectTypes    map[string]reflect.Type
)

func init() {
	groups := [][]InputSpec{
		lifecycleCatalogue, turnCatalogue, completionCatalogue, admissionCatalogue,
		inputLifecycleCatalogue, liveCatalogue, realtimeCatalogue, llmCatalogue,
	}
	catalogueIndex = make(map[string]int)
	for _, g := range groups {
		for _, sp := range g {
			if _, dup := catalogueIndex[sp.Name]; dup {
				panic("machine: input " + sp.Name + " is catalogued twice")
			}
			catalogueIndex[sp.Name] = len(catalogue)
			catalogue = append(catalogue, sp)
		}
	}
	effectTypes = make(map[string]reflect.Type)
	for _, list := range [][]Effect{lifecycleEffects, turnEffects, completionEffects, admissionEffects, inputLifecycleEffects, liveEffects, realtimeEffects, llmEffects} {
		for _, e := range list {
			effectTypes[e.Name()] = reflect.TypeOf(e)
		}
	}
}

// Catalogue lists every implemented input and signal, grouped by spec section, each group
// in declaration order. The returned slice is a copy.
func Catalogue() []InputSpec { return append([]InputSpec(nil), catalogue...) }

// Lookup returns the spec of the named input.
func Lookup(name string) (InputSpec, bool) {
	i, ok := catalogueIndex[name]
	if !ok {
		return InputSpec{}, false
	}
	return catalogue[i], true
}

// DecodeInput decodes the JSON of the named input.
func DecodeInput(name string, data []byte) (Input, error) {
	sp, ok := Lookup(name)
	if !ok {
		return nil, invalidInput(name, "no such input (see machine.Catalogue for the implemented inputs)")
	}
	return sp.Decode(data)
}

// EffectNames lists every effect the machine can emit, sorted.
func EffectNames() []string {
	out := make([]string, 0, len(effectTypes))
	for n := range effectTypes {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Envelope is the self-describing JSON form of an input or effect:
// {"kind":"RegisterSession","fields":{"session_id":"s1"}}.
type Envelope struct {
	Kind   string          `json:"kind"`
	Fields json.RawMessage `json:"fields,omitempty"`
}

// MarshalInput wraps an input in an Envelope.
func MarshalInput(in Input) ([]byte, error) { return marshalEnvelope(in.Name(), in) }

// MarshalEffect wraps an effect in an Envelope.
func MarshalEffect(e Effect) ([]byte, error) { return marshalEnvelope(e.Name(), e) }

func marshalEnvelope(kind string, v any) ([]byte, error) {
	fields, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return json.Marshal(Envelope{Kind: kind, Fields: fields})
}

// UnmarshalInput decodes an Envelope holding any catalogued input.
func UnmarshalInput(data []byte) (Input, error) {
	var env Envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, invalidInput("Envelope", "%s", describeDecodeError(err))
	}
	return DecodeInput(env.Kind, env.Fields)
}

// UnmarshalEffect decodes an Envelope holding any effect.
func UnmarshalEffect(data []byte) (Effect, error) {
	var env Envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, invalidInput("Envelope", "%s", describeDecodeError(err))
	}
	t, ok := effectTypes[env.Kind]
	if !ok {
		return nil, invalidInput(env.Kind, "no such effect")
	}
	ptr := reflect.New(t)
	fields := env.Fields
	if len(fields) == 0 {
		fields = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(fields))
	dec.DisallowUnknownFields()
	if err := dec.Decode(ptr.Interface()); err != nil {
		return nil, invalidInput(env.Kind, "%s", describeDecodeError(err))
	}
	return ptr.Elem().Interface().(Effect), nil
}

// MarshalEffects writes effects as a JSON array of envelopes.
func MarshalEffects(fx Effects) ([]byte, error) {
	parts := make([]json.RawMessage, len(fx))
	for i, e := range fx {
		b, err := MarshalEffect(e)
		if err != nil {
			return nil, err
		}
		parts[i] = b
	}
	return json.Marshal(parts)
}

// MarshalJSON writes the effects as an array of envelopes, so they keep their kinds on
// the wire (a Temporal update result, a log line).
func (fx Effects) MarshalJSON() ([]byte, error) {
	if fx == nil {
		return []byte("[]"), nil
	}
	return MarshalEffects(fx)
}

// UnmarshalJSON reads an array of effect envelopes.
func (fx *Effects) UnmarshalJSON(data []byte) error {
	var parts []json.RawMessage
	if err := json.Unmarshal(data, &parts); err != nil {
		return err
	}
	out := make(Effects, 0, len(parts))
	for _, p := range parts {
		e, err := UnmarshalEffect(p)
		if err != nil {
			return err
		}
		out = append(out, e)
	}
	*fx = out
	return nil
}
