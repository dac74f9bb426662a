package explore

import (
	"fmt"
	"math"
	"unsafe"
)

const (
	// endOfEdges marks, on the edge stack, the bottom of a frame's edges.
	// It is never a state id: ids are below state.MaxStates.
	endOfEdges = math.MaxUint32
	// goodSCC is the index of a state whose SCC is complete and not a bad
	// bottom SCC. A bad one's states have index 1+k, where bad[k] holds
	// its unmet goals; k+1 < goodSCC, since state 0 is in no bottom SCC
	// unless it is the only state.
	goodSCC = math.MaxUint32
)

// edgeBudget returns the most successor ids the SCC pass buffers, for a
// graph of the given number of states: as many as the states, so the edge
// stack takes at most 4 bytes per state. Tests change it to exercise the
// frames that regenerate their transitions.
var edgeBudget = func(states int) int { return states }

// An sccFrame is a state on the SCC pass's DFS path.
type sccFrame struct {
	id  uint32
	low uint32 // Tarjan's lowlink: the least index reached in the SCC
	pos uint32 // the state's position on the Tarjan stack
	// buffered: the successors still to look at are on the edge stack.
	// Else they are those after the first cursor in the System's order,
	// regenerated when the DFS comes back to the state.
	buffered bool
	exits    bool // a transition from the subtree leaves its SCC
	moves    bool // the state has a transition
	cursor   uint32
}

// sccPass finds the strongly connected components of the stored state
// graph with Tarjan's algorithm, iteratively, and keeps the bottom ones
// that miss a goal. It reads a state's successors from the edge table
// the breadth-first search recorded (edges.go) when there is one; else
// the graph is not stored, and a state's successors are regenerated with
// System.Successors and found with Store.Lookup, as described below.
//
// Beside the store it holds a uint32 index and a bit per state, a uint32
// per state on the Tarjan stack, and a 16-byte frame per state on the DFS
// path. A lowlink is only read while its state is on the DFS path, so it
// lives in the frame, not in a per-state array. The DFS path can run
// through most of the states (in one big SCC), so a frame does not keep
// its successors, which would cost 4 bytes each: their ids go on a shared
// edge stack while it has less than one entry per state, and beyond that
// a frame keeps a cursor into its transitions and regenerates them when
// the DFS comes back to it, at most once per DFS tree child.
//
// In fingerprint mode the states are not stored, and the ids are the
// fingerprint set's, less than its Slots. The pass then keeps the packed
// states of the Tarjan stack beside it, which is all it needs: a state's
// successors are regenerated while it is on the DFS path, and its goals
// asked while its SCC is popped. It buffers no edges, as a buffered
// successor's state would have to be kept too: every frame regenerates.
// So the pass holds up to the Tarjan stack's states whole: few for the
// many small SCCs of a typical model, all of them for a model that is
// one big SCC.
type sccPass struct {
	e    *explorer
	live Liveness
	all  uint64 // live.AllGoals()

	// index[v] is 0 while v is not visited, its DFS preorder number from
	// 1 while its SCC is being built, and once the SCC is complete,
	// goodSCC or the bad SCC's mark (see goodSCC).
	index   []uint32
	onStack bitset     // v is on the Tarjan stack
	stack   []uint32   // the Tarjan stack: states whose SCC is not complete
	calls   []sccFrame // the DFS path
	// edges holds, for each buffered frame in order, endOfEdges then the
	// successors not visited when the frame's state was expanded, still
	// to be looked at.
	edges  []uint32
	budget int      // the most edges buffered
	bad    []uint64 // the goals each bad bottom SCC misses, in the order completed
	next   uint32   // preorder numbers given
	peak   int64    // the most bytes held, for Stats.HangBytes

	// tab holds the graph's edges when the search recorded them
	// (edges.go); the pass then takes no transition, and a frame's
	// cursor indexes its state's successors in it.
	tab *edgeTable

	fp         bool   // fingerprint mode
	size       int    // packed state size
	states     []byte // fingerprint mode: the packed states of stack
	foundState []byte // fingerprint mode: the packed state of found
	curPacked  []byte // the packed state in e.cur

	// The expansion in progress, for the yield methods.
	top   *sccFrame
	skip  uint32 // transitions already looked at
	found uint32 // a successor not yet visited, or endOfEdges
	met   uint64 // goals met in the SCC being completed

	bufferYield, advanceYield, goalsYield func(uint32, []int32, error) bool
}

func newSCCPass(e *explorer, live Liveness) *sccPass {
	n := e.idSpace()
	p := &sccPass{
		e:       e,
		live:    live,
		all:     live.AllGoals(),
		index:   make([]uint32, n),
		onStack: newBitset(n),
		budget:  edgeBudget(e.count()),
		fp:      e.fp,
		size:    e.layout.PackedSize(),
	}
	if p.fp {
		p.budget = 0
		p.foundState = e.layout.Pack(nil, e.initial())
	}
	if e.rec != nil {
		if e.rec.states() != e.count() {
			panic(fmt.Sprintf("explore: hang check: the search recorded the edges of %d of %d states", e.rec.states(), e.count()))
		}
		p.tab = e.rec
	}
	p.bufferYield, p.advanceYield, p.goalsYield = p.buffer, p.advance, p.goals
	return p
}

