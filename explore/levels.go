package explore

import (
	"math"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/ipicheck/ipicheck/state"
)

// The level-synchronous search: breadth-first, one level at a time. The
// states of level d are cut into chunks of consecutive states, which the
// workers take in turn, and which the coordinator (worker 0, the
// goroutine of Run) merges, in order, as they are done.
//
// Expansion (any worker): a worker checks each state of its chunk and
// takes its transitions, exactly as the sequential search (bfs.go) does,
// but stores nothing. It looks each successor up in the visited set and
// drops those found; it keeps the others, the candidates, in the chunk's
// buffer, in order, packed and hashed, with the position of their parent
// in the level and their label. It notes the chunk's findings: its
// transitions, its first failing transition, and its first state that
// violates an invariant or is a deadlock.
//
// Merge (the coordinator alone, between its own chunks and at the end of
// the level): the candidates of each chunk are inserted in order. The
// candidates of level d in chunk order are the successors of level d's
// states, in the order the sequential search finds them, less some that
// are stored: those of levels 0..d, and those of level d+1 merged before
// the worker looked, which all precede it in that order. So a candidate
// is new exactly when the sequential search finds it new, and the merge
// gives each new state the id, the parent and the label the sequential
// search gives it, whatever the number of workers, the chunk size, and
// the timing. The findings are replayed the same way: a chunk's counts
// are those of the states the sequential search expands in it (a worker
// stops expanding at its chunk's first finding), and the first finding in
// chunk order is the one the sequential search reports, with the same
// counts. So the verdict, the counts, the trace and the ids are those of
// the sequential search: the tests compare them.
//
// The visited set has one writer, the merge, and lock-free readers, the
// workers' lookups: the merge publishes each new state with a release
// store of its entry (state.Store), so a worker finds it whole or not at
// all, and the merge looks each candidate up again as it stores it. A
// set that the workers inserted into, sharded or lock-free, would number
// the states in the order the inserts happen to win, and need a
// renumbering pass to make the ids, the parents and the traces
// deterministic. (The merge once staged a level's states in a table of
// their own and moved them to the workers' at the level's end: the
// second table write cost more than the merge's probes of the large
// table save.)
//
// In fingerprint mode the store holds no states, so the level and the
// next are kept whole in queues; the merge appends each new state to the
// next level's, and renumbers the ids the queues hold when the set grows.
// Exact mode needs no queue: a level is a range of ids of the store.
//
// With partial-order reduction, a worker expands a state by its private
// step alone when the step's successor is new (explorer.reduce): not
// stored, or stored in the next level. In exact mode that is an id of at
// least the next level's first; in fingerprint mode, whose ids are slots
// in no order, a fingerprint in nextFPs, the set of the next level's
// states, which the merge inserts into before the visited set. Either
// way a state found in the visited set is found in the next level if it
// is one, so the worker classifies it as the sequential search does,
// whatever the timing. The chunk lists the positions it reduced; the
// merge marks them.

// chunkStates is the number of states in a chunk, unless a test sets
// Options.chunkStates. Larger chunks find more of their successors among
// their own candidates (chunkcands.go); 256 ran scale 4x1 with two
// workers 3-6% faster than 64.
const chunkStates = 256

// A cand is a successor found in a level and not stored before it: its
// packed state is in the chunk's buffer at the same index.
type cand struct {
	hash  uint64
	from  uint32 // the position of its parent in the level
	label uint32
	trans int64 // the chunk's transitions up to and including this one
}

// A chunk is the result of expanding a run of consecutive states of a
// level.
type chunk struct {
	start, end  int // positions in the level
	packed      []byte
	cands       []cand
	transitions int64
	cut         bool
	// failAt is the position of the state with the chunk's first failing
	// transition, -1 if none; the chunk's states after it are checked
	// but not expanded.
	failAt    int
	failLabel uint32
	failErr   error
	// stopAt is the position of the first state that violates an
	// invariant (stopErr) or is a deadlock (stopErr nil), -1 if none;
	// the chunk ends there.
	stopAt  int
	stopErr error
	// reduced lists the positions of the states expanded by their
	// private step alone, in order.
	reduced []int32
	// When the search records the edges for the hang check: succ holds
	// the successors of the states expanded, in order, each a state id
	// or, negative, -1-k for candidate k; ends[i] is the end in succ of
	// the successors of the chunk's state i; fails lists the positions
	// with a failing transition. candIDs holds the candidates' ids, for
	// the merge.
	succ     []int64
	ends     []int32
	fails    []int32
	finished []int32
	candIDs  []uint32
	// done is set when the chunk is expanded (or skipped), for the
	// coordinator, which merges the chunks in order as they are done.
	done atomic.Bool
	// Chunks next to each other in memory are expanded at the same time
	// on different cores.
	_ cacheLinePad
}

