//go:build !linux

package state

// AdviseHuge does nothing where transparent huge pages do not exist.
func AdviseHuge[T any](s []T) {}
