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
}
