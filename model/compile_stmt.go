package model

// block compiles a block's statements in a new scope.
func (c *compiler) block(sc *scope, b *Block) {
	inner := newScope(sc)
	mark := len(c.cur.locals)
	for _, s := range b.Stmts {
		c.stmt(inner, s)
	}
	c.closeScopes(mark)
}

func (c *compiler) text(s *Span) string { return stmtText(*s) }

func (c *compiler) stmt(sc *scope, s Stmt) {
	switch s := s.(type) {
	case *Block:
		c.block(sc, s)
	case *LocalVarStmt:
		c.localVar(sc, s)
	case *AssignStmt:
		c.assign(sc, s)
	case *CallStmt:
		if !c.builtinStmt(sc, s) {
			c.callStmt(sc, s, nil)
		}
	case *IfStmt:
		c.ifStmt(sc, s)
	case *WhileStmt:
		c.whileStmt(sc, s)
	case *ForStmt:
		c.forStmt(sc, s)
	case *AwaitStmt:
		x := c.condExpr(sc, s.Cond, "await")
		c.emit(&instr{op: opAwait, cond: x.eval, pos: s.At, text: c.text(&s.Span), reads: x.reads})
	case *AtomicStmt:
		c.atomicStmt(sc, s)
	case *ChooseStmt:
		c.chooseStmt(sc, s)
	case *AssertStmt:
		x := c.condExpr(sc, s.Cond, "assert")
		f, pos, msg := x.eval, s.At, s.Msg
		if msg == "" {
			msg = exprText(s.Cond)
		}
		c.emit(&instr{op: opExec, cond: f, pos: s.At, text: c.text(&s.Span), reads: x.reads, own: x.own, roots: x.reads, exec: func(m *machine) {
			if f(m) == 0 && m.err == nil {
				m.fail(pos, "assertion failed", "%s", msg)
			}
		}})
	case *ReturnStmt:
		c.returnStmt(sc, s)
	case *BranchStmt:
		c.branchStmt(s)
	case *SkipStmt:
		c.emit(&instr{op: opExec, own: true, pos: s.At, text: c.text(&s.Span), exec: func(*machine) {}})
	case *ProgressStmt:
		if c.cur.inAtomic {
			c.errorf(s.At, "progress marks a step of its own; it cannot be inside an atomic block")
			return
		}
		c.emit(&instr{op: opExec, progress: true, pos: s.At, text: c.text(&s.Span), exec: func(*machine) {}})
	}
}

// condExpr compiles a condition that must be a bool.
func (c *compiler) condExpr(sc *scope, x Expr, what string) *cexpr {
	e := c.expr(sc, x)
	if !e.bad && e.t.Kind != KBool {
		c.errorf(x.Pos(), "%s needs a condition (bool), not %s", what, e.t)
		return badExpr()
	}
	return e
}

func (c *compiler) localVar(sc *scope, s *LocalVarStmt) {
	d := s.Decl
	t := c.resolveType(c.top, d.Type)
	off := c.allocLocal(d.Name.Name, t)
	dst := storage(t, func(m *machine) int { return m.base + off }, true, nil)
	dst.loff = off + 1
	if d.Init != nil {
		if call, ok := d.Init.(*CallExpr); ok && c.isFunc(sc, call) {
			c.declare(sc, d.Name, &symbol{kind: symLocal, typ: t, off: off})
			c.callStmt(sc, &CallStmt{Span: s.Span, Call: call}, dst)
			return
		}
		v := c.expr(sc, d.Init)
		c.declare(sc, d.Name, &symbol{kind: symLocal, typ: t, off: off})
		c.store(dst, v, d.Init.Pos(), s.At, c.text(&s.Span))
		return
	}
	c.declare(sc, d.Name, &symbol{kind: symLocal, typ: t, off: off})
	// Without an initialiser the local starts at its zero value each time
	// the declaration runs.
	n := t.Size
	var zeros []int32
	forLeaves(t, "", func(_ string, lt *Type) { zeros = append(zeros, lt.zero()) })
	c.emit(&instr{op: opExec, silent: true, pos: s.At, text: c.text(&s.Span), exec: func(m *machine) {
		for i := range n {
			m.s[m.base+off+i] = zeros[i]
		}
	}})
}

