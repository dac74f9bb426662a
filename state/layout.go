package state

import (
	"fmt"
	"math/bits"
	"slices"
)

// A Slot is one scalar variable of the state vector with its finite
// domain Min..Max (inclusive).
type Slot struct {
	Name     string
	Min, Max int32
}

// A Layout describes the slots of a state vector and how a vector is
// bit-packed: slot i takes the bits needed for Max-Min, right after slot
// i-1, and a slot whose domain is a single value takes none.
//
// A Layout is immutable once made, so any number of goroutines may use
// one at once.
type Layout struct {
	slots  []Slot
	fields []field
	bits   int
	size   int // PackedSize
}

// field is the packing view of a slot, kept apart from Slot so the pack
// loops touch only a few dense bytes per slot.
//
// Every slot is at most 32 bits wide, so it lies within the 8 bytes that
// start at the byte holding its first bit: Unpack and Repack read and
// write a slot with one unaligned 64-bit load (and store) of that window,
// at a byte offset and shift fixed by the layout. A window would run past
// the end of the packed state for the slots of its last 7 bytes; theirs
// is moved back to the last 8 bytes, with the shift grown to match.
// States shorter than 8 bytes are one window, read and written through a
// copy (see small).
type field struct {
	min   int32
	span  uint32 // Max-Min
	mask  uint32 // 1<<width - 1
	off   uint32 // byte offset of the slot's window
	shift uint8  // bit offset of the slot in its window
	width uint8  // bits.Len32(span)
	// wshift is the slot's bit offset in its 64-bit word of the packed
	// state (word k is bytes 8k..8k+7), and last says the slot reaches
	// the end of that word, for Pack.
	wshift uint8
	last   bool
}

// NewLayout returns the layout of slots, in order. It panics if a slot has
// Min > Max: domains come from a checked spec, so that is a bug.
func NewLayout(slots []Slot) *Layout {
	l := &Layout{slots: slices.Clone(slots), fields: make([]field, len(slots))}
	for i, s := range slots {
		if s.Min > s.Max {
			panic(fmt.Sprintf("state: slot %d (%s) has empty domain %d..%d", i, s.Name, s.Min, s.Max))
		}
		span := uint32(int64(s.Max) - int64(s.Min))
		w := bits.Len32(span)
		l.fields[i] = field{min: s.Min, span: span, mask: uint32(1<<w - 1), width: uint8(w)}
		l.bits += w
	}
	l.size = (l.bits + 7) / 8
	pos := 0
	for i := range l.fields {
		f := &l.fields[i]
		off := pos / 8
		if l.size >= 8 {
			off = min(off, l.size-8)
		} else {
			off = 0
		}
		f.off, f.shift = uint32(off), uint8(pos-8*off)
		f.wshift = uint8(pos % 64)
		// The slot that reaches the end of a word is the last to start in
		// it.
		f.last = pos%64+int(f.width) >= 64
		pos += int(f.width)
	}
	return l
}

// Slots returns a copy of the layout's slots.
func (l *Layout) Slots() []Slot { return slices.Clone(l.slots) }

// NumSlots returns the number of slots in a state vector.
func (l *Layout) NumSlots() int { return len(l.slots) }

// Width returns the number of bits slot i takes in the packed form.
func (l *Layout) Width(i int) int { return int(l.fields[i].width) }

// Bits returns the number of significant bits in the packed form.
func (l *Layout) Bits() int { return l.bits }

// PackedSize returns the length in bytes of a packed state vector.
func (l *Layout) PackedSize() int { return l.size }

// InDomain reports whether v is in the domain of slot i.
func (l *Layout) InDomain(i int, v int32) bool {
	f := l.fields[i]
	return uint64(int64(v)-int64(f.min)) <= uint64(f.span)
}