// levelSearch holds the level-synchronous search. Its fields are in
// three groups, each on cache lines of its own: those the workers read on
// every state, which change only between levels; those the workers
// write as they take chunks; and the coordinator's, which its merge
// writes all the time.
type levelSearch struct {
	e       *explorer
	size    int
	chunk   int // states in a chunk
	workers []*worker
	wg      sync.WaitGroup

	// The level being expanded.
	depth   int
	n       int
	lo      uint32   // exact mode: its ids are lo..lo+n-1
	ids     []uint32 // fingerprint mode: its states' ids
	states  []byte   // fingerprint mode: its packed states
	chunks  []*chunk // the first nchunks are the level's
	nchunks int

	// record says the workers record the level's edges (see edges.go):
	// it changes only between levels, while e.rec may be dropped by the
	// merge at any time.
	record bool
	// nextFPs holds the fingerprints of the next level's states, in
	// fingerprint mode with partial-order reduction.
	nextFPs *state.FPSet

	_ cacheLinePad

	taken atomic.Int64 // chunks handed out
	// stopChunk is the least chunk with a stopAt, failChunk with a
	// failAt: workers skip chunks after the first, and only check the
	// states of those after the second.
	stopChunk, failChunk atomic.Int64
	abort                atomic.Bool

	_ cacheLinePad

	why string // why the coordinator aborted
	// The merge, by the coordinator: the chunks before merged are merged;
	// failed says one had a failing transition; result is the result
	// when a chunk ends the search.
	merged int
	failed bool
	result *Result
	// hashes is the merge's scratch for warm.
	hashes []uint64

	// The next level, in fingerprint mode.
	nextIDs    []uint32
	nextStates []byte
}

// A worker expands the states of the chunks it takes.
type worker struct {
	ls        *levelSearch
	cur       []int32
	curPacked []byte
	buf       []byte
	cov       *coverage // its own, merged at the end
	c         *chunk    // the chunk being expanded
	pos       int       // the position of the state being expanded
	atBound   bool
	found     bool      // probe: a transition was found
	view      *symView  // its canonicalization, under symmetry
	kept      candIndex // the candidates of its chunk, by state
	// pipe holds the successors of the state being expanded, and of the
	// two before, waiting for drain.
	pipe     pipeline
	panicked any // a panic of the worker's goroutine, for the coordinator

	visitYield, probeYield func(uint32, []int32, error) bool
	tryYield               func(uint32, []int32) bool
	start                  chan struct{}
	// Each worker writes its fields on every transition.
	_ cacheLinePad
}

// levels runs the level-synchronous search.
func (e *explorer) levels() Result {
	ls := &levelSearch{e: e, size: e.layout.PackedSize(), n: 1, chunk: e.chunkStates}
	if e.fp {
		ls.ids = []uint32{e.root}
		ls.states = e.layout.Pack(nil, e.initial())
		if e.reducer != nil {
			ls.nextFPs = state.NewFPSet()
		}
	}
	for range e.workers {
		w := &worker{
			ls:   ls,
			cur:  withSlack[int32](e.layout.NumSlots()),
			buf:  withSlack[byte](ls.size)[:0],
			view: newSymView(e.sym, e.layout.NumSlots()),
			kept: newCandIndex(),
			pipe: newPipeline(),
		}
		if e.cov != nil {
			w.cov = newCoverage(e.sys, e.checks)
		}
		w.visitYield, w.probeYield, w.tryYield = w.visit, w.probe, w.try
		ls.workers = append(ls.workers, w)
	}
	defer ls.close()
	for ls.n > 0 {
		if r, done := ls.level(); done {
			return r
		}
		ls.next()
	}
	return e.finish()
}

