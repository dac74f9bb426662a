package explore

import (
	"context"
	"math/rand/v2"
	"testing"
)

// randomLiveGraph returns a random graph with 1 to 3 goals met by a few
// of its nodes and edges. In half the graphs most sinks get an edge, some
// sinks are deadlocks, some nodes with transitions are Done, and without
// safety some nodes fail or are bad.
func randomLiveGraph(r *rand.Rand, safety bool) *liveGraph {
	g := &liveGraph{
		graph:      randomGraph(r, 1+r.IntN(3), false),
		all:        1<<(1+r.IntN(3)) - 1,
		stateGoals: map[int32]uint64{},
		edgeGoals:  map[[2]int32]uint64{},
	}
	deadlocks := r.IntN(3) == 0
	fewSinks := r.IntN(2) == 0
	sparse := 4 + r.IntN(200) // about one node or edge in sparse meets goals
	for v := range int32(len(g.adj)) {
		if fewSinks && len(g.adj[v]) == 0 && r.IntN(4) != 0 {
			g.adj[v] = append(g.adj[v], r.Int32N(int32(len(g.adj))))
			delete(g.done, v)
		}
		switch {
		case len(g.adj[v]) == 0 && deadlocks && r.IntN(3) == 0:
			delete(g.done, v)
		case len(g.adj[v]) > 0 && r.IntN(40) == 0:
			g.done[v] = true
		}
		if !safety && r.IntN(20) == 0 {
			g.fails[v] = true
		}
		if !safety && r.IntN(20) == 0 {
			g.bad[v] = true
		}
		if r.IntN(sparse) == 0 {
			g.stateGoals[v] = r.Uint64() & g.all
		}
		for _, w := range g.adj[v] {
			if r.IntN(sparse) == 0 {
				g.edgeGoals[[2]int32{v, w}] = r.Uint64() & g.all
			}
		}
	}
	return g
}

// hangReference decides a liveGraph's verdict naively under checks, which
// has CheckHang: from the reachability set of every reachable node. It
// returns the verdict, and for a hang, the distance of a nearest node in a
// bad bottom SCC, which nodes are in one, and the goals each misses.
func hangReference(g *liveGraph, checks Check) (v Verdict, nearest int, bad map[int32]uint64) {
	n := len(g.adj)
	dist := make([]int, n)
	for i := range dist {
		dist[i] = -1
	}
	dist[0] = 0
	var order []int32 // BFS order
	for queue := []int32{0}; len(queue) > 0; queue = queue[1:] {
		u := queue[0]
		order = append(order, u)
		for _, w := range g.adj[u] {
			if dist[w] < 0 {
				dist[w] = dist[u] + 1
				queue = append(queue, w)
			}
		}
	}
	sink := func(u int32) bool { return len(g.adj[u]) == 0 && !g.fails[u] }
	if checks&CheckDeadlock != 0 {
		for _, u := range order {
			if sink(u) && !g.done[u] {
				return Deadlock, 0, nil
			}
		}
	}
	reach := make([][]bool, n) // reach[u][w]: w is reachable from u
	for _, u := range order {
		reach[u] = make([]bool, n)
		reach[u][u] = true
		for stack := []int32{u}; len(stack) > 0; {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, w := range g.adj[x] {
				if !reach[u][w] {
					reach[u][w] = true
					stack = append(stack, w)
				}
			}
		}
	}
	// u is in a bottom SCC, that of the states it reaches, when every
	// one of them reaches it back.
	good := make([]bool, n) // in a good bottom SCC, a sink, or failing
	bad = map[int32]uint64{}
	for _, u := range order {
		bottom, met, failing := true, uint64(0), false
		for w := range int32(n) {
			if !reach[u][w] {
				continue
			}
			bottom = bottom && reach[w][u]
			failing = failing || g.fails[w]
			met |= g.stateGoals[w]
			if g.done[w] {
				met |= g.all
			}
			for _, x := range g.adj[w] {
				met |= g.edgeGoals[[2]int32{w, x}]
			}
		}
		switch {
		case g.fails[u] || sink(u):
			good[u] = true
		case bottom && !failing && met&g.all != g.all:
			bad[u] = g.all &^ met
		case bottom:
			good[u] = true
		}
	}
	// Cross-check the bottom SCCs with the CTL reading, AG EF good: a
	// state reaches a good one exactly when it reaches no bad bottom SCC
	// only.
	agef := true
	for _, u := range order {
		ef := false
		for w := range int32(n) {
			ef = ef || reach[u][w] && good[w]
		}
		agef = agef && ef
	}
	if agef != (len(bad) == 0) {
		panic("reference: AG EF good disagrees with the bottom SCCs")
	}
	if len(bad) == 0 {
		return Verified, 0, nil
	}
	nearest = n
	for u := range bad {
		nearest = min(nearest, dist[u])
	}
	return Hang, nearest, bad
}

