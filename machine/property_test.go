package machine

import (
	"bytes"
	"encoding/json"
	"flag"
	"reflect"
	"strings"
	"testing"
)

var (
	propertySeed   = flag.Uint64("machine.seed", 20261123, "seed of the random input sequences")
	propertyInputs = flag.Int("machine.inputs", 100_000, "inputs applied by TestRandomSequences")
)

// TestRandomSequences applies long seeded random input sequences and checks after every
// step that: a rejected input leaves the state exactly as before; Preview agrees with
// Apply and changes nothing; the invariants hold; every per-family sequence counter only
// increases; and the state's JSON round-trips without loss. Reproduce a failure with
// -machine.seed=<seed>.
func TestRandomSequences(t *testing.T) {
	total := *propertyInputs
	if testing.Short() {
		total /= 10
	}
	const episode = 500
	g := newInputGen(*propertySeed)
	accepted := map[string]int{}
	for done := 0; done < total; {
		s, _ := NewSession(testSession)
		if g.r.IntN(10) == 0 {
			s = NewState()
		}
		prev := sequenceCounters(t, &s)
		for i := 0; i < episode && done < total; i++ {
			done++
			before := snapshot(t, &s)
			if g.r.IntN(8) == 0 {
				checkAccept(t, g, &s, before)
				continue
			}
			in := g.input(&s)
			pfx, perr := s.Preview(in)
			if after := snapshot(t, &s); !bytes.Equal(before, after) {
				t.Fatalf("step %d: Preview(%s) changed the state", done, describe(in))
			}
			fx, err := s.Apply(in)
			if (err == nil) != (perr == nil) || !reflect.DeepEqual(fx, pfx) {
				t.Fatalf("step %d: %s: Preview = %v, %v but Apply = %v, %v", done, describe(in), pfx, perr, fx, err)
			}
			if err != nil {
				if after := snapshot(t, &s); !bytes.Equal(before, after) {
					t.Fatalf("step %d: rejected %s changed the state", done, describe(in))
				}
				continue
			}
			accepted[in.Name()]++
			if ierr := s.CheckInvariants(); ierr != nil {
				t.Fatalf("step %d: after %s: %v", done, describe(in), ierr)
			}
			now := sequenceCounters(t, &s)
			for name, v := range now {
				if v < prev[name] {
					t.Fatalf("step %d: %s: counter %s went from %.0f to %.0f", done, describe(in), name, prev[name], v)
				}
			}
			prev = now
			checkRoundTrip(t, &s)
			if _, err := MarshalEffects(fx); err != nil {
				t.Fatalf("step %d: effects of %s do not encode: %v", done, describe(in), err)
			}
		}
	}
	t.Logf("accepted inputs by name over %d steps: %v", total, accepted)
}

// checkAccept runs the §7.1 pipeline on a random request: an error must leave the state as
// it was, and an accepted or deduplicated request must keep the invariants.
func checkAccept(t *testing.T, g *inputGen, s *State, before []byte) {
	t.Helper()
	var req AcceptRequest
	g.fill(reflect.ValueOf(&req).Elem(), "")
	res, err := s.Accept(req)
	if err != nil || res.Outcome.Outcome != AcceptAccepted {
		if after := snapshot(t, s); !bytes.Equal(before, after) && err != nil {
			t.Fatalf("failed accept %+v changed the state: %v", req, err)
		}
	}
	if ierr := s.CheckInvariants(); ierr != nil {
		t.Fatalf("after accept %+v: %v", req, ierr)
	}
	checkRoundTrip(t, s)
}

func describe(in Input) string {
	b, _ := MarshalInput(in)
	return string(b)
}

// sequenceCounters returns every top-level counter of the state that must never decrease:
// the per-family *_sequence counters and the FIFO admission counter.
func sequenceCounters(t testing.TB, s *State) map[string]float64 {
	t.Helper()
	var fields map[string]any
	if err := json.Unmarshal(snapshot(t, s), &fields); err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for name, v := range fields {
		n, ok := v.(float64)
		if ok && (strings.HasSuffix(name, "_sequence") || name == "next_admission_seq" || name == "applied_inputs") {
			out[name] = n
		}
	}
	return out
}

func checkRoundTrip(t testing.TB, s *State) {
	t.Helper()
	b := snapshot(t, s)
	back, err := Restore(b)
	if err != nil {
		t.Fatalf("restore: %v\n%s", err, b)
	}
	if b2 := snapshot(t, &back); !bytes.Equal(b, b2) {
		t.Fatalf("JSON round trip is lossy:\n%s\n%s", b, b2)
	}
}
