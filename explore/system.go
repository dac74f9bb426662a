package explore

import "github.com/ipicheck/ipicheck/state"

// System is the transition system the explorer searches. The model package
// compiles a protocol spec into one; tests use small hand-made ones.
//
// States are fixed-size vectors of int32 slots whose domains the Layout
// describes. Labels are opaque to the explorer: the System that produced a
// label can replay it, which is how traces are rebuilt from parent links.
type System interface {
	// Layout describes the slots of a state vector and their domains.
	Layout() *state.Layout
	// Initial returns the single initial state.
	Initial() []int32
	// Successors calls yield once for each transition enabled in cur, in a
	// deterministic order. next is only valid during the call to yield.
	// When executing a transition fails (an assertion, a value outside
	// its domain) yield receives fail != nil and next == nil: the failure
	// is a property violation reached by taking label from cur. Successors
	// stops early when yield returns false.
	Successors(cur []int32, yield func(label uint32, next []int32, fail error) bool)
	// Check returns a non-nil error when st violates a declared invariant.
	Check(st []int32) error
	// Done reports whether st is a proper end state: every CPU finished.
	// A state with no successors that is not Done is a deadlock.
	Done(st []int32) bool
}
