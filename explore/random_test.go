package explore

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/ipicheck/ipicheck/state"
)

// randomGraph returns a graph of 6 to 210 nodes with up to maxOut
// successors each; errors makes some nodes bad, failing or deadlocked.
// Half the graphs spread their nodes over three slots.
func randomGraph(r *rand.Rand, maxOut int, errors bool) *graph {
	k := 1 + r.Int32N(35)
	n := 6 * k
	g := &graph{adj: make([][]int32, n), fails: nodes(), bad: nodes(), done: nodes()}
	if r.IntN(2) == 0 {
		g.slots = []state.Slot{{Name: "a", Min: -1, Max: 0}, {Name: "b", Min: 10, Max: 12}, {Name: "c", Min: -5, Max: k - 6}}
	}
	for v := range n {
		out := r.IntN(maxOut + 1)
		for range out {
			g.adj[v] = append(g.adj[v], r.Int32N(n))
		}
		switch {
		case errors && r.IntN(40) == 0:
			g.bad[v] = true
		case errors && r.IntN(40) == 0:
			g.fails[v] = true
		case out == 0 && (!errors || r.IntN(4) != 0):
			g.done[v] = true
		}
	}
	return g
}

// reference is the result of a plain BFS over g: reached counts, edges
// out of reached nodes, the largest distance, and the length of the
// shortest counterexample, -1 if none.
func reference(g *graph) (reached, edges int64, depth, shortest int) {
	dist := make([]int, len(g.adj))
	for i := range dist {
		dist[i] = -1
	}
	dist[0] = 0
	shortest = -1
	found := func(l int) {
		if shortest < 0 || l < shortest {
			shortest = l
		}
	}
	for queue := []int32{0}; len(queue) > 0; queue = queue[1:] {
		v := queue[0]
		reached++
		depth = max(depth, dist[v])
		edges += int64(len(g.adj[v]))
		if g.fails[v] {
			edges++
			found(dist[v] + 1)
		}
		if g.bad[v] || len(g.adj[v]) == 0 && !g.fails[v] && !g.done[v] {
			found(dist[v])
		}
		for _, t := range g.adj[v] {
			if dist[t] < 0 {
				dist[t] = dist[v] + 1
				queue = append(queue, t)
			}
		}
	}
	return reached, edges, depth, shortest
}

// TestRandomGraphs compares Run with a reference BFS on random graphs:
// counts when there is nothing to find, the length of the shortest
// counterexample otherwise.
func TestRandomGraphs(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 1))
	verified, found := 0, 0
	for i := range 3000 {
		g := randomGraph(r, 1+r.IntN(3), i%2 == 0)
		reached, edges, depth, shortest := reference(g)
		bfs := Run(context.Background(), g, Options{})
		dfs := Run(context.Background(), g, Options{Search: DFS})
		checkTrace(t, g, bfs)
		checkTrace(t, g, dfs)
		if shortest < 0 {
			verified++
			want := counts(reached, edges, depth)
			if bfs.Verdict != Verified || bfs.Stats.States != want.States || bfs.Stats.Transitions != want.Transitions || bfs.Stats.MaxDepth != want.MaxDepth {
				t.Fatalf("graph %d: BFS %v %+v, want VERIFIED %+v", i, bfs.Verdict, bfs.Stats, want)
			}
			if dfs.Verdict != Verified || dfs.Stats.States != want.States || dfs.Stats.Transitions != want.Transitions {
				t.Fatalf("graph %d: DFS %v %+v, want VERIFIED %+v", i, dfs.Verdict, dfs.Stats, want)
			}
			continue
		}
		found++
		length := len(bfs.Trace) - 1
		if bfs.HasFailLabel {
			length++
		}
		if bfs.Verdict == Verified || bfs.Verdict == Incomplete || length != shortest {
			t.Fatalf("graph %d: BFS %v of length %d, want a counterexample of length %d", i, bfs.Verdict, length, shortest)
		}
		if dfs.Verdict == Verified || dfs.Verdict == Incomplete {
			t.Fatalf("graph %d: DFS %v, want a counterexample", i, dfs.Verdict)
		}
	}
	if verified < 300 || found < 300 {
		t.Errorf("only %d verified and %d failing graphs", verified, found)
	}
}
