package explore

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/ipicheck/ipicheck/state"
)

var (
	errFail = errors.New("transition failed")
	errBad  = errors.New("invariant violated")
)

// A graph is a System over a directed graph whose nodes are the states,
// node 0 initial. The transition to node t has label t; a failing
// transition from node n has label failLabel(n) and comes after the
// others. A node is stored as one slot, or split over slots in mixed radix
// when slots is set, to exercise multi-slot layouts.
type graph struct {
	adj   [][]int32 // adj[n]: the successors of n, in order
	fails map[int32]bool
	bad   map[int32]bool // nodes that violate the invariant
	done  map[int32]bool
	slots []state.Slot // optional: their domain sizes multiply to len(adj)

	layout *state.Layout
	next   scratch
}

// scratch hands out the vectors a System's Successors yields, one to
// each call in progress: parallel searches make several at once.
type scratch struct{ pool sync.Pool }

func (s *scratch) get(n int) *[]int32 {
	if v, ok := s.pool.Get().(*[]int32); ok {
		return v
	}
	v := make([]int32, n)
	return &v
}

func (s *scratch) put(v *[]int32) { s.pool.Put(v) }

func failLabel(n int32) uint32 { return 1000 + uint32(n) }

func (g *graph) Layout() *state.Layout {
	if g.layout == nil {
		if g.slots == nil {
			g.slots = []state.Slot{{Name: "node", Min: 0, Max: int32(len(g.adj) - 1)}}
		}
		g.layout = state.NewLayout(g.slots)
	}
	return g.layout
}

func (g *graph) vector(dst []int32, n int32) []int32 {
	for i, s := range g.slots {
		size := s.Max - s.Min + 1
		dst[i] = s.Min + n%size
		n /= size
	}
	return dst
}

func (g *graph) node(v []int32) int32 {
	n := int32(0)
	for i := len(g.slots) - 1; i >= 0; i-- {
		s := g.slots[i]
		n = n*(s.Max-s.Min+1) + v[i] - s.Min
	}
	return n
}

func (g *graph) Initial() []int32 {
	g.Layout()
	return g.vector(make([]int32, len(g.slots)), 0)
}

func (g *graph) Successors(cur []int32, yield func(uint32, []int32, error) bool) {
	n := g.node(cur)
	p := g.next.get(len(g.slots))
	defer g.next.put(p)
	next := *p
	for _, t := range g.adj[n] {
		if !yield(uint32(t), g.vector(next, t), nil) {
			return
		}
	}
	if g.fails[n] {
		yield(failLabel(n), nil, errFail)
	}
}

func (g *graph) Check(st []int32) error {
	if g.bad[g.node(st)] {
		return errBad
	}
	return nil
}

func (g *graph) Done(st []int32) bool { return g.done[g.node(st)] }

// nodes is a set of graph nodes.
func nodes(ns ...int32) map[int32]bool {
	m := map[int32]bool{}
	for _, n := range ns {
		m[n] = true
	}
	return m
}

// path returns the trace of a graph with one slot through the given nodes.
func path(ns ...int32) []Step {
	steps := make([]Step, len(ns))
	for i, n := range ns {
		steps[i] = Step{Label: uint32(n), State: []int32{n}}
	}
	steps[0].Label = 0
	return steps
}

// counters is a System of n counters over 0..k-1; transition i (label i)
// increments counter i, wrapping to 0 if wrap is set and otherwise only
// enabled below k-1. All counters at k-1 is Done. A state whose counters
// sum to badSum, if positive, violates the invariant.
type counters struct {
	n, k   int
	wrap   bool
	badSum int32

	layout *state.Layout
	next   scratch
}

func (c *counters) Layout() *state.Layout {
	if c.layout == nil {
		slots := make([]state.Slot, c.n)
		for i := range slots {
			slots[i] = state.Slot{Name: "c", Min: 0, Max: int32(c.k - 1)}
		}
		c.layout = state.NewLayout(slots)
	}
	return c.layout
}

func (c *counters) Initial() []int32 { return make([]int32, c.n) }

func (c *counters) Successors(cur []int32, yield func(uint32, []int32, error) bool) {
	top := int32(c.k - 1)
	p := c.next.get(c.n)
	defer c.next.put(p)
	next := *p
	for i, v := range cur {
		if v == top && !c.wrap {
			continue
		}
		copy(next, cur)
		next[i] = (v + 1) % int32(c.k)
		if !yield(uint32(i), next, nil) {
			return
		}
	}
}

func (c *counters) Check(st []int32) error {
	sum := int32(0)
	for _, v := range st {
		sum += v
	}
	if sum == c.badSum && c.badSum > 0 {
		return errBad
	}
	return nil
}

func (c *counters) Done(st []int32) bool {
	return !slices.ContainsFunc(st, func(v int32) bool { return v != int32(c.k-1) })
}

