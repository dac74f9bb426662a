package explore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// finishing is a liveGraph that is a Finisher, so that the hang check
// tries its reach pass first.
type finishing struct{ *liveGraph }

func (g finishing) AllFinished(st []int32) bool { return g.StateGoals(st)&g.all == g.all }

// reachReference reports whether every node reachable from node 0 of g
// reaches a good one: one with no transition, a failing one, or one whose
// state goals are all the goals.
func reachReference(g *liveGraph) bool {
	g.Layout()
	n := int32(len(g.adj))
	rev := make([][]int32, n)
	reached := map[int32]bool{0: true}
	queue := []int32{0}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, w := range g.adj[v] {
			rev[w] = append(rev[w], v)
			if !reached[w] {
				reached[w] = true
				queue = append(queue, w)
			}
		}
	}
	good := map[int32]bool{}
	for v := range n {
		if reached[v] && (len(g.adj[v]) == 0 || g.fails[v] || g.done[v] || g.stateGoals[v]&g.all == g.all) {
			good[v] = true
			queue = append(queue, v)
		}
	}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, u := range rev[v] {
			if !good[u] {
				good[u] = true
				queue = append(queue, u)
			}
		}
	}
	return len(good) == len(reached)
}

// TestReachRandomGraphs checks the reach pass against reachReference on
// random graphs, for the sequential and the level search: it proves the
// absence of a hang exactly when every reachable state reaches a good
// one, given sweeps enough, and the result is the SCC pass's.
func TestReachRandomGraphs(t *testing.T) {
	defer func(n int) { maxReachSweeps = n }(maxReachSweeps)
	maxReachSweeps = 1 << 30
	r := rand.New(rand.NewPCG(3, 5))
	proved := 0
	for i := range 1500 {
		checks := []Check{CheckAll, CheckAll &^ CheckSafety, CheckHang}[i%3]
		g := randomLiveGraph(r, checks&CheckSafety != 0)
		for _, opt := range []Options{{}, {Workers: 2, parallel: true, chunkStates: 3}} {
			opt.Checks = checks
			got := Run(context.Background(), finishing{g}, opt)
			opt.noReach = true
			want := Run(context.Background(), finishing{g}, opt)
			if diff := cmp.Diff(want, got, ignoreTiming, equateErrors, ignoreSweeps); diff != "" {
				t.Fatalf("graph %d, %d workers: result (-SCC pass +reach pass):\n%s", i, opt.Workers, diff)
			}
			if got.Verdict != Verified && got.Verdict != Hang {
				continue // the search ended before the hang check
			}
			if all := reachReference(g); all != (got.Stats.HangSweeps > 0) {
				t.Fatalf("graph %d, %d workers: every state reaches a good one: %v; reach pass swept %d times",
					i, opt.Workers, all, got.Stats.HangSweeps)
			}
			if got.Stats.HangSweeps > 0 {
				proved++
			}
		}
	}
	t.Logf("the reach pass proved %d runs free of hangs", proved)
	if proved < 200 {
		t.Errorf("the reach pass proved only %d runs free of hangs", proved)
	}
}

// TestReachSweepBound checks that the reach pass gives up after
// maxReachSweeps sweeps, leaving the verdict to the SCC pass: a chain
// whose edges go to smaller ids takes a sweep a state.
func TestReachSweepBound(t *testing.T) {
	defer func(n int) { maxReachSweeps = n }(maxReachSweeps)
	// 0 → 1..5, 5 → 4 → 3 → 2 → 1 → 6, and 6 is done. The BFS numbers the
	// nodes in order, so the sweeps mark 6, 1 and 0, then 2, 3, 4 and 5,
	// one a sweep.
	g := &liveGraph{
		graph: &graph{adj: [][]int32{{1, 2, 3, 4, 5}, {6}, {1}, {2}, {3}, {4}, {}},
			fails: nodes(), bad: nodes(), done: nodes(6)},
		all: 1, stateGoals: map[int32]uint64{}, edgeGoals: map[[2]int32]uint64{},
	}
	for _, tt := range []struct{ bound, sweeps int }{{64, 5}, {5, 5}, {4, 0}, {1, 0}} {
		t.Run(fmt.Sprint(tt.bound), func(t *testing.T) {
			maxReachSweeps = tt.bound
			got := Run(context.Background(), finishing{g}, Options{})
			if got.Verdict != Verified || got.Stats.HangSweeps != tt.sweeps {
				t.Errorf("got %v after %d sweeps, want Verified after %d", got.Verdict, got.Stats.HangSweeps, tt.sweeps)
			}
		})
	}
}

// TestReachProtocols checks, on the real protocols, that the hang check
// gives the same result with the reach pass as without it, with one
// worker and two, with partial-order reduction, and with symmetry where
// the spec allows it; and that the pass proves the protocols whose runs
// all finish.
func TestReachProtocols(t *testing.T) {
	proved := 0
	for _, pr := range protocolRuns {
		if pr.big && raceEnabled {
			continue
		}
		sys := loadProtocol(t, pr.file, pr.set)
		name := fmt.Sprintf("%s %v", pr.file, pr.set)
		opts := []Options{{}, {Workers: 2, parallel: true}, {POR: true}}
		if len(sys.SymmetryProblems()) == 0 {
			opts = append(opts, Options{Symmetry: true}, Options{Symmetry: true, POR: true, Workers: 2, parallel: true})
		}
		for _, opt := range opts {
			got := Run(context.Background(), sys, opt)
			opt.noReach = true
			want := Run(context.Background(), sys, opt)
			if diff := cmp.Diff(want, got, ignoreTiming, equateErrors, ignoreSweeps); diff != "" {
				t.Fatalf("%s, %+v: result (-SCC pass +reach pass):\n%s", name, opt, diff)
			}
			if got.Stats.HangSweeps > 0 {
				proved++
			}
		}
	}
	t.Logf("the reach pass proved %d runs free of hangs", proved)
	if proved == 0 {
		t.Error("the reach pass proved no protocol free of hangs")
	}
}
