// Package state holds the state-vector layout of a compiled protocol, the
// packing of state vectors into compact byte strings, their hashing, and
// the visited sets the explorer stores them in.
package state
