package explore

import "github.com/ipicheck/ipicheck/state"

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
	yield := e.collect // a method value allocates: once
	e.take = yield
	e.pipe = newPipeline()
	// Visiting a state's transitions two states later (advance) would
	// check and expand states past the one that reaches a state limit.
	e.lag = e.limit == state.MaxStates
	var found bool
	probe := func(uint32, []int32, error) bool {
		found = true
		return false
	}
	depth, levelEnd := 0, 1
	for id := 0; ; id++ {
		if id == levelEnd || id >= e.store.Len() {
			// The transitions pending add states to the next level.
			e.drainAll()
			if e.full || id >= e.store.Len() {
				break
			}
		}
		if id == levelEnd {
			if e.fail != nil {
				break
			}
			depth, levelEnd = depth+1, e.store.Len()
		}
		if e.mon.due.Load() {
			if why := e.mon.poll(e.store.Len(), e.store.Len()-id, e.deepest); why != "" {
				e.drainAll()
				return incomplete(why)
			}
		}
		e.load(uint32(id), depth)
		if err := e.check(); err != nil {
			// The transitions pending come first, as they would have.
			if e.drainAll(); e.full {
				break
			}
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
		e.pipe.gen.pos, e.pipe.gen.finished = id, e.isFinished()
		if !e.reduce(uint32(levelEnd)) {
			e.sys.Successors(e.cur, yield)
			if e.isDeadlock(e.cur, len(e.pipe.gen.pend) > 0) {
				if e.drainAll(); e.full {
					break
				}
				return e.deadlock(uint32(id))
			}
		}
		if e.advance(); e.full {
			break
		}
	}
	if r, ok := e.end(); ok {
		return r
	}
	return e.finish()
}
