package explore

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// live returns a graph with the given goals and no goal met yet.
func live(all uint64, adj ...[]int32) *liveGraph {
	return &liveGraph{
		graph:      &graph{adj: adj, done: nodes(), fails: nodes(), bad: nodes()},
		all:        all,
		stateGoals: map[int32]uint64{},
		edgeGoals:  map[[2]int32]uint64{},
	}
}

func (g *liveGraph) withDone(ns ...int32) *liveGraph {
	for _, n := range ns {
		g.done[n] = true
	}
	return g
}

func (g *liveGraph) state(n int32, goals uint64) *liveGraph {
	g.stateGoals[n] = goals
	return g
}

func (g *liveGraph) edge(from, to int32, goals uint64) *liveGraph {
	g.edgeGoals[[2]int32{from, to}] = goals
	return g
}

// cycle returns the cycle of a graph with one slot through the given
// nodes, the last the entry.
func cycle(ns ...int32) []Step {
	steps := path(append([]int32{0}, ns...)...)
	return steps[1:]
}

// chain returns the adjacency of a path 0→1→…→n-1 with the given
// adjacency from node n-1 on.
func chain(n int, rest ...[]int32) [][]int32 {
	adj := make([][]int32, n-1, n-1+len(rest))
	for i := range adj {
		adj[i] = []int32{int32(i + 1)}
	}
	return append(adj, rest...)
}

