package protocols_test

import (
	"context"
	"os"
	"testing"

	"github.com/ipicheck/ipicheck/explore"
	"github.com/ipicheck/ipicheck/model"
)

// BenchmarkAlphaSyncIPI measures the whole check (compile once, then
// search) of the alpha protocol at 3 CPUs, in states per second.
func BenchmarkAlphaSyncIPI(b *testing.B) {
	for _, v := range []struct {
		name string
		set  map[string]string
	}{
		{"CPUS=3,LOCK=drain", map[string]string{"CPUS": "3", "LOCK": "drain"}},
		{"CPUS=3,IRQS_OFF=false", map[string]string{"CPUS": "3", "IRQS_OFF": "false"}},
	} {
		b.Run(v.name, func(b *testing.B) {
			src, err := os.ReadFile("alpha_sync_ipi.ipi")
			if err != nil {
				b.Fatal(err)
			}
			sys, err := model.Load("alpha_sync_ipi.ipi", src, v.set)
			if err != nil {
				b.Fatal(err)
			}
			var states int64
			for b.Loop() {
				r := explore.Run(context.Background(), sys, explore.Options{})
				if r.Verdict != explore.Verified {
					b.Fatalf("verdict %v", r.Verdict)
				}
				states += r.Stats.States
			}
			b.ReportMetric(float64(states)/b.Elapsed().Seconds(), "states/s")
		})
	}
}

// BenchmarkScale measures the full check (search and hang check) of the
// benchmark protocol bench/scale.ipi at 3 CPUs and at 4 with symmetry
// reduction, with one worker, and at 4 CPUs with one and two workers:
// the hot paths of docs/performance.md.
func BenchmarkScale(b *testing.B) {
	src, err := os.ReadFile("../bench/scale.ipi")
	if err != nil {
		b.Fatal(err)
	}
	for _, v := range []struct {
		name string
		set  map[string]string
		opt  explore.Options
	}{
		{"3x1", map[string]string{"CPUS": "3"}, explore.Options{Workers: 1}},
		{"3x1/symmetry", map[string]string{"CPUS": "3"}, explore.Options{Workers: 1, Symmetry: true}},
		{"4x1/symmetry", map[string]string{"CPUS": "4"}, explore.Options{Workers: 1, Symmetry: true}},
		// 4.4M states: run with -benchtime 1x; the ratio of the two is
		// the speed-up of a second worker.
		{"4x1/workers=1", map[string]string{"CPUS": "4"}, explore.Options{Workers: 1}},
		{"4x1/workers=2", map[string]string{"CPUS": "4"}, explore.Options{Workers: 2}},
	} {
		b.Run(v.name, func(b *testing.B) {
			sys, err := model.Load("scale.ipi", src, v.set)
			if err != nil {
				b.Fatal(err)
			}
			var states int64
			for b.Loop() {
				r := explore.Run(context.Background(), sys, v.opt)
				if r.Verdict != explore.Verified {
					b.Fatalf("verdict %v", r.Verdict)
				}
				states += r.Stats.States
			}
			b.ReportMetric(float64(states)/b.Elapsed().Seconds(), "states/s")
		})
	}
}

// BenchmarkCanonicalize measures symmetry's canonical form of the states
// of bench/scale.ipi at 4 CPUs, taken from a search.
func BenchmarkCanonicalize(b *testing.B) {
	src, err := os.ReadFile("../bench/scale.ipi")
	if err != nil {
		b.Fatal(err)
	}
	sys, err := model.Load("scale.ipi", src, map[string]string{"CPUS": "4"})
	if err != nil {
		b.Fatal(err)
	}
	var states [][]int32
	var collect func(st []int32, depth int)
	collect = func(st []int32, depth int) {
		if depth == 0 || len(states) >= 4096 {
			return
		}
		sys.Successors(st, func(_ uint32, next []int32, fail error) bool {
			if fail == nil {
				states = append(states, append([]int32(nil), next...))
			}
			return len(states) < 4096
		})
		if n := len(states); n > 0 {
			collect(states[n-1], depth-1)
		}
	}
	collect(sys.Initial(), 200)
	buf := make([]int32, len(sys.Initial()))
	perm := make([]uint8, sys.NCPU)
	i := 0
	for b.Loop() {
		copy(buf, states[i%len(states)])
		sys.Canonicalize(buf, perm)
		i++
	}
}
