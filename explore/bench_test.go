package explore

import (
	"context"
	"testing"
	"time"
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

// BenchmarkHangCheck runs the search and the hang check on spinners of
// 10 counters of 0..3, 1048576 states: "dag" has a ticking timer on every
// state, so its SCCs are single states with a self-loop and the Tarjan
// stacks stay shallow; "stuck" is the same with a CPU that can spin
// forever, and ends in a hang; "one-scc" wraps its counters, so every
// state is in one bottom SCC and the DFS path runs through most of them.
// It reports the search's and the hang check's time per state and the
// bytes per state of each.
func BenchmarkHangCheck(b *testing.B) {
	for _, bb := range []struct {
		name string
		sys  *spinner
		want Verdict
	}{
		{"dag", &spinner{counters: counters{n: 10, k: 4}, tick: true}, Verified},
		{"stuck", &spinner{counters: counters{n: 10, k: 4}, tick: true, stuck: true}, Hang},
		{"one-scc", &spinner{counters: counters{n: 10, k: 4, wrap: true}}, Verified},
	} {
		for _, search := range []Search{BFS, DFS} {
			b.Run(bb.name+"/"+search.String(), func(b *testing.B) {
				var r Result
				var searching, hang time.Duration
				for b.Loop() {
					r = Run(context.Background(), bb.sys, Options{Search: search})
					searching += r.Stats.Elapsed - r.Stats.HangCheck
					hang += r.Stats.HangCheck
				}
				if r.Verdict != bb.want || r.Stats.States != 1<<20 {
					b.Fatalf("got %v after %d states", r.Verdict, r.Stats.States)
				}
				n := float64(b.N) * float64(r.Stats.States)
				b.ReportMetric(float64(searching.Nanoseconds())/n, "search-ns/state")
				b.ReportMetric(float64(hang.Nanoseconds())/n, "hang-ns/state")
				b.ReportMetric(r.Stats.BytesPerState, "B/state")
				b.ReportMetric(r.Stats.HangBytesPerState, "hang-B/state")
				b.ReportMetric(float64(r.Stats.PeakHeapBytes)/float64(r.Stats.States), "peak-B/state")
			})
		}
	}
}
