package explore

import "math/bits"

// The reach pass: a quick proof that there is no hang, tried before the
// SCC pass (tarjan.go) when the search recorded the edges (edges.go).
//
// Call a state good when it meets every goal at once (Finisher: in a
// model, every CPU has finished), has no transition (an
// end: Done, or a deadlock the search reported), or has a failing
// transition (which leads out of every SCC). If every stored state can
// reach a good state, there is no hang: a bad bottom SCC has no good
// state, since one would meet every goal in it, and no transition leaves
// it, so its states reach no good state. Under symmetry the edges join
// canonical states, and a path between them is, up to a permutation of
// the CPUs, a path of the original graph; meeting every goal is the same
// in every permutation, so the argument holds there too. With
// partial-order reduction it holds of the graph explored, which is the
// one the SCC pass reads.
//
// The search notes the states that meet every goal in the edge table, as
// it expands them, so the pass unpacks no state. It marks the states that
// reach a good state by sweeping those not marked yet in decreasing id
// order, until a sweep marks none: the breadth-first ids make most edges
// go to greater ids, so a sweep carries the marks back along long paths
// at once, and a few sweeps do (8 for the 4.4M states of scale 4x1, the
// first marking a fifth of them, the last 64 states). A sweep reads each
// state's successors from the edge table, in order, and one bit per
// successor, from a bitset small enough for the cache: the pass takes a
// fraction of the SCC pass's time. When it cannot mark every state (a
// model that spins forever, or meets its goals by progress markers, or
// really hangs), the SCC pass decides, and finds the trace.

// maxReachSweeps bounds the sweeps of the reach pass: a model whose
// states reach their ends round many cycles could otherwise take as many
// sweeps as states; the SCC pass takes over. Tests change it.
var maxReachSweeps = 64

// allReachGood returns the number of sweeps it took to show that every
// stored state reaches a good state, which proves that there is no hang,
// or 0 if it could not; stop says why the run stopped during the pass,
// if it did. It needs the edge table, and the System's Finisher.
func (e *explorer) allReachGood() (sweeps int, stop string) {
	t := e.rec
	n := e.count()
	good := newBitset(n)
	if n%64 != 0 {
		// The bits past the last state count as marked.
		good[len(good)-1] = ^uint64(0) << (n % 64)
	}
	e.hangBytes = max(e.hangBytes, int64(8*cap(good))+t.bytes())
	for sweep := range maxReachSweeps {
		if e.mon.due.Load() {
			if why := e.mon.pollReach(sweep, n); why != "" {
				return 0, why
			}
		}
		marked, left := 0, 0
		for k := len(good) - 1; k >= 0; k-- {
			for unmarked := ^good[k]; unmarked != 0; {
				// The greatest id first.
				b := 63 - bits.LeadingZeros64(unmarked)
				unmarked &^= 1 << b
				v := uint32(64*k + b)
				if t.reachesGood(v, good) {
					good[k] |= 1 << b
					marked++
				} else {
					left++
				}
			}
		}
		if left == 0 {
			return sweep + 1, ""
		}
		if marked == 0 {
			return 0, ""
		}
	}
	return 0, ""
}

// reachesGood reports whether state v is good, or has a successor in
// good.
func (t *edgeTable) reachesGood(v uint32, good bitset) bool {
	succ := t.succ(v)
	if len(succ) == 0 || t.failed(v) || t.isFinished(v) {
		return true
	}
	for _, w := range succ {
		if good.has(w) {
			return true
		}
	}
	return false
}
