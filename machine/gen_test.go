package machine

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
)

// inputGen builds random inputs of any catalogued type from small pools of values, so
// that random sequences hit both accepting and rejecting guards often.
type inputGen struct {
	r     *rand.Rand
	specs []InputSpec
}

func newInputGen(seed uint64) *inputGen {
	return &inputGen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), specs: Catalogue()}
}

// pools of values by field name; unknown string fields draw from genericStrings.
var (
	sessionPool    = []string{testSession, testSession, testSession, "s2", ""}
	runPool        = []string{"r1", "r1", "r2", ""}
	inputPool      = []string{"i1", "i2", "i3", "i4", "i5"}
	channelPool    = []string{"ch1", "ch1", "ch2", ""}
	tokenPool      = []string{"tokA", "tokB", "tokC", ""}
	genericStrings = []string{"a", "b", "x", ""}
)

// input returns a random catalogued input. Most of the time it picks one that has a
// transition from the current phase, and it rarely destroys the session, so that long
// sequences keep exercising live transitions.
func (g *inputGen) input(s *State) Input {
	var sp InputSpec
	for {
		sp = g.specs[g.r.IntN(len(g.specs))]
		if sp.Name == "Destroy" && g.r.IntN(20) != 0 {
			continue
		}
		if g.r.IntN(5) == 0 || slices.Contains(sp.Phases, s.LifecyclePhase) {
			break
		}
	}
	v := reflect.New(sp.typ).Elem()
	g.fill(v, "")
	return v.Interface().(Input)
}

func (g *inputGen) pick(pool []string) string { return pool[g.r.IntN(len(pool))] }

func (g *inputGen) str(field string) string {
	switch {
	case strings.Contains(field, "session"):
		return g.pick(sessionPool)
	case strings.Contains(field, "run"):
		return g.pick(runPool)
	case field == "input_id" || strings.HasSuffix(field, "input_id") || field == "superseded_by" || field == "aggregate_id":
		return g.pick(inputPool)
	case strings.Contains(field, "channel"):
		return g.pick(channelPool)
	case field == "token":
		return g.pick(tokenPool)
	}
	return g.pick(genericStrings)
}

func (g *inputGen) fill(v reflect.Value, field string) {
	if u, ok := v.Addr().Interface().(json.Unmarshaler); ok && v.Kind() == reflect.Struct && v.Type().NumField() == 2 &&
		v.Type().Field(0).Name == "value" {
		// Opt[T]: absent a third of the time, else a random T.
		if g.r.IntN(3) == 0 {
			return
		}
		inner := reflect.New(v.Type().Field(0).Type).Elem()
		g.fill(inner, field)
		b, err := json.Marshal(inner.Interface())
		if err != nil {
			panic(err)
		}
		if err := u.UnmarshalJSON(b); err != nil {
			panic(err)
		}
		return
	}
	if _, ok := v.Interface().(interface{ Valid() bool }); ok && v.Kind() == reflect.Uint8 {
		n := 1
		for probe := reflect.New(v.Type()).Elem(); ; n++ {
			probe.SetUint(uint64(n))
			if !probe.Interface().(interface{ Valid() bool }).Valid() {
				break
			}
		}
		v.SetUint(uint64(1 + g.r.IntN(n-1)))
		return
	}
	if v.Type() == reflect.TypeOf(ToolFilter{}) {
		switch g.r.IntN(3) {
		case 0:
			v.Set(reflect.ValueOf(AllTools()))
		case 1:
			v.Set(reflect.ValueOf(DenyTools(ViewImageToolName)))
		default:
			v.Set(reflect.ValueOf(AllowTools("current_time")))
		}
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(g.str(field))
	case reflect.Bool:
		v.SetBool(g.r.IntN(2) == 0)
	case reflect.Uint64, reflect.Uint32, reflect.Uint:
		v.SetUint(uint64(g.r.IntN(6)))
	case reflect.Int64, reflect.Int:
		v.SetInt(int64(g.r.IntN(6)))
	case reflect.Map:
		if g.r.IntN(2) == 0 {
			return
		}
		m := reflect.MakeMap(v.Type())
		for i := g.r.IntN(3); i > 0; i-- {
			k := reflect.New(v.Type().Key()).Elem()
			g.fill(k, field)
			e := reflect.New(v.Type().Elem()).Elem()
			if e.Kind() == reflect.Struct && e.NumField() > 0 {
				g.fill(e, field)
			}
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Slice:
		n := g.r.IntN(3)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := 0; i < n; i++ {
			g.fill(s.Index(i), field)
		}
		v.Set(s)
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name := jsonName(f)
			if f.Anonymous {
				name = field
			}
			g.fill(v.Field(i), name)
		}
	}
}
