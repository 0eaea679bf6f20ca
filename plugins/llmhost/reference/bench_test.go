package reference_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
	"github.com/meerkat-temporal/meerkat/plugins/plugintest"
)

// reportPercentiles adds p50 and p99 (µs) of the measured durations to the benchmark.
func reportPercentiles(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(d[len(d)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkDescribeRoundTrip measures a trivial call through the supervisor to a real
// plugin subprocess (mTLS over a Unix socket).
func BenchmarkDescribeRoundTrip(b *testing.B) {
	m := newManager(b, llmhost.Options{})
	ctx := context.Background()
	if _, err := m.Start(ctx); err != nil {
		b.Fatal(err)
	}
	durations := make([]time.Duration, 0, b.N)
	for b.Loop() {
		start := time.Now()
		if _, err := m.Describe(ctx); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(start))
	}
	reportPercentiles(b, durations)
}

// BenchmarkColdStart measures checksum, launch, handshake and Describe probe.
func BenchmarkColdStart(b *testing.B) {
	ctx := context.Background()
	durations := make([]time.Duration, 0, b.N)
	for b.Loop() {
		m := newManager(b, llmhost.Options{})
		start := time.Now()
		if _, err := m.Start(ctx); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(start))
		_ = m.Close(ctx)
	}
	reportPercentiles(b, durations)
}

// BenchmarkHotSwap measures Swap: start and probe the new binary, drain and stop the old.
func BenchmarkHotSwap(b *testing.B) {
	m := newManager(b, llmhost.Options{})
	ctx := context.Background()
	if _, err := m.Start(ctx); err != nil {
		b.Fatal(err)
	}
	versions := []string{"2.0.0", "1.0.0"}
	durations := make([]time.Duration, 0, b.N)
	i := 0
	for b.Loop() {
		bin, err := plugintest.SelfBinary(versions[i%2])
		if err != nil {
			b.Fatal(err)
		}
		i++
		start := time.Now()
		if _, err := m.Swap(ctx, bin); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(start))
	}
	reportPercentiles(b, durations)
}