func (c *compiler) isFunc(sc *scope, call *CallExpr) bool {
	sym := sc.lookup(call.Fun.Name)
	return sym != nil && sym.kind == symFunc
}

func (c *compiler) assign(sc *scope, s *AssignStmt) {
	dst := c.expr(sc, s.LHS)
	if dst.bad {
		return
	}
	if dst.addr == nil {
		c.errorf(s.LHS.Pos(), "cannot assign to %s", exprText(s.LHS))
		return
	}
	if call, ok := s.RHS.(*CallExpr); ok && c.isFunc(sc, call) {
		c.callStmt(sc, &CallStmt{Span: s.Span, Call: call}, dst)
		return
	}
	c.store(dst, c.expr(sc, s.RHS), s.RHS.Pos(), s.At, c.text(&s.Span))
}

// store emits dst = v. The step is silent when it only moves values
// between the running context's locals.
func (c *compiler) store(dst, v *cexpr, vpos, pos Pos, text string) {
	if v.bad {
		return
	}
	if !assignable(dst.t, v.t) {
		c.errorf(vpos, "cannot assign a value of type %s to %s", v.t, dst.t)
		return
	}
	c.noteWrite(dst)
	c.storeSym(dst, v, vpos)
	in := &instr{op: opExec, pos: pos, text: text, silent: dst.local && dst.private && v.private, reads: v.reads,
		own: dst.own && v.own, roots: mergeReads(v.reads, dst.reads)}
	addr := dst.addr
	if dst.t.Scalar() {
		f := v.eval
		in.exec = func(m *machine) { m.store(addr(m), f(m), pos) }
	} else {
		if v.addr == nil {
			c.errorf(vpos, "cannot assign this value to an aggregate")
			return
		}
		src, n := v.addr, dst.t.Size
		in.exec = func(m *machine) {
			a, b := addr(m), src(m)
			m.tmp = append(m.tmp[:0], m.s[b:b+n]...) // the two may overlap
			for i, x := range m.tmp {
				m.store(a+i, x, pos)
			}
		}
	}
	c.emit(in)
}

func (c *compiler) ifStmt(sc *scope, s *IfStmt) {
	x := c.condExpr(sc, s.Cond, "if")
	if x.isConst && !x.bad {
		// A condition on params and consts picks its branch when the spec
		// is compiled: the other is checked, then dropped, so it neither
		// costs a step nor counts as code that writes anything.
		live, dead := Stmt(s.Then), s.Else
		if x.val == 0 {
			live, dead = dead, live
		}
		if dead != nil {
			c.dropped(func() { c.stmt(sc, dead) })
		}
		if live != nil {
			c.stmt(sc, live)
		}
		return
	}
	br := c.emit(&instr{op: opBranch, cond: x.eval, silent: x.private, pos: s.At, text: c.text(&s.Span), reads: x.reads, own: x.own, roots: x.reads})
	c.block(sc, s.Then)
	if s.Else == nil {
		br.target = c.pc()
		return
	}
	j := c.emit(&instr{op: opJump, silent: true, pos: s.At})
	br.target = c.pc()
	c.stmt(sc, s.Else)
	j.target = c.pc()
}

// dropped compiles code for its diagnostics only, then drops what it
// emitted.
func (c *compiler) dropped(compile func()) {
	b := c.cur
	code, n, w := b.code, len(b.code.instrs), len(b.wcands)
	compile()
	code.instrs, b.wcands = code.instrs[:n], b.wcands[:w]
}

func (c *compiler) whileStmt(sc *scope, s *WhileStmt) {
	top := c.pc()
	x := c.condExpr(sc, s.Cond, "while")
	br := c.emit(&instr{op: opBranch, cond: x.eval, silent: x.private, pos: s.At, text: c.text(&s.Span), reads: x.reads, own: x.own, roots: x.reads})
	l := c.pushLoop()
	c.block(sc, s.Body)
	c.emit(&instr{op: opJump, silent: true, target: top, pos: s.At})
	c.popLoop(l, top, c.pc())
	br.target = c.pc()
}

