package explore

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/ipicheck/ipicheck/state"
)

// errTimeout is the cause of a context ended by Options.Timeout.
var errTimeout = errors.New("explore: timeout")

// Run explores the states of sys reachable from its initial state and
// returns the verdict, a counterexample trace if there is one, and
// statistics.
//
// Each state's invariant is checked when the state is expanded, then its
// transitions are taken in the System's order; a failing transition is a
// violation, and a state with no transition at all that is not Done is a
// deadlock. With BFS the counterexample is a shortest one, counting a
// failing transition as a step; among equally short ones, a failing
// transition comes first, else the first state in BFS order.
//
// When the search has explored every state and found none of these, and
// sys implements Liveness, the hang check looks for a reachable region
// the run can never leave that misses a goal (see Liveness and hang.go);
// it reports the nearest such region as a lasso, Trace then Cycle.
// opt.Checks turns each kind of check off.
//
// Run ends Incomplete, never Verified, when a limit in opt is hit or ctx
// is done, during the search or the hang check: an Incomplete run claims
// nothing about hangs. It panics if sys produces a state outside its
// layout's domains, or if sys panics, also from a worker goroutine.
//
// With opt.Workers 1 the breadth-first search runs on the calling
// goroutine (bfs.go); else, and always in fingerprint mode, it is the
// level-synchronous search (levels.go), which gives the same result: the
// same verdict, counts, state ids, parent links and trace, whatever the
// number of workers. DFS ignores opt.Workers.
//
// With opt.POR, and a System that implements Reducer, states are expanded
// by their private step alone when the cycle proviso allows it (see
// explorer.reduce): the verdict is the full search's, the counts may be
// smaller and the counterexample another one; the level-synchronous
// search still gives the sequential one's result.
func Run(ctx context.Context, sys System, opt Options) Result {
	start := time.Now()
	if opt.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, opt.Timeout, errTimeout)
		defer cancel()
	}
	e := newExplorer(sys, opt)
	e.mon = startMonitor(ctx, opt, start)
	var r Result
	switch {
	case ctx.Err() != nil:
		r = incomplete(e.mon.stopReason())
	case opt.Search == DFS && e.fp:
		r = incomplete("fingerprint mode needs BFS")
	case opt.Search == DFS:
		r = e.dfs()
	case e.fp || e.workers > 1 || opt.parallel:
		r = e.levels()
	default:
		r = e.bfs()
	}
	if live, ok := sys.(Liveness); ok && r.Verdict == Verified && e.checks&CheckHang != 0 {
		r = e.hang(live)
	}
	if r.Verdict == Verified && e.cov != nil {
		r = e.uncovered(r)
	}
	if e.sym != nil {
		r = e.realize(r)
	}
	e.mon.stop()
	r.Stats = e.stats(time.Since(start))
	return r
}

