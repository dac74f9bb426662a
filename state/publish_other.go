//go:build (!amd64 && !arm64) || race

package state

import "sync/atomic"

// publish stores v at p for readers that load it with
// atomic.LoadUint64 (see publish_asm.go).
func publish(p *uint64, v uint64) { atomic.StoreUint64(p, v) }
