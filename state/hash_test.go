package state

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// TestHashLengths checks that zero tails and lengths are not confused.
func TestHashLengths(t *testing.T) {
	seen := map[uint64]int{}
	for n := range 70 {
		h := Hash(make([]byte, n))
		if m, dup := seen[h]; dup {
			t.Errorf("Hash of %d and %d zero bytes collide", m, n)
		}
		seen[h] = n
	}
}

// TestHashBuckets hashes consecutive counters, the typical shape of
// neighboring states, and checks that the low bits that index the table
// spread them evenly.
func TestHashBuckets(t *testing.T) {
	for _, size := range []int{4, 8, 12, 24, 40} {
		const n, buckets = 1 << 16, 1 << 10
		var count [buckets]int
		p := make([]byte, size)
		for i := range uint32(n) {
			binary.LittleEndian.PutUint32(p[size-4:], i)
			count[Hash(p)%buckets]++
		}
		// Mean 64, deviation 8: 64±48 is six deviations.
		for b, c := range count {
			if c < 16 || c > 112 {
				t.Errorf("size %d: bucket %d holds %d of %d", size, b, c, n)
				break
			}
		}
	}
}

// TestHashAvalanche checks that flipping one input bit flips about half
// the output bits.
func TestHashAvalanche(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, size := range []int{1, 7, 8, 9, 16, 17, 33} {
		p := make([]byte, size)
		total, trials := 0, 0
		for range 200 {
			for i := range p {
				p[i] = byte(r.Uint32())
			}
			h := Hash(p)
			for bit := range 8 * size {
				p[bit/8] ^= 1 << (bit % 8)
				total += bits.OnesCount64(h ^ Hash(p))
				p[bit/8] ^= 1 << (bit % 8)
				trials++
			}
		}
		if avg := float64(total) / float64(trials); avg < 30 || avg > 34 {
			t.Errorf("size %d: one-bit flips change %.2f output bits on average", size, avg)
		}
	}
}

func BenchmarkHash(b *testing.B) {
	p := make([]byte, 24)
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		p[0]++
		Hash(p)
	}
}
