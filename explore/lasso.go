package explore

import (
	"fmt"
	"math"
	"slices"
	"unsafe"
)

// nearest returns the state of a bad bottom SCC with the shortest path of
// parent links from the initial state, the least id among equals, and the
// goals its SCC misses; ok is false if there is no bad bottom SCC. With
// BFS the path is a shortest one and, in exact mode, the state the least
// id, the first found, of any bad bottom SCC; with DFS it is the shortest
// trace there is to give.
//
// It must follow a complete run, and overwrites index with the depths of
// the parent links. In exact mode a parent's id is less than its child's,
// so one sweep in id order reads each state's mark just before replacing
// it with its depth, its parent's already there. In fingerprint mode ids
// are slots, in no such order, and index is 0 for a slot that holds no
// state: a depth is found by walking the parent links up to a state whose
// depth is known, with the walk's states kept on a stack.
func (p *sccPass) nearest() (entry uint32, unmet uint64, ok bool) {
	if len(p.bad) == 0 {
		return 0, 0, false
	}
	e := p.e
	best := uint32(goodSCC)
	if !e.fp {
		for id, mark := range p.index {
			var depth uint32
			if id > 0 {
				depth = p.index[e.parent.at(uint32(id))] + 1
			}
			p.index[id] = depth
			if mark != goodSCC && depth < best {
				best, entry, unmet, ok = depth, uint32(id), p.bad[mark-1], true
			}
		}
		return entry, unmet, ok
	}
	// In fingerprint mode: depths in a second array, as the marks must
	// stay until each state is looked at.
	const unknown = math.MaxUint32
	depths := make([]uint32, len(p.index))
	for i := range depths {
		depths[i] = unknown
	}
	depths[e.root] = 0
	var walk []uint32
	for id, mark := range p.index {
		if mark == 0 {
			continue // no state
		}
		x := uint32(id)
		for depths[x] == unknown {
			walk = append(walk, x)
			x = e.fps.Parent(x)
		}
		for d := depths[x]; len(walk) > 0; walk = walk[:len(walk)-1] {
			d++
			depths[walk[len(walk)-1]] = d
		}
		if depth := depths[id]; mark != goodSCC && depth < best {
			best, entry, unmet, ok = depth, uint32(id), p.bad[mark-1], true
		}
	}
	p.hold(int64(4*cap(depths) + 4*cap(walk)))
	return entry, unmet, ok
}

// A cycleNode is a state the lasso's search reached.
type cycleNode struct {
	id    uint32
	from  uint32 // the position in the queue of the state it was reached from
	label uint32 // the transition it was reached by
}

// cycle returns a shortest cycle from entry, whose state is entryState,
// in a bottom SCC with a transition, back to entry, found by a
// breadth-first search from entry that regenerates successors; as the SCC
// is bottom the search stays in it. It reuses index to mark the states
// reached, and returns why it stopped early, if it did. In fingerprint
// mode it keeps the packed states of its queue.
func (p *sccPass) cycle(entry uint32, entryState []int32) (steps []Step, stop string) {
	e := p.e
	clear(p.index) // index[v]: 1 + v's position in queue; 0 not reached
	queue := []cycleNode{{id: entry}}
	var states []byte // fingerprint mode: by position in queue
	if e.fp {
		states = e.layout.Pack(nil, entryState)
	}
	var (
		u          int    // the position of the state being expanded
		curPacked  []byte // its packed form
		closed     bool
		closeLabel uint32
	)
	yield := func(label uint32, next []int32, fail error) bool {
		if fail != nil {
			panic("explore: hang check: a failing transition in a bottom SCC")
		}
		next = e.view.canon(next)
		e.buf = e.layout.Repack(e.buf[:0], curPacked, e.cur, next)
		w, ok := e.lookupPacked(e.buf)
		switch {
		case !ok:
			panic(fmt.Sprintf("explore: hang check: a successor of state %d is not stored", queue[u].id))
		case w == entry:
			closed, closeLabel = true, label
			return false
		case p.index[w] == 0:
			p.index[w] = uint32(len(queue)) + 1
			queue = append(queue, cycleNode{id: w, from: uint32(u), label: label})
			if e.fp {
				states = append(states, e.buf...)
			}
		}
		return true
	}
	size := e.layout.PackedSize()
	packedAt := func(i int) []byte {
		if e.fp {
			return states[i*size : (i+1)*size]
		}
		return e.store.Get(queue[i].id)
	}
	for u = 0; !closed; u++ {
		if e.mon.due.Load() {
			if why := e.mon.pollHang(e.count(), e.count(), len(queue)-u); why != "" {
				return nil, why
			}
		}
		if u == len(queue) {
			panic(fmt.Sprintf("explore: hang check: state %d is on no cycle", entry))
		}
		curPacked = packedAt(u)
		e.layout.Unpack(e.cur, curPacked)
		e.successors(queue[u].id, e.cur, yield)
	}
	u-- // the state the cycle closes from
	p.hold(int64(cap(queue))*int64(unsafe.Sizeof(cycleNode{})) + int64(cap(states)))

	// The cycle's states back from u to entry along the links, reversed,
	// then entry.
	var at []int
	for i := u; i != 0; i = int(queue[i].from) {
		at = append(at, i)
	}
	slices.Reverse(at)
	steps = make([]Step, 0, len(at)+1)
	for _, i := range at {
		st := make([]int32, e.layout.NumSlots())
		e.layout.Unpack(st, packedAt(i))
		steps = append(steps, Step{Label: queue[i].label, State: st})
	}
	return append(steps, Step{Label: closeLabel, State: slices.Clone(entryState)}), ""
}