// level expands and merges the level, and returns the result if the
// search ends in it.
func (ls *levelSearch) level() (r Result, done bool) {
	ls.expand()
	if p := ls.panicked(); p != nil {
		panic(p)
	}
	if ls.why == "" && ls.result == nil {
		// The chunks the coordinator has not merged while it expanded.
		ls.mergeReady()
	}
	if ls.why != "" {
		return incomplete(ls.why), true
	}
	if ls.result != nil {
		return *ls.result, true
	}
	if ls.failed {
		return ls.e.end()
	}
	return Result{}, false
}

// close stops the workers' goroutines and merges their coverage.
func (ls *levelSearch) close() {
	for _, w := range ls.workers[1:] {
		if w.start != nil {
			close(w.start)
		}
	}
	e := ls.e
	if e.cov == nil {
		return
	}
	for _, w := range ls.workers {
		for i, h := range w.cov.hit {
			e.cov.hit[i] = e.cov.hit[i] || h
		}
	}
	e.cov.left = 0
	for _, h := range e.cov.hit {
		if !h {
			e.cov.left++
		}
	}
}

// panicked returns the first panic of a worker's goroutine in the last
// expansion, so that it reaches the caller of Run as the sequential
// search's would.
func (ls *levelSearch) panicked() any {
	for _, w := range ls.workers {
		if w.panicked != nil {
			return w.panicked
		}
	}
	return nil
}

// expand runs the expansion of the level: the workers take the chunks,
// the coordinator (worker 0) with them, and the coordinator merges the
// chunks done, in order, between its own.
func (ls *levelSearch) expand() {
	ls.nchunks = (ls.n + ls.chunk - 1) / ls.chunk
	for len(ls.chunks) < ls.nchunks {
		ls.chunks = append(ls.chunks, &chunk{})
	}
	for i, c := range ls.chunks[:ls.nchunks] {
		c.start, c.end = i*ls.chunk, min(ls.n, (i+1)*ls.chunk)
		c.done.Store(false)
	}
	ls.taken.Store(0)
	ls.stopChunk.Store(math.MaxInt64)
	ls.failChunk.Store(math.MaxInt64)
	ls.merged, ls.failed, ls.result = 0, false, nil
	ls.record = ls.e.rec != nil
	// Helpers start when a level first has chunks for them: the first
	// levels, and all of a small search, run on the coordinator alone.
	helpers := ls.workers[1:min(len(ls.workers), ls.nchunks)]
	ls.wg.Add(len(helpers))
	for _, w := range helpers {
		if w.start == nil {
			w.start = make(chan struct{})
			go w.loop()
		}
		w.start <- struct{}{}
	}
	func() {
		defer ls.workers[0].recover()
		ls.workers[0].work(true)
	}()
	ls.wg.Wait()
	ls.holdQueue()
}

// loop is a helper worker's goroutine: it works a level each time it is
// started.
func (w *worker) loop() {
	for range w.start {
		func() {
			defer w.ls.wg.Done()
			defer w.recover()
			w.work(false)
		}()
	}
}

// recover keeps a panic of the worker for the coordinator, and aborts the
// level.
func (w *worker) recover() {
	if p := recover(); p != nil {
		w.panicked = p
		w.ls.abort.Store(true)
	}
}

// work takes chunks until there are none left. The coordinator also
// merges the chunks done between its own, and polls the monitor; it
// aborts the level when the run must stop or the merge ends the search.
func (w *worker) work(coordinator bool) {
	ls := w.ls
	e := ls.e
	for !ls.abort.Load() {
		i := ls.taken.Add(1) - 1
		if i >= int64(ls.nchunks) {
			return
		}
		c := ls.chunks[i]
		// A chunk after one where the search stops is skipped: the
		// merge ends before it.
		if i <= ls.stopChunk.Load() {
			w.expandChunk(c, i > ls.failChunk.Load())
			if c.stopAt >= 0 {
				minStore(&ls.stopChunk, i)
			} else if c.failAt >= 0 {
				minStore(&ls.failChunk, i)
			}
		}
		c.done.Store(true)
		if !coordinator {
			continue
		}
		if !e.mergeAfter {
			if ls.mergeReady(); ls.result != nil {
				ls.abort.Store(true)
				return
			}
		}
		if e.mon.due.Load() {
			done := (int(i) + 1) * ls.chunk
			if why := e.mon.poll(e.count(), max(0, ls.n-done)+len(ls.nextIDs), e.deepest); why != "" {
				ls.why = why
				ls.abort.Store(true)
			}
		}
	}
}

