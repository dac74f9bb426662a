package explore

// Coverage is implemented by systems that declare conditions some
// reachable state must meet: a spec whose interesting states are never
// reached would otherwise verify vacuously.
type Coverage interface {
	// Covers names the conditions.
	Covers() []string
	// Cover sets hit[i] for each condition i that st meets.
	Cover(st []int32, hit []bool)
}

// coverage tracks which conditions some expanded state has met.
type coverage struct {
	sys  Coverage
	hit  []bool
	left int // conditions not met yet
	// Each worker has its own, written on every state until all are
	// met: two must not share a cache line.
	_ cacheLinePad
}

func newCoverage(sys System, checks Check) *coverage {
	c, ok := sys.(Coverage)
	if !ok || checks&CheckSafety == 0 || len(c.Covers()) == 0 {
		return nil
	}
	n := len(c.Covers())
	return &coverage{sys: c, hit: withSlack[bool](n), left: n}
}

// cover notes the conditions the state being expanded meets; once all
// are met it costs nothing more.
func (e *explorer) cover() {
	if e.cov != nil {
		e.cov.cover(e.cur)
	}
}

// cover notes the conditions st meets.
func (c *coverage) cover(st []int32) {
	if c.left == 0 {
		return
	}
	c.sys.Cover(st, c.hit)
	c.left = 0
	for _, h := range c.hit {
		if !h {
			c.left++
		}
	}
}

// uncovered turns a Verified result into Uncovered when a condition was
// never met.
func (e *explorer) uncovered(r Result) Result {
	if e.cov.left == 0 {
		return r
	}
	names := e.cov.sys.Covers()
	r.Verdict = Uncovered
	for i, h := range e.cov.hit {
		if !h {
			r.Uncovered = append(r.Uncovered, names[i])
		}
	}
	return r
}
