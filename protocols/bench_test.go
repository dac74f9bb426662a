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
