//go:build !(amd64 || arm64)

package state

import "encoding/binary"

// load reads the little-endian 64-bit window at byte off of b.
func load(b []byte, off uint32) uint64 { return binary.LittleEndian.Uint64(b[off:]) }

// store writes x as the little-endian 64-bit window at byte off of b.
func store(b []byte, off uint32, x uint64) { binary.LittleEndian.PutUint64(b[off:], x) }
