package machine

import "testing"

// BenchmarkApplyLifecycle runs one Prepare and one Commit per iteration (two inputs).
func BenchmarkApplyLifecycle(b *testing.B) {
	s := stateIn(b, PhaseAttached)
	var prepare, commit Input = Prepare{SessionID: testSession, RunID: "r1"}, Commit{RunID: "r1"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Apply(prepare); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Apply(commit); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPreviewStop is the validator path of a Temporal update: evaluate, roll back.
func BenchmarkPreviewStop(b *testing.B) {
	s := stateIn(b, PhaseRunning)
	var in Input = StopRuntimeExecutor{Reason: "bench"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Preview(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRejected measures a guard rejection (it builds the error message).
func BenchmarkRejected(b *testing.B) {
	s := stateIn(b, PhaseRunning)
	var in Input = Commit{RunID: "other"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Apply(in); err == nil {
			b.Fatal("accepted")
		}
	}
}
