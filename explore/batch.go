package explore

// A pending successor waits, in the worker or the sequential explorer,
// for drain to look it up: its packed state and hash are at the same
// index in the batch's packed and hashes (the sequential search's
// failing transitions, pending too, have none).
type pending struct {
	label uint32
	trans int64 // the level search: the chunk's transitions up to and including this one
	fail  error // the sequential search: the transition fails
}

// A batch holds the pending successors of a state.
type batch struct {
	pend   []pending
	packed []byte
	hashes []uint64
	// pos is the position of the state in the level (the level search)
	// or its id (the sequential search), -1 for none; finished says it
	// meets every goal.
	pos      int
	finished bool
	// The sequential search: ends says a transition ends the search,
	// reduced that the state is expanded by its private step alone.
	ends, reduced bool
	// A worker writes its batches on every transition: they must not
	// share cache lines with another worker's.
	_ cacheLinePad
}

// reset empties the batch.
func (b *batch) reset() {
	b.pend, b.packed, b.hashes = b.pend[:0], b.packed[:0], b.hashes[:0]
	b.pos, b.finished, b.ends, b.reduced = -1, false, false, false
}

// A pipeline holds the batches of the states whose successors wait to
// be looked up: gen, of the state being expanded, and mid and ready, of
// the two before it. A search looks a state's successors up two states
// after it generates them: it starts loading the table entries the
// lookups start at after the first (state.Store.Prefetch), and the
// states those name after the second (state.Store.Warm), so that the
// cache misses of the lookups overlap each other and the work of
// generating the next states' successors, instead of following each
// other.
type pipeline struct{ gen, mid, ready *batch }

func newPipeline() pipeline {
	return pipeline{gen: &batch{pos: -1}, mid: &batch{pos: -1}, ready: &batch{pos: -1}}
}

// waiting returns the batches that wait, the oldest first.
func (p *pipeline) waiting() [2]*batch { return [2]*batch{p.ready, p.mid} }

// rotate makes gen wait, after ready is drained: it is the next gen.
func (p *pipeline) rotate() { p.ready, p.mid, p.gen = p.mid, p.gen, p.ready }
