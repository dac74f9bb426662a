package explore

import (
	"fmt"
	"io"
	"time"
)

// Search is the order in which states are explored.
type Search int

const (
	// BFS explores states level by level, in order of their distance from
	// the initial state, so the first counterexample it finds is a
	// shortest one.
	BFS Search = iota
	// DFS explores the most recently found state first, with an explicit
	// stack. Its counterexamples are paths of the search tree, often
	// longer than BFS's; its frontier is often smaller.
	DFS
)

// String returns "bfs" or "dfs".
func (s Search) String() string {
	switch s {
	case BFS:
		return "bfs"
	case DFS:
		return "dfs"
	}
	return fmt.Sprintf("Search(%d)", int(s))
}

// Options control a Run. The zero value is a breadth-first search with no
// limits, every check, and no progress output.
type Options struct {
	Search Search
	// Checks is the set of properties checked; zero means CheckAll.
	Checks Check
	// MaxStates bounds the states stored: when one more would be, the run
	// ends Incomplete. 0 means no bound but the Store's own.
	MaxStates int
	// MaxDepth bounds the length of the paths explored: transitions from
	// states at this depth are not explored, and if any of them fails or
	// leads to a state not stored the run ends Incomplete. 0 means no
	// bound.
	MaxDepth int
	// Timeout ends the run Incomplete after this long. 0 means none.
	Timeout time.Duration
	// Progress receives a line on the run's progress every
	// ProgressInterval (default 1s). nil means no progress output.
	Progress         io.Writer
	ProgressInterval time.Duration
	// Terminal reports whether Progress is a terminal: the line is then
	// redrawn in place with \r and cleared at the end, rather than
	// printed as plain lines.
	Terminal bool

	// Workers is the number of goroutines that expand states in a
	// breadth-first search; 0 means runtime.GOMAXPROCS(0). With more
	// than one the search is level-synchronous (see levels.go): the
	// states of a level are expanded in parallel, and their successors
	// stored in the order a sequential search finds them, so the
	// verdict, the counts, the ids and the trace are the same whatever
	// the number. DFS and the hang check always run on one.
	Workers int
	// Fingerprint stores each state as a 64-bit hash of it with its
	// parent link, 16 bytes at most in all (state.FPSet), rather than
	// whole: a state whose hash equals another's is taken for it and
	// not explored, with the probability Stats.MissProbability. The
	// search keeps whole only the states of the level it expands and of
	// the next; traces are rebuilt by replaying transitions from the
	// initial state. Fingerprint mode needs BFS: with DFS the run ends
	// Incomplete at once.
	Fingerprint bool
	// Seed seeds the fingerprint hash (state.HashSeed): a run with
	// another seed has its own, independent chance of a collision.
	Seed uint64
	// Symmetry stores one state per class of states equal up to a
	// renaming of interchangeable processes, when the System implements
	// Symmetry (else it has no effect). Verdicts are those of the full
	// search; States counts classes; traces are real executions.
	Symmetry bool

	// POR turns on partial-order reduction, for a System that implements
	// Reducer (else it does nothing): a state whose private step leads to
	// a state not stored before is expanded by that step alone. The
	// verdict is the one the full search gives (deadlock, violation,
	// hang, uncovered or verified), and traces are real executions, but
	// the states, counts and the counterexample may differ. See Reducer
	// and explorer.reduce.
	POR bool

	// parallel makes the search level-synchronous even with one worker,
	// chunkStates, if positive, sets its chunk size, and mergeAfter makes
	// it merge a level only once it is expanded: for tests and
	// benchmarks.
	parallel    bool
	chunkStates int
	mergeAfter  bool
	// regenerate makes the hang check take the transitions again, as
	// it does in fingerprint mode, instead of reading the edges the
	// search recorded: for tests.
	regenerate bool
	// noReach makes the hang check skip the reach pass (reach.go) and
	// run the SCC pass: for tests.
	noReach bool
}