// run computes the SCCs of the states reachable from state 0, all the
// states stored, and returns why it stopped early, if it did.
func (p *sccPass) run() (stop string) {
	e := p.e
	p.visit(e.root)
	for len(p.calls) > 0 {
		if e.mon.due.Load() {
			if why := e.mon.pollHang(int(p.next), e.count(), len(p.stack)); why != "" {
				return why
			}
		}
		top := &p.calls[len(p.calls)-1]
		var w uint32
		if top.buffered {
			w = p.edges[len(p.edges)-1]
			p.edges = p.edges[:len(p.edges)-1]
		} else {
			w = p.resume(top)
		}
		if w != endOfEdges {
			// A buffered successor may have been visited since.
			if p.index[w] == 0 {
				p.visit(w)
			} else {
				p.seen(top, w)
			}
			continue
		}
		// top has no successor left: its DFS is done.
		f := *top
		p.calls = p.calls[:len(p.calls)-1]
		if f.low < p.index[f.id] {
			// f's SCC is its parent's.
			parent := &p.calls[len(p.calls)-1]
			parent.low = min(parent.low, f.low)
			parent.exits = parent.exits || f.exits
			continue
		}
		if why := p.complete(f); why != "" {
			return why
		}
		if len(p.calls) > 0 {
			p.calls[len(p.calls)-1].exits = true
		}
	}
	if int(p.next) != e.count() {
		panic(fmt.Sprintf("explore: hang check reached %d of %d states", p.next, e.count()))
	}
	return ""
}

// visit starts the DFS of state v: it numbers v and pushes it. While the
// edge stack is within its budget, it also takes v's transitions,
// buffering the successors not yet visited; else resume will. In
// fingerprint mode v's packed state is in foundState.
func (p *sccPass) visit(v uint32) {
	p.next++
	p.index[v] = p.next
	p.onStack.set(v)
	pos := len(p.stack)
	p.stack = append(p.stack, v)
	if p.fp {
		p.states = append(p.states, p.foundState...)
	}
	p.calls = append(p.calls, sccFrame{id: v, low: p.next, pos: uint32(pos)})
	if p.tab != nil {
		f := &p.calls[len(p.calls)-1]
		fails := p.tab.failed(v)
		f.moves = fails || len(p.tab.succ(v)) > 0
		f.exits = fails // a failing transition leads out of every SCC
		return
	}
	if len(p.edges) >= p.budget {
		return
	}
	p.top = &p.calls[len(p.calls)-1]
	p.top.buffered = true
	p.edges = append(p.edges, endOfEdges)
	p.load(pos, v)
	p.e.successors(v, p.e.cur, p.bufferYield)
}

// buffer handles a transition of the state visit is expanding.
func (p *sccPass) buffer(_ uint32, next []int32, fail error) bool {
	if w, ok := p.target(next, fail); ok {
		if p.index[w] == 0 {
			p.edges = append(p.edges, w)
		} else {
			p.seen(p.top, w)
		}
	}
	return true
}

// resume regenerates the transitions of an unbuffered frame's state and
// returns the first successor after its cursor that is not yet visited,
// having handled those before it; endOfEdges if there is none.
func (p *sccPass) resume(f *sccFrame) uint32 {
	if p.tab != nil {
		succ := p.tab.succ(f.id)
		for int(f.cursor) < len(succ) {
			w := succ[f.cursor]
			f.cursor++
			if p.index[w] == 0 {
				return w
			}
			p.seen(f, w)
		}
		return endOfEdges
	}
	p.top, p.skip, p.found = f, f.cursor, endOfEdges
	p.load(int(f.pos), f.id)
	p.e.successors(f.id, p.e.cur, p.advanceYield)
	return p.found
}

// advance handles a transition of the state resume is expanding.
func (p *sccPass) advance(_ uint32, next []int32, fail error) bool {
	if p.skip > 0 {
		p.skip--
		return true
	}
	p.top.cursor++
	w, ok := p.target(next, fail)
	switch {
	case !ok:
	case p.index[w] == 0:
		p.found = w
		if p.fp {
			p.foundState = append(p.foundState[:0], p.e.buf...)
		}
		return false
	default:
		p.seen(p.top, w)
	}
	return true
}

// target returns the id of the successor next of the frame p.top; ok is
// false when the transition fails, which only happens when safety is not
// checked: it then leads out of every SCC, to an end not reported.
func (p *sccPass) target(next []int32, fail error) (w uint32, ok bool) {
	e := p.e
	p.top.moves = true
	if fail != nil {
		p.top.exits = true
		return 0, false
	}
	next = e.view.canon(next)
	e.buf = e.layout.Repack(e.buf[:0], p.curPacked, e.cur, next)
	w, ok = e.lookupPacked(e.buf)
	if !ok {
		panic(fmt.Sprintf("explore: hang check: a successor of state %d is not stored", p.top.id))
	}
	return w, true
}

