package explore

import "github.com/ipicheck/ipicheck/state"

// columnShift sets a column's block size: 1Mi entries, 4 MiB, which is
// worth backing with huge pages (state.AdviseHuge).
const (
	columnShift = 20
	columnBlock = 1 << columnShift
)

// A column is an append-only array of uint32, one entry per state: the
// parent links, the labels, the edge table's ends. It lives in fixed-size
// blocks, so it grows without copying what it holds: appending to a
// plain slice of millions of entries copies it again and again, and the
// level search's merge, which runs on one goroutine, spent a tenth of its
// time doing so.
type column struct {
	blocks [][]uint32
	n      int
}

// push appends x.
func (c *column) push(x uint32) {
	k, i := c.n>>columnShift, c.n&(columnBlock-1)
	switch {
	case k == len(c.blocks):
		// The first block starts small and doubles, so that small
		// searches stay small; the others are allocated whole.
		size := columnBlock
		if k == 0 {
			size = 64
		}
		b := make([]uint32, size)
		state.AdviseHuge(b)
		c.blocks = append(c.blocks, b)
	case i == len(c.blocks[k]):
		grown := make([]uint32, min(columnBlock, 2*i))
		copy(grown, c.blocks[k])
		c.blocks[k] = grown
	}
	c.blocks[k][i] = x
	c.n++
}

// at returns entry i.
func (c *column) at(i uint32) uint32 {
	return c.blocks[i>>columnShift][i&(columnBlock-1)]
}

// len returns the number of entries.
func (c *column) len() int { return c.n }

// bytes returns the memory the column holds.
func (c *column) bytes() int64 {
	n := int64(24 * cap(c.blocks))
	for _, b := range c.blocks {
		n += int64(4 * cap(b))
	}
	return n
}
