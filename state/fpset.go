package state

import (
	"fmt"
	"math"
	"math/bits"
	"sync/atomic"
)

// NoParent is the parent link of a state that has none: the initial one.
const NoParent = math.MaxUint32

// Load factors of an FPSet: it grows when an insert would take it above
// fpMaxLoad, to the size at which it is fpGrowLoad full.
const (
	fpMaxLoad  = 0.9
	fpGrowLoad = 0.76
	fpMinSlots = 64
	// fpMaxSlots keeps ids below NoParent, which the explorer also uses
	// as a marker that is never an id.
	fpMaxSlots = math.MaxUint32
)

// FPMaxStates is the most states an FPSet holds.
const FPMaxStates = fpMaxSlots / 10 * 9

// An FPSet is a visited set that keeps, of each state, only a 64-bit
// fingerprint (a hash of its packed form, see HashSeed) and the id of its
// parent, the state it was first reached from: 12 bytes a slot, at a load
// of 76% to 90%, so 13.3 to 15.8 bytes a state.
//
// Two states with one fingerprint are taken for one: the second one found
// is not explored, nor are the states only it leads to. For n states
// with random 64-bit fingerprints that happens with probability about
// n²/2^65 (see MissProbability).
//
// A state's id is the index of its slot in an open-addressing table with
// linear probing; there is no other index, which is what keeps a state
// at 12 bytes and its load factor. Ids are therefore not dense, but less
// than Slots, and they change when the set grows: Grow returns how. The
// set grows only when told to (see Full and Grow), so the caller always
// knows when the ids it holds must be renumbered. The fingerprint 0 marks
// an empty slot, so fingerprints 0 and 1 are one.
//
// A state's home slot is the high half of fingerprint×Slots, so the table
// may have any size (it grows by a factor of 0.9/0.76, not 2) and is
// ordered by home: growing it reads the old one in order and writes the
// new one nearly in order.
//
// One goroutine inserts and grows the set; others may Lookup at the same
// time, to learn whether a state is stored: a fingerprint is written with
// an atomic store, and a grown table published whole. A lookup that runs
// beside an insert or a grow may not find the state inserted, and the id
// it returns for a state found may be one the grow has just changed.
type FPSet struct {
	fps    []uint64 // by slot: a fingerprint, 0 for an empty slot
	pub    atomic.Pointer[[]uint64]
	parent []uint32 // by slot: the id of the state's parent
	n      int      // states
	max    int      // the most states before the set must grow
}

// NewFPSet returns an empty set.
func NewFPSet() *FPSet {
	s := &FPSet{}
	s.alloc(fpMinSlots)
	s.publish()
	return s
}

func (s *FPSet) alloc(slots int) {
	s.fps = make([]uint64, slots)
	s.parent = make([]uint32, slots)
	s.max = min(int(float64(slots)*fpMaxLoad), FPMaxStates)
}

// publish makes the table the one lookups read.
func (s *FPSet) publish() {
	fps := s.fps
	s.pub.Store(&fps)
}

// Len returns the number of states stored.
func (s *FPSet) Len() int { return s.n }

// Slots returns the size of the table: every id is less.
func (s *FPSet) Slots() int { return len(s.fps) }

// Bytes returns the memory the set holds.
func (s *FPSet) Bytes() int64 { return int64(8*cap(s.fps) + 4*cap(s.parent)) }

// Parent returns the parent of state id, NoParent for a state inserted
// without one.
func (s *FPSet) Parent(id uint32) uint32 { return s.parent[id] }

// Full reports whether the set must Grow before the next Insert.
func (s *FPSet) Full() bool { return s.n >= s.max }

// Lookup returns the id of the state with fingerprint fp, if stored.
func (s *FPSet) Lookup(fp uint64) (id uint32, ok bool) {
	i, ok := find(*s.pub.Load(), fp)
	return uint32(i), ok
}

// Insert adds the state with fingerprint fp, reached from parent, unless
// it is there, and returns its id and whether it was added. It panics if
// the set is Full: the caller grows it first.
func (s *FPSet) Insert(fp uint64, parent uint32) (id uint32, added bool) {
	if s.n >= s.max {
		panic("state: Insert into a full FPSet")
	}
	i, ok := find(s.fps, fp)
	if ok {
		return uint32(i), false
	}
	s.parent[i] = parent
	publish(&s.fps[i], norm(fp))
	s.n++
	return uint32(i), true
}

// Grow enlarges the table, moving every state, and returns the new id of
// every old one: remap[old] (undefined for an old id that was no state).
// Parent links are renumbered with it; the caller renumbers the ids it
// holds. Grow panics if the set cannot grow: FPMaxStates bounds it.
func (s *FPSet) Grow() (remap []uint32) {
	if len(s.fps) >= fpMaxSlots {
		panic(fmt.Sprintf("state: FPSet of %d states is full", s.n))
	}
	slots := int(min(float64(fpMaxSlots), math.Ceil(float64(s.n+1)/fpGrowLoad)))
	slots = max(slots, len(s.fps)+1, fpMinSlots)
	oldFPs, oldParent := s.fps, s.parent
	s.alloc(slots)
	remap = make([]uint32, len(oldFPs))
	for i, fp := range oldFPs {
		if fp == 0 {
			continue
		}
		j, _ := find(s.fps, fp)
		s.fps[j] = fp
		remap[i] = uint32(j)
	}
	for i, fp := range oldFPs {
		if fp == 0 {
			continue
		}
		p := oldParent[i]
		if p != NoParent {
			p = remap[p]
		}
		s.parent[remap[i]] = p
	}
	s.publish()
	return remap
}

// find returns the slot of fp in the table fps if stored, else the empty
// slot that ends its probe.
func find(fps []uint64, fp uint64) (i uint64, ok bool) {
	fp = norm(fp)
	n := uint64(len(fps))
	i, _ = bits.Mul64(fp, n)
	for {
		switch atomic.LoadUint64(&fps[i]) {
		case fp:
			return i, true
		case 0:
			return i, false
		}
		if i++; i == n {
			i = 0
		}
	}
}

// norm maps fingerprint 0, the empty slot, to 1.
func norm(fp uint64) uint64 {
	if fp == 0 {
		return 1
	}
	return fp
}

// MissProbability estimates the probability that a search storing n
// states as 64-bit fingerprints missed a state: that two of the n states
// have one fingerprint, n(n-1)/2 pairs each colliding with probability
// 2^-64, the birthday bound n(n-1)/2^65, as TLC estimates it. It assumes
// the fingerprints are uniformly random; it is an estimate of the risk,
// not a bound on it, and more than 1 means a collision is to be expected.
func MissProbability(n int64) float64 {
	f := float64(n)
	return f * (f - 1) / math.Exp2(65)
}
