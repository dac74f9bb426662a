package explore

import "github.com/ipicheck/ipicheck/state"

// System is the transition system the explorer searches. The model package
// compiles a protocol spec into one; tests use small hand-made ones.
//
// States are fixed-size vectors of int32 slots whose domains the Layout
// describes. Labels are opaque to the explorer: the System that produced a
// label can replay it, which is how traces are rebuilt from parent links.
//
// A parallel search (Options.Workers other than 1, which is what 0 means
// on a machine with more than one CPU) calls Successors, Check, Done and
// Coverage.Cover from several goroutines at once, each with its own
// vectors: they must be safe for concurrent use, and next must not be
// shared between concurrent calls of Successors. Layout and Initial are
// called first, from one goroutine; the Liveness methods only by the hang
// check, which runs on one.
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

// Liveness is implemented by systems whose hangs can be checked. Goals are
// bits (one per CPU in the model): a bottom SCC is fine when every goal in
// AllGoals is met in it, by one of its states (StateGoals) or by one of
// its transitions (TransitionGoals).
//
// A hang is a reachable bottom strongly connected component of the state
// graph (one that no transition leaves) that misses a goal: once there,
// the run goes round it forever and never meets that goal again.
// Equivalently, calling good the states of the bottom SCCs that meet
// every goal and the ends below, a hang is a reachable state from which
// no good state is reachable: the CTL property AG EF good fails. A single
// state with no transition at all is
// never a hang: it is a deadlock unless it is Done, reported as such or
// not at all (see CheckDeadlock). A failing transition, only seen when
// safety is not checked (see CheckSafety), leads out of its SCC to an end
// that is not reported, so its SCC is not bottom.
//
// A Done state that keeps transitions enabled (a timer ticking in an
// idle system) forms a bottom SCC like any other, so StateGoals of a Done
// state must include every goal. A System that does not implement
// Liveness is not checked for hangs.
//
// The methods are called with states of the System's layout; st and from
// are only valid during the call, and must not be modified. They must be
// deterministic. The hang check calls them only for the states and
// transitions of bottom SCCs, StateGoals at most once a state and
// TransitionGoals at most once a transition, and stops once the goals met
// in a component are all of AllGoals.
type Liveness interface {
	// AllGoals returns the goals every bottom SCC must meet.
	AllGoals() uint64
	// StateGoals returns the goals met in state st.
	StateGoals(st []int32) uint64
	// TransitionGoals returns the goals met by taking the transition
	// label from state from.
	TransitionGoals(from []int32, label uint32) uint64
}
