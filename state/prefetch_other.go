//go:build !amd64 && !arm64

package state

import "unsafe"

// prefetch does nothing on the machines without an assembly prefetch.
func prefetch(p unsafe.Pointer) {}
