package explore

import (
	"fmt"
	"slices"
)

// Symmetry is implemented by systems whose processes (the model's CPUs)
// may be interchangeable: renaming them by a permutation maps the state
// graph onto itself, and goal i of Liveness onto goal perm[i]. With
// Options.Symmetry the search stores one state per class of states equal
// up to such a renaming, the one Canonicalize returns: a quotient of the
// state graph with the same deadlocks, violations and hangs, found in
// fewer states.
//
// The search explores canonical states only, so its counterexample is a
// path of the quotient graph; Run turns it back into an execution of the
// System (realize), by taking at each step a transition of the real
// state whose successor has the next canonical state as its class.
//
// Canonicalize must be safe for concurrent use.
type Symmetry interface {
	// Processes is the number of processes permutations act on.
	Processes() int
	// Canonicalize rewrites st into its class's canonical state, and
	// sets perm to the permutation applied: process i of the state given
	// is process perm[i] of the result.
	Canonicalize(st []int32, perm []uint8)
}

// symView is one goroutine's canonicalization buffers.
type symView struct {
	sym  Symmetry
	buf  []int32
	perm []uint8
}

func newSymView(sym Symmetry, slots int) *symView {
	if sym == nil {
		return nil
	}
	return &symView{sym: sym, buf: withSlack[int32](slots), perm: withSlack[uint8](sym.Processes())}
}

// canon returns the canonical form of next, in the view's buffer; next
// itself when there is no symmetry.
func (v *symView) canon(next []int32) []int32 {
	if v == nil {
		return next
	}
	copy(v.buf, next)
	v.sym.Canonicalize(v.buf, v.perm)
	return v.buf
}

// initial returns the initial state the search starts from: the System's,
// canonical under symmetry.
func (e *explorer) initial() []int32 {
	st := e.sys.Initial()
	if e.sym != nil {
		e.sym.Canonicalize(st, make([]uint8, e.sym.Processes()))
	}
	return st
}

// mapGoals renames the goals g by perm: goal i becomes goal perm[i].
func mapGoals(g uint64, perm []uint8) uint64 {
	var out uint64
	for i, p := range perm {
		if i < 64 && g&(1<<i) != 0 && p < 64 {
			out |= 1 << p
		}
	}
	return out
}

// symGoals returns the goals met in the bottom SCC of the real state graph
// that holds the state root (stored canonical): a breadth-first search of
// the quotient SCC from root gives each canonical state v a frame, the
// permutation σ with σ(v) in that real SCC, and each transition found
// between two states with frames a permutation h that maps the real SCC
// onto itself. The goals met are those of the states and transitions
// renamed by their frames, closed under the h found (Schreier: these
// generate the real SCC's stabilizer, so the real SCC is every h σ(v)).
func (p *sccPass) symGoals(rootPacked []byte) (met uint64, stop string) {
	e := p.e
	n := e.sym.Processes()
	seen := map[uint32]int{}
	var packed [][]byte
	var ids []uint32
	var frames []uint8
	id, ok := e.lookupPacked(rootPacked)
	if !ok {
		panic("explore: hang check: a bottom SCC's state is not stored")
	}
	seen[id] = 0
	packed = append(packed, slices.Clone(rootPacked))
	ids = append(ids, id)
	for i := range n {
		frames = append(frames, uint8(i))
	}
	gens := map[string][]uint8{}
	view := newSymView(e.sym, e.layout.NumSlots())
	cur := make([]int32, e.layout.NumSlots())
	tau := make([]uint8, n)
	buf := make([]byte, 0, e.layout.PackedSize())
	for u := 0; u < len(packed); u++ {
		if why := p.pollEvery(u); why != "" {
			return 0, why
		}
		sigma := frames[u*n : (u+1)*n]
		e.layout.Unpack(cur, packed[u])
		met |= mapGoals(p.live.StateGoals(cur), sigma)
		// The graph the search explored: under partial-order reduction
		// a reduced state has its private step only.
		e.successors(ids[u], cur, func(label uint32, next []int32, fail error) bool {
			met |= mapGoals(p.live.TransitionGoals(cur, label), sigma)
			if fail != nil {
				return true
			}
			w := view.canon(next)
			// next = π⁻¹(w), and σ(next) is in the real SCC: w's frame is
			// τ with τ[π[i]] = σ[i].
			for i := range n {
				tau[view.perm[i]] = sigma[i]
			}
			buf = e.layout.Pack(buf[:0], w)
			wid, ok := e.lookupPacked(buf)
			if !ok {
				panic("explore: hang check: a successor in a bottom SCC is not stored")
			}
			k, seenW := seen[wid]
			if !seenW {
				seen[wid] = len(packed)
				packed = append(packed, slices.Clone(buf))
				ids = append(ids, wid)
				frames = append(frames, tau...)
				sigma = frames[u*n : (u+1)*n] // frames may have moved
				return true
			}
			// h maps w's frame onto τ: h[φ[j]] = τ[j].
			phi := frames[k*n : (k+1)*n]
			h := make([]uint8, n)
			identity := true
			for j := range n {
				h[phi[j]] = tau[j]
				identity = identity && phi[j] == tau[j]
			}
			if !identity {
				gens[string(h)] = h
			}
			return true
		})
	}
	for changed := true; changed; {
		changed = false
		for _, h := range gens {
			if m := met | mapGoals(met, h); m != met {
				met, changed = m, true
			}
		}
	}
	p.hold(int64(len(packed)*(e.layout.PackedSize()+n+24)) + int64(len(gens)*(n+32)))
	return met, ""
}

