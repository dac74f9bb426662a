package explore

import "slices"

// A frame is a state on the DFS stack, found but not yet expanded.
type frame struct {
	id    uint32
	depth uint32 // less than the number of states, so it fits
}

// dfs explores depth first with an explicit stack of found states. The
// successors of a state are pushed so that the first in the System's order
// is expanded next; a counterexample is reported as soon as it is found,
// with the path of parent links that led to it.
func (e *explorer) dfs() Result {
	stack := []frame{{0, 0}}
	yield := func(label uint32, next []int32, fail error) bool {
		if id, added := e.visit(label, next, fail); added {
			stack = append(stack, frame{id, uint32(e.depth + 1)})
		}
		return e.fail == nil && !e.full
	}
	e.take = yield
	for len(stack) > 0 {
		if e.mon.due.Load() {
			if why := e.mon.poll(e.store.Len(), len(stack), e.deepest); why != "" {
				return incomplete(why)
			}
		}
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		e.load(f.id, int(f.depth))
		if err := e.check(); err != nil {
			return e.invariant(err, f.id)
		}
		top := len(stack)
		if e.reduce(uint32(e.store.Len())) {
			if r, ok := e.end(); ok {
				return r
			}
			continue
		}
		if e.expand(yield) {
			return e.deadlock(f.id)
		}
		if r, ok := e.end(); ok {
			return r
		}
		slices.Reverse(stack[top:])
	}
	return e.finish()
}