// minStore lowers a to i if i is less.
func minStore(a *atomic.Int64, i int64) {
	for {
		old := a.Load()
		if i >= old || a.CompareAndSwap(old, i) {
			return
		}
	}
}

// expandChunk checks and expands the states of c, as the sequential search
// would, but stores nothing. checkOnly says a failing transition was
// found in an earlier chunk: the states are then only checked, as the
// sequential search only checks the states after a failing transition.
func (w *worker) expandChunk(c *chunk, checkOnly bool) {
	ls := w.ls
	e := ls.e
	c.packed, c.cands = c.packed[:0], c.cands[:0]
	c.transitions, c.cut = 0, false
	c.failAt, c.failLabel, c.failErr = -1, 0, nil
	c.stopAt, c.stopErr = -1, nil
	c.reduced = c.reduced[:0]
	c.succ, c.ends, c.fails, c.finished = c.succ[:0], c.ends[:0], c.fails[:0], c.finished[:0]
	w.c = c
	w.kept.reset()
	w.pipe.gen.reset() // left by a chunk that ended at a deadlock
	w.atBound = e.bound > 0 && ls.depth >= e.bound
	for p := c.start; p < c.end; p++ {
		w.pos = p
		w.load(p)
		if e.checks&CheckSafety != 0 {
			if w.cov != nil {
				w.cov.cover(w.cur)
			}
			if err := e.sys.Check(w.cur); err != nil {
				w.drainAll()
				c.stopAt, c.stopErr = p, err
				return
			}
		}
		if checkOnly || c.failAt >= 0 {
			w.drainAll()
			if e.checks&CheckDeadlock == 0 {
				continue
			}
			w.found = false
			e.sys.Successors(w.cur, w.probeYield)
			if !w.found && !e.sys.Done(w.cur) {
				c.stopAt = p
				return
			}
			continue
		}
		if e.reducer != nil && !w.atBound && e.reducer.PrivateStep(w.cur, w.tryYield) {
			w.expanded(p, w.isFinished())
			continue
		}
		before := c.transitions
		w.pipe.gen.pos, w.pipe.gen.finished = p, w.isFinished()
		e.sys.Successors(w.cur, w.visitYield)
		if e.isDeadlock(w.cur, c.transitions > before) {
			w.drainAll()
			c.stopAt = p
			return
		}
		// The state's successors are looked up two states later: the
		// table entries they start at are loaded meanwhile, and then
		// the states those name, while the worker generates the next
		// states' successors.
		if !e.fp {
			e.store.Prefetch(w.pipe.gen.hashes)
			e.store.Warm(w.pipe.mid.hashes)
		}
		w.drain(w.pipe.ready)
		w.pipe.rotate()
	}
	w.drainAll()
}

// isFinished reports whether the state being expanded meets every goal,
// when the search records it (see Finisher).
func (w *worker) isFinished() bool {
	f := w.ls.e.finisher
	return w.ls.record && f != nil && f.AllFinished(w.cur)
}

// expanded ends the record of the successors of the state at position
// pos, which meets every goal if finished.
func (w *worker) expanded(pos int, finished bool) {
	if !w.ls.record {
		return
	}
	c := w.c
	c.ends = append(c.ends, int32(len(c.succ)))
	if finished {
		c.finished = append(c.finished, int32(pos))
	}
}

// edge records an edge to a stored state, id, or, if id is negative, to
// the chunk's next candidate.
func (w *worker) edge(id int64) {
	if !w.ls.record {
		return
	}
	if id < 0 {
		id = -1 - int64(len(w.c.cands))
	}
	w.c.succ = append(w.c.succ, id)
}

// edgeCand records an edge to the chunk's candidate k.
func (w *worker) edgeCand(k int) {
	if w.ls.record {
		w.c.succ = append(w.c.succ, -1-int64(k))
	}
}