var hangTests = []struct {
	name string
	sys  func() System
	opt  Options
	want Result // for BFS; DFS must agree on the verdict
}{
	{
		name: "a system without liveness is not hang-checked",
		sys:  func() System { return &graph{adj: [][]int32{{1}, {1}}} },
		want: Result{Verdict: Verified},
	},
	{
		name: "self-loop bottom SCC",
		sys:  func() System { return live(1, []int32{1}, []int32{1}) },
		want: Result{Verdict: Hang, Trace: path(0, 1), Cycle: cycle(1), UnmetGoals: 1},
	},
	{
		name: "self-loop meeting its goal in its state",
		sys:  func() System { return live(1, []int32{1}, []int32{1}).state(1, 1) },
		want: Result{Verdict: Verified},
	},
	{
		name: "goal met by the initial state only",
		sys:  func() System { return live(1, []int32{1}, []int32{1}).state(0, 1) },
		want: Result{Verdict: Hang, Trace: path(0, 1), Cycle: cycle(1), UnmetGoals: 1},
	},
	{
		name: "progress marker on the cycle",
		sys:  func() System { return live(1, []int32{1}, []int32{2}, []int32{1}).edge(2, 1, 1) },
		want: Result{Verdict: Verified},
	},
	{
		name: "progress marker on the way to the cycle",
		sys:  func() System { return live(1, []int32{1}, []int32{2}, []int32{1}).edge(0, 1, 1) },
		want: Result{Verdict: Hang, Trace: path(0, 1), Cycle: cycle(2, 1), UnmetGoals: 1},
	},
	{
		name: "goals shared by the states of a cycle",
		sys:  func() System { return live(3, []int32{1}, []int32{2}, []int32{1}).state(1, 1).state(2, 2) },
		want: Result{Verdict: Verified},
	},
	{
		name: "goals shared by a state and a transition",
		sys:  func() System { return live(3, []int32{1}, []int32{2}, []int32{1}).state(1, 1).edge(1, 2, 2) },
		want: Result{Verdict: Verified},
	},
	{
		name: "one goal of two missed",
		sys:  func() System { return live(3, []int32{1}, []int32{2}, []int32{1}).state(1, 1).edge(2, 1, 1) },
		want: Result{Verdict: Hang, Trace: path(0, 1), Cycle: cycle(2, 1), UnmetGoals: 2},
	},
	{
		name: "done state with a ticking timer",
		sys:  func() System { return live(1, []int32{1}, []int32{1}).withDone(1) },
		want: Result{Verdict: Verified},
	},
	{
		name: "done states with a timer cycling between them",
		sys:  func() System { return live(1, []int32{1}, []int32{2}, []int32{1}).withDone(1, 2) },
		want: Result{Verdict: Verified},
	},
	{
		name: "done state with no transition",
		sys:  func() System { return live(1, []int32{1}, []int32{}).withDone(1) },
		want: Result{Verdict: Verified},
	},
	{
		name: "a state with no transition is a deadlock, not a hang",
		sys:  func() System { return live(1, []int32{1}, []int32{}) },
		want: Result{Verdict: Deadlock, Trace: path(0, 1)},
	},
	{
		name: "initial state with no transition",
		sys:  func() System { return live(1, []int32{}) },
		want: Result{Verdict: Deadlock, Trace: path(0)},
	},
	{
		name: "a deadlock not checked is not a hang either",
		sys:  func() System { return live(1, []int32{1}, []int32{}) },
		opt:  Options{Checks: CheckSafety | CheckHang},
		want: Result{Verdict: Verified},
	},
	{
		name: "a deadlock is found before a hang",
		sys:  func() System { return live(1, []int32{1, 2}, []int32{1}, []int32{}) },
		want: Result{Verdict: Deadlock, Trace: path(0, 2)},
	},
	{
		name: "the hang beside a deadlock not checked",
		sys:  func() System { return live(1, []int32{1, 2}, []int32{1}, []int32{}) },
		opt:  Options{Checks: CheckHang},
		want: Result{Verdict: Hang, Trace: path(0, 1), Cycle: cycle(1), UnmetGoals: 1},
	},
	{
		name: "nested cycles",
		sys: func() System {
			return live(1, []int32{1}, []int32{2}, []int32{3, 4}, []int32{1, 4}, []int32{2})
		},
		want: Result{Verdict: Hang, Trace: path(0, 1), Cycle: cycle(2, 3, 1), UnmetGoals: 1},
	},
	{
		name: "nested cycles meeting the goal on the inner one",
		sys: func() System {
			return live(1, []int32{1}, []int32{2}, []int32{3, 4}, []int32{1, 4}, []int32{2}).edge(4, 2, 1)
		},
		want: Result{Verdict: Verified},
	},
	{
		name: "a cycle that can be left need meet no goal",
		sys: func() System {
			return live(1, []int32{1}, []int32{0, 2}, []int32{3}, []int32{2}).state(3, 1)
		},
		want: Result{Verdict: Verified},
	},
	{
		name: "bottom SCC below an SCC",
		sys: func() System {
			return live(1, []int32{1}, []int32{0, 2}, []int32{3}, []int32{2}).state(0, 1).state(1, 1)
		},
		want: Result{Verdict: Hang, Trace: path(0, 1, 2), Cycle: cycle(3, 2), UnmetGoals: 1},
	},
	{
		name: "several bottom SCCs: the nearest bad one",
		sys: func() System {
			return live(1,
				[]int32{9, 1, 2}, []int32{3}, []int32{5}, []int32{4}, []int32{3},
				[]int32{6}, []int32{7}, []int32{8}, []int32{7},
				[]int32{9},
			).state(9, 1)
		},
		want: Result{Verdict: Hang, Trace: path(0, 1, 3), Cycle: cycle(4, 3), UnmetGoals: 1},
	},
	{
		name: "a bad bottom SCC at the end of a long path",
		sys: func() System {
			g := live(1, chain(40, []int32{39, 40}, []int32{41}, []int32{41})...)
			g.adj[0] = append(g.adj[0], 42)
			g.adj = append(g.adj, []int32{})
			return g.withDone(42).state(40, 1)
		},
		want: Result{Verdict: Hang, Trace: path(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
			20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41),
			Cycle: cycle(41), UnmetGoals: 1},
	},
	{
		name: "the initial state in a ring",
		sys: func() System {
			return live(1, chain(10, []int32{0})...)
		},
		want: Result{Verdict: Hang, Trace: path(0), Cycle: cycle(1, 2, 3, 4, 5, 6, 7, 8, 9, 0), UnmetGoals: 1},
	},
	{
		name: "a ring meeting its goal on the way round",
		sys: func() System {
			return live(1, chain(10, []int32{0})...).edge(6, 7, 1)
		},
		want: Result{Verdict: Verified},
	},
	{
		name: "the shortest cycle: a self-loop",
		sys:  func() System { return live(1, []int32{1}, []int32{2, 1}, []int32{1}) },
		want: Result{Verdict: Hang, Trace: path(0, 1), Cycle: cycle(1), UnmetGoals: 1},
	},
	{
		name: "the shortest cycle: not the first found",
		sys: func() System {
			return live(1, []int32{1}, []int32{2, 4}, []int32{3}, []int32{1}, []int32{1})
		},
		want: Result{Verdict: Hang, Trace: path(0, 1), Cycle: cycle(4, 1), UnmetGoals: 1},
	},
	{
		name: "hang check off",
		sys:  func() System { return live(1, []int32{1}, []int32{1}) },
		opt:  Options{Checks: CheckDeadlock | CheckSafety},
		want: Result{Verdict: Verified},
	},
	{
		name: "an invariant violation is found before a hang",
		sys: func() System {
			g := live(1, []int32{1, 2}, []int32{1}, []int32{2})
			g.bad[2] = true
			return g
		},
		want: Result{Verdict: Violation, Failure: errBad, Trace: path(0, 2)},
	},
	{
		name: "the hang beside an invariant not checked",
		sys: func() System {
			g := live(1, []int32{1, 2}, []int32{1}, []int32{2}).state(1, 1)
			g.bad[2] = true
			return g
		},
		opt:  Options{Checks: CheckDeadlock | CheckHang},
		want: Result{Verdict: Hang, Trace: path(0, 2), Cycle: cycle(2), UnmetGoals: 1},
	},
	{
		name: "a failing transition not checked leaves the SCC",
		sys: func() System {
			g := live(1, []int32{1}, []int32{1})
			g.fails[1] = true
			return g
		},
		opt:  Options{Checks: CheckDeadlock | CheckHang},
		want: Result{Verdict: Verified},
	},
	{
		name: "a failing transition not checked is not a deadlock",
		sys: func() System {
			g := live(1, []int32{1}, []int32{})
			g.fails[1] = true
			return g
		},
		opt:  Options{Checks: CheckDeadlock | CheckHang},
		want: Result{Verdict: Verified},
	},
	{
		name: "a failing transition is found before a hang",
		sys: func() System {
			g := live(1, []int32{1, 2}, []int32{1}, []int32{})
			g.fails[2] = true
			return g
		},
		want: Result{Verdict: Violation, Failure: errFail, FailLabel: failLabel(2), HasFailLabel: true, Trace: path(0, 2)},
	},
	{
		name: "spinning with the timer ticking",
		sys:  func() System { return &spinner{counters: counters{n: 2, k: 2}, stuck: true, tick: true} },
		want: Result{Verdict: Hang, Trace: []Step{{0, []int32{0, 0}}, {1, []int32{0, 1}}},
			Cycle: []Step{{2, []int32{0, 1}}}, UnmetGoals: 1},
	},
	{
		name: "spinning with no timer is a deadlock",
		sys:  func() System { return &spinner{counters: counters{n: 2, k: 2}, stuck: true} },
		want: Result{Verdict: Deadlock, Trace: []Step{{0, []int32{0, 0}}, {1, []int32{0, 1}}}},
	},
	{
		name: "no spinning with the timer ticking",
		sys:  func() System { return &spinner{counters: counters{n: 2, k: 2}, tick: true} },
		want: Result{Verdict: Verified},
	},
	{
		name: "one big bottom SCC that meets every goal",
		sys:  func() System { return &spinner{counters: counters{n: 4, k: 3, wrap: true}} },
		want: Result{Verdict: Verified},
	},
}

