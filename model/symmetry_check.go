package model

// Symmetry reduction (symmetry.go) treats CPUs that run the same thread as
// interchangeable: a state and the state with two such CPUs swapped (their
// blocks, the elements of [cpu] arrays, and every cpu-typed value) must
// behave alike. The compiler notes here, as it compiles, whatever breaks
// that: a CPU id used as a number, a non-CPU value used as a CPU id, a
// constant CPU id that names a CPU with peers, or a loop over CPUs whose
// result depends on the order it visits them. The notes do not stop the
// compilation; check --symmetry reports them.

// symChecks collects what makes a spec's CPUs not interchangeable.
type symChecks struct {
	d diag // the problems, deduplicated: inlined code repeats them
	// consts are constant CPU ids used as CPUs: fine only for a CPU
	// alone in its class (a thread pinned to it), checked once the
	// threads are known.
	consts []constCPU
}

// constCPU is a constant used where a CPU id is expected.
type constCPU struct {
	val  int32
	pos  Pos
	what string
	line string // the source line, for the caret
}

// cpuLoop is an open `for (c in cpus)` or `for (c in others)` loop.
type cpuLoop struct {
	pos     Pos
	varOff  int // the loop variable's frame offset
	nextOff int // locals at or above this offset are declared inside it
	labels  *loopLabels
	inlines int // inline frames open at the loop
	writes  map[string]Pos
	reads   []rootRead
}

// rootRead is a read of a shared variable inside a CPU loop; indexed says
// whether it selects the loop variable's element or copy.
type rootRead struct {
	root    string
	indexed bool
	pos     Pos
}

// asymf records a reason the CPUs are not interchangeable.
func (c *compiler) asymf(pos Pos, format string, args ...any) {
	c.sym.d.errorf(pos, format, args...)
}

// isCPUValue reports whether e is a run-time CPU id: cpu-typed and not a
// constant.
func isCPUValue(e *cexpr) bool { return !e.bad && e.t.Kind == KCPU && !e.isConst }

// asCPU notes that e is used as a CPU id (what says how).
func (c *compiler) asCPU(e *cexpr, pos Pos, what string) {
	switch {
	case e == nil || e.bad || isCPUValue(e):
	case e.isConst:
		src := c.file.Src
		if pos.Src != nil {
			src = pos.Src.Text
		}
		c.sym.consts = append(c.sym.consts, constCPU{e.val, pos, what, sourceLine(src, pos.Line)})
	default:
		c.asymf(pos, "%s with a value of type %s: only cpu-typed values (me, cpu variables, loops over cpus) may name CPUs", what, e.t)
	}
}

// asNumber notes that e is used as a plain number (what says how).
func (c *compiler) asNumber(e *cexpr, pos Pos, what string) {
	if e != nil && isCPUValue(e) {
		c.asymf(pos, "%s uses a CPU id as a number", what)
	}
}

// compareCPUs checks an == or != between l and r.
func (c *compiler) compareCPUs(l, r *cexpr, pos Pos) {
	switch {
	case !l.t.Scalar() || !r.t.Scalar():
	case isCPUValue(l) && !isCPUValue(r):
		c.asCPU(r, pos, "comparing a CPU id")
	case isCPUValue(r) && !isCPUValue(l):
		c.asCPU(l, pos, "comparing a CPU id")
	}
}

// storeSym checks a store of v into dst, at pos.
func (c *compiler) storeSym(dst, v *cexpr, pos Pos) {
	if dst.t.Scalar() {
		if dst.t.Kind == KCPU {
			c.asCPU(v, pos, "storing into a cpu variable")
		} else if dst.t.numeric() {
			c.asNumber(v, pos, "storing into a "+dst.t.String()+" variable")
		}
	}
	for _, l := range c.cur.cpuLoops {
		if dst.local && dst.loff-1 >= l.nextOff || dst.indexedBy(l.varOff) {
			if dst.root != "" {
				l.writes[dst.root] = pos
			}
			continue
		}
		name := dst.root
		if name == "" {
			name = "a local declared outside it"
		}
		c.asymf(pos, "the loop over CPUs at %s writes %s, which it does not index by its variable: the result may depend on the order the CPUs are visited", l.pos, name)
	}
}

