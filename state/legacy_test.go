package state

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// legacyPack and legacyUnpack are Pack and Unpack as they were before the
// per-slot windows: one bit accumulator carried from slot to slot. They
// stay as references, and as the "before" of the benchmarks.
func legacyPack(l *Layout, dst []byte, v []int32) []byte {
	var acc uint64
	n := uint(0)
	for i, f := range l.fields {
		u := uint64(int64(v[i]) - int64(f.min))
		if u > uint64(f.span) {
			panic(fmt.Sprintf("state: slot %d value %d outside its domain", i, v[i]))
		}
		w := uint(f.width)
		acc |= u << n
		n += w
		if n >= 64 {
			dst = binary.LittleEndian.AppendUint64(dst, acc)
			n -= 64
			acc = u >> (w - n)
		}
	}
	for ; n > 0; n -= min(n, 8) {
		dst = append(dst, byte(acc))
		acc >>= 8
	}
	return dst
}

func legacyUnpack(l *Layout, dst []int32, b []byte) {
	dst = dst[:len(l.fields)]
	var acc uint64
	n := uint(0)
	for i, f := range l.fields {
		w := uint(f.width)
		var u uint64
		if n >= w {
			u = acc
			acc >>= w
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

// BenchmarkPacking compares, side by side in one run, the legacy packing
// with Pack, Repack of a successor that differs in three slots, and
// Unpack, on the typical layout of benchLayout.
func BenchmarkPacking(b *testing.B) {
	l, v := benchLayout()
	next := append([]int32(nil), v...)
	for _, i := range []int{3, 17, 40} {
		next[i] = l.slots[i].Min
	}
	base := l.Pack(nil, v)
	buf := make([]byte, 0, l.PackedSize())
	out := make([]int32, len(v))
	b.Run("pack/legacy", func(b *testing.B) {
		for b.Loop() {
			buf = legacyPack(l, buf[:0], next)
		}
	})
	b.Run("pack/new", func(b *testing.B) {
		for b.Loop() {
			buf = l.Pack(buf[:0], next)
		}
	})
	b.Run("pack/repack", func(b *testing.B) {
		for b.Loop() {
			buf = l.Repack(buf[:0], base, v, next)
		}
	})
	b.Run("unpack/legacy", func(b *testing.B) {
		for b.Loop() {
			legacyUnpack(l, out, base)
		}
	})
	b.Run("unpack/new", func(b *testing.B) {
		for b.Loop() {
			l.Unpack(out, base)
		}
	})
}
