package explore

import (
	"math"
	"slices"
	"testing"
)

// TestEdgeTable checks that every state's successors read back as
// committed, among them lists that would straddle a block and so move to
// the next one, empty lists at a block's end, and a list that fills a
// block exactly.
func TestEdgeTable(t *testing.T) {
	tests := []struct {
		name  string
		sizes []int
	}{
		{"small", []int{0, 3, 1, 0, 2}},
		{"fills the first block", []int{edgeBlockSize, 0, 5}},
		{"straddles", []int{edgeBlockSize - 2, 5, 0, 3}},
		{"straddles after an empty list", []int{edgeBlockSize - 1, 0, 2, edgeBlockSize - 2, 4}},
		{"ends at a boundary", []int{edgeBlockSize / 2, edgeBlockSize / 2, 0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tab edgeTable
			var want [][]uint32
			next := uint32(7)
			for _, n := range tt.sizes {
				succ := make([]uint32, n)
				for i := range succ {
					succ[i] = next
					next = next*2654435761 + 1
				}
				if !tab.commit(succ) {
					t.Fatalf("commit of %d successors refused", n)
				}
				want = append(want, succ)
			}
			if tab.states() != len(want) {
				t.Fatalf("states() = %d, want %d", tab.states(), len(want))
			}
			for v, w := range want {
				// slices.Equal, not cmp.Diff: the lists are a million long.
				if got := tab.succ(uint32(v)); !slices.Equal(got, w) {
					t.Errorf("succ(%d) has %d successors, want %d, or differs", v, len(got), len(w))
				}
			}
		})
	}
}

// TestEdgeTableRefuses checks that the table says so when a list cannot
// be held, rather than wrapping positions around.
func TestEdgeTableRefuses(t *testing.T) {
	var tab edgeTable
	if tab.commit(make([]uint32, edgeBlockSize+1)) {
		t.Error("a list longer than a block was taken")
	}
	tab.n = math.MaxUint32 - 2
	if tab.commit(make([]uint32, 3)) {
		t.Error("a list past the last position was taken")
	}
}

// TestEdgeTableFails checks the failing-transition marks.
func TestEdgeTableFails(t *testing.T) {
	var tab edgeTable
	for _, id := range []uint32{0, 65, 200} {
		tab.fail(id)
	}
	for id := uint32(0); id < 300; id++ {
		want := id == 0 || id == 65 || id == 200
		if got := tab.failed(id); got != want {
			t.Errorf("failed(%d) = %v, want %v", id, got, want)
		}
	}
}