// An explorer holds the state of one Run: the visited states with their
// parent links, and the expansion in progress. The search loops in bfs.go
// and dfs.go drive it.
type explorer struct {
	sys    System
	layout *state.Layout
	// The visited states: in exact mode store, with parent and label
	// (below) beside it, ids 0, 1, 2, … in the order found; in
	// fingerprint mode fps, which keeps the parent links, and whose ids
	// are its slots.
	store  *state.Store
	fp     bool // fingerprint mode
	fps    *state.FPSet
	seed   uint64    // Options.Seed
	root   uint32    // the id of the initial state: 0 in exact mode
	limit  int       // states the store may hold
	bound  int       // Options.MaxDepth
	checks Check     // Options.Checks, CheckAll for zero
	cov    *coverage // nil unless sys implements Coverage and safety is checked
	mon    *monitor

	// Partial-order reduction (Options.POR): reducer is nil without it.
	// tryYield is tryPrivate, fresh the least id of a state stored since
	// the expansion's proviso began (see reduce).
	reducer  Reducer
	fresh    uint32
	tryYield func(uint32, []int32) bool
	// take handles the private step reduce takes: the search loop's
	// yield, which visits it (and pushes it, for DFS).
	take func(uint32, []int32, error) bool
	// The breadth-first search's pending transitions (see advance); lag
	// says it visits a state's two states later.
	pipe pipeline
	lag  bool

	workers     int  // Options.Workers, resolved
	chunkStates int  // the level-synchronous search's chunk size
	mergeAfter  bool // Options.mergeAfter

	// The state being expanded.
	sym  Symmetry // nil unless Options.Symmetry and the System has one
	view *symView // the search goroutine's canonicalization

	cur       []int32 // its vector
	curPacked []byte  // its packed form
	from      uint32  // its id
	depth     int     // its depth
	atBound   bool    // depth == bound: its successors are looked up, never stored
	buf       []byte  // packed successor

	// finisher is the System's, when it has one and rec is kept: the
	// search notes in rec the states that meet every goal.
	finisher Finisher

	// The fields above are read by the level search's workers on every
	// transition; those below are written by its merge on every state
	// stored. Were they on a cache line the workers read, each write
	// would take the line from the other core: the padding keeps them
	// apart (the second worker gained nothing without it).
	_ cacheLinePad

	parent column // parent.at(id): the state id was first reached from
	label  column // label.at(id): the transition from parent.at(id) to id
	// reduced holds the ids of the states expanded by their private step
	// alone, by id (fingerprint mode: by slot), so that the hang check
	// and the trace see the graph the search explored; nreduced counts
	// them.
	reduced  bitset
	nreduced int64

	// Findings.
	fail        error // a failing transition: failLabel from state failFrom
	failFrom    uint32
	failLabel   uint32
	full        bool // a new state found with the store at limit
	cut         bool // a transition beyond bound was not explored
	transitions int64
	deepest     int // depth of the deepest state stored

	// rec records the successors of each state for the hang check, nil
	// when it is not needed or kept (see edges.go).
	rec *edgeTable

	// The hang check's, for Stats.
	hangTime  time.Duration
	hangBytes int64
	// hangSweeps is Stats.HangSweeps; noReach is Options.noReach.
	hangSweeps int
	noReach    bool
	// The level-synchronous search's, for Stats.
	queueBytes int64
}

// newExplorer returns an explorer with the initial state of sys stored as
// state 0, its own parent.
func newExplorer(sys System, opt Options) *explorer {
	l := sys.Layout()
	e := &explorer{
		sys:         sys,
		layout:      l,
		fp:          opt.Fingerprint,
		seed:        opt.Seed,
		limit:       state.MaxStates,
		bound:       max(0, opt.MaxDepth),
		checks:      opt.Checks,
		workers:     opt.Workers,
		noReach:     opt.noReach,
		chunkStates: chunkStates,
		cur:         make([]int32, l.NumSlots()),
		buf:         make([]byte, 0, l.PackedSize()),
	}
	if e.workers <= 0 {
		e.workers = runtime.GOMAXPROCS(0)
	}
	if opt.chunkStates > 0 {
		e.chunkStates = opt.chunkStates
	}
	e.mergeAfter = opt.mergeAfter
	if opt.Search == DFS {
		e.workers = 1
	}
	if e.fp {
		e.limit = state.FPMaxStates
	}
	if opt.MaxStates > 0 {
		e.limit = min(opt.MaxStates, e.limit)
	}
	if e.checks == 0 {
		e.checks = CheckAll
	}
	e.cov = newCoverage(sys, e.checks)
	if s, ok := sys.(Symmetry); ok && opt.Symmetry {
		e.sym = s
		e.view = newSymView(s, l.NumSlots())
	}
	if r, ok := sys.(Reducer); ok && opt.POR {
		e.reducer = r
		e.tryYield = e.tryPrivate
	}
	if _, ok := sys.(Liveness); ok && !e.fp && opt.Search != DFS && e.checks&CheckHang != 0 && !opt.regenerate {
		e.rec = &edgeTable{}
		e.finisher, _ = sys.(Finisher)
	}
	e.buf = l.Pack(e.buf, e.initial())
	if e.fp {
		e.fps = state.NewFPSet()
		e.root, _ = e.fps.Insert(e.hash(e.buf), state.NoParent)
		if e.reducer != nil {
			e.reduced = newBitset(e.fps.Slots())
		}
		return e
	}
	e.store = state.NewStore(l.PackedSize())
	e.store.Insert(e.buf)
	e.parent.push(0)
	e.label.push(0)
	return e
}

// hash returns the hash of a packed state the visited set keys it by:
// in fingerprint mode its fingerprint.
func (e *explorer) hash(packed []byte) uint64 {
	if e.fp {
		return state.HashSeed(packed, e.seed)
	}
	return state.Hash(packed)
}

