package state

import (
	"encoding/binary"
	"fmt"
)

// Pack appends the packed form of the state vector v to dst and returns
// the extended slice; pass buf[:0] to reuse buf, which then costs no
// allocation. Each slot is stored as v[i]-Min in Width(i) bits, least
// significant first, so the packed form is little-endian and its unused
// high bits are zero: equal vectors give equal bytes.
//
// v must have NumSlots elements, each in its slot's domain. Pack panics
// otherwise: callers check domains first (see InDomain).
func (l *Layout) Pack(dst []byte, v []int32) []byte {
	if len(v) != len(l.fields) {
		panic(fmt.Sprintf("state: Pack of %d values, layout has %d slots", len(v), len(l.fields)))
	}
	// Bits accumulate in acc; every full 64 bits are flushed as one word.
	var acc uint64
	n := uint(0) // bits in acc
	for i, f := range l.fields {
		u := uint64(int64(v[i]) - int64(f.min))
		if u > uint64(f.span) {
			panic(fmt.Sprintf("state: slot %d (%s) value %d outside %d..%d",
				i, l.slots[i].Name, v[i], l.slots[i].Min, l.slots[i].Max))
		}
		w := uint(f.width)
		acc |= u << n
		n += w
		if n >= 64 {
			dst = binary.LittleEndian.AppendUint64(dst, acc)
			n -= 64
			// The low w-n bits of u went into the flushed word; keep the
			// other n (n < w ≤ 32).
			acc = u >> (w - n)
		}
	}
	for ; n > 0; n -= min(n, 8) {
		dst = append(dst, byte(acc))
		acc >>= 8
	}
	return dst
}

// Unpack decodes the packed state b into dst, which must have NumSlots
// elements.
func (l *Layout) Unpack(dst []int32, b []byte) {
	dst = dst[:len(l.fields)]
	var acc uint64
	n := uint(0) // bits left in acc
	for i, f := range l.fields {
		w := uint(f.width)
		var u uint64
		if n >= w {
			u = acc
			acc >>= w // w < 64, so a zero width shifts nothing away
			n -= w
		} else {
			next := load64(b)
			b = b[min(len(b), 8):]
			u = acc | next<<n
			acc = next >> (w - n)
			n = 64 - (w - n)
		}
		dst[i] = f.min + int32(uint32(u&(1<<w-1)))
	}
}

// load64 reads the little-endian word at the start of b, zero-filling
// past the end of a short tail.
func load64(b []byte) uint64 {
	if len(b) >= 8 {
		return binary.LittleEndian.Uint64(b)
	}
	var x uint64
	for i, c := range b {
		x |= uint64(c) << (8 * i)
	}
	return x
}
