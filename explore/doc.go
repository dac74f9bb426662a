// Package explore searches the state space of a System exhaustively and
// checks its properties: invariants on every reachable state, transitions
// that fail, and deadlocks (states with no transition that are not proper
// end states).
//
// The search stores every reachable state once, bit-packed, in a
// state.Store, and beside it only a parent link and a label per state;
// a counterexample trace is rebuilt at the end by walking the parent links
// back to the initial state. Breadth-first search, the default, reports a
// shortest counterexample. Every run is deterministic: the same System and
// Options give the same verdict, counts and trace.
package explore