// checkTrace checks that r's trace is a path of sys from its initial state
// that ends in the counterexample r claims, and for a hang, that the cycle
// is a path of sys from the end of the trace back to it.
func checkTrace(t *testing.T, sys System, r Result) {
	t.Helper()
	if r.Verdict != Hang && (r.Cycle != nil || r.UnmetGoals != 0) {
		t.Errorf("%v result has a cycle %v or unmet goals %#x", r.Verdict, r.Cycle, r.UnmetGoals)
	}
	if r.Verdict != Deadlock && r.Verdict != Violation && r.Verdict != Hang {
		if r.Trace != nil {
			t.Errorf("%v result has a trace", r.Verdict)
		}
		return
	}
	if len(r.Trace) == 0 || !slices.Equal(r.Trace[0].State, sys.Initial()) || r.Trace[0].Label != 0 {
		t.Fatalf("trace does not start with the initial state: %v", r.Trace)
	}
	for i := 1; i < len(r.Trace); i++ {
		want := r.Trace[i]
		ok := false
		sys.Successors(r.Trace[i-1].State, func(label uint32, next []int32, fail error) bool {
			ok = fail == nil && label == want.Label && slices.Equal(next, want.State)
			return !ok
		})
		if !ok {
			t.Fatalf("trace step %d (%v) is not a transition of %v", i, want, r.Trace[i-1].State)
		}
	}
	last := r.Trace[len(r.Trace)-1].State
	switch {
	case r.Verdict == Hang:
		checkCycle(t, sys, r)
	case r.Verdict == Deadlock:
		sys.Successors(last, func(uint32, []int32, error) bool {
			t.Errorf("deadlock state %v has a transition", last)
			return false
		})
		if sys.Done(last) {
			t.Errorf("deadlock state %v is Done", last)
		}
	case r.HasFailLabel:
		ok := false
		sys.Successors(last, func(label uint32, _ []int32, fail error) bool {
			ok = fail != nil && label == r.FailLabel && sameError(r.Failure, fail)
			return !ok
		})
		if !ok {
			t.Errorf("state %v has no failing transition %d", last, r.FailLabel)
		}
	default:
		if err := sys.Check(last); err == nil || !sameError(r.Failure, err) {
			t.Errorf("Check(%v) = %v, result says %v", last, err, r.Failure)
		}
	}
}

// sameError reports whether a and b are one error, or read the same and
// are of one type: a model makes its errors anew each time.
func sameError(a, b error) bool {
	return errors.Is(a, b) || fmt.Sprintf("%T %v", a, a) == fmt.Sprintf("%T %v", b, b)
}

// checkCycle checks that a hang's cycle replays from the end of its trace
// and returns there, and that its unmet goals are some of the System's.
func checkCycle(t *testing.T, sys System, r Result) {
	t.Helper()
	entry := r.Trace[len(r.Trace)-1].State
	if len(r.Cycle) == 0 {
		t.Fatalf("hang with no cycle")
	}
	if end := r.Cycle[len(r.Cycle)-1].State; !slices.Equal(end, entry) {
		t.Errorf("cycle ends in %v, not in its entry %v", end, entry)
	}
	from := entry
	for i, want := range r.Cycle {
		ok := false
		sys.Successors(from, func(label uint32, next []int32, fail error) bool {
			ok = fail == nil && label == want.Label && slices.Equal(next, want.State)
			return !ok
		})
		if !ok {
			t.Fatalf("cycle step %d (%v) is not a transition of %v", i, want, from)
		}
		if live, ok := sys.(Liveness); ok {
			if g := live.TransitionGoals(from, want.Label) & r.UnmetGoals; g != 0 {
				t.Errorf("cycle step %d (%v) meets unmet goals %#x", i, want, g)
			}
		}
		from = want.State
	}
	live, ok := sys.(Liveness)
	if !ok {
		t.Fatalf("hang in a System without Liveness")
	}
	if r.UnmetGoals == 0 || r.UnmetGoals&^live.AllGoals() != 0 {
		t.Errorf("unmet goals %#x, all goals %#x", r.UnmetGoals, live.AllGoals())
	}
	for _, s := range append([]Step{{State: entry}}, r.Cycle...) {
		if g := live.StateGoals(s.State) & r.UnmetGoals; g != 0 {
			t.Errorf("state %v of the cycle meets unmet goals %#x", s.State, g)
		}
	}
}

// A liveGraph is a graph with liveness goals: the goals each node and
// each edge meets. A Done node meets all goals, as the model's do.
type liveGraph struct {
	*graph
	all        uint64
	stateGoals map[int32]uint64
	edgeGoals  map[[2]int32]uint64 // by from and to nodes
}

func (g *liveGraph) AllGoals() uint64 { return g.all }

func (g *liveGraph) StateGoals(st []int32) uint64 {
	n := g.node(st)
	if g.done[n] {
		return g.all
	}
	return g.stateGoals[n]
}

func (g *liveGraph) TransitionGoals(from []int32, label uint32) uint64 {
	return g.edgeGoals[[2]int32{g.node(from), int32(label)}]
}

// spinner is counters with liveness: goal i is counter i at its top, and
// with tick a timer transition (label n) loops on every state. With stuck,
// counter 0 may not advance while counter 1 is at its top: a CPU that
// spins forever, with the timer ticking, when counter 1 gets there first.
type spinner struct {
	counters
	stuck, tick bool
}

func (s *spinner) Successors(cur []int32, yield func(uint32, []int32, error) bool) {
	top := int32(s.k - 1)
	p := s.next.get(s.n)
	defer s.next.put(p)
	next := *p
	for i, v := range cur {
		if v == top && !s.wrap || s.stuck && i == 0 && cur[1] == top {
			continue
		}
		copy(next, cur)
		next[i] = (v + 1) % int32(s.k)
		if !yield(uint32(i), next, nil) {
			return
		}
	}
	if s.tick {
		copy(next, cur)
		yield(uint32(s.n), next, nil)
	}
}

func (s *spinner) AllGoals() uint64 { return 1<<s.n - 1 }

func (s *spinner) StateGoals(st []int32) uint64 {
	var g uint64
	for i, v := range st {
		if v == int32(s.k-1) {
			g |= 1 << i
		}
	}
	return g
}

func (s *spinner) TransitionGoals([]int32, uint32) uint64 { return 0 }
