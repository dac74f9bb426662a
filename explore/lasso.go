package explore

import (
	"bytes"
	"fmt"
	"slices"
)

// nearest returns the state of a bad bottom SCC with the shortest path of
// parent links from the initial state, the least id among equals, and the
// goals its SCC misses; ok is false if there is no bad bottom SCC. With
// BFS the path is a shortest one and the state the least id of any bad
// bottom SCC; with DFS it is the shortest trace there is to give.
//
// It must follow a complete run, and overwrites index with the depths of
// the parent links: a parent's id is less than its child's, so one sweep
// in id order reads each state's mark just before replacing it with its
// depth, its parent's already there.
func (p *sccPass) nearest() (entry uint32, unmet uint64, ok bool) {
	if len(p.bad) == 0 {
		return 0, 0, false
	}
	best := uint32(goodSCC)
	for id, mark := range p.index {
		var depth uint32
		if id > 0 {
			depth = p.index[p.e.parent[id]] + 1
		}
		p.index[id] = depth
		if mark != goodSCC && depth < best {
			best, entry, unmet, ok = depth, uint32(id), p.bad[mark-1], true
		}
	}
	return entry, unmet, ok
}

// cycle returns a shortest cycle from entry, in a bottom SCC with a
// transition, back to entry, found by a breadth-first search from entry
// that regenerates successors; as the SCC is bottom the search stays in
// it. It reuses index for the search's parent links, and returns why it
// stopped early, if it did.
func (p *sccPass) cycle(entry uint32) (steps []Step, stop string) {
	e := p.e
	clear(p.index) // index[v]: 1 + the state v was reached from; 0 not reached
	queue := []uint32{entry}
	var u uint32 // the state being expanded
	closed := false
	yield := func(_ uint32, next []int32, fail error) bool {
		if fail != nil {
			panic("explore: hang check: a failing transition in a bottom SCC")
		}
		e.buf = e.layout.Pack(e.buf[:0], next)
		w, ok := e.store.Lookup(e.buf)
		switch {
		case !ok:
			panic(fmt.Sprintf("explore: hang check: a successor of state %d is not stored", u))
		case w == entry:
			closed = true
			return false
		case p.index[w] == 0:
			p.index[w] = u + 1
			queue = append(queue, w)
		}
		return true
	}
	for i := 0; !closed; i++ {
		if e.mon.due.Load() {
			if why := e.mon.pollHang(e.store.Len(), e.store.Len(), len(queue)-i); why != "" {
				return nil, why
			}
		}
		if i == len(queue) {
			panic(fmt.Sprintf("explore: hang check: state %d is on no cycle", entry))
		}
		u = queue[i]
		e.layout.Unpack(e.cur, e.store.Get(u))
		e.sys.Successors(e.cur, yield)
	}
	p.hold(4 * int64(cap(queue)))

	// The cycle's states, entry last: the states back from u to entry
	// along the parent links, reversed.
	ids := []uint32{entry}
	for v := u; v != entry; v = p.index[v] - 1 {
		ids = append(ids, v)
	}
	slices.Reverse(ids)
	steps = make([]Step, len(ids))
	from := entry
	for i, to := range ids {
		st := make([]int32, e.layout.NumSlots())
		e.layout.Unpack(st, e.store.Get(to))
		steps[i] = Step{Label: p.label(from, to), State: st}
		from = to
	}
	return steps, ""
}

// label returns the label of the first transition from state from to
// state to.
func (p *sccPass) label(from, to uint32) uint32 {
	e := p.e
	want := e.store.Get(to)
	var label uint32
	found := false
	e.layout.Unpack(e.cur, e.store.Get(from))
	e.sys.Successors(e.cur, func(l uint32, next []int32, fail error) bool {
		if fail == nil {
			e.buf = e.layout.Pack(e.buf[:0], next)
			found = bytes.Equal(e.buf, want)
			label = l
		}
		return !found
	})
	if !found {
		panic(fmt.Sprintf("explore: hang check: no transition from state %d to %d", from, to))
	}
	return label
}
