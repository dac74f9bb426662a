//go:build (amd64 || arm64) && !race

package state

// publish stores v at p with release ordering: every store the goroutine
// made before it is visible to a reader that loads v from p with
// atomic.LoadUint64. On amd64 that is a plain store (the hardware keeps
// stores in order) and on arm64 a store-release, where
// atomic.StoreUint64 is a full barrier (XCHG on amd64) that waits for
// the store buffer to drain and for the line to be owned: for a store to
// a random line of a large table, most of the cost of an insert. The race
// detector does not see assembly, so race builds use atomic.StoreUint64
// (publish_other.go).
//
//go:noescape
func publish(p *uint64, v uint64)
