//go:build amd64 || arm64

package state

import "unsafe"

// load reads the little-endian 64-bit window at byte off of b, which the
// caller has checked holds off+8 bytes: on these little-endian machines,
// which load unaligned words, one plain load without bounds checks.
func load(b []byte, off uint32) uint64 {
	return *(*uint64)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), off))
}

// store writes x as the little-endian 64-bit window at byte off of b,
// as load reads it.
func store(b []byte, off uint32, x uint64) {
	*(*uint64)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), off)) = x
}