// load unpacks the state at position p of the level into w.cur.
func (w *worker) load(p int) {
	ls := w.ls
	if ls.e.fp {
		w.curPacked = ls.states[p*ls.size : (p+1)*ls.size]
	} else {
		w.curPacked = ls.e.store.Get(ls.lo + uint32(p))
	}
	ls.e.layout.Unpack(w.cur, w.curPacked)
}

// visit handles a transition of the state being expanded, as
// explorer.visit does but for the store, which it only reads. It packs
// and hashes the successor, and leaves it pending: drain looks up the
// state's successors together, once it has them all.
func (w *worker) visit(label uint32, next []int32, fail error) bool {
	ls := w.ls
	e := ls.e
	c := w.c
	c.transitions++
	if fail != nil {
		switch {
		case e.checks&CheckSafety == 0:
			if ls.record {
				c.fails = append(c.fails, int32(w.pos))
			}
		case w.atBound:
			c.cut = true
		default:
			c.failAt, c.failLabel, c.failErr = w.pos, label, fail
			return false
		}
		return true
	}
	next = w.view.canon(next)
	b := w.pipe.gen
	n := len(b.packed)
	b.packed = e.layout.Repack(b.packed, w.curPacked, w.cur, next)
	b.hashes = append(b.hashes, e.hash(b.packed[n:]))
	b.pend = append(b.pend, pending{label: label, trans: c.transitions})
	return true
}

// drainAll drains the batches waiting, in order.
func (w *worker) drainAll() {
	for _, b := range w.pipe.waiting() {
		w.drain(b)
	}
}

// drain looks up the successors of the state in batch b, if there is one,
// in order, makes the new ones candidates of the chunk, and ends the
// state's record. expandChunk drains a state's batch two states after it
// generates it (see pipeline).
func (w *worker) drain(b *batch) {
	if b.pos < 0 {
		return
	}
	ls := w.ls
	e := ls.e
	c := w.c
	for i, p := range b.pend {
		packed := b.packed[i*ls.size : (i+1)*ls.size]
		h := b.hashes[i]
		if k, ok := w.kept.find(c, packed, h, ls.size); ok {
			w.edgeCand(k)
			continue
		}
		if id, ok := e.lookup(packed, h); ok {
			w.edge(int64(id))
			continue
		}
		if w.atBound {
			// Nothing is stored from a level at the bound: the successor
			// is one the sequential search would not find either.
			c.cut = true
			continue
		}
		w.keep(packed, p.label, h, p.trans, b.pos)
	}
	w.expanded(b.pos, b.finished)
	b.reset()
}

// keep makes packed, of hash h, a candidate of the chunk: the successor
// by label of the state at position from, and the chunk's transition
// number trans.
func (w *worker) keep(packed []byte, label uint32, h uint64, trans int64, from int) {
	c := w.c
	w.edge(-1)
	w.kept.add(h, len(c.cands))
	c.packed = append(c.packed, packed...)
	c.cands = append(c.cands, cand{hash: h, from: uint32(from), label: label, trans: trans})
}

// try is PrivateStep's callback: it takes the private step of the state
// being expanded alone if its successor is new, as explorer.tryPrivate
// does but for the store, which it only reads.
func (w *worker) try(label uint32, next []int32) bool {
	ls := w.ls
	e := ls.e
	c := w.c
	// The previous states' successors come first.
	w.drainAll()
	next = w.view.canon(next)
	w.buf = e.layout.Repack(w.buf[:0], w.curPacked, w.cur, next)
	h := e.hash(w.buf)
	if k, ok := w.kept.find(c, w.buf, h, ls.size); ok {
		// A candidate: a state of the next level.
		c.transitions++
		c.reduced = append(c.reduced, int32(w.pos))
		w.edgeCand(k)
		return true
	}
	if id, ok := e.lookup(w.buf, h); ok {
		if !ls.inNext(id, h) {
			return false
		}
		c.transitions++
		c.reduced = append(c.reduced, int32(w.pos))
		w.edge(int64(id))
		return true
	}
	c.transitions++
	c.reduced = append(c.reduced, int32(w.pos))
	w.keep(w.buf, label, h, c.transitions, w.pos)
	return true
}

