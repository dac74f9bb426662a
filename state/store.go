package state

import (
	"bytes"
	"fmt"
	"math"
	"math/bits"
)

// MaxStates is the most states a Store holds: ids are uint32 and the hash
// table reserves one value of the id field to mark empty entries.
const MaxStates = 1<<32 - 1

const (
	chunkBytes   = 4 << 20 // arena chunk size: few allocations, little slack
	minTableSize = 256
)

// A Store is a visited set of packed states, which it numbers 0, 1, 2, …
// in insertion order.
//
// The states live in an append-only arena of fixed-size chunks, so growing
// never copies the states already stored. An open-addressing hash table
// with linear probing maps states to their ids; each entry keeps the low
// 32 bits of the state's hash beside its id, so a probe compares stored
// bytes only when those bits match, and the table grows without reading
// the stored states.
type Store struct {
	size   int      // packed state size in bytes
	shift  uint     // log2 of the states per chunk
	chunks [][]byte // the arena
	n      int      // states stored
	table  []uint64 // entries made by entry; 0 is empty
	grow   int      // n at which the table doubles (load 0.7)
}

// NewStore returns an empty store for packed states of packedSize bytes.
func NewStore(packedSize int) *Store {
	if packedSize < 0 {
		panic("state: negative packed size")
	}
	s := &Store{size: packedSize, shift: 32}
	if packedSize > 0 {
		s.shift = uint(bits.Len(uint(max(1, chunkBytes/packedSize)))) - 1
	}
	s.resize(minTableSize)
	return s
}

// Len returns the number of states stored.
func (s *Store) Len() int { return s.n }

// Get returns the packed state with the given id. The result must not be
// modified.
func (s *Store) Get(id uint32) []byte {
	c := s.chunks[id>>s.shift]
	off := int(id&(1<<s.shift-1)) * s.size
	return c[off : off+s.size : off+s.size]
}

// Insert adds packed to the store unless an equal state is there, and
// returns the state's id and whether it was added. The store keeps its own
// copy of packed. Insert panics if packed has the wrong size or a new state
// would exceed MaxStates; callers that may get there bound their searches
// and use Lookup at the bound.
func (s *Store) Insert(packed []byte) (id uint32, added bool) {
	if s.n >= s.grow {
		s.resize(2 * len(s.table))
	}
	h := s.hash(packed)
	i, id, ok := s.find(packed, h)
	if ok {
		return id, false
	}
	if s.n == MaxStates {
		panic("state: store full")
	}
	id = uint32(s.n)
	s.table[i] = entry(h, id)
	s.appendState(packed)
	return id, true
}

// Lookup returns the id of the state equal to packed, if stored.
func (s *Store) Lookup(packed []byte) (id uint32, ok bool) {
	_, id, ok = s.find(packed, s.hash(packed))
	return id, ok
}

// Bytes returns the memory the store holds: arena and table.
func (s *Store) Bytes() int64 {
	n := int64(8*cap(s.table) + 24*cap(s.chunks))
	for _, c := range s.chunks {
		n += int64(cap(c))
	}
	return n
}

// hash hashes packed after checking its size, which all entry points do.
func (s *Store) hash(packed []byte) uint64 {
	if len(packed) != s.size {
		panic(fmt.Sprintf("state: packed state of %d bytes in a store of %d-byte states", len(packed), s.size))
	}
	return Hash(packed)
}

// find probes for packed, whose hash is h. It returns the table index of
// the state's entry and its id if found, else the empty index that ends
// the probe.
func (s *Store) find(packed []byte, h uint64) (i uint64, id uint32, ok bool) {
	mask := uint64(len(s.table) - 1)
	for i = h & mask; ; i = (i + 1) & mask {
		e := s.table[i]
		if e == 0 {
			return i, 0, false
		}
		if e>>32 == h&math.MaxUint32 {
			id = uint32(e) - 1
			if bytes.Equal(s.Get(id), packed) {
				return i, id, true
			}
		}
	}
}

// resize moves the entries to a new table of size entries (a power of
// two), visiting the old table in order so the writes to the new one
// mostly run sequentially too.
func (s *Store) resize(size int) {
	old := s.table
	s.table = make([]uint64, size)
	s.grow = size / 10 * 7
	mask := uint64(size - 1)
	for _, e := range old {
		if e == 0 {
			continue
		}
		i := s.home(e, mask)
		for s.table[i] != 0 {
			i = (i + 1) & mask
		}
		s.table[i] = e
	}
}

// home returns the index at which the probe for the state of entry e
// starts in a table with the given mask. Up to 2^32 entries the tag in e
// holds all the hash bits the mask keeps, and the stored bytes stay
// untouched.
func (s *Store) home(e, mask uint64) uint64 {
	if mask <= math.MaxUint32 {
		return e >> 32 & mask
	}
	return Hash(s.Get(uint32(e)-1)) & mask
}

// entry packs a table entry: the low half of the hash h, the tag, above
// id+1, which is never 0.
func entry(h uint64, id uint32) uint64 { return h<<32 | (uint64(id) + 1) }

// appendState copies packed to the arena as state s.n.
func (s *Store) appendState(packed []byte) {
	if s.n&(1<<s.shift-1) == 0 {
		// The first chunk grows by append, so small stores stay small;
		// later ones are allocated at full size.
		var c []byte
		if len(s.chunks) > 0 {
			c = make([]byte, 0, s.size<<s.shift)
		}
		s.chunks = append(s.chunks, c)
	}
	last := &s.chunks[len(s.chunks)-1]
	*last = append(*last, packed...)
	s.n++
}
