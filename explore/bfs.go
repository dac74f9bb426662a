package explore

// bfs explores breadth first. The store numbers states in the order they
// are found, so it is the queue itself: level d is a contiguous range of
// ids, and the states still to expand are those from the next id to Len.
//
// A counterexample found while expanding level d is d steps long
// (invariant, deadlock) or d+1 (failing transition). The d-step ones are
// reported at once; a failing transition is held until the rest of the
// level has been checked for the shorter kinds, which costs only their
// invariants and one transition each to rule out deadlock.
func (e *explorer) bfs() Result {
	yield := e.collect
	e.take = yield
	var found bool
	probe := func(uint32, []int32, error) bool {
		found = true
		return false
	}
	depth, levelEnd := 0, 1
	for id := 0; id < e.store.Len(); id++ {
		if id == levelEnd {
			if e.fail != nil {
				break
			}
			depth, levelEnd = depth+1, e.store.Len()
		}
		if e.mon.due.Load() {
			if why := e.mon.poll(e.store.Len(), e.store.Len()-id, e.deepest); why != "" {
				return incomplete(why)
			}
		}
		e.load(uint32(id), depth)
		if err := e.check(); err != nil {
			return e.invariant(err, uint32(id))
		}
		if e.fail != nil {
			if e.checks&CheckDeadlock == 0 {
				continue
			}
			found = false
			e.sys.Successors(e.cur, probe)
			if !found && !e.sys.Done(e.cur) {
				return e.deadlock(uint32(id))
			}
			continue
		}
		if e.reduce(uint32(levelEnd)) {
			e.flush()
			if e.full {
				break
			}
			e.expanded()
			continue
		}
		if e.expand(yield) {
			return e.deadlock(uint32(id))
		}
		if e.full {
			break
		}
		e.expanded()
	}
	if r, ok := e.end(); ok {
		return r
	}
	return e.finish()
}
