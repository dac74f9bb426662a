package state

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestStoreRandom checks a Store against a map on random insert sequences
// with many duplicates, across state sizes and table growth.
func TestStoreRandom(t *testing.T) {
	for _, size := range []int{0, 1, 3, 8, 13, 16, 17, 64} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(size), 7))
			s := NewStore(size)
			ids := map[string]uint32{}
			var states []string // by id
			// One buffer for all inserts: the store must keep copies.
			p := make([]byte, size)
			for range 50000 {
				// Few distinct byte values make small sizes saturate.
				for i := range p {
					p[i] = byte(r.IntN(2 + i%5))
				}
				id, added := s.Insert(p)
				want, seen := ids[string(p)]
				if !seen {
					want = uint32(len(states))
					ids[string(p)] = want
					states = append(states, string(p))
				}
				if id != want || added == seen {
					t.Fatalf("Insert(%x) = %d, %v; want %d, %v", p, id, added, want, !seen)
				}
			}
			if s.Len() != len(states) {
				t.Fatalf("Len = %d, want %d", s.Len(), len(states))
			}
			for id, st := range states {
				if got := string(s.Get(uint32(id))); got != st {
					t.Fatalf("Get(%d) = %x, want %x", id, got, st)
				}
				if got, ok := s.Lookup([]byte(st)); !ok || got != uint32(id) {
					t.Fatalf("Lookup(%x) = %d, %v; want %d, true", st, got, ok, id)
				}
			}
		})
	}
}

// TestStoreMany inserts enough distinct states to grow the table many
// times and fill several arena chunks.
func TestStoreMany(t *testing.T) {
	const n = 1 << 20
	s := NewStore(12)
	p := make([]byte, 12)
	put := func(i int) (uint32, bool) {
		binary.LittleEndian.PutUint64(p, uint64(i)*0x9e3779b97f4a7c15)
		binary.LittleEndian.PutUint32(p[8:], uint32(i))
		return s.Insert(p)
	}
	for i := range n {
		if id, added := put(i); id != uint32(i) || !added {
			t.Fatalf("Insert #%d = %d, %v", i, id, added)
		}
	}
	for i := range n {
		if id, added := put(i); id != uint32(i) || added {
			t.Fatalf("re-Insert #%d = %d, %v", i, id, added)
		}
	}
	if len(s.chunks) < 2 {
		t.Errorf("%d states of 12 bytes fit one chunk", n)
	}
	if got, min := s.Bytes(), int64(n*(12+8)); got < min || got > 3*min {
		t.Errorf("Bytes = %d, want about %d", got, min)
	}
	if _, ok := s.Lookup(bytes.Repeat([]byte{0xff}, 12)); ok {
		t.Error("Lookup found a state never inserted")
	}
}

// TestStoreChunks uses states so large that a chunk holds one or two.
func TestStoreChunks(t *testing.T) {
	for _, size := range []int{chunkBytes/3 + 1, chunkBytes + 1} {
		s := NewStore(size)
		p := make([]byte, size)
		for i := range 5 {
			p[size-1] = byte(i)
			if id, added := s.Insert(p); id != uint32(i) || !added {
				t.Fatalf("size %d: Insert #%d = %d, %v", size, i, id, added)
			}
		}
		for i := range 5 {
			if got := s.Get(uint32(i)); len(got) != size || got[size-1] != byte(i) {
				t.Errorf("size %d: Get(%d) wrong", size, i)
			}
		}
	}
}

func TestStoreWrongSizePanics(t *testing.T) {
	s := NewStore(4)
	for _, f := range []func(){
		func() { s.Insert(make([]byte, 3)) },
		func() { s.Lookup(make([]byte, 5)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic for a packed state of the wrong size")
				}
			}()
			f()
		}()
	}
}

func TestStoreNoAllocOnDuplicate(t *testing.T) {
	s := NewStore(8)
	p := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	s.Insert(p)
	if n := testing.AllocsPerRun(100, func() { s.Insert(p) }); n != 0 {
		t.Errorf("duplicate Insert allocates %v times", n)
	}
}

func BenchmarkStoreInsert(b *testing.B) {
	const size = 24 // a typical small protocol state
	s := NewStore(size)
	p := make([]byte, size)
	i := uint64(0)
	for b.Loop() {
		binary.LittleEndian.PutUint64(p, i)
		binary.LittleEndian.PutUint64(p[16:], i*7)
		s.Insert(p)
		i++
	}
	b.ReportMetric(float64(s.Bytes())/float64(s.Len()), "B/state")
}

func BenchmarkStoreInsertDup(b *testing.B) {
	const size, n = 24, 1 << 16
	s := NewStore(size)
	p := make([]byte, size)
	for i := range uint64(n) {
		binary.LittleEndian.PutUint64(p, i)
		s.Insert(p)
	}
	i := uint64(0)
	for b.Loop() {
		binary.LittleEndian.PutUint64(p, i%n)
		s.Insert(p)
		i++
	}
}

// TestStoreHome checks that the probe start taken from an entry's tag is
// the one the hash gives, below and above 2^32 entries.
func TestStoreHome(t *testing.T) {
	s := NewStore(5)
	for i := range 1000 {
		s.Insert([]byte{byte(i), byte(i >> 8), 1, 2, 3})
	}
	for _, e := range s.table {
		if e == 0 {
			continue
		}
		h := Hash(s.Get(uint32(e) - 1))
		for _, mask := range []uint64{1<<10 - 1, 1<<32 - 1, 1<<33 - 1, 1<<40 - 1} {
			if got := s.home(e, mask); got != h&mask {
				t.Fatalf("home(%#x, %#x) = %#x, want %#x", e, mask, got, h&mask)
			}
		}
	}
}

// TestStoreWarm checks that Warm reads no more than it may: in an empty
// store, in one of empty states, and in one whose table holds entries
// whose hashes match and entries whose hashes do not; and that it
// changes nothing a lookup sees.
func TestStoreWarm(t *testing.T) {
	empty := NewStore(0)
	empty.Warm([]uint64{0, 1, ^uint64(0)})
	if _, added := empty.Insert(nil); !added {
		t.Fatal("empty state not added")
	}
	empty.Warm([]uint64{Hash(nil), 7})

	s := NewStore(3)
	var hs []uint64
	for i := range byte(200) {
		p := []byte{i, i + 1, i + 2}
		s.Insert(p)
		hs = append(hs, Hash(p), Hash(p)^1, Hash(p)+1<<40)
	}
	s.Warm(hs)
	s.Warm(nil)
	for i := range byte(200) {
		if id, ok := s.Lookup([]byte{i, i + 1, i + 2}); !ok || id != uint32(i) {
			t.Fatalf("state %d: got id %d, %v", i, id, ok)
		}
	}
	if s.Len() != 200 {
		t.Fatalf("Len = %d", s.Len())
	}
}
