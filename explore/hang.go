package explore

import "time"

// hang is the hang check, run after a search that stored every reachable
// state and found nothing else. It returns Hang with a lasso to the
// nearest bad bottom SCC, Verified if there is none, or Incomplete if the
// run is stopped during the check.
//
// When the search recorded the edges, and the System is a Finisher, it
// first tries the reach pass (reach.go), which proves most models free
// of hangs quickly. When that fails, it takes three steps:
//   - an SCC pass (tarjan.go) over the stored states, which marks the
//     states of every bottom SCC that misses a goal, reading the edges
//     the search recorded (edges.go) or, where it recorded none, taking
//     the transitions again;
//   - a sweep of the parent links, which picks among those the state
//     with the shortest trace (lasso.go);
//   - a breadth-first search from that state for a shortest cycle back
//     to it (lasso.go).
func (e *explorer) hang(live Liveness) Result {
	start := time.Now()
	defer func() { e.hangTime = time.Since(start) }()
	if e.rec != nil && e.finisher != nil && !e.noReach {
		sweeps, stop := e.allReachGood()
		if stop != "" {
			return incomplete(stop + " in the hang check")
		}
		if sweeps > 0 {
			e.hangSweeps = sweeps
			return Result{Verdict: Verified}
		}
	}
	p := newSCCPass(e, live)
	defer func() { e.hangBytes = max(e.hangBytes, p.peak) }()
	stop := p.run()
	p.hold(0)
	if stop != "" {
		return incomplete(stop + " in the hang check")
	}
	p.free()
	entry, unmet, ok := p.nearest()
	if !ok {
		return Result{Verdict: Verified}
	}
	trace := e.trace(entry)
	if e.sym != nil {
		// The goals the pass found are named in the frame of the SCC's
		// root; name them in the entry's.
		met, stop := p.symGoals(e.layout.Pack(nil, trace[len(trace)-1].State))
		if stop != "" {
			return incomplete(stop + " in the hang check")
		}
		unmet = p.all &^ met
	}
	cycle, stop := p.cycle(entry, trace[len(trace)-1].State)
	if stop != "" {
		return incomplete(stop + " in the hang check")
	}
	return Result{Verdict: Hang, Trace: trace, Cycle: cycle, UnmetGoals: unmet}
}

// hold records that the pass holds extra bytes beside its own slices, for
// Stats.HangBytes, and samples the heap, for Stats.PeakHeapBytes.
func (p *sccPass) hold(extra int64) {
	p.peak = max(p.peak, p.bytes()+extra)
	p.e.mon.sampleHeap()
}
