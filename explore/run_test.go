package explore

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/ipicheck/ipicheck/state"
)

// ignoreTiming drops the stats that vary from run to run.
var ignoreTiming = cmpopts.IgnoreFields(Stats{}, "Elapsed", "StatesPerSec", "PeakHeapBytes", "StoreBytes", "BytesPerState",
	"HangCheck", "HangBytes", "HangBytesPerState", "QueueBytes", "Workers", "MissProbability")

// ignoreSweeps ignores whether the hang check's reach pass decided, which
// only it and the edge table the search records in exact mode can.
var ignoreSweeps = cmpopts.IgnoreFields(Stats{}, "HangSweeps")

// counts returns the deterministic stats.
func counts(states, transitions int64, depth int) Stats {
	return Stats{States: states, Transitions: transitions, MaxDepth: depth}
}

var runTests = []struct {
	name string
	sys  func() System
	want Result // for BFS
	// mixed: the system has counterexamples of two kinds, and DFS may
	// find the other one.
	mixed bool
}{
	{
		name: "one done state",
		sys:  func() System { return &graph{adj: [][]int32{{}}, done: nodes(0)} },
		want: Result{Verdict: Verified, Stats: counts(1, 0, 0)},
	},
	{
		name: "one deadlocked state",
		sys:  func() System { return &graph{adj: [][]int32{{}}} },
		want: Result{Verdict: Deadlock, Trace: path(0), Stats: counts(1, 0, 0)},
	},
	{
		name: "self loop",
		sys:  func() System { return &graph{adj: [][]int32{{0}}} },
		want: Result{Verdict: Verified, Stats: counts(1, 1, 0)},
	},
	{
		name: "cycle",
		sys:  func() System { return &graph{adj: [][]int32{{1}, {2}, {0}}} },
		want: Result{Verdict: Verified, Stats: counts(3, 3, 2)},
	},
	{
		name: "done leaves",
		sys:  func() System { return &graph{adj: [][]int32{{1, 2}, {}, {}}, done: nodes(1, 2)} },
		want: Result{Verdict: Verified, Stats: counts(3, 2, 1)},
	},
	{
		name: "shortest deadlock",
		sys: func() System {
			return &graph{adj: [][]int32{0: {1, 5}, 1: {2}, 2: {3}, 3: {4}, 4: {}, 5: {4}}}
		},
		want: Result{Verdict: Deadlock, Trace: path(0, 5, 4), Stats: counts(6, 5, 3)},
	},
	{
		name: "done state with successors",
		sys:  func() System { return &graph{adj: [][]int32{{1}, {2}, {}}, done: nodes(1)} },
		want: Result{Verdict: Deadlock, Trace: path(0, 1, 2), Stats: counts(3, 2, 2)},
	},
	{
		name: "invariant in initial state",
		sys:  func() System { return &graph{adj: [][]int32{{1}, {}}, bad: nodes(0)} },
		want: Result{Verdict: Violation, Failure: errBad, Trace: path(0), Stats: counts(1, 0, 0)},
	},
	{
		name: "shortest invariant violation",
		sys: func() System {
			return &graph{adj: [][]int32{0: {1, 4}, 1: {2}, 2: {3}, 3: {}, 4: {3}}, bad: nodes(3), done: nodes(3)}
		},
		want: Result{Verdict: Violation, Failure: errBad, Trace: path(0, 4, 3), Stats: counts(5, 5, 2)},
	},
	{
		name: "failing transition",
		sys:  func() System { return &graph{adj: [][]int32{{1}, {}}, fails: nodes(1)} },
		want: Result{Verdict: Violation, Failure: errFail, FailLabel: failLabel(1), HasFailLabel: true,
			Trace: path(0, 1), Stats: counts(2, 2, 1)},
	},
	{
		name: "failing transition from initial state",
		sys:  func() System { return &graph{adj: [][]int32{{}}, fails: nodes(0)} },
		want: Result{Verdict: Violation, Failure: errFail, FailLabel: failLabel(0), HasFailLabel: true,
			Trace: path(0), Stats: counts(1, 1, 0)},
	},
	{
		name:  "deadlock beats longer failure",
		sys:   func() System { return &graph{adj: [][]int32{{1, 2}, {}, {}}, fails: nodes(1)} },
		want:  Result{Verdict: Deadlock, Trace: path(0, 2), Stats: counts(3, 3, 1)},
		mixed: true,
	},
	{
		name: "invariant beats longer failure",
		sys: func() System {
			return &graph{adj: [][]int32{{1, 2}, {}, {}}, fails: nodes(1), bad: nodes(2), done: nodes(2)}
		},
		want:  Result{Verdict: Violation, Failure: errBad, Trace: path(0, 2), Stats: counts(3, 3, 1)},
		mixed: true,
	},
	{
		name: "failure before invariant of equal length",
		sys: func() System {
			return &graph{adj: [][]int32{{1, 2}, {}, {3}, {}}, fails: nodes(1), bad: nodes(3), done: nodes(3)}
		},
		want: Result{Verdict: Violation, Failure: errFail, FailLabel: failLabel(1), HasFailLabel: true,
			Trace: path(0, 1), Stats: counts(3, 3, 1)},
	},
	{
		name: "counters",
		sys:  func() System { return &counters{n: 3, k: 3} },
		want: Result{Verdict: Verified, Stats: counts(27, 54, 6)},
	},
	{
		name: "wrapping counters",
		sys:  func() System { return &counters{n: 3, k: 3, wrap: true} },
		want: Result{Verdict: Verified, Stats: counts(27, 81, 6)},
	},
	{
		name: "counters invariant",
		sys:  func() System { return &counters{n: 3, k: 3, badSum: 4} },
		want: Result{Verdict: Violation, Failure: errBad, Trace: []Step{
			{0, []int32{0, 0, 0}}, {0, []int32{1, 0, 0}}, {0, []int32{2, 0, 0}}, {1, []int32{2, 1, 0}}, {1, []int32{2, 2, 0}},
		}, Stats: counts(23, 42, 4)},
	},
	{
		name: "empty layout",
		sys:  func() System { return &counters{n: 0, k: 1} },
		want: Result{Verdict: Verified, Stats: counts(1, 0, 0)},
	},
	{
		name: "mixed-radix graph",
		sys: func() System {
			return &graph{
				adj:   [][]int32{0: {5, 11}, 5: {7}, 7: {0, 11}, 11: {}, 1: {}, 2: {}, 3: {}, 4: {}, 6: {}, 8: {}, 9: {}, 10: {}},
				slots: []state.Slot{{Name: "a", Min: -1, Max: 0}, {Name: "b", Min: 7, Max: 7}, {Name: "c", Min: 3, Max: 5}, {Name: "d", Min: 0, Max: 1}},
			}
		},
		want: Result{Verdict: Deadlock, Trace: []Step{{0, []int32{-1, 7, 3, 0}}, {11, []int32{0, 7, 5, 1}}}, Stats: counts(4, 3, 2)},
	},
}

