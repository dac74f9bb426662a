package explore

import "bytes"

// A candIndex finds, among the candidates a worker has kept in the chunk
// it expands, one equal to a new successor. The successors of states
// close to each other often meet (two CPUs' steps taken in either order
// reach the same state), and a chunk's states are close: they were found
// one after the other. Looking the chunk's candidates up first spares the
// worker a probe of the visited set, and the merge a candidate, for two
// candidates in five on the scale protocol. A successor found there is a
// candidate the sequential search stores at its first occurrence, and the
// merge of this one would only find it stored.
//
// Each worker writes its own on every candidate, so it is a field of the
// worker, padded with it: two allocated one after the other would share
// a cache line.
type candIndex struct {
	slots []uint32 // candidate index + 1; 0 is empty
	n     int
}

// candIndexSlots is the size of a candIndex, a power of two, 16 KiB: it
// fills to half at most, room for the candidates of a chunk of
// chunkStates states with 8 new successors each; a chunk with more keeps
// the rest unindexed.
const candIndexSlots = 4096

func newCandIndex() candIndex { return candIndex{slots: make([]uint32, candIndexSlots)} }

// reset empties the index for a new chunk.
func (x *candIndex) reset() {
	if x.n > 0 {
		clear(x.slots)
		x.n = 0
	}
}

// find returns the index of the candidate of c equal to packed, whose hash
// is h, if it has one indexed; size is the packed state size.
func (x *candIndex) find(c *chunk, packed []byte, h uint64, size int) (k int, ok bool) {
	mask := uint64(len(x.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := int(x.slots[i])
		if s == 0 {
			return 0, false
		}
		k = s - 1
		if c.cands[k].hash == h && bytes.Equal(c.packed[k*size:(k+1)*size], packed) {
			return k, true
		}
	}
}

// add indexes candidate k, of hash h, unless the index is half full.
func (x *candIndex) add(h uint64, k int) {
	if 2*(x.n+1) > len(x.slots) {
		return
	}
	mask := uint64(len(x.slots) - 1)
	i := h & mask
	for x.slots[i] != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = uint32(k + 1)
	x.n++
}
