package explore

import (
	"fmt"
	"slices"
)

// replay rebuilds, in fingerprint mode, the path from the initial state
// to state id: the parent links give the ids along it, and each state is
// recomputed from the one before by taking its transitions, in the
// System's order, until one leads to a state whose fingerprint has the id
// wanted. That is the first transition to it, the one the search stored
// the link by, so the trace is the one exact mode gives (unless the
// search met a fingerprint collision on the way).
func (e *explorer) replay(id uint32) []Step {
	var ids []uint32
	for x := id; x != e.root; x = e.fps.Parent(x) {
		ids = append(ids, x)
	}
	slices.Reverse(ids)
	steps := make([]Step, 1, len(ids)+1)
	steps[0] = Step{State: e.initial()}
	cur := steps[0].State
	curPacked := e.layout.Pack(nil, cur)
	from := e.root
	for _, want := range ids {
		var step Step
		e.successors(from, cur, func(label uint32, next []int32, fail error) bool {
			if fail != nil {
				return true
			}
			next = e.view.canon(next)
			e.buf = e.layout.Repack(e.buf[:0], curPacked, cur, next)
			if got, ok := e.lookupPacked(e.buf); ok && got == want {
				step = Step{Label: label, State: slices.Clone(next)}
				return false
			}
			return true
		})
		if step.State == nil {
			panic(fmt.Sprintf("explore: no transition of %v leads to state %d", cur, want))
		}
		steps = append(steps, step)
		from = want
		cur = step.State
		curPacked = e.layout.Pack(curPacked[:0], cur)
	}
	return steps
}