// count returns the number of states stored.
func (e *explorer) count() int {
	if e.fp {
		return e.fps.Len()
	}
	return e.store.Len()
}

// idSpace returns a bound on the ids of the states stored.
func (e *explorer) idSpace() int {
	if e.fp {
		return e.fps.Slots()
	}
	return e.store.Len()
}

// lookup returns the id of the packed state h is the hash of, if stored.
// It only reads the visited set.
func (e *explorer) lookup(packed []byte, h uint64) (id uint32, ok bool) {
	if e.fp {
		return e.fps.Lookup(h)
	}
	return e.store.LookupHash(packed, h)
}

// lookupPacked is lookup for a state not hashed yet.
func (e *explorer) lookupPacked(packed []byte) (id uint32, ok bool) {
	return e.lookup(packed, e.hash(packed))
}

// load makes the state id at the given depth the one being expanded.
func (e *explorer) load(id uint32, depth int) {
	e.from, e.depth = id, depth
	e.atBound = e.bound > 0 && depth >= e.bound
	// The slice stays valid while the store grows: a stored state's
	// bytes never change, and an arena chunk that moves leaves its old
	// copy to the garbage collector.
	e.curPacked = e.store.Get(id)
	e.layout.Unpack(e.cur, e.curPacked)
}

// visit handles the transition label from the state being expanded, to
// next or failing with fail. It stores next if new and returns its id and
// whether it was added. Findings go to e.fail, e.full and e.cut; the
// caller stops the expansion on the first two.
func (e *explorer) visit(label uint32, next []int32, fail error) (id uint32, added bool) {
	e.transitions++
	if fail != nil {
		switch {
		case e.checks&CheckSafety == 0:
			if e.rec != nil {
				e.rec.fail(e.from)
			}
		case e.atBound:
			e.cut = true
		default:
			e.fail, e.failFrom, e.failLabel = fail, e.from, label
		}
		return 0, false
	}
	next = e.view.canon(next)
	e.buf = e.layout.Repack(e.buf[:0], e.curPacked, e.cur, next)
	return e.visitPacked(label, e.buf, state.Hash(e.buf))
}

// visitPacked is visit for a successor packed, of hash h, and counted
// in e.transitions.
func (e *explorer) visitPacked(label uint32, packed []byte, h uint64) (id uint32, added bool) {
	if e.atBound || e.store.Len() >= e.limit {
		id, ok := e.store.LookupHash(packed, h)
		switch {
		case !ok && e.atBound:
			e.cut = true
		case !ok:
			e.full = true
		case e.rec != nil:
			e.rec.scratch = append(e.rec.scratch, id)
		}
		return 0, false
	}
	id, added = e.store.InsertHash(packed, h)
	if added {
		e.parent.push(e.from)
		e.label.push(label)
		e.deepest = max(e.deepest, e.depth+1)
	}
	if e.rec != nil {
		e.rec.scratch = append(e.rec.scratch, id)
	}
	return id, added
}

// collect is the breadth-first search's yield: it leaves the transition
// pending in e.gen, its successor packed and hashed, for drain, which
// visits a state's transitions together (see advance). It stops the
// expansion at a failing transition that ends the search.
func (e *explorer) collect(label uint32, next []int32, fail error) bool {
	b := e.pipe.gen
	if fail != nil {
		b.pend = append(b.pend, pending{label: label, fail: fail})
		ends := e.checks&CheckSafety != 0 && !e.atBound
		b.ends = b.ends || ends
		return !ends
	}
	next = e.view.canon(next)
	n := len(b.packed)
	b.packed = e.layout.Repack(b.packed, e.curPacked, e.cur, next)
	b.hashes = append(b.hashes, state.Hash(b.packed[n:]))
	b.pend = append(b.pend, pending{label: label})
	return true
}

// advance ends the expansion of the state whose transitions collect left
// in e.pipe.gen. With lag, it visits them two states later, as the level
// search's workers do (see pipeline). Without lag, or when the state has
// a failing transition that ends the search, which the next states must
// know of, it visits all that is pending.
func (e *explorer) advance() {
	p := &e.pipe
	if !e.lag || p.gen.ends {
		e.store.Warm(p.gen.hashes)
		e.drainAll()
		e.drain(p.gen)
		return
	}
	e.store.Prefetch(p.gen.hashes)
	e.store.Warm(p.mid.hashes)
	e.drain(p.ready)
	p.rotate()
}

