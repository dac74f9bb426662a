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
type Layout struct {
	slots  []Slot
	fields []field
	bits   int
}

// field is the packing view of a slot, kept apart from Slot so the pack
// loops touch only a few dense bytes per slot.
type field struct {
	min   int32
	span  uint32 // Max-Min
	width uint8  // bits.Len32(span)
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
		l.fields[i] = field{min: s.Min, span: span, width: uint8(w)}
		l.bits += w
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
func (l *Layout) PackedSize() int { return (l.bits + 7) / 8 }

// InDomain reports whether v is in the domain of slot i.
func (l *Layout) InDomain(i int, v int32) bool {
	f := l.fields[i]
	return uint64(int64(v)-int64(f.min)) <= uint64(f.span)
}