// noteRead notes a read of shared variable root inside the open CPU loops;
// by is the local offset of the CPU index selecting it, -1 if none.
func (c *compiler) noteRead(root string, by int, pos Pos) {
	for _, l := range c.cur.cpuLoops {
		l.reads = append(l.reads, rootRead{root, by >= 0 && by == l.varOff, pos})
	}
}

// markIndexed records that the last read of root in the open CPU loops is
// indexed by the local at offset by.
func (c *compiler) markIndexed(root string, by int) {
	for _, l := range c.cur.cpuLoops {
		if n := len(l.reads); n > 0 && l.reads[n-1].root == root && by == l.varOff {
			l.reads[n-1].indexed = true
		}
	}
}

// openCPULoop starts the checks of a loop over CPUs.
func (c *compiler) openCPULoop(pos Pos, varOff int, labels *loopLabels) *cpuLoop {
	l := &cpuLoop{pos: pos, varOff: varOff, nextOff: c.cur.next, labels: labels, inlines: len(c.cur.inlines), writes: map[string]Pos{}}
	c.cur.cpuLoops = append(c.cur.cpuLoops, l)
	return l
}

// closeCPULoop ends the checks of loop l, whose body is the instructions
// from pc top of the current code: it must run within one step, and read
// what it writes only at the loop variable's index.
func (c *compiler) closeCPULoop(l *cpuLoop, top int) {
	b := c.cur
	b.cpuLoops = b.cpuLoops[:len(b.cpuLoops)-1]
	if !b.inAtomic {
		for _, in := range b.code.instrs[top:] {
			if !in.silent {
				c.asymf(l.pos, "this loop over CPUs takes steps (%s at %s): it visits the CPUs in a fixed order; put it in an atomic block", in.text, in.pos)
				break
			}
		}
	}
	for _, r := range l.reads {
		if _, w := l.writes[r.root]; w && !r.indexed {
			c.asymf(r.pos, "the loop over CPUs at %s reads %s at another CPU's index than its variable's, and writes it: the result may depend on the order the CPUs are visited", l.pos, r.root)
		}
	}
}

// leaveCPULoop checks a break, continue or return at pos: leaving a loop
// over CPUs early makes its result depend on the order.
func (c *compiler) leaveCPULoop(pos Pos, what string, target *loopLabels, ret bool) {
	for _, l := range c.cur.cpuLoops {
		if (!ret && target == l.labels) || (ret && len(c.cur.inlines) == l.inlines) {
			c.asymf(pos, "%s leaves the loop over CPUs at %s early: the result may depend on the order the CPUs are visited", what, l.pos)
		}
	}
}

// indexedBy reports whether storage e selects, on its path, the element
// or copy given by the local at offset off.
func (e *cexpr) indexedBy(off int) bool {
	for _, x := range e.idx {
		if x == off {
			return true
		}
	}
	return false
}

// cpuDim is a [cpu] array index on a slot's path: the slot is element
// index of an array whose elements are stride slots apart.
type cpuDim struct {
	stride, index int
}

// leafDims returns, for each scalar leaf of t in slot order, the [cpu]
// array indices on its path.
func leafDims(t *Type) [][]cpuDim {
	var out [][]cpuDim
	var walk func(t *Type, path []cpuDim)
	walk = func(t *Type, path []cpuDim) {
		switch t.Kind {
		case KArray:
			for i := range t.Len {
				p := path
				if t.ByCPU {
					p = append(append([]cpuDim(nil), path...), cpuDim{t.Elem.Size, i})
				}
				walk(t.Elem, p)
			}
		case KStruct:
			for _, f := range t.Fields {
				walk(f.Type, path)
			}
		default:
			out = append(out, path)
		}
	}
	walk(t, nil)
	return out
}