// inNext reports whether a state found in the visited set is in the next
// level.
func (ls *levelSearch) inNext(id uint32, h uint64) bool {
	if ls.e.fp {
		_, ok := ls.nextFPs.Lookup(h)
		return ok
	}
	return id >= ls.lo+uint32(ls.n)
}

// probe notes that the state being checked has a transition.
func (w *worker) probe(uint32, []int32, error) bool {
	w.found = true
	return false
}

// id returns the id of the state at position p of the level.
func (ls *levelSearch) id(p int) uint32 {
	if ls.e.fp {
		return ls.ids[p]
	}
	return ls.lo + uint32(p)
}

// mergeReady merges, in order, the chunks done that follow those merged:
// it stores their candidates and replays their findings as the
// sequential search meets them. When the search ends in one, it sets
// ls.result. Only the coordinator merges; the workers may expand other
// chunks meanwhile, and look states up in the store it inserts into.
func (ls *levelSearch) mergeReady() {
	e := ls.e
	for ls.result == nil && ls.merged < ls.nchunks && ls.chunks[ls.merged].done.Load() {
		c := ls.chunks[ls.merged]
		ls.merged++
		if e.mon.due.Load() {
			if why := e.mon.poll(e.count(), ls.n-c.start+len(ls.nextIDs), e.deepest); why != "" {
				ls.end(incomplete(why))
				return
			}
		}
		if !ls.failed {
			c.candIDs = c.candIDs[:0]
			for k := range c.cands {
				if k%mergeBatch == 0 && !e.fp {
					ls.warm(c, k)
				}
				cd := &c.cands[k]
				packed := c.packed[k*ls.size : (k+1)*ls.size]
				if e.count() >= e.limit {
					id, ok := e.lookup(packed, cd.hash)
					if !ok {
						e.transitions += cd.trans
						ls.markReduced(c, int(cd.from))
						e.full = true
						r, _ := e.end()
						ls.end(r)
						return
					}
					c.candIDs = append(c.candIDs, id)
					continue
				}
				ls.insert(c, packed, cd)
			}
			ls.recordEdges(c)
			e.transitions += c.transitions
			ls.markReduced(c, c.end)
			e.cut = e.cut || c.cut
			if c.failAt >= 0 {
				// The rest of the level is only checked: its chunks'
				// expansions do not count.
				ls.failed = true
				e.fail, e.failFrom, e.failLabel = c.failErr, ls.id(c.failAt), c.failLabel
			}
		}
		if c.stopAt >= 0 {
			if c.stopErr != nil {
				ls.end(e.invariant(c.stopErr, ls.id(c.stopAt)))
			} else {
				ls.end(e.deadlock(ls.id(c.stopAt)))
			}
			return
		}
	}
}

// mergeBatch is the number of candidates whose lookups the merge warms
// the cache for at a time (see warm).
const mergeBatch = 16

// warm warms the cache for the merge's lookups of the candidates of chunk
// c from k on, mergeBatch of them (see state.Store.Warm and
// worker.drain).
func (ls *levelSearch) warm(c *chunk, k int) {
	hs := ls.hashes[:0]
	for _, cd := range c.cands[k:min(k+mergeBatch, len(c.cands))] {
		hs = append(hs, cd.hash)
	}
	ls.e.store.Warm(hs)
	ls.hashes = hs
}

// markReduced marks the states of chunk c expanded by their private step
// alone, up to position last included.
func (ls *levelSearch) markReduced(c *chunk, last int) {
	for _, p := range c.reduced {
		if int(p) > last {
			break
		}
		ls.e.markReduced(ls.id(int(p)))
	}
}

// end notes the result of the search, which ends in the level.
func (ls *levelSearch) end(r Result) { ls.result = &r }

// recordEdges adds the edges of chunk c, merged, to the edge table, or
// drops the table if the chunk does not record them all: when the search
// ends in it, and then no hang check needs them.
func (ls *levelSearch) recordEdges(c *chunk) {
	e := ls.e
	if e.rec == nil || !ls.record {
		return
	}
	if c.failAt >= 0 || c.stopAt >= 0 || len(c.ends) != c.end-c.start {
		e.rec = nil
		return
	}
	t := e.rec
	for _, p := range c.fails {
		t.fail(ls.id(int(p)))
	}
	for _, p := range c.finished {
		t.finish(ls.id(int(p)))
	}
	var from int32
	for _, to := range c.ends {
		t.scratch = t.scratch[:0]
		for _, id := range c.succ[from:to] {
			if id < 0 {
				id = int64(c.candIDs[-1-id])
			}
			t.scratch = append(t.scratch, uint32(id))
		}
		from = to
		if !t.commit(t.scratch) {
			e.rec = nil // too many transitions: the hang check regenerates
			return
		}
	}
}

