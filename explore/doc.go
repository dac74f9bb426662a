// Package explore searches the state space of a System exhaustively and
// checks its properties: invariants on every reachable state, transitions
// that fail, deadlocks (states with no transition that are not proper
// end states), and for a System that implements Liveness, hangs (states
// from which the run can only go round forever without meeting its goals,
// such as a CPU spinning while a timer ticks). Options.Checks selects
// them.
//
// The search stores every reachable state once, bit-packed, in a
// state.Store, and beside it only a parent link and a label per state;
// a counterexample trace is rebuilt at the end by walking the parent links
// back to the initial state. In fingerprint mode (Options.Fingerprint) it
// stores only a 64-bit hash of each state and its parent link, in a
// state.FPSet, and rebuilds a trace by replaying transitions from the
// initial state (fingerprint.go). Breadth-first search, the default,
// reports a shortest counterexample; it runs on Options.Workers
// goroutines, one level at a time (levels.go). Hangs are looked for after
// the search, by a pass over the stored states that finds the strongly
// connected components of the state graph without storing its edges
// (hang.go). With Options.POR, a System that implements Reducer has its
// private steps taken alone where the cycle proviso allows, a
// partial-order reduction that keeps every verdict (Reducer, run.go's
// reduce). Every run is deterministic: the same System and Options,
// whatever the number of workers, give the same verdict, counts and
// trace.
package explore