func TestHang(t *testing.T) {
	for _, tt := range hangTests {
		for _, search := range []Search{BFS, DFS} {
			t.Run(search.String()+" "+tt.name, func(t *testing.T) {
				sys := tt.sys()
				opt := tt.opt
				opt.Search = search
				got := Run(context.Background(), sys, opt)
				checkTrace(t, sys, got)
				if search == DFS {
					if got.Verdict != tt.want.Verdict {
						t.Errorf("Verdict = %v, want %v", got.Verdict, tt.want.Verdict)
					}
					return
				}
				if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Result{}, "Stats"), cmpopts.EquateErrors()); diff != "" {
					t.Errorf("Run (-want +got):\n%s", diff)
				}
				_, isLive := sys.(Liveness)
				checked := isLive && got.Verdict != Deadlock && got.Verdict != Violation &&
					(opt.Checks == 0 || opt.Checks&CheckHang != 0)
				if s := got.Stats; checked != (s.HangCheck > 0) || checked != (s.HangBytes > 0) ||
					s.HangBytesPerState != float64(s.HangBytes)/float64(s.States) {
					t.Errorf("hang check ran %v, stats %+v", checked, s)
				}
			})
		}
	}
}

// TestHangSpinner checks a bigger spinner: the stuck states are those
// with counter 1 and every counter but 0 at the top, 0 not; the nearest
// is (0, 2, 2, 2), 6 steps away.
func TestHangSpinner(t *testing.T) {
	sys := &spinner{counters: counters{n: 4, k: 3}, stuck: true, tick: true}
	for _, search := range []Search{BFS, DFS} {
		got := Run(context.Background(), sys, Options{Search: search})
		checkTrace(t, sys, got)
		if got.Verdict != Hang || got.UnmetGoals != 1 {
			t.Fatalf("%v: got %v, unmet %#x", search, got.Verdict, got.UnmetGoals)
		}
		entry := got.Trace[len(got.Trace)-1].State
		if entry[0] == 2 || entry[1] != 2 || entry[2] != 2 || entry[3] != 2 {
			t.Errorf("%v: stuck in %v", search, entry)
		}
		if want := []Step{{4, entry}}; !cmp.Equal(got.Cycle, want) {
			t.Errorf("%v: cycle %v, want %v", search, got.Cycle, want)
		}
		if search == BFS && len(got.Trace) != 7 {
			t.Errorf("BFS: trace of %d steps, want 6", len(got.Trace)-1)
		}
		if got.Stats.States != 81 || got.Stats.Transitions != 81+4*54-18 {
			t.Errorf("%v: stats %+v", search, got.Stats)
		}
	}
}