// insert stores a candidate of chunk c unless it is stored.
func (ls *levelSearch) insert(c *chunk, packed []byte, cd *cand) {
	e := ls.e
	from := ls.id(int(cd.from))
	if !e.fp {
		// The worker missed the candidate, but the merge may have
		// stored it since, from an earlier chunk.
		id, added := e.store.InsertHash(packed, cd.hash)
		if added {
			e.parent.push(from)
			e.label.push(cd.label)
			e.deepest = ls.depth + 1
		}
		if ls.record {
			c.candIDs = append(c.candIDs, id)
		}
		return
	}
	if e.fps.Full() {
		ls.grow()
		from = ls.id(int(cd.from))
	}
	if ls.nextFPs != nil {
		// Into nextFPs first: a worker that finds the state in the
		// visited set then finds it there.
		if _, ok := e.fps.Lookup(cd.hash); ok {
			return
		}
		if ls.nextFPs.Full() {
			ls.nextFPs.Grow()
		}
		ls.nextFPs.Insert(cd.hash, 0)
	}
	if id, added := e.fps.Insert(cd.hash, from); added {
		ls.nextIDs = append(ls.nextIDs, id)
		ls.nextStates = append(ls.nextStates, packed...)
		e.deepest = ls.depth + 1
	}
}

// grow grows the fingerprint set and renumbers the ids held.
func (ls *levelSearch) grow() {
	e := ls.e
	remap := e.fps.Grow()
	for _, ids := range [][]uint32{ls.ids, ls.nextIDs} {
		for i, id := range ids {
			ids[i] = remap[id]
		}
	}
	e.root = remap[e.root]
	if e.reduced != nil {
		old := e.reduced
		e.reduced = newBitset(e.fps.Slots())
		for id := range remap {
			if int(id) < 64*len(old) && old.has(uint32(id)) {
				e.reduced.set(remap[id])
			}
		}
	}
}

// next makes the next level the one to expand.
func (ls *levelSearch) next() {
	e := ls.e
	ls.depth++
	if e.fp {
		ls.ids, ls.nextIDs = ls.nextIDs, ls.ids[:0]
		ls.states, ls.nextStates = ls.nextStates, ls.states[:0]
		ls.n = len(ls.ids)
		if ls.nextFPs != nil {
			ls.nextFPs = state.NewFPSet()
		}
		ls.holdQueue()
		return
	}
	end := uint32(e.store.Len())
	ls.lo, ls.n = ls.lo+uint32(ls.n), int(end-(ls.lo+uint32(ls.n)))
}

// holdQueue notes the memory of the queues and the chunks' buffers.
func (ls *levelSearch) holdQueue() {
	n := int64(4*(cap(ls.ids)+cap(ls.nextIDs)) + cap(ls.states) + cap(ls.nextStates))
	for _, c := range ls.chunks {
		n += int64(cap(c.packed)) + int64(cap(c.cands))*int64(unsafe.Sizeof(cand{})) +
			int64(8*cap(c.succ)+4*(cap(c.ends)+cap(c.fails)+cap(c.finished)+cap(c.candIDs)))
	}
	ls.e.queueBytes = max(ls.e.queueBytes, n)
}

// A cacheLinePad keeps the fields before it and those after it on
// different cache lines, and out of the pair of lines that some CPUs
// fetch together: fields that one goroutine writes often must not share
// a line with those another reads often.
type cacheLinePad [128]byte

// withSlack returns a slice of n zero values followed by a cacheLinePad's
// worth of unused capacity: scratch that a worker writes on every
// transition, allocated one after the other for all workers, stays off
// the next worker's cache lines.
func withSlack[T any](n int) []T {
	var zero T
	size := max(1, int(unsafe.Sizeof(zero)))
	return make([]T, n, n+(len(cacheLinePad{})+size-1)/size)
}
