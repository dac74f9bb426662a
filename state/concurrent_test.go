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
