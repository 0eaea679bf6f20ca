package machine

import (
	"testing"
)

// FuzzApply decodes arbitrary bytes as an input envelope and applies it to sessions in
// several phases. It must never panic; an accepted input must keep the invariants and
// leave a state that round-trips through JSON.
func FuzzApply(f *testing.F) {
	g := newInputGen(1)
	seedState := ProjectionAuthority()
	for i := 0; i < 200; i++ {
		b, err := MarshalInput(g.input(&seedState))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"kind":"RegisterSession","fields":{"session_id":"s1"}}`))
	f.Add([]byte(`{"kind":"PrepareBindings","fields":{"agent_runtime_id":"rt","fence_token":1e99}}`))
	f.Add([]byte(`{"kind":"Nope"}`))
	f.Add([]byte(`not json`))
	bases := []Phase{PhaseInitializing, PhaseIdle, PhaseAttached, PhaseRunning, PhaseRetired, PhaseStopped, PhaseDestroyed}
	states := make([]State, len(bases))
	for i, p := range bases {
		states[i] = stateIn(f, p)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := UnmarshalInput(data)
		if err != nil {
			if KindOf(err) != KindValidationFailed {
				t.Fatalf("decode error of kind %s: %v", KindOf(err), err)
			}
			return
		}
		for _, base := range states {
			s, err := Restore(snapshot(t, &base))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Preview(in); err != nil && KindOf(err) == 0 {
				t.Fatalf("untyped error: %v", err)
			}
			if _, err := s.Apply(in); err != nil {
				continue
			}
			if err := s.CheckInvariants(); err != nil {
				t.Fatalf("%s: %v", data, err)
			}
			checkRoundTrip(t, &s)
		}
	})
}
