package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/ipicheck/ipicheck/explore"
	"github.com/ipicheck/ipicheck/model"
)

// writeStats prints check --stats: the figures of a search, one per line,
// with the memory per state and what the reductions did.
func writeStats(w io.Writer, sys *model.System, res explore.Result, opt explore.Options) {
	s := res.Stats
	perState := func(b int64) string {
		if s.States == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f B/state", float64(b)/float64(s.States))
	}
	mode := "exact (whole states, parent links)"
	if opt.Fingerprint {
		mode = fmt.Sprintf("fingerprint (64-bit hashes; P(a state was missed) ≈ %.1e)", s.MissProbability)
	}
	search := s.Elapsed - s.HangCheck
	hang := "not run (a counterexample, a limit, or --check without hang)"
	if s.HangCheck > 0 {
		hang = fmt.Sprintf("%.3f s, %s held (%s)", s.HangCheck.Seconds(), mib(s.HangBytes), perState(s.HangBytes))
		if s.HangSweeps > 0 {
			sweeps := "sweeps"
			if s.HangSweeps == 1 {
				sweeps = "sweep"
			}
			hang += fmt.Sprintf("; every state can reach one where all CPUs have finished, or an end (%d %s)", s.HangSweeps, sweeps)
		}
	}
	lines := [][2]string{
		{"states", fmt.Sprintf("%d", s.States)},
		{"transitions", fmt.Sprintf("%d (%.2f per state)", s.Transitions, ratio(s.Transitions, s.States))},
		{"max depth", fmt.Sprintf("%d", s.MaxDepth)},
		{"search", fmt.Sprintf("%.3f s, %.0f states/s, %d worker(s)", search.Seconds(), s.StatesPerSec, s.Workers)},
		{"hang check", hang},
		{"visited set", fmt.Sprintf("%s, %s, %s", mode, mib(s.StoreBytes), perState(s.StoreBytes))},
		{"level queues", mib(s.QueueBytes)},
		{"peak heap", mib(int64(s.PeakHeapBytes))},
	}
	sym := "off"
	if opt.Symmetry {
		if order := sys.SymmetryGroupOrder(); order > 1 {
			sym = fmt.Sprintf("on: %s; %d permutations, so the full graph has at most %d× the states (each stored state stands for its class)",
				strings.Join(sys.SymmetryClasses(), ", "), order, order)
		} else {
			sym = "on, but the CPUs are not interchangeable: full search"
		}
	}
	lines = append(lines, [2]string{"symmetry", sym})
	por := "off"
	if opt.POR {
		por = fmt.Sprintf("on: %d of %d states (%.1f%%) expanded by one CPU's private step alone", s.Reduced, s.States, 100*ratio(s.Reduced, s.States))
	}
	lines = append(lines, [2]string{"partial order", por})
	fmt.Fprintln(w, "stats:")
	for _, l := range lines {
		fmt.Fprintf(w, "  %-13s %s\n", l[0], l[1])
	}
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// mib formats a byte count in MiB, or KiB when small.
func mib(b int64) string {
	if b < 1<<20 {
		return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
}
