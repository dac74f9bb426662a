package state

import (
	"bytes"
	"encoding/binary"
	"sync"
	"sync/atomic"
	"testing"
)

// TestStoreConcurrentReaders inserts states on one goroutine, across
// table and arena growth, while others look up states: each must find
// every state inserted before it looked, whole, with its id, and never
// one not inserted.
func TestStoreConcurrentReaders(t *testing.T) {
	const n, size = 60000, 13
	state := func(buf []byte, i int) []byte {
		clear(buf)
		binary.LittleEndian.PutUint64(buf, uint64(i)*0x9e3779b97f4a7c15)
		binary.LittleEndian.PutUint32(buf[8:], uint32(i))
		return buf
	}
	s := NewStore(size)
	var done atomic.Int64 // states inserted
	var wg sync.WaitGroup
	for r := range 3 {
		wg.Go(func() {
			buf := make([]byte, size)
			for k := r; done.Load() < n; k += 7 {
				d := int(done.Load())
				if d == 0 {
					continue
				}
				i := k % d
				p := state(buf, i)
				id, ok := s.Lookup(p)
				if !ok || id != uint32(i) || !bytes.Equal(s.Get(id), p) {
					t.Errorf("Lookup of state %d: %d, %v", i, id, ok)
					return
				}
				if _, ok := s.Lookup(state(buf, n+k)); ok {
					t.Errorf("Lookup found state %d, never inserted", n+k)
					return
				}
			}
		})
	}
	buf := make([]byte, size)
	for i := range n {
		if id, added := s.Insert(state(buf, i)); id != uint32(i) || !added {
			t.Fatalf("Insert #%d = %d, %v", i, id, added)
		}
		done.Add(1)
	}
	wg.Wait()
}

// TestFPSetConcurrentReaders is TestStoreConcurrentReaders for an FPSet,
// which also renumbers its states as it grows.
func TestFPSetConcurrentReaders(t *testing.T) {
	const n = 60000
	fp := func(i int) uint64 { return uint64(i+2) * 0x9e3779b97f4a7c15 }
	s := NewFPSet()
	var done atomic.Int64
	var wg sync.WaitGroup
	for r := range 3 {
		wg.Go(func() {
			for k := r; done.Load() < n; k += 7 {
				d := int(done.Load())
				if d == 0 {
					continue
				}
				i := k % d
				if _, ok := s.Lookup(fp(i)); !ok {
					t.Errorf("Lookup of state %d failed", i)
					return
				}
				if _, ok := s.Lookup(fp(n + k)); ok {
					t.Errorf("Lookup found state %d, never inserted", n+k)
					return
				}
			}
		})
	}
	for i := range n {
		if s.Full() {
			s.Grow()
		}
		if _, added := s.Insert(fp(i), NoParent); !added {
			t.Fatalf("Insert #%d not added", i)
		}
		done.Add(1)
	}
	wg.Wait()
}

// TestStoreStagedLevels adds states in levels, as the parallel search
// does: while readers look up states, the writer stages a level's states
// (some twice), and commits them when the readers stop. Readers must find
// every state of the earlier levels and none of the level being staged;
// the writer finds the staged ones with LookupStaged; after the last
// Commit every state is found with its id, as Insert would number them.
func TestStoreStagedLevels(t *testing.T) {
	const levels, perLevel, size = 6, 33000, 11
	state := func(buf []byte, i int) []byte {
		clear(buf)
		binary.LittleEndian.PutUint64(buf, uint64(i)*0x9e3779b97f4a7c15)
		buf[8] = byte(i >> 16)
		return buf
	}
	s := NewStore(size)
	want := NewStore(size)                 // the same states, inserted one by one
	ids := make([]uint32, levels*perLevel) // state i's id in want
	buf := make([]byte, size)
	for l := range levels {
		committed := l * perLevel
		var stop atomic.Bool
		var wg sync.WaitGroup
		for r := range 2 {
			wg.Go(func() {
				buf := make([]byte, size)
				for k := r; !stop.Load(); k += 3 {
					if committed > 0 {
						i := k % committed
						if id, ok := s.Lookup(state(buf, i)); !ok || id != ids[i] {
							t.Errorf("level %d: Lookup of committed state %d: %d, %v", l, i, id, ok)
							return
						}
					}
					if i := committed + k%perLevel; s.contains(state(buf, i)) {
						t.Errorf("level %d: Lookup found state %d before its Commit", l, i)
						return
					}
				}
			})
		}
		for k := range 2 * perLevel {
			// Each state of the level twice, the second time later.
			i := committed + k/2
			if k%2 == 1 {
				i = committed + (k/2*7919)%perLevel
			}
			wid, wadded := want.Insert(state(buf, i))
			ids[i] = wid
			id, added := s.Stage(state(buf, i), Hash(buf))
			if id != wid || added != wadded {
				t.Fatalf("level %d: Stage of state %d = %d, %v; Insert = %d, %v", l, i, id, added, wid, wadded)
			}
			if got, ok := s.LookupStaged(buf, Hash(buf)); !ok || got != id {
				t.Fatalf("level %d: LookupStaged of state %d = %d, %v", l, i, got, ok)
			}
			if !bytes.Equal(s.Get(id), buf) {
				t.Fatalf("level %d: Get(%d) is not state %d", l, id, i)
			}
		}
		stop.Store(true)
		wg.Wait()
		if s.Len() != want.Len() {
			t.Fatalf("level %d: Len %d, want %d", l, s.Len(), want.Len())
		}
		s.Commit(1 + l%3)
		if _, ok := s.LookupStaged(state(buf, committed), Hash(buf)); ok {
			t.Fatalf("level %d: LookupStaged finds a committed state", l)
		}
	}
	for i := range levels * perLevel {
		if id, ok := s.Lookup(state(buf, i)); !ok || id != ids[i] {
			t.Fatalf("Lookup of state %d after the last Commit: %d, %v", i, id, ok)
		}
	}
	if _, added := s.Insert(state(buf, levels*perLevel)); !added {
		t.Fatal("Insert after Commit did not add a new state")
	}
}

// contains reports whether a reader finds packed.
func (s *Store) contains(packed []byte) bool {
	_, ok := s.Lookup(packed)
	return ok
}

// TestStoreInsertWhileStagedPanics: Insert does not see staged states, so
// it refuses to run beside them.
func TestStoreInsertWhileStagedPanics(t *testing.T) {
	s := NewStore(4)
	p := []byte{1, 2, 3, 4}
	s.Stage(p, Hash(p))
	defer func() {
		if recover() == nil {
			t.Error("Insert with a staged state did not panic")
		}
	}()
	s.Insert(p)
}