// forStmt compiles a bounded loop. Its bookkeeping touches only the loop
// variable, a local, so it is silent: the trace shows the body's steps.
func (c *compiler) forStmt(sc *scope, s *ForStmt) {
	t, lo, hi, skipMe, ok := c.rangeBounds(sc, s.Range)
	if !ok {
		return
	}
	if lo > hi { // never runs; still checked
		c.dropped(func() {
			inner := newScope(sc)
			c.declare(inner, s.Var, &symbol{kind: symLocal, typ: t, off: c.allocLocal(s.Var.Name, t)})
			l := c.pushLoop()
			c.block(inner, s.Body)
			c.popLoop(l, 0, 0)
		})
		return
	}
	mark := len(c.cur.locals)
	off := c.allocLocal(s.Var.Name, t)
	inner := newScope(sc)
	c.declare(inner, s.Var, &symbol{kind: symLocal, typ: t, off: off})
	pos := s.At
	c.emit(&instr{op: opExec, silent: true, pos: pos, exec: func(m *machine) { m.s[m.base+off] = lo }})
	top := c.pc()
	var skip *instr
	if skipMe {
		skip = c.emit(&instr{op: opBranch, silent: true, pos: pos, cond: func(m *machine) int32 { return b2i(int(m.s[m.base+off]) != m.cpu) }})
	}
	l := c.pushLoop()
	var cl *cpuLoop
	if t.Kind == KCPU {
		cl = c.openCPULoop(pos, off, l)
	}
	c.block(inner, s.Body)
	if cl != nil {
		c.closeCPULoop(cl, top)
	}
	next := c.pc()
	if skip != nil {
		skip.target = next
	}
	last := c.emit(&instr{op: opBranch, silent: true, pos: pos, cond: func(m *machine) int32 { return b2i(m.s[m.base+off] != hi) }})
	c.emit(&instr{op: opExec, silent: true, pos: pos, exec: func(m *machine) { m.s[m.base+off]++ }})
	c.emit(&instr{op: opJump, silent: true, target: top, pos: pos})
	last.target = c.pc()
	c.popLoop(l, next, c.pc())
	c.closeScopes(mark)
}

func (c *compiler) pushLoop() *loopLabels {
	l := &loopLabels{code: c.cur.code}
	c.cur.loops = append(c.cur.loops, l)
	return l
}

func (c *compiler) popLoop(l *loopLabels, cont, brk int) {
	for _, in := range l.continues {
		in.target = cont
	}
	for _, in := range l.breaks {
		in.target = brk
	}
	c.cur.loops = c.cur.loops[:len(c.cur.loops)-1]
}

func (c *compiler) branchStmt(s *BranchStmt) {
	loops := c.cur.loops
	if len(loops) == 0 || (len(c.cur.inlines) > 0 && c.loopOutsideInline(loops[len(loops)-1])) {
		c.errorf(s.At, "%s outside a loop", s.Tok)
		return
	}
	l := loops[len(loops)-1]
	if l.code != c.cur.code {
		c.errorf(s.At, "%s cannot leave an atomic block", s.Tok)
		return
	}
	c.leaveCPULoop(s.At, s.Tok.String(), l, false)
	in := c.emit(&instr{op: opJump, silent: true, pos: s.At})
	if s.Tok == BREAK {
		l.breaks = append(l.breaks, in)
	} else {
		l.continues = append(l.continues, in)
	}
}

// loopOutsideInline reports whether loop l encloses the function being
// inlined (a break in a function cannot leave its caller's loop).
func (c *compiler) loopOutsideInline(l *loopLabels) bool {
	fr := c.cur.inlines[len(c.cur.inlines)-1]
	return fr.loopDepth > indexOfLoop(c.cur.loops, l)
}

func indexOfLoop(loops []*loopLabels, l *loopLabels) int {
	for i, x := range loops {
		if x == l {
			return i
		}
	}
	return -1
}