// realize turns the result of a search of the quotient graph into one
// about the System's own states: the trace becomes an execution from the
// real initial state whose states have the trace's states as their
// classes, the failure is the one the real last state fails with, and a
// hang's cycle is walked round until it closes on a real state, its unmet
// goals renamed to that state's processes.
func (e *explorer) realize(r Result) Result {
	if len(r.Trace) == 0 {
		return r
	}
	view := newSymView(e.sym, e.layout.NumSlots())
	trace := []Step{{State: e.sys.Initial()}}
	cur := trace[0].State
	for _, st := range r.Trace[1:] {
		step := e.realStep(view, cur, st.State)
		trace = append(trace, step)
		cur = step.State
	}
	switch r.Verdict {
	case Violation:
		if r.HasFailLabel {
			found := false
			e.sys.Successors(cur, func(label uint32, _ []int32, fail error) bool {
				if fail != nil {
					r.FailLabel, r.Failure, found = label, fail, true
					return false
				}
				return true
			})
			if !found {
				panic("explore: symmetry: the real trace has no failing transition at its end")
			}
		} else if err := e.sys.Check(cur); err != nil {
			r.Failure = err
		}
	case Hang:
		r.Trace, r.Cycle, r.UnmetGoals = e.realizeCycle(view, trace, r.Cycle, r.UnmetGoals)
		return r
	}
	r.Trace = trace
	return r
}

// realizeCycle walks the canonical cycle round from the real last state of
// trace until a round ends in a real state a round started from; unmet
// are the goals missed, named in the frame of trace's canonical last
// state.
func (e *explorer) realizeCycle(view *symView, trace, cycle []Step, unmet uint64) (prefix, loop []Step, realUnmet uint64) {
	cur := trace[len(trace)-1].State
	// The entry is π(cur): its goal i is cur's process j with π[j] = i.
	view.canon(cur)
	inv := make([]uint8, len(view.perm))
	for j, i := range view.perm {
		inv[i] = uint8(j)
	}
	realUnmet = mapGoals(unmet, inv)
	starts := [][]int32{slices.Clone(cur)}
	var rounds [][]Step
	for range 1 << 12 {
		var round []Step
		for _, st := range cycle {
			step := e.realStep(view, cur, st.State)
			round = append(round, step)
			cur = step.State
		}
		rounds = append(rounds, round)
		for i, s := range starts {
			if slices.Equal(s, cur) {
				prefix = trace
				for _, r := range rounds[:i] {
					prefix = append(prefix, r...)
				}
				for _, r := range rounds[i:] {
					loop = append(loop, r...)
				}
				return prefix, loop, realUnmet
			}
		}
		starts = append(starts, slices.Clone(cur))
	}
	panic("explore: symmetry: the hang's cycle does not close")
}

// realStep returns the first transition of cur whose successor's class is
// the canonical state want.
func (e *explorer) realStep(view *symView, cur, want []int32) Step {
	var step Step
	e.sys.Successors(cur, func(label uint32, next []int32, fail error) bool {
		if fail != nil || !slices.Equal(view.canon(next), want) {
			return true
		}
		step = Step{Label: label, State: slices.Clone(next)}
		return false
	})
	if step.State == nil {
		panic(fmt.Sprintf("explore: symmetry: no transition of %v leads to the class of %v", cur, want))
	}
	return step
}
