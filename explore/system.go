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

// Finisher is implemented by Liveness systems that can tell cheaply
// whether a state meets every goal by itself. The breadth-first searches
// then note those states as they expand them, and the hang check first
// tries to prove that every state reaches one of them or an end, which
// rules out a hang and takes a fraction of the SCC pass's time (see
// reach.go). AllFinished must be safe for concurrent use, as the search's
// workers call it, and agree with StateGoals: it reports whether
// StateGoals(st) holds every goal of AllGoals.
type Finisher interface {
	AllFinished(st []int32) bool
}

// Reducer is implemented by systems that support partial-order reduction
// (Options.POR): they can name, in a state, a private step, a transition
// that is the only one its process (a CPU, in the model) has in the
// state and will have until it is taken, and that is independent of
// every other transition: it reads and writes only the process's
// private data, which nothing else reads, no invariant, coverage
// condition, goal or Done included, and is deterministic. Then taking it
// alone from the state (a singleton ample set), rather than every
// transition, preserves deadlocks, invariant and transition failures,
// coverage and hangs, provided the search never defers a transition
// forever round a cycle: the explorer takes the private step alone only
// when it leads to a state that was not stored before (the cycle
// proviso, see explorer.reduce).
//
// PrivateStep must be deterministic, and safe for concurrent use as
// Successors is: the hang check calls it again for the states the search
// reduced, and must get the same transition. The label and successor it
// passes to try must be those Successors yields for that transition.
type Reducer interface {
	// PrivateStep calls try with the label and the successor of the
	// private step of cur, if it has one, and returns what try returns;
	// else it returns false without calling try. next is only valid
	// during the call to try.
	PrivateStep(cur []int32, try func(label uint32, next []int32) bool) bool
}