func TestRunBFS(t *testing.T) {
	for _, tt := range runTests {
		t.Run(tt.name, func(t *testing.T) {
			sys := tt.sys()
			got := Run(context.Background(), sys, Options{})
			if diff := cmp.Diff(tt.want, got, ignoreTiming, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("Run (-want +got):\n%s", diff)
			}
			checkTrace(t, sys, got)
		})
	}
}

// TestRunDFS checks that DFS reaches the same verdicts, and the same
// counts when it explores everything (but depths: its paths are longer).
func TestRunDFS(t *testing.T) {
	for _, tt := range runTests {
		t.Run(tt.name, func(t *testing.T) {
			sys := tt.sys()
			got := Run(context.Background(), sys, Options{Search: DFS})
			checkTrace(t, sys, got)
			if !tt.mixed && got.Verdict != tt.want.Verdict {
				t.Errorf("Verdict = %v, want %v", got.Verdict, tt.want.Verdict)
			}
			if tt.want.Verdict == Verified {
				if diff := cmp.Diff(tt.want.Stats, got.Stats, ignoreTiming, cmpopts.IgnoreFields(Stats{}, "MaxDepth")); diff != "" {
					t.Errorf("Stats (-bfs +dfs):\n%s", diff)
				}
			}
		})
	}
}

// TestRunDFSOrder pins DFS's order: the first successor is explored first.
func TestRunDFSOrder(t *testing.T) {
	sys := &graph{adj: [][]int32{0: {1, 2}, 1: {3}, 2: {}, 3: {}}, done: nodes(2)}
	got := Run(context.Background(), sys, Options{Search: DFS})
	want := Result{Verdict: Deadlock, Trace: path(0, 1, 3), Stats: counts(4, 3, 2)}
	if diff := cmp.Diff(want, got, ignoreTiming); diff != "" {
		t.Errorf("Run (-want +got):\n%s", diff)
	}
}

func TestRunDeterministic(t *testing.T) {
	for _, search := range []Search{BFS, DFS} {
		for _, tt := range runTests {
			first := Run(context.Background(), tt.sys(), Options{Search: search})
			again := Run(context.Background(), tt.sys(), Options{Search: search})
			if diff := cmp.Diff(first, again, ignoreTiming, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("%v %s: second run differs (-first +second):\n%s", search, tt.name, diff)
			}
		}
	}
}

func TestStats(t *testing.T) {
	r := Run(context.Background(), &counters{n: 6, k: 4}, Options{})
	s := r.Stats
	if s.States != 4096 || s.Elapsed <= 0 || s.StatesPerSec <= 0 || s.PeakHeapBytes == 0 ||
		s.StoreBytes < 4096*(2+8) || s.BytesPerState != float64(s.StoreBytes)/4096 {
		t.Errorf("implausible stats %+v", s)
	}
}

// TestRunNoAllocPerState checks that the search allocates only to grow
// its tables, not once a state.
func TestRunNoAllocPerState(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes the test systems' sync.Pool drop vectors")
	}
	for _, search := range []Search{BFS, DFS} {
		sys := &counters{n: 8, k: 4} // 65536 states
		allocs := testing.AllocsPerRun(2, func() { Run(context.Background(), sys, Options{Search: search}) })
		if allocs > 200 {
			t.Errorf("%v: %v allocations for 65536 states", search, allocs)
		}
	}
}

func TestVerdictString(t *testing.T) {
	var got []string
	for _, v := range []Verdict{Verified, Deadlock, Violation, Incomplete, Hang, 9} {
		got = append(got, v.String())
	}
	got = append(got, BFS.String(), DFS.String(), fmt.Sprint(Search(5)))
	want := []string{"VERIFIED", "DEADLOCK", "VIOLATION", "INCOMPLETE", "HANG", "Verdict(9)", "bfs", "dfs", "Search(5)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("String (-want +got):\n%s", diff)
	}
}
