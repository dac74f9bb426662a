package explore

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// coveredGraph is a graph system with coverage conditions "state == k".
type coveredGraph struct {
	*graph
	want []int32
}

func (g coveredGraph) Covers() []string {
	var n []string
	for _, k := range g.want {
		n = append(n, "state "+string(rune('0'+k)))
	}
	return n
}

func (g coveredGraph) Cover(st []int32, hit []bool) {
	for i, k := range g.want {
		if g.node(st) == k {
			hit[i] = true
		}
	}
}

func TestCoverage(t *testing.T) {
	for _, tc := range []struct {
		name      string
		want      []int32
		verdict   Verdict
		uncovered []string
	}{
		{"all reached", []int32{0, 2}, Verified, nil},
		{"one never reached", []int32{1, 3}, Uncovered, []string{"state 3"}},
		{"none", nil, Verified, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// 0 -> 1 -> 2, all Done: state 3 is unreachable.
			g := &graph{adj: [][]int32{{1}, {2}, {}, {}}, done: nodes(2)}
			for _, s := range []Search{BFS, DFS} {
				r := Run(context.Background(), coveredGraph{g, tc.want}, Options{Search: s})
				if r.Verdict != tc.verdict {
					t.Fatalf("%v: verdict %v, want %v", s, r.Verdict, tc.verdict)
				}
				if diff := cmp.Diff(tc.uncovered, r.Uncovered); diff != "" {
					t.Errorf("%v: uncovered (-want +got):\n%s", s, diff)
				}
			}
			// With safety off the conditions are not checked.
			if r := Run(context.Background(), coveredGraph{g, tc.want}, Options{Checks: CheckDeadlock}); r.Verdict != Verified {
				t.Errorf("safety off: verdict %v", r.Verdict)
			}
		})
	}
}