// drainAll visits the transitions pending in the pipeline, in order.
func (e *explorer) drainAll() {
	for _, b := range e.pipe.waiting() {
		e.drain(b)
	}
}

// drain visits the transitions pending in b, in order, as visit would
// have one by one, up to the first that ends the expansion, and then
// records the state's successors. After a transition that reaches the
// state limit, it drops them: the search ends there.
func (e *explorer) drain(b *batch) {
	if b.pos < 0 {
		return
	}
	defer b.reset()
	if e.full {
		return
	}
	e.from = uint32(b.pos)
	if b.reduced {
		e.markReduced(e.from)
	}
	size, k := e.layout.PackedSize(), 0
	for _, p := range b.pend {
		if p.fail != nil {
			e.visit(p.label, nil, p.fail)
		} else {
			e.transitions++
			e.visitPacked(p.label, b.packed[k*size:(k+1)*size], b.hashes[k])
			k++
		}
		if e.fail != nil || e.full {
			break
		}
	}
	if !e.full {
		e.expanded(b.finished)
	}
}

// expanded records the successors visit has collected for the state
// expanded, the next one in id order, in the edge table; finished says
// it meets every goal.
func (e *explorer) expanded(finished bool) {
	if e.rec == nil {
		return
	}
	if finished {
		e.rec.finish(e.from)
	}
	if !e.rec.commit(e.rec.scratch) {
		e.rec = nil // too many transitions: the hang check regenerates
		return
	}
	e.rec.scratch = e.rec.scratch[:0]
}

// isFinished reports whether the state being expanded meets every goal,
// when the search records it (see Finisher).
func (e *explorer) isFinished() bool {
	return e.rec != nil && e.finisher != nil && e.finisher.AllFinished(e.cur)
}

// expand takes the transitions of the state being expanded, passing each
// to yield, and reports whether the state is a deadlock to report.
func (e *explorer) expand(yield func(uint32, []int32, error) bool) (deadlock bool) {
	before := e.transitions
	e.sys.Successors(e.cur, yield)
	return e.isDeadlock(e.cur, e.transitions > before)
}

// isDeadlock reports whether state cur, which has a transition if moved,
// is a deadlock the search reports: no transition, not Done, and
// deadlocks checked.
func (e *explorer) isDeadlock(cur []int32, moved bool) bool {
	return !moved && e.checks&CheckDeadlock != 0 && !e.sys.Done(cur)
}

// reduce tries to expand the state being expanded by its private step
// alone (see Reducer), and reports whether it did: when there is one and
// its successor is new, stored with an id of at least fresh or not at
// all. Then the state is marked reduced and the successor visited.
//
// The cycle proviso: a reduced state's successor has a greater id than
// its own, as fresh is above the id of the state being expanded (BFS:
// the first id of the next level; DFS: the next id to give). So on any
// cycle of the explored graph, the state with the greatest id is not
// reduced but fully expanded: no transition is deferred forever round a
// cycle, which is what keeps a reduction with singleton ample sets
// exact for deadlocks, safety and the hang check's AG EF (the classic
// conditions C0-C4 of Peled and of Gerth et al.; see docs/language.md,
// "Reductions"). The proviso depends only on what was stored before the
// level began, and on the level's own states in the order the sequential
// search finds them, so the level-synchronous search reduces the same
// states. States at the depth bound are not reduced.
func (e *explorer) reduce(fresh uint32) bool {
	if e.reducer == nil || e.atBound {
		return false
	}
	e.fresh = fresh
	return e.reducer.PrivateStep(e.cur, e.tryYield)
}

// tryPrivate is reduce's callback: it takes the private step if its
// successor is new.
func (e *explorer) tryPrivate(label uint32, next []int32) bool {
	next = e.view.canon(next)
	e.buf = e.layout.Repack(e.buf[:0], e.curPacked, e.cur, next)
	if id, ok := e.store.Lookup(e.buf); ok && id < e.fresh {
		return false
	}
	if e.pipe.gen != nil {
		e.pipe.gen.reduced = true // marked when drained
	} else {
		e.markReduced(e.from)
	}
	e.take(label, next, nil)
	return true
}

