package state

import (
	"math/rand/v2"
	"testing"
)

// alphaLayout has the slot widths of the alpha model at 3 CPUs: 386
// slots of 1 to 7 bits, 93 bytes packed.
func alphaLayout() (*Layout, []int32) {
	var slots []Slot
	for w, n := range map[int]int{1: 164, 2: 147, 3: 27, 4: 42, 5: 3, 7: 3} {
		for range n {
			slots = append(slots, Slot{Name: "s", Min: 0, Max: int32(1<<w - 1)})
		}
	}
	r := rand.New(rand.NewPCG(1, 1))
	r.Shuffle(len(slots), func(i, j int) { slots[i], slots[j] = slots[j], slots[i] })
	l := NewLayout(slots)
	return l, randomVector(r, l)
}

func BenchmarkAlphaPacking(b *testing.B) {
	l, v := alphaLayout()
	next := append([]int32(nil), v...)
	next[100] = l.slots[100].Max - next[100]
	base := l.Pack(nil, v)
	buf := make([]byte, 0, l.PackedSize())
	out := make([]int32, len(v))
	b.Run("pack/legacy", func(b *testing.B) {
		for b.Loop() {
			buf = legacyPack(l, buf[:0], next)
		}
	})
	b.Run("pack/new", func(b *testing.B) {
		for b.Loop() {
			buf = l.Pack(buf[:0], next)
		}
	})
	b.Run("pack/repack", func(b *testing.B) {
		for b.Loop() {
			buf = l.Repack(buf[:0], base, v, next)
		}
	})
	b.Run("unpack/legacy", func(b *testing.B) {
		for b.Loop() {
			legacyUnpack(l, out, base)
		}
	})
	b.Run("unpack/new", func(b *testing.B) {
		for b.Loop() {
			l.Unpack(out, base)
		}
	})
}
