package explore

import (
	"encoding/binary"
	"testing"
	"unsafe"
)

// TestCandIndex keeps more candidates than the index holds, some with
// equal hashes but different states: each indexed candidate is found by
// its state, no other state is found, and those past the half-full mark
// are not indexed (the merge then finds them stored).
func TestCandIndex(t *testing.T) {
	const size, n = 8, candIndexSlots
	x := newCandIndex()
	c := &chunk{}
	state := func(i int) []byte { return binary.LittleEndian.AppendUint64(nil, uint64(i)) }
	hash := func(i int) uint64 { return uint64(i/3) * 0x9e3779b97f4a7c15 } // three states a hash
	for round := range 2 {
		x.reset()
		c.packed, c.cands = c.packed[:0], c.cands[:0]
		for i := range n {
			if _, ok := x.find(c, state(i), hash(i), size); ok {
				t.Fatalf("round %d: candidate %d found before it was kept", round, i)
			}
			x.add(hash(i), len(c.cands))
			c.packed = append(c.packed, state(i)...)
			c.cands = append(c.cands, cand{hash: hash(i)})
		}
		for i := range n {
			k, ok := x.find(c, state(i), hash(i), size)
			if indexed := i < candIndexSlots/2; ok != indexed || ok && k != i {
				t.Errorf("round %d: find of candidate %d = %d, %v; want it found: %v", round, i, k, ok, indexed)
			}
		}
		if _, ok := x.find(c, state(n), hash(n), size); ok {
			t.Errorf("round %d: found a state never kept", round)
		}
	}
}

// TestWithSlack: the slack after a worker's scratch covers a
// cacheLinePad, whatever the element size.
func TestWithSlack(t *testing.T) {
	check := func(name string, n, length, capacity, size int) {
		if length != n || (capacity-length)*size < len(cacheLinePad{}) {
			t.Errorf("withSlack[%s](%d): len %d, cap %d: want len %d and %d bytes of slack", name, n, length, capacity, n, len(cacheLinePad{}))
		}
	}
	for _, n := range []int{0, 1, 7, 100} {
		b := withSlack[byte](n)
		check("byte", n, len(b), cap(b), 1)
		i := withSlack[int32](n)
		check("int32", n, len(i), cap(i), 4)
		c := withSlack[cand](n)
		check("cand", n, len(c), cap(c), int(unsafe.Sizeof(cand{})))
	}
}