func TestHangDeterministic(t *testing.T) {
	for _, search := range []Search{BFS, DFS} {
		for _, tt := range hangTests {
			first := Run(context.Background(), tt.sys(), Options{Search: search, Checks: tt.opt.Checks})
			again := Run(context.Background(), tt.sys(), Options{Search: search, Checks: tt.opt.Checks})
			if diff := cmp.Diff(first, again, ignoreTiming, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("%v %s: second run differs (-first +second):\n%s", search, tt.name, diff)
			}
		}
	}
}

// TestHangNotAfterIncomplete checks that a search stopped by a limit
// claims nothing about hangs and does not run the hang check.
func TestHangNotAfterIncomplete(t *testing.T) {
	for _, opt := range []Options{
		{MaxStates: 2},
		{MaxDepth: 1},
		{Search: DFS, MaxStates: 2},
		{Search: DFS, MaxDepth: 1},
	} {
		got := Run(context.Background(), live(1, chain(3, []int32{2})...), opt)
		if got.Verdict != Incomplete || got.Stats.HangCheck != 0 || got.Stats.HangBytes != 0 {
			t.Errorf("%+v: got %v, stats %+v", opt, got.Verdict, got.Stats)
		}
	}
	// A depth bound that cuts nothing leaves the search complete.
	got := Run(context.Background(), live(1, chain(3, []int32{2})...), Options{MaxDepth: 2})
	if got.Verdict != Hang {
		t.Errorf("max-depth at the end of the graph: got %v, want HANG", got.Verdict)
	}
}

// interrupter is a spinner that, when the hang check asks for its first
// goals, cancels its run if cancel is set, and then sleeps: for the
// monitor to raise its flag, or for a timeout to pass.
type interrupter struct {
	spinner
	once   sync.Once
	cancel func()
	sleep  time.Duration
}

func (s *interrupter) StateGoals(st []int32) uint64 {
	s.once.Do(func() {
		if s.cancel != nil {
			s.cancel()
		}
		time.Sleep(s.sleep)
	})
	return s.spinner.StateGoals(st)
}

func TestHangInterrupted(t *testing.T) {
	for _, search := range []Search{BFS, DFS} {
		ctx, cancel := context.WithCancel(context.Background())
		sys := &interrupter{spinner: spinner{counters: counters{n: 8, k: 4}, tick: true}, cancel: cancel, sleep: 20 * time.Millisecond}
		got := Run(ctx, sys, Options{Search: search})
		if got.Verdict != Incomplete || got.Incomplete != "interrupted in the hang check" {
			t.Errorf("%v: got %v %q", search, got.Verdict, got.Incomplete)
		}
		if got.Stats.States != 65536 || got.Stats.HangCheck <= 0 {
			t.Errorf("%v: stats %+v", search, got.Stats)
		}
	}
}

func TestHangTimeout(t *testing.T) {
	for _, search := range []Search{BFS, DFS} {
		sys := &interrupter{spinner: spinner{counters: counters{n: 6, k: 4}, tick: true}, sleep: 500 * time.Millisecond}
		got := Run(context.Background(), sys, Options{Search: search, Timeout: 300 * time.Millisecond})
		if got.Verdict != Incomplete || got.Incomplete != "timeout 300ms in the hang check" {
			t.Errorf("%v: got %v %q", search, got.Verdict, got.Incomplete)
		}
		if got.Stats.States != 4096 || got.Stats.HangCheck <= 0 {
			t.Errorf("%v: stats %+v", search, got.Stats)
		}
	}
}

func TestHangProgress(t *testing.T) {
	var out strings.Builder
	sys := &spinner{counters: counters{n: 9, k: 4}, tick: true}
	got := Run(context.Background(), sys, Options{Progress: &out, ProgressInterval: time.Millisecond})
	if got.Verdict != Verified {
		t.Fatalf("got %v", got.Verdict)
	}
	if !strings.Contains(out.String(), "  hang check  states ") {
		t.Errorf("no hang check progress in %q", out.String())
	}
}