// seen handles the edge from the state of frame f to w, already visited.
func (p *sccPass) seen(f *sccFrame, w uint32) {
	if p.onStack.has(w) {
		// w is in f's SCC: on the Tarjan stack, it reaches an ancestor
		// of f on the DFS path.
		f.low = min(f.low, p.index[w])
	} else {
		// w's SCC is complete, and not f's.
		f.exits = true
	}
}

// complete pops the SCC whose root is f, done, and marks its states. It
// returns why it stopped early, if it did.
func (p *sccPass) complete(f sccFrame) (stop string) {
	i := len(p.stack) - 1
	for p.stack[i] != f.id {
		i--
	}
	scc := p.stack[i:]
	mark := uint32(goodSCC)
	// A single state with no transition is a deadlock or Done, not a hang.
	if !f.exits && (len(scc) > 1 || f.moves) {
		var met uint64
		if p.e.sym != nil {
			p.load(i, f.id)
			met, stop = p.symGoals(p.curPacked)
		} else {
			met, stop = p.goalsMet(i, scc)
		}
		if stop != "" {
			return stop
		}
		if met&p.all != p.all {
			p.bad = append(p.bad, p.all&^met)
			mark = uint32(len(p.bad))
		}
	}
	for _, v := range scc {
		p.onStack.clear(v)
		p.index[v] = mark
	}
	p.stack = p.stack[:i]
	if p.fp {
		p.states = p.states[:i*p.size]
	}
	return ""
}

// goalsMet returns the goals met in a bottom SCC, by its states or by its
// transitions, which all stay in it. It stops looking once all are met,
// and looks at the states first, which need no successors. The SCC is
// the Tarjan stack from position base.
func (p *sccPass) goalsMet(base int, scc []uint32) (met uint64, stop string) {
	e := p.e
	for i, v := range scc {
		if why := p.pollEvery(i); why != "" {
			return 0, why
		}
		p.load(base+i, v)
		if met |= p.live.StateGoals(e.cur); met&p.all == p.all {
			return met, ""
		}
	}
	p.met = met
	for i, v := range scc {
		if why := p.pollEvery(i); why != "" {
			return 0, why
		}
		p.load(base+i, v)
		if e.successors(v, e.cur, p.goalsYield); p.met&p.all == p.all {
			break
		}
	}
	return p.met, ""
}

// pollEvery polls the monitor every 4096th call, i counting them: a loop
// over the states of an SCC, which may be most of the states, calls it.
func (p *sccPass) pollEvery(i int) (stop string) {
	if i%4096 != 4095 || !p.e.mon.due.Load() {
		return ""
	}
	return p.e.mon.pollHang(int(p.next), p.e.count(), len(p.stack))
}

// goals adds the goals of a transition of the state goalsMet expands.
func (p *sccPass) goals(label uint32, _ []int32, _ error) bool {
	p.met |= p.live.TransitionGoals(p.e.cur, label)
	return p.met&p.all != p.all
}

// load unpacks state v, at position pos of the Tarjan stack, into e.cur.
func (p *sccPass) load(pos int, v uint32) {
	if p.fp {
		p.curPacked = p.states[pos*p.size : (pos+1)*p.size]
	} else {
		p.curPacked = p.e.store.Get(v)
	}
	p.e.layout.Unpack(p.e.cur, p.curPacked)
}

// bytes returns the memory the pass holds.
func (p *sccPass) bytes() int64 {
	return int64(4*cap(p.index)+8*cap(p.onStack)+4*cap(p.stack)+
		int(unsafe.Sizeof(sccFrame{}))*cap(p.calls)+4*cap(p.edges)+8*cap(p.bad)+
		cap(p.states)+cap(p.foundState)) + p.tabBytes()
}

// tabBytes returns the memory of the edge table, if the pass has one.
func (p *sccPass) tabBytes() int64 {
	if p.tab == nil {
		return 0
	}
	return p.tab.bytes()
}

// free drops the stacks, which the lasso does not need.
func (p *sccPass) free() {
	p.onStack, p.stack, p.calls, p.edges, p.top = nil, nil, nil, nil, nil
	p.states, p.foundState, p.curPacked = nil, nil, nil
	p.tab, p.e.rec = nil, nil
}

// A bitset is a set of state ids.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) set(i uint32)      { b[i/64] |= 1 << (i % 64) }
func (b bitset) clear(i uint32)    { b[i/64] &^= 1 << (i % 64) }
func (b bitset) has(i uint32) bool { return b[i/64]&(1<<(i%64)) != 0 }

// grow makes the bitset, which grows as its bits are set, hold bit i.
func (b *bitset) grow(i uint32) bitset {
	for int(i) >= 64*len(*b) {
		*b = append(*b, 0)
	}
	return *b
}

// holds reports whether bit i is set in a bitset that grows as its bits
// are set: one that does not reach i holds it unset.
func (b bitset) holds(i uint32) bool { return int(i) < 64*len(b) && b.has(i) }