// shortestCycle returns the length of a shortest cycle through u.
func shortestCycle(g *graph, u int32) int {
	dist := map[int32]int{u: 0}
	for queue := []int32{u}; len(queue) > 0; queue = queue[1:] {
		x := queue[0]
		for _, w := range g.adj[x] {
			if w == u {
				return dist[x] + 1
			}
			if _, ok := dist[w]; !ok {
				dist[w] = dist[x] + 1
				queue = append(queue, w)
			}
		}
	}
	return -1
}

// TestHangRandomGraphs compares Run's verdicts with hangReference on
// random graphs, with BFS and DFS, under the checks that include hangs:
// with the SCC pass reading the edges the search recorded (from the
// sequential search, and from the level search with two workers and
// small chunks), and regenerating them, buffering every successor,
// none, or a few.
func TestHangRandomGraphs(t *testing.T) {
	defer func(f func(int) int) { edgeBudget = f }(edgeBudget)
	for _, v := range []struct {
		name   string
		budget func(int) int
		opt    Options
	}{
		{"recorded", edgeBudget, Options{}},
		{"recorded-levels", edgeBudget, Options{Workers: 2, parallel: true, chunkStates: 3}},
		{"buffered", edgeBudget, Options{regenerate: true}},
		{"regenerated", func(int) int { return 0 }, Options{regenerate: true}},
		{"mixed", func(int) int { return 6 }, Options{regenerate: true}},
	} {
		t.Run(v.name, func(t *testing.T) {
			edgeBudget = v.budget
			testHangRandomGraphs(t, v.opt)
		})
	}
}

func testHangRandomGraphs(t *testing.T, base Options) {
	r := rand.New(rand.NewPCG(7, 11))
	count := map[Verdict]int{}
	for i := range 1500 {
		checks := []Check{CheckAll, CheckAll &^ CheckDeadlock, CheckAll &^ CheckSafety, CheckHang}[i%4]
		g := randomLiveGraph(r, checks&CheckSafety != 0)
		want, nearest, bad := hangReference(g, checks)
		count[want]++
		for _, search := range []Search{BFS, DFS} {
			opt := base
			opt.Search, opt.Checks = search, checks
			got := Run(context.Background(), g, opt)
			checkTrace(t, g, got)
			if got.Verdict != want {
				t.Fatalf("graph %d, %v, checks %v: got %v, want %v", i, search, checks, got.Verdict, want)
			}
			if want != Hang {
				continue
			}
			entry := g.node(got.Trace[len(got.Trace)-1].State)
			unmet, ok := bad[entry]
			if !ok || got.UnmetGoals != unmet {
				t.Fatalf("graph %d, %v: stuck in node %d missing %#x; bad nodes and their unmet goals %v",
					i, search, entry, got.UnmetGoals, bad)
			}
			if c := shortestCycle(g.graph, entry); len(got.Cycle) != c {
				t.Errorf("graph %d, %v: cycle of %d steps, shortest %d", i, search, len(got.Cycle), c)
			}
			if search == BFS && len(got.Trace)-1 != nearest {
				t.Errorf("graph %d: trace of %d steps, nearest bad state %d away", i, len(got.Trace)-1, nearest)
			}
		}
	}
	t.Logf("verdicts: %v", count)
	if count[Hang] < 200 || count[Verified] < 200 || count[Deadlock] < 60 {
		t.Errorf("too few of a verdict: %v", count)
	}
}
