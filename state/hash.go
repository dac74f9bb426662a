package state

import (
	"encoding/binary"
	"math/bits"
)

// Multipliers from wyhash: odd, with balanced bits.
const (
	k0 = 0xa0761d6478bd642f
	k1 = 0xe7037ed1a0b428db
	k2 = 0x8ebc6af09c88c6e3
	k3 = 0x589965cc75374cc3
)

// Hash returns a 64-bit hash of b in the manner of wyhash: each 16 bytes
// are folded in by one 64×64→128-bit multiply. It has a fixed seed, so it
// is the same on every run and every machine, which keeps the explorer's
// table layout, and with it every count and trace, reproducible.
func Hash(b []byte) uint64 { return HashSeed(b, 0) }

// HashSeed is Hash with a seed: each seed gives a different function of
// b, and seed 0 gives Hash. Fingerprint mode hashes states with the seed
// the run is given, so that a second run with another seed has its own
// chance of fingerprint collisions.
func HashSeed(b []byte, seed uint64) uint64 {
	n := uint64(len(b))
	h := k0 ^ n ^ seed
	for len(b) > 16 {
		h = mix(binary.LittleEndian.Uint64(b)^k1, binary.LittleEndian.Uint64(b[8:])^h)
		b = b[16:]
	}
	var x, y uint64
	if len(b) > 8 {
		x, y = binary.LittleEndian.Uint64(b), load64(b[8:])
	} else {
		x = load64(b)
	}
	h = mix(x^k1, y^h)
	return mix(h^k2, n^k3)
}

// mix multiplies a and b and folds the 128-bit product to 64 bits.
func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}
