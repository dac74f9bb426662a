package state

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLayoutWidths(t *testing.T) {
	l := NewLayout([]Slot{
		{"const", 5, 5},
		{"bool", 0, 1},
		{"neg", -3, 3},
		{"three", 0, 2},
		{"byte", -128, 127},
		{"all", math.MinInt32, math.MaxInt32},
		{"top", math.MaxInt32 - 1, math.MaxInt32},
	})
	var got []int
	for i := range l.NumSlots() {
		got = append(got, l.Width(i))
	}
	if diff := cmp.Diff([]int{0, 1, 3, 2, 8, 32, 1}, got); diff != "" {
		t.Errorf("widths (-want +got):\n%s", diff)
	}
	if l.Bits() != 47 || l.PackedSize() != 6 {
		t.Errorf("Bits, PackedSize = %d, %d; want 47, 6", l.Bits(), l.PackedSize())
	}
	if got := NewLayout(nil).PackedSize(); got != 0 {
		t.Errorf("empty layout PackedSize = %d", got)
	}
}

func TestInDomain(t *testing.T) {
	l := NewLayout([]Slot{{"x", -2, 4}, {"all", math.MinInt32, math.MaxInt32}})
	for v := int32(-5); v <= 7; v++ {
		if got, want := l.InDomain(0, v), -2 <= v && v <= 4; got != want {
			t.Errorf("InDomain(0, %d) = %v", v, got)
		}
	}
	for _, v := range []int32{math.MinInt32, 0, math.MaxInt32} {
		if !l.InDomain(1, v) {
			t.Errorf("InDomain(1, %d) = false", v)
		}
	}
}

// TestPackFormat pins the packed format: slots in order, each v-Min in
// Width bits, little-endian, a slot straddling the 64-bit word boundary.
func TestPackFormat(t *testing.T) {
	l := NewLayout([]Slot{{"a", -1, 6}, {"b", 0, 0}, {"c", 0, 1<<30 - 1}, {"d", 0, 1<<30 - 1}, {"e", 10, 1033}})
	got := l.Pack(nil, []int32{2, 0, 1<<30 - 1, 0, 10 + 0x2a5})
	// a=3 in bits 0..2, c all ones in 3..32, d=0 in 33..62, e=0x2a5 in 63..72.
	want := []byte{0xfb, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00, 0x80, 0x52, 0x01}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Pack (-want +got):\n%s", diff)
	}
}

// randomLayout returns a layout of up to maxSlots slots with widths 0..32,
// negative and positive Min, and spans that are not all powers of two.
func randomLayout(r *rand.Rand, maxSlots int) *Layout {
	slots := make([]Slot, r.IntN(maxSlots+1))
	for i := range slots {
		w := r.IntN(33)
		if r.IntN(4) == 0 {
			w = []int{0, 1, 31, 32}[r.IntN(4)]
		}
		var span int64
		if w > 0 {
			span = int64(1)<<(w-1) + r.Int64N(int64(1)<<(w-1))
		}
		lo := int64(math.MinInt32) + r.Int64N(int64(1)<<32-span)
		slots[i] = Slot{Name: "s", Min: int32(lo), Max: int32(lo + span)}
	}
	return NewLayout(slots)
}

// randomVector returns a vector in l's domains, favoring the bounds.
func randomVector(r *rand.Rand, l *Layout) []int32 {
	v := make([]int32, l.NumSlots())
	for i, s := range l.slots {
		switch r.IntN(4) {
		case 0:
			v[i] = s.Min
		case 1:
			v[i] = s.Max
		default:
			v[i] = int32(int64(s.Min) + r.Int64N(int64(s.Max)-int64(s.Min)+1))
		}
	}
	return v
}

// refPack packs bit by bit, the slow obvious way.
func refPack(l *Layout, v []int32) []byte {
	out := make([]byte, l.PackedSize())
	pos := 0
	for i, s := range l.slots {
		u := uint64(int64(v[i]) - int64(s.Min))
		for k := range l.Width(i) {
			if u>>k&1 != 0 {
				out[pos/8] |= 1 << (pos % 8)
			}
			pos++
		}
	}
	return out
}

func TestPackRoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		l := randomLayout(r, 40)
		for range 10 {
			v := randomVector(r, l)
			prefix := []byte{0xAA}
			b := l.Pack(prefix, v)
			if b[0] != 0xAA || len(b) != 1+l.PackedSize() {
				t.Fatalf("Pack clobbered dst or has length %d, want %d", len(b), 1+l.PackedSize())
			}
			if diff := cmp.Diff(refPack(l, v), b[1:]); diff != "" {
				t.Fatalf("Pack of %v in %v (-ref +got):\n%s", v, l.slots, diff)
			}
			got := make([]int32, l.NumSlots())
			l.Unpack(got, b[1:])
			if diff := cmp.Diff(v, got); diff != "" {
				t.Fatalf("Unpack(Pack(v)) in %v (-v +got):\n%s", l.slots, diff)
			}
		}
	}
}

func TestPackOutOfDomainPanics(t *testing.T) {
	l := NewLayout([]Slot{{"x", -2, 4}, {"y", 0, 5}})
	for _, v := range [][]int32{{-3, 0}, {5, 0}, {0, 6}, {0, -1}, {0}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Pack(%v) did not panic", v)
				}
			}()
			l.Pack(nil, v)
		}()
	}
}

func TestNewLayoutEmptyDomainPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewLayout with Min > Max did not panic")
		}
	}()
	NewLayout([]Slot{{"x", 1, 0}})
}

func TestPackNoAlloc(t *testing.T) {
	l := randomLayout(rand.New(rand.NewPCG(3, 4)), 40)
	v := randomVector(rand.New(rand.NewPCG(5, 6)), l)
	buf := make([]byte, 0, l.PackedSize())
	out := make([]int32, l.NumSlots())
	if n := testing.AllocsPerRun(100, func() {
		buf = l.Pack(buf[:0], v)
		l.Unpack(out, buf)
	}); n != 0 {
		t.Errorf("Pack+Unpack allocate %v times per run", n)
	}
}

// benchLayout is a typical protocol state: 48 slots of 1 to 8 bits.
func benchLayout() (*Layout, []int32) {
	slots := make([]Slot, 48)
	v := make([]int32, len(slots))
	for i := range slots {
		slots[i] = Slot{Name: "s", Min: -1, Max: int32(1<<(i%8+1) - 2)}
		v[i] = slots[i].Max - int32(i%2)
	}
	return NewLayout(slots), v
}

func BenchmarkPack(b *testing.B) {
	l, v := benchLayout()
	buf := make([]byte, 0, l.PackedSize())
	b.SetBytes(int64(l.PackedSize()))
	for b.Loop() {
		buf = l.Pack(buf[:0], v)
	}
}

func BenchmarkUnpack(b *testing.B) {
	l, v := benchLayout()
	buf := l.Pack(nil, v)
	out := make([]int32, len(v))
	b.SetBytes(int64(l.PackedSize()))
	for b.Loop() {
		l.Unpack(out, buf)
	}
}

// TestPackLegacy checks the packed format against the legacy packing.
func TestPackLegacy(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 500 {
		l := randomLayout(r, 60)
		v := randomVector(r, l)
		if diff := cmp.Diff(legacyPack(l, nil, v), l.Pack(nil, v)); diff != "" {
			t.Fatalf("Pack of %v in %v (-legacy +got):\n%s", v, l.slots, diff)
		}
		got := make([]int32, l.NumSlots())
		legacyUnpack(l, got, l.Pack(nil, v))
		if diff := cmp.Diff(v, got); diff != "" {
			t.Fatalf("legacy Unpack (-v +got):\n%s", diff)
		}
	}
}

// TestRepackRandom checks Repack against Pack on successors that differ
// from their state in a few slots, or in all of them.
func TestRepackRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	for range 600 {
		l := randomLayout(r, 60)
		prev := randomVector(r, l)
		base := l.Pack(nil, prev)
		for range 10 {
			next := append([]int32(nil), prev...)
			all := randomVector(r, l)
			for i := range next {
				if r.IntN(8) == 0 || r.IntN(20) == 0 && len(next) > 0 {
					next[i] = all[i]
				}
			}
			if r.IntN(10) == 0 {
				next = all
			}
			got := l.Repack([]byte{0xAA}, base, prev, next)
			if got[0] != 0xAA {
				t.Fatal("Repack clobbered dst")
			}
			if want := l.Pack(nil, next); !bytes.Equal(want, got[1:]) {
				t.Fatalf("Repack of %v from %v in %v = %x, Pack gives %x", next, prev, l.slots, got[1:], want)
			}
		}
		if !bytes.Equal(base, l.Pack(nil, prev)) {
			t.Fatalf("Repack modified base")
		}
	}
}

func TestRepackPanics(t *testing.T) {
	bytes20 := make([]Slot, 20)
	for i := range bytes20 {
		bytes20[i] = Slot{"b", 0, 255}
	}
	for _, l := range []*Layout{
		NewLayout([]Slot{{"x", -2, 4}, {"y", 0, 5}}),                  // one short window
		NewLayout(append(bytes20, Slot{"x", -2, 4}, Slot{"y", 0, 5})), // windows
	} {
		n := l.NumSlots()
		prev := make([]int32, n)
		prev[n-2] = 0
		base := l.Pack(nil, prev)
		for _, bad := range [][2]int32{{-3, 0}, {5, 0}, {0, 6}, {0, -1}} {
			next := append([]int32(nil), prev...)
			next[n-2], next[n-1] = bad[0], bad[1]
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("Repack(%v) did not panic", next)
					}
				}()
				l.Repack(nil, base, prev, next)
			}()
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Repack with a short base did not panic")
				}
			}()
			l.Repack(nil, base[:len(base)-1], prev, prev)
		}()
	}
}

func TestRepackNoAlloc(t *testing.T) {
	l, v := benchLayout()
	next := append([]int32(nil), v...)
	next[5] = l.slots[5].Min
	base := l.Pack(nil, v)
	buf := make([]byte, 0, l.PackedSize())
	if n := testing.AllocsPerRun(100, func() { buf = l.Repack(buf[:0], base, v, next) }); n != 0 {
		t.Errorf("Repack allocates %v times per run", n)
	}
}

func BenchmarkRepack(b *testing.B) {
	l, v := benchLayout()
	next := append([]int32(nil), v...)
	next[5] = l.slots[5].Min
	base := l.Pack(nil, v)
	buf := make([]byte, 0, l.PackedSize())
	b.SetBytes(int64(l.PackedSize()))
	for b.Loop() {
		buf = l.Repack(buf[:0], base, v, next)
	}
}
