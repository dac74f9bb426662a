package state

import (
	"encoding/binary"
	"fmt"
	"sync"
	"testing"
)

// bigStore is a store the size of scale 4x1's: 4.4M states of 24 bytes,
// built once for the benchmarks that read it.
var bigStore = sync.OnceValue(func() *Store {
	s := NewStore(24)
	p := make([]byte, 24)
	for i := range uint64(4_400_000) {
		s.Insert(bigState(p, i))
	}
	return s
})

// bigState writes the state i of bigStore into p.
func bigState(p []byte, i uint64) []byte {
	binary.LittleEndian.PutUint64(p, i)
	binary.LittleEndian.PutUint64(p[16:], i*7)
	return p
}

// BenchmarkStoreLookupReaders looks up stored states, at random, on one
// goroutine and on two, sharing the work: the ratio of the two times is
// the most the parallel search's workers can gain on their probes of a
// visited set this large on the machine. On the 2-CPU machine of
// docs/performance.md it stays well under 2: the probes miss the caches,
// and two cores wait on memory together.
func BenchmarkStoreLookupReaders(b *testing.B) {
	s := bigStore()
	for _, readers := range []int{1, 2} {
		b.Run(fmt.Sprintf("readers=%d", readers), func(b *testing.B) {
			const lookups = 1 << 20
			for b.Loop() {
				var wg sync.WaitGroup
				for r := range readers {
					wg.Go(func() {
						p := make([]byte, 24)
						x := uint64(r + 1)
						for range lookups / readers {
							x = x*6364136223846793005 + 1442695040888963407
							if _, ok := s.Lookup(bigState(p, x>>32%4_400_000)); !ok {
								panic("state not found")
							}
						}
					})
				}
				wg.Wait()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*lookups), "ns/lookup")
		})
	}
}

// BenchmarkStoreGrow doubles the table of a store of 4.4M states.
func BenchmarkStoreGrow(b *testing.B) {
	s := bigStore()
	old, grow := s.table, s.grow
	for b.Loop() {
		s.table = old
		s.resize(2 * len(old))
	}
	s.table, s.grow = old, grow
	s.tab.Store(&old)
}

// BenchmarkStoreWarm looks up stored states at random in batches of 5, a
// state's successors in the search, each batch looked up as it comes and
// after Warm: the ratio is what warming the cache saves the search's
// lookups.
func BenchmarkStoreWarm(b *testing.B) {
	s := bigStore()
	for _, warm := range []bool{false, true} {
		b.Run(fmt.Sprintf("warm=%v", warm), func(b *testing.B) {
			const batches, batch = 1 << 18, 5
			packed := make([]byte, 24*batch)
			hs := make([]uint64, batch)
			for b.Loop() {
				x := uint64(1)
				for range batches {
					for i := range batch {
						x = x*6364136223846793005 + 1442695040888963407
						p := bigState(packed[24*i:24*(i+1)], x>>32%4_400_000)
						hs[i] = Hash(p)
					}
					if warm {
						s.Warm(hs)
					}
					for i := range batch {
						if _, ok := s.LookupHash(packed[24*i:24*(i+1)], hs[i]); !ok {
							panic("state not found")
						}
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batches*batch), "ns/lookup")
		})
	}
}
