package explore

import (
	"context"
	"testing"
)

// BenchmarkRun explores 9 wrapping counters of 0..3: 262144 states, nine
// transitions each.
func BenchmarkRun(b *testing.B) {
	for _, search := range []Search{BFS, DFS} {
		b.Run(search.String(), func(b *testing.B) {
			sys := &counters{n: 9, k: 4, wrap: true}
			var r Result
			for b.Loop() {
				r = Run(context.Background(), sys, Options{Search: search})
			}
			if r.Verdict != Verified || r.Stats.States != 1<<18 {
				b.Fatalf("got %v after %d states", r.Verdict, r.Stats.States)
			}
			b.ReportMetric(float64(r.Stats.States)*float64(b.N)/b.Elapsed().Seconds(), "states/s")
			b.ReportMetric(r.Stats.BytesPerState, "B/state")
		})
	}
}
