package explore

import (
	"math"

	"github.com/ipicheck/ipicheck/state"
)

// The edge table: the successor ids of every state, recorded by the
// breadth-first searches as they take the transitions, so that the hang
// check's SCC pass reads the graph instead of taking every transition a
// second time. Regenerating the transitions and looking every successor
// up again was most of the hang check's time, and ran on one core; the
// record costs the search an append per transition, which the level
// search's workers share.
//
// It costs 4 bytes per transition and 4 per state, so it is kept in exact
// mode only: fingerprint mode is for the searches whose states do not fit
// in memory, and there the SCC pass regenerates (tarjan.go), as it does
// after DFS, whose states are expanded in no id order, and when the
// record is dropped (more than about 4 billion transitions).

const (
	edgeBlockShift = 20 // successor ids in a block: 1M, 4 MiB
	edgeBlockSize  = 1 << edgeBlockShift
	edgeBlockMask  = edgeBlockSize - 1
)

// An edgeTable holds the successors of states 0, 1, 2, … in id order, each
// state's in the System's order. They live in fixed-size blocks, so the
// table grows without copying; a state's successors never straddle two
// blocks, so each is one slice of a block.
type edgeTable struct {
	blocks [][]uint32
	// ends.at(v) is the position after state v's successors, counting
	// every block as full; v's begin at the end of v-1's, or at the
	// start of the block its last one is in when they would have
	// straddled.
	ends column
	n    uint32 // the position after the last state's successors
	// fails holds the states with a failing transition, which are not
	// violations when safety is not checked, and lead out of the graph.
	fails bitset
	// finished holds the states the System's Finisher says meet every
	// goal, for the reach pass (reach.go).
	finished bitset
	// scratch collects the successors of the state being expanded.
	scratch []uint32
}

// commit appends the successors of the next state, and reports whether
// the table could take them.
func (t *edgeTable) commit(succ []uint32) bool {
	start := t.n
	if len(succ) > 0 && int(start&edgeBlockMask)+len(succ) > edgeBlockSize {
		start = (start>>edgeBlockShift + 1) << edgeBlockShift
	}
	if len(succ) > edgeBlockSize || uint64(start)+uint64(len(succ)) > math.MaxUint32 {
		return false
	}
	if len(succ) > 0 {
		k := int(start >> edgeBlockShift)
		for len(t.blocks) <= k {
			// The first block starts small and doubles, so that small
			// searches stay small; the others are allocated whole.
			size := edgeBlockSize
			if len(t.blocks) == 0 {
				size = 1024
			}
			b := make([]uint32, size)
			state.AdviseHuge(b)
			t.blocks = append(t.blocks, b)
		}
		b := t.blocks[k]
		end := int(start&edgeBlockMask) + len(succ)
		if end > len(b) {
			b = make([]uint32, min(edgeBlockSize, max(2*len(b), end)))
			copy(b, t.blocks[k])
			t.blocks[k] = b
		}
		copy(b[start&edgeBlockMask:], succ)
	}
	t.n = start + uint32(len(succ))
	t.ends.push(t.n)
	return true
}

// fail records that state id has a failing transition.
func (t *edgeTable) fail(id uint32) { t.fails.grow(id).set(id) }

// failed reports whether state id has a failing transition.
func (t *edgeTable) failed(id uint32) bool { return t.fails.holds(id) }

// finish records that state id meets every goal.
func (t *edgeTable) finish(id uint32) { t.finished.grow(id).set(id) }

// isFinished reports whether state id meets every goal.
func (t *edgeTable) isFinished(id uint32) bool { return t.finished.holds(id) }

// succ returns the successors of state v.
func (t *edgeTable) succ(v uint32) []uint32 {
	end := t.ends.at(v)
	var start uint32
	if v > 0 {
		start = t.ends.at(v - 1)
	}
	if start == end {
		return nil
	}
	if start>>edgeBlockShift != (end-1)>>edgeBlockShift {
		start = (end - 1) >> edgeBlockShift << edgeBlockShift
	}
	b := t.blocks[(end-1)>>edgeBlockShift]
	return b[start&edgeBlockMask : (end-1)&edgeBlockMask+1]
}

// states returns the number of states recorded.
func (t *edgeTable) states() int { return t.ends.len() }

// bytes returns the memory the table holds.
func (t *edgeTable) bytes() int64 {
	var n int64
	for _, b := range t.blocks {
		n += int64(4 * cap(b))
	}
	return n + t.ends.bytes() + int64(24*cap(t.blocks)+8*(cap(t.fails)+cap(t.finished))+4*cap(t.scratch))
}