func (c *compiler) atomicStmt(sc *scope, s *AtomicStmt) {
	b := c.cur
	if b.code != b.top && b.inAtomic {
		c.block(sc, s.Body) // already indivisible
		return
	}
	body := &code{name: b.name + " atomic"}
	in := c.emit(&instr{op: opAtomic, body: body, pos: s.At, text: "atomic { ... }"})
	saved := b.code
	b.code, b.inAtomic = body, true
	c.block(sc, s.Body)
	b.code, b.inAtomic = saved, false
	var reads []string
	for _, x := range body.instrs {
		reads = mergeReads(reads, x.reads)
	}
	in.reads = reads
	in.text = atomicText(c, s)
}

// atomicText quotes an atomic block: its single statement when it has
// one, else "atomic { first; ... }".
func atomicText(c *compiler, s *AtomicStmt) string {
	src := s.At.text()
	start, end := s.Off, offsetOf(src, s.Body.Close)+1
	if end > len(src) || start >= end {
		return "atomic { ... }"
	}
	t := stmtText(Span{At: s.At, Off: start, End: end})
	if len(t) > 60 {
		t = t[:56] + " ...}"
	}
	return t
}

func (c *compiler) chooseStmt(sc *scope, s *ChooseStmt) {
	in := c.emit(&instr{op: opChoose, pos: s.At, text: "choose"})
	var ends []*instr
	for _, alt := range s.Alts {
		in.altText = append(in.altText, firstText(alt))
		in.alts = append(in.alts, c.pc())
		c.block(sc, alt)
		ends = append(ends, c.emit(&instr{op: opJump, silent: true, pos: alt.Close}))
	}
	for _, e := range ends {
		e.target = c.pc()
	}
}

// firstText quotes the first statement of a block, for a choose's
// outcome: "{ }" for an empty block.
func firstText(b *Block) string {
	for _, s := range b.Stmts {
		if sp, ok := s.(interface{ span() Span }); ok {
			if t := stmtText(sp.span()); t != "" {
				if len(b.Stmts) > 1 {
					t += " ..."
				}
				return t
			}
		}
		if inner, ok := s.(*Block); ok {
			return firstText(inner)
		}
	}
	return "{ }"
}

func (c *compiler) returnStmt(sc *scope, s *ReturnStmt) {
	b := c.cur
	c.leaveCPULoop(s.At, "return", nil, true)
	if n := len(b.inlines); n > 0 {
		fr := b.inlines[n-1]
		if s.Value != nil {
			if fr.result == nil {
				c.errorf(s.Value.Pos(), "%s has no result type: return takes no value", fr.fn.Name.Name)
			} else {
				c.store(fr.result, c.expr(sc, s.Value), s.Value.Pos(), s.At, c.text(&s.Span))
			}
		} else if fr.result != nil && fr.fn.Result != nil {
			c.errorf(s.At, "%s must return a value of type %s", fr.fn.Name.Name, fr.result.t)
		}
		fr.returns = append(fr.returns, c.exitTo(fr.code, s.At))
		return
	}
	if s.Value != nil {
		c.errorf(s.Value.Pos(), "a thread or handler returns no value")
	}
	b.returns = append(b.returns, c.exitTo(b.top, s.At))
}

// exitTo emits a jump to a target in code target (patched later): a plain
// jump within the same code, an exit when leaving an atomic body.
func (c *compiler) exitTo(target *code, pos Pos) *instr {
	if c.cur.code == target {
		return c.emit(&instr{op: opJump, silent: true, pos: pos})
	}
	return c.emit(&instr{op: opExit, pos: pos})
}

// callStmt inlines a call of a spec function; result, if not nil, receives
// its value.
func (c *compiler) callStmt(sc *scope, s *CallStmt, result *cexpr) {
	call := s.Call
	sym := sc.lookup(call.Fun.Name)
	if sym == nil || sym.kind != symFunc {
		c.errorf(call.Fun.At, "undefined function %s", call.Fun.Name)
		return
	}
	c.called[sym.fn] = true
	c.inline(sc, sym.fn, call.Args, call.Fun.At, s.Span, result)
}

