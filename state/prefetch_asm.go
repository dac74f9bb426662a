//go:build amd64 || arm64

package state

import "unsafe"

// prefetch asks the CPU to load the cache line at p, without waiting for
// it: a plain load that misses the caches holds up the instructions after
// it once the CPU's window of work in flight is full, a prefetch does
// not. It reads nothing the program sees, so p may be any address.
//
//go:noescape
func prefetch(p unsafe.Pointer)
