package state

import (
	"bytes"
	"fmt"
	"math"
	"math/bits"
	"sync/atomic"
	"unsafe"
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
//
// One goroutine inserts; others may look states up and get them at the
// same time (Lookup, LookupHash, Get, Prefetch, Warm): a state's bytes
// are written before its table entry is published, with a release store
// (publish), and a grown table or arena directory is published whole. A reader that
// runs beside an insert either finds the new state, whole, or does not
// find it yet.
type Store struct {
	// What the readers read: the arena and the table as published.
	size  int  // packed state size in bytes
	shift uint // log2 of the states per chunk
	dir   atomic.Pointer[[][]byte]
	tab   atomic.Pointer[[]uint64]
	// The writer changes what follows on every insert: on a cache line
	// of the readers' it would take the line from their cores each time.
	_ [128]byte
	// chunks is the arena, each chunk as long as its capacity: the
	// writer's, and published in dir for readers.
	chunks [][]byte
	n      int // states stored
	// table holds the entries made by entry, 0 is empty: the writer's,
	// and published in tab for readers.
	table []uint64
	grow  int // n at which the table doubles (load 0.7)
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
	s.dir.Store(&s.chunks)
	s.resize(minTableSize)
	return s
}

// Len returns the number of states stored. Only the goroutine that
// inserts, or one that synchronizes with it, may call it.
func (s *Store) Len() int { return s.n }

// Get returns the packed state with the given id. The result must not be
// modified.
func (s *Store) Get(id uint32) []byte {
	c := (*s.dir.Load())[id>>s.shift]
	off := int(id&(1<<s.shift-1)) * s.size
	return c[off : off+s.size : off+s.size]
}

// Insert adds packed to the store unless an equal state is there, and
// returns the state's id and whether it was added. The store keeps its own
// copy of packed. Insert panics if packed has the wrong size or a new state
// would exceed MaxStates; callers that may get there bound their searches
// and use Lookup at the bound.
func (s *Store) Insert(packed []byte) (id uint32, added bool) {
	return s.InsertHash(packed, s.hash(packed))
}

// InsertHash is Insert for a caller that has hashed packed already: h
// must be Hash(packed). Parallel searches hash their states on many
// cores and insert them on one.
func (s *Store) InsertHash(packed []byte, h uint64) (id uint32, added bool) {
	if len(packed) != s.size {
		s.hash(packed) // panics
	}
	if s.n >= s.grow {
		s.resize(2 * len(s.table))
	}
	i, id, ok := s.find(s.table, packed, h)
	if ok {
		return id, false
	}
	id = s.add(packed)
	// The state's bytes are in the arena before its entry is published.
	publish(&s.table[i], entry(h, id))
	return id, true
}

// Lookup returns the id of the state equal to packed, if stored.
func (s *Store) Lookup(packed []byte) (id uint32, ok bool) {
	return s.LookupHash(packed, s.hash(packed))
}

// LookupHash is Lookup for a caller that has hashed packed already: h
// must be Hash(packed).
func (s *Store) LookupHash(packed []byte, h uint64) (id uint32, ok bool) {
	if len(packed) != s.size {
		s.hash(packed) // panics
	}
	_, id, ok = s.find(*s.tab.Load(), packed, h)
	return id, ok
}

// Bytes returns the memory the store holds: arena and tables.
func (s *Store) Bytes() int64 {
	n := int64(8*cap(s.table) + 24*cap(s.chunks))
	for _, c := range s.chunks {
		n += int64(cap(c))
	}
	return n
}

// place adds the entries of from, 0 for none, to table, whose states are
// all different from theirs.
func (s *Store) place(table, from []uint64) {
	mask := uint64(len(table) - 1)
	for _, e := range from {
		if e == 0 {
			continue
		}
		i := s.home(e, mask)
		for table[i] != 0 {
			i = (i + 1) & mask
		}
		table[i] = e
	}
}

// hash hashes packed after checking its size, which all entry points do.
func (s *Store) hash(packed []byte) uint64 {
	if len(packed) != s.size {
		panic(fmt.Sprintf("state: packed state of %d bytes in a store of %d-byte states", len(packed), s.size))
	}
	return Hash(packed)
}

// find probes table for packed, whose hash is h. It returns the table
// index of the state's entry and its id if found, else the empty index
// that ends the probe.
func (s *Store) find(table []uint64, packed []byte, h uint64) (i uint64, id uint32, ok bool) {
	mask := uint64(len(table) - 1)
	for i = h & mask; ; i = (i + 1) & mask {
		e := atomic.LoadUint64(&table[i])
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
// two), and publishes it.
func (s *Store) resize(size int) {
	old := s.table
	table := make([]uint64, size)
	AdviseHuge(table)
	s.grow = size / 10 * 7
	// In the old table's order, the writes to the new one mostly run in
	// order too.
	s.place(table, old)
	s.table = table
	s.tab.Store(&table)
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

// add copies packed to the arena as a new state and returns its id.
func (s *Store) add(packed []byte) uint32 {
	if s.n == MaxStates {
		panic("state: store full")
	}
	id := uint32(s.n)
	s.appendState(packed)
	return id
}

// appendState copies packed to the arena as state s.n.
func (s *Store) appendState(packed []byte) {
	k := s.n >> s.shift // its chunk
	off := (s.n & (1<<s.shift - 1)) * s.size
	switch {
	case k == len(s.chunks) && k == 0:
		// The first chunk starts small and doubles, so small stores stay
		// small; later ones are allocated at full size.
		s.chunks = append(s.chunks, make([]byte, max(64, s.size)/max(1, s.size)*s.size))
		s.publish()
	case k == len(s.chunks):
		c := make([]byte, s.size<<s.shift)
		AdviseHuge(c)
		s.chunks = append(s.chunks, c)
		s.publish()
	case k == 0 && off+s.size > len(s.chunks[0]):
		grown := make([]byte, min(2*len(s.chunks[0]), s.size<<s.shift))
		copy(grown, s.chunks[0])
		// Readers may be reading the old directory: the new one is a copy.
		s.chunks = [][]byte{grown}
		s.publish()
	}
	copy(s.chunks[k][off:off+s.size], packed)
	s.n++
}

// publish makes the arena directory the readers' one.
func (s *Store) publish() {
	dir := s.chunks
	s.dir.Store(&dir)
}

// Prefetch starts loading, for each hash in hs, the table entry where a
// lookup of it starts, and returns at once. A lookup that misses the
// caches waits for memory twice, for the entry and then for the state it
// names: a caller that has other work to do meanwhile calls Prefetch,
// then Warm, then looks the states up, so that the waits overlap its
// work and each other. Prefetch is a reader, as LookupHash is.
func (s *Store) Prefetch(hs []uint64) {
	table := *s.tab.Load()
	mask := uint64(len(table) - 1)
	for _, h := range hs {
		prefetch(unsafe.Pointer(&table[h&mask]))
	}
}

// Warm reads, for each hash in hs, the table entry where a lookup of it
// starts, and starts loading the stored state it names if their hashes
// match (see Prefetch). The reads of the entries do not depend on each
// other, so the memory system serves them together, where the lookups
// would wait for each in turn. Warm is a reader, as LookupHash is.
func (s *Store) Warm(hs []uint64) { s.warm(*s.tab.Load(), hs) }

// warm is Warm in table.
func (s *Store) warm(table []uint64, hs []uint64) {
	mask := uint64(len(table) - 1)
	dir := *s.dir.Load()
	for _, h := range hs {
		e := atomic.LoadUint64(&table[h&mask])
		if e == 0 || e>>32 != h&math.MaxUint32 {
			continue
		}
		// Get, without its bounds checks: the address is only a hint.
		id := uint32(e) - 1
		if k := int(id >> s.shift); k < len(dir) && len(dir[k]) > 0 {
			prefetch(unsafe.Add(unsafe.Pointer(unsafe.SliceData(dir[k])), int(id&(1<<s.shift-1))*s.size))
		}
	}
}
