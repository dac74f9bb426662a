package explore

import (
	"context"
	"testing"
)

// alphaBench is the benchmark model: the alpha protocol at 3 CPUs with
// IRQs on, which verifies after 724935 states and 2112327 transitions
// (with the spec as of this writing).
func alphaBench(b *testing.B) System {
	return loadProtocol(b, "alpha_sync_ipi.ipi", map[string]string{"CPUS": "3", "IRQS_OFF": "false"})
}

// runBench runs the search of sys with opt, without the hang check, and
// reports states/s and bytes a state.
func runBench(b *testing.B, sys System, opt Options) {
	b.Helper()
	opt.Checks = CheckDeadlock | CheckSafety
	var r Result
	var states int64
	for b.Loop() {
		r = Run(context.Background(), sys, opt)
		states += r.Stats.States
	}
	if r.Verdict != Verified {
		b.Fatalf("verdict %v", r.Verdict)
	}
	b.ReportMetric(float64(states)/b.Elapsed().Seconds(), "states/s")
	b.ReportMetric(r.Stats.BytesPerState, "B/state")
	b.ReportMetric(float64(r.Stats.QueueBytes)/float64(r.Stats.States), "queue-B/state")
}

// BenchmarkParallel compares, side by side in one run, the search of the
// alpha model on the sequential path (workers=1), level-synchronous on
// one worker (level-1), and on two (workers=2), with the merge of each
// level done as its chunks are (the default) or after them all
// (merge-after), in exact and fingerprint mode.
func BenchmarkParallel(b *testing.B) {
	sys := alphaBench(b)
	for _, fp := range []bool{false, true} {
		mode := "exact"
		if fp {
			mode = "fingerprint"
		}
		b.Run(mode+"/workers=1", func(b *testing.B) { runBench(b, sys, Options{Workers: 1, Fingerprint: fp}) })
		b.Run(mode+"/level-1", func(b *testing.B) { runBench(b, sys, Options{Workers: 1, Fingerprint: fp, parallel: true}) })
		b.Run(mode+"/workers=2", func(b *testing.B) { runBench(b, sys, Options{Workers: 2, Fingerprint: fp}) })
		b.Run(mode+"/workers=2,merge-after", func(b *testing.B) {
			runBench(b, sys, Options{Workers: 2, Fingerprint: fp, mergeAfter: true})
		})
	}
}

// BenchmarkAlphaHang is the whole check of the alpha model, with the hang
// check, in both modes.
func BenchmarkAlphaHang(b *testing.B) {
	sys := alphaBench(b)
	for _, fp := range []bool{false, true} {
		b.Run(map[bool]string{false: "exact", true: "fingerprint"}[fp], func(b *testing.B) {
			var r Result
			for b.Loop() {
				r = Run(context.Background(), sys, Options{Workers: 2, Fingerprint: fp})
			}
			b.ReportMetric(float64(r.Stats.HangCheck.Seconds()), "hang-s")
			b.ReportMetric(r.Stats.HangBytesPerState, "hang-B/state")
		})
	}
}
