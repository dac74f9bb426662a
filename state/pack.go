package state

import (
	"encoding/binary"
	"fmt"
	"iter"
	"unsafe"
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
	// Bits accumulate in acc, each slot at the shift the layout gives it;
	// the slot that reaches the end of a word flushes it, and keeps its
	// bits beyond the word for the next.
	var acc uint64
	fields := l.fields
	v = v[:len(fields)]
	for i := range fields {
		f := &fields[i]
		u := uint64(int64(v[i]) - int64(f.min))
		if u > uint64(f.span) {
			l.outside(i, v[i])
		}
		acc |= u << (f.wshift & 63)
		if f.last {
			dst = binary.LittleEndian.AppendUint64(dst, acc)
			// 64-wshift is 1..64: a slot that ends the word exactly
			// carries nothing, and a shift by 64 gives 0.
			acc = u >> (64 - f.wshift)
		}
	}
	// Bits/64 words are flushed; the bytes of the rest follow.
	for n := l.size - 8*(l.bits/64); n > 0; n-- {
		dst = append(dst, byte(acc))
		acc >>= 8
	}
	return dst
}

// outside panics for value v of slot i, outside its domain.
func (l *Layout) outside(i int, v int32) {
	s := l.slots[i]
	panic(fmt.Sprintf("state: slot %d (%s) value %d outside %d..%d", i, s.Name, v, s.Min, s.Max))
}

// Unpack decodes the packed state b into dst, which must have NumSlots
// elements; b must have PackedSize bytes.
func (l *Layout) Unpack(dst []int32, b []byte) {
	fields := l.fields
	dst = dst[:len(fields)]
	b = b[:l.size]
	if l.size < 8 {
		x := load64(b)
		for i := range fields {
			f := &fields[i]
			dst[i] = f.min + int32(uint32(x>>(f.shift&63))&f.mask)
		}
		return
	}
	// Each slot is one load of its window: no state carries from one
	// slot to the next, so the loads overlap. b has PackedSize bytes, 8
	// or more, and every window is within them.
	for i := range fields {
		f := &fields[i]
		x := load(b, f.off)
		dst[i] = f.min + int32(uint32(x>>(f.shift&63))&f.mask)
	}
}

// Repack appends the packed form of the state vector next to dst and
// returns the extended slice, as Pack does, given base, the packed form
// of the vector prev: it copies base and rewrites only the slots in which
// next differs from prev. A successor usually differs from its state in a
// few slots, so this is much faster than Pack.
//
// base must be Pack(prev) exactly; then Repack returns what Pack(next)
// would, and panics, as Pack does, if a slot that differs is outside its
// domain.
func (l *Layout) Repack(dst, base []byte, prev, next []int32) []byte {
	if len(next) != len(l.fields) || len(prev) != len(l.fields) || len(base) != l.size {
		panic(fmt.Sprintf("state: Repack of %d values from %d values and %d bytes, layout has %d slots of %d bytes",
			len(next), len(prev), len(base), len(l.fields), l.size))
	}
	start := len(dst)
	dst = append(dst, base...)
	b := dst[start:]
	if l.size < 8 {
		x := load64(b)
		for i := range diffs(prev, next) {
			x = l.put(x, i, next[i])
		}
		for k := range b {
			b[k] = byte(x >> (8 * k))
		}
		return dst
	}
	b = b[:l.size] // 8 or more bytes, holding every window
	for i := range diffs(prev, next) {
		off := l.fields[i].off
		store(b, off, l.put(load(b, off), i, next[i]))
	}
	return dst
}

// put returns the window x of slot i with the slot set to v.
func (l *Layout) put(x uint64, i int, v int32) uint64 {
	f := &l.fields[i]
	u := uint64(int64(v) - int64(f.min))
	if u > uint64(f.span) {
		l.outside(i, v)
	}
	sh := f.shift & 63
	return x&^(uint64(f.mask)<<sh) | u<<sh
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

// diffs yields, in increasing order, the indices at which a and b, of
// equal lengths, differ. Successors differ from their state in a few
// slots, so when the vectors are 8-byte aligned, as Go allocates them, it
// compares them four words, eight slots, at a time, and looks closer only
// where they differ.
func diffs(a, b []int32) iter.Seq[int] {
	return func(yield func(int) bool) {
		b = b[:len(a)]
		i := 0
		pa, pb := unsafe.Pointer(unsafe.SliceData(a)), unsafe.Pointer(unsafe.SliceData(b))
		if n := len(a) / 2; n > 0 && (uintptr(pa)|uintptr(pb))%8 == 0 {
			wa := unsafe.Slice((*uint64)(pa), n)
			wb := unsafe.Slice((*uint64)(pb), n)[:n]
			k := 0
			for ; k+4 <= n; k += 4 {
				if (wa[k]^wb[k])|(wa[k+1]^wb[k+1])|(wa[k+2]^wb[k+2])|(wa[k+3]^wb[k+3]) == 0 {
					continue
				}
				for j := 2 * k; j < 2*k+8; j++ {
					if a[j] != b[j] && !yield(j) {
						return
					}
				}
			}
			i = 2 * k
		}
		for ; i < len(a); i++ {
			if a[i] != b[i] && !yield(i) {
				return
			}
		}
	}
}
