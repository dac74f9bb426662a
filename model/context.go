package model

// ctxBuilder holds what the compiler knows about the thread, handler or
// other context whose code it is compiling.
type ctxBuilder struct {
	name      string
	handler   bool
	code      *code // where instructions go: the body, or an atomic block
	top       *code // the context's own code
	next      int   // next free offset in the CPU block
	locals    []frameSlot
	localName map[string]int
	loops     []*loopLabels
	inlines   []*inlineFrame
	returns   []*instr // context-level returns, patched to the end
	wcands    []wcand  // the shared storage it writes, as candidate slots
	raises    []raiseCand

	cpuLoops []*cpuLoop // open loops over CPUs (symmetry_check.go)

	inAtomic  bool // compiling an atomic body
	constOnly bool // compile-time constants only
	initOnly  bool // constants and me only
	noCPU     bool // no running CPU: me and plain per-CPU names are errors
}

type loopLabels struct {
	code      *code
	breaks    []*instr
	continues []*instr
}

// inlineFrame is a function being inlined.
type inlineFrame struct {
	fn        *FuncDecl
	code      *code // the code the call was made in
	result    *cexpr
	returns   []*instr
	loopDepth int // loops open at the call: a break may not leave the function
}

func (c *compiler) newContext(name string, start int, isHandler bool) *ctxBuilder {
	cd := &code{name: name}
	return &ctxBuilder{name: name, handler: isHandler, code: cd, top: cd, next: start, localName: map[string]int{}}
}

// noteWrite records that the context writes a storage expression's
// variable, for the explanation of what a stuck CPU waits for.
func (c *compiler) noteWrite(e *cexpr) {
	if e.cand != nil {
		c.cur.wcands = append(c.cur.wcands, wcand{e.cand, e.t.Size})
	}
}

// raiseCand is a raise a context makes: the line, and the CPU expression
// (isMe when the argument was left out).
type raiseCand struct {
	h   *handler
	cpu *cexpr
}

// wcand is storage a context writes: its candidate first slots and size.
type wcand struct {
	cand candFn
	size int
}

// mayWrite reports whether any of ws may write slot when run on cpu.
func mayWrite(ws []wcand, cpu, slot int) bool {
	hit := false
	for _, w := range ws {
		w.cand(cpu, func(b int) { hit = hit || b <= slot && slot < b+w.size })
		if hit {
			return true
		}
	}
	return false
}

// compileBody compiles a thread's or handler's body into b.
func (c *compiler) compileBody(b *ctxBuilder, body *Block) {
	saved := c.cur
	c.cur = b
	defer func() { c.cur = saved }()
	c.block(newScope(c.top), body)
	end := len(b.code.instrs)
	for _, r := range b.returns {
		r.target = end
	}
}

// allocLocal allocates the slots of a local of type t in the current frame.
func (c *compiler) allocLocal(name string, t *Type) int {
	b := c.cur
	off := b.next
	short := name
	if n := len(b.inlines); n > 0 { // qualify a function's locals by it
		name = b.inlines[n-1].fn.Name.Name + "." + name
	}
	// The local is in scope from here to the end of the block, loop or
	// call that declares it (closeScopes); one declared in an atomic or
	// choose body is never in scope where its context rests.
	scope := [2]int{c.pc(), openScope}
	if b.code != b.top {
		scope = [2]int{0, 0}
	}
	dims := leafDims(t)
	b.localName[name]++
	if n := b.localName[name]; n > 1 { // the same name inlined twice
		name = name + "#" + itoa(n)
	}
	leaf := 0
	var shorts []string
	forLeaves(t, short, func(n string, _ *Type) { shorts = append(shorts, n) })
	forLeaves(t, name, func(n string, lt *Type) {
		b.locals = append(b.locals, frameSlot{off: b.next, name: n, short: shorts[leaf], typ: lt, dims: dims[leaf], scope: scope})
		b.next++
		leaf++
	})
	return off
}

// openScope marks a local whose scope has not ended yet.
const openScope = 1<<31 - 1

// closeScopes ends the scope of the locals declared since mark (an index
// into the context's locals) at the next instruction.
func (c *compiler) closeScopes(mark int) {
	b := c.cur
	for i := mark; i < len(b.locals); i++ {
		if b.locals[i].scope[1] == openScope {
			b.locals[i].scope[1] = c.pc()
		}
	}
}

// emit appends an instruction to the code being compiled.
func (c *compiler) emit(in *instr) *instr {
	for i, fr := range c.cur.inlines {
		if i > 0 {
			in.fn += " > "
		}
		in.fn += fr.fn.Name.Name
	}
	c.cur.code.instrs = append(c.cur.code.instrs, in)
	return in
}

// pc is the index the next instruction will get.
func (c *compiler) pc() int { return len(c.cur.code.instrs) }

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + itoa(n%10)
}