// markReduced records that state id was expanded by its private step
// alone.
func (e *explorer) markReduced(id uint32) {
	for int(id) >= 64*len(e.reduced) {
		e.reduced = append(e.reduced, 0)
	}
	e.reduced.set(id)
	e.nreduced++
}

// isReduced reports whether state id was expanded by its private step
// alone.
func (e *explorer) isReduced(id uint32) bool {
	return int(id) < 64*len(e.reduced) && e.reduced.has(id)
}

// successors calls yield for the transitions of state id, whose vector is
// cur, in the graph the search explored: its private step alone if the
// search reduced it, else all of them. The hang check and the trace
// replay regenerate successors with it.
func (e *explorer) successors(id uint32, cur []int32, yield func(uint32, []int32, error) bool) {
	if !e.isReduced(id) {
		e.sys.Successors(cur, yield)
		return
	}
	if !e.reducer.PrivateStep(cur, func(label uint32, next []int32) bool {
		yield(label, next, nil)
		return true
	}) {
		panic(fmt.Sprintf("explore: state %d was reduced, but has no private step now", id))
	}
}

// check returns the invariant violation of the state being expanded, nil
// if there is none or safety is not checked.
func (e *explorer) check() error {
	if e.checks&CheckSafety == 0 {
		return nil
	}
	e.cover()
	return e.sys.Check(e.cur)
}

// end returns the result for the findings that stop a search, and ok
// false if there are none.
func (e *explorer) end() (r Result, ok bool) {
	switch {
	case e.fail != nil:
		return Result{
			Verdict:      Violation,
			Failure:      e.fail,
			FailLabel:    e.failLabel,
			HasFailLabel: true,
			Trace:        e.trace(e.failFrom),
		}, true
	case e.full:
		return incomplete(fmt.Sprintf("max-states %d reached", e.limit)), true
	}
	return Result{}, false
}

// finish returns the result of a search that ran out of states.
func (e *explorer) finish() Result {
	if e.cut {
		return incomplete(fmt.Sprintf("max-depth %d (transitions beyond it not explored)", e.bound))
	}
	return Result{Verdict: Verified}
}

// invariant returns the violation of err by state id.
func (e *explorer) invariant(err error, id uint32) Result {
	return Result{Verdict: Violation, Failure: err, Trace: e.trace(id)}
}

// deadlock returns the deadlock of state id.
func (e *explorer) deadlock(id uint32) Result {
	return Result{Verdict: Deadlock, Trace: e.trace(id)}
}

func incomplete(why string) Result {
	return Result{Verdict: Incomplete, Incomplete: why}
}

// trace rebuilds the path from the initial state to state id from the
// parent links.
func (e *explorer) trace(id uint32) []Step {
	if e.fp {
		return e.replay(id)
	}
	n := 1
	for x := id; x != 0; x = e.parent.at(x) {
		n++
	}
	steps := make([]Step, n)
	for i, x := n-1, id; i >= 0; i, x = i-1, e.parent.at(x) {
		st := make([]int32, e.layout.NumSlots())
		e.layout.Unpack(st, e.store.Get(x))
		steps[i] = Step{Label: e.label.at(x), State: st}
	}
	return steps
}

// stats returns the statistics of a run that took elapsed.
func (e *explorer) stats(elapsed time.Duration) Stats {
	s := Stats{
		States:        int64(e.count()),
		Transitions:   e.transitions,
		MaxDepth:      e.deepest,
		Reduced:       e.nreduced,
		Elapsed:       elapsed,
		PeakHeapBytes: e.mon.peakHeap,
		HangCheck:     e.hangTime,
		HangBytes:     e.hangBytes,
		HangSweeps:    e.hangSweeps,
		QueueBytes:    e.queueBytes,
		Workers:       e.workers,
	}
	if e.fp {
		s.StoreBytes = e.fps.Bytes()
		s.MissProbability = state.MissProbability(s.States)
	} else {
		s.StoreBytes = e.store.Bytes() + e.parent.bytes() + e.label.bytes()
	}
	s.StoreBytes += int64(8 * cap(e.reduced)) // a bit a state with POR
	if sec := (elapsed - e.hangTime).Seconds(); sec > 0 {
		s.StatesPerSec = float64(s.States) / sec
	}
	s.BytesPerState = float64(s.StoreBytes) / float64(s.States)
	s.HangBytesPerState = float64(s.HangBytes) / float64(s.States)
	return s
}