// inline compiles fn's body in place, with its parameters bound to args.
// Value parameters become locals of the caller's frame; ref parameters
// stand for the caller's storage, re-evaluated at each use.
func (c *compiler) inline(sc *scope, fn *FuncDecl, args []Expr, pos Pos, span Span, result *cexpr) {
	b := c.cur
	for _, fr := range b.inlines {
		if fr.fn == fn {
			c.errorf(pos, "recursive call of %s: functions are inlined and cannot recurse", fn.Name.Name)
			return
		}
	}
	if len(args) != len(fn.Params) {
		c.errorf(pos, "%s takes %d argument(s), not %d", fn.Name.Name, len(fn.Params), len(args))
		return
	}
	fsc := newScope(c.top)
	text := stmtText(span)
	// Every local the call allocates (parameters, result, the body's) is
	// dead once the result is stored: reset them all at the end. A
	// function that ends without return so yields its result type's zero.
	firstLocal := len(b.locals)
	for i, p := range fn.Params {
		t := c.resolveType(c.top, p.Type)
		a := c.expr(sc, args[i])
		if a.bad {
			continue
		}
		if p.Ref {
			if a.addr == nil {
				c.errorf(args[i].Pos(), "%s: ref parameter %s needs a variable, not a value", fn.Name.Name, p.Name.Name)
				continue
			}
			if !assignable(t, a.t) || !assignable(a.t, t) {
				c.errorf(args[i].Pos(), "%s: ref parameter %s is %s, the argument is %s", fn.Name.Name, p.Name.Name, t, a.t)
				continue
			}
			c.declare(fsc, p.Name, &symbol{kind: symRef, typ: t, arg: args[i], argScope: sc})
			continue
		}
		off := c.allocLocal(p.Name.Name, t)
		dst := storage(t, func(m *machine) int { return m.base + off }, true, nil)
		dst.loff = off + 1
		c.store(dst, a, args[i].Pos(), span.At, text)
		c.declare(fsc, p.Name, &symbol{kind: symLocal, typ: t, off: off})
	}
	fr := &inlineFrame{fn: fn, code: b.code, loopDepth: len(b.loops)}
	if fn.Result != nil {
		rt := c.resolveType(c.top, fn.Result)
		off := c.allocLocal(fn.Name.Name+"()", rt)
		fr.result = storage(rt, func(m *machine) int { return m.base + off }, true, nil)
		fr.result.loff = off + 1
		if result != nil && !assignable(result.t, rt) {
			c.errorf(pos, "cannot assign the %s result of %s to %s", rt, fn.Name.Name, result.t)
			result = nil
		}
	} else if result != nil {
		c.errorf(pos, "%s returns no value", fn.Name.Name)
		result = nil
	}
	b.inlines = append(b.inlines, fr)
	c.block(fsc, fn.Body)
	b.inlines = b.inlines[:len(b.inlines)-1]
	end := c.pc()
	for _, r := range fr.returns {
		r.target = end
	}
	if result != nil {
		c.store(result, fr.result, pos, span.At, text)
	}
	c.resetLocals(b.locals[firstLocal:])
	c.closeScopes(firstLocal)
}

// resetLocals zeroes the locals a returning function leaves behind (its
// result has been stored by now): they are dead, and states that differ
// only in dead values are one state. It runs silently with the step
// before it.
func (c *compiler) resetLocals(locals []frameSlot) {
	dead := append([]frameSlot(nil), locals...)
	if len(dead) == 0 {
		return
	}
	c.emit(&instr{op: opExec, silent: true, exec: func(m *machine) {
		for _, l := range dead {
			m.s[m.base+l.off] = l.typ.zero()
		}
	}})
}

// dummyArg stands for an argument when a function nobody calls is
// compiled on its own to report its errors.
type dummyArg struct{ p *FuncParam }

func (d *dummyArg) Pos() Pos { return d.p.Name.At }
func (*dummyArg) exprNode()  {}
func (c *compiler) dummy(d *dummyArg) *cexpr {
	t := c.resolveType(c.top, d.p.Type)
	off := c.allocLocal(d.p.Name.Name, t)
	return storage(t, func(m *machine) int { return m.base + off }, true, nil)
}
