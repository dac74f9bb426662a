package model

// builtin describes a predeclared function.
type builtin struct {
	stmt bool // used as a statement (changes IRQ state or raises a line)
	doc  string
}

// builtins are the predeclared functions. CPU arguments in brackets may be
// left out and mean the running CPU.
var builtins = map[string]builtin{
	"local_irq_disable": {true, "local_irq_disable(): mask interrupts on this CPU"},
	"local_irq_enable":  {true, "local_irq_enable(): unmask interrupts on this CPU"},
	"local_irq_save":    {true, "local_irq_save(flags): flags = whether IRQs were on; then mask them"},
	"local_irq_restore": {true, "local_irq_restore(flags): IRQs on again if flags says they were"},
	"raise":             {true, "raise(cpu, line): set the line pending on cpu"},
	"irqs_enabled":      {false, "irqs_enabled([cpu]): whether cpu takes maskable interrupts"},
	"irqs_disabled":     {false, "irqs_disabled([cpu]): !irqs_enabled(cpu)"},
	"in_irq":            {false, "in_irq([cpu]): whether cpu runs an interrupt handler"},
	"irq_level":         {false, "irq_level([cpu]): the level of the handler cpu runs, 0 in task context"},
	"pending":           {false, "pending(cpu, line): whether line is raised and not yet taken on cpu"},
	"finished":          {false, "finished(cpu): whether cpu's thread has finished"},
}

// cpuArg compiles an optional CPU argument (default: the running CPU) and
// returns a function giving that CPU's block base.
func (c *compiler) cpuArg(sc *scope, call *CallExpr, i int) (func(m *machine) int, *cexpr) {
	if i >= len(call.Args) {
		if c.cur.noCPU {
			c.errorf(call.Fun.At, "%s needs a CPU argument here: there is no running CPU", call.Fun.Name)
			return nil, badExpr()
		}
		return func(m *machine) int { return m.base }, &cexpr{t: c.cpuType(), private: true}
	}
	e := c.expr(sc, call.Args[i])
	if e.bad {
		return nil, e
	}
	if !e.t.numeric() {
		c.errorf(call.Args[i].Pos(), "%s takes a CPU id, not %s", call.Fun.Name, e.t)
		return nil, badExpr()
	}
	c.asCPU(e, call.Args[i].Pos(), call.Fun.Name+"()")
	f, pos, name := e.eval, call.Args[i].Pos(), call.Fun.Name
	return func(m *machine) int { return m.sys.cpuBase(m.cpuIndex(f(m), pos, name)) }, e
}

// lineArg resolves an interrupt line argument.
func (c *compiler) lineArg(sc *scope, call *CallExpr, i int) *handler {
	if i >= len(call.Args) {
		return nil
	}
	n, ok := unparen(call.Args[i]).(*Name)
	var sym *symbol
	if ok {
		sym = sc.lookup(n.Name)
	}
	if sym == nil || sym.kind != symLine {
		c.errorf(call.Args[i].Pos(), "%s takes an interrupt line (the name of an interrupt handler)", call.Fun.Name)
		return nil
	}
	return sym.line
}

func (c *compiler) wantArgs(call *CallExpr, lo, hi int) bool {
	if n := len(call.Args); n < lo || n > hi {
		if lo == hi {
			c.errorf(call.Fun.At, "%s takes %d argument(s), not %d", call.Fun.Name, lo, n)
		} else {
			c.errorf(call.Fun.At, "%s takes %d to %d arguments, not %d", call.Fun.Name, lo, hi, n)
		}
		return false
	}
	return true
}

// builtinCall compiles a call in an expression: only the query builtins
// may appear there.
func (c *compiler) builtinCall(sc *scope, call *CallExpr) *cexpr {
	name := call.Fun.Name
	b, ok := builtins[name]
	if !ok {
		if sym := sc.lookup(name); sym != nil && sym.kind == symFunc {
			c.errorf(call.Fun.At, "%s is a function: call it as a statement, x = %s(...);", name, name)
		} else {
			c.errorf(call.Fun.At, "undefined function %s", name)
		}
		return badExpr()
	}
	if b.stmt {
		c.errorf(call.Fun.At, "%s changes state: use it as a statement", name)
		return badExpr()
	}
	if c.cur.constOnly || c.cur.initOnly {
		c.errorf(call.Fun.At, "%s reads the state; only constants are allowed here", name)
		return badExpr()
	}
	sys := c.sys
	shared := func(f evalFn, arg *cexpr) *cexpr {
		return &cexpr{t: boolType, eval: f, reads: mergeReads(arg.reads, []string{"irq state"})}
	}
	switch name {
	case "irqs_enabled", "irqs_disabled", "in_irq", "irq_level", "finished":
		if !c.wantArgs(call, 0, 1) {
			return badExpr()
		}
		if name == "finished" && len(call.Args) == 0 {
			c.errorf(call.Fun.At, "finished takes a CPU id")
			return badExpr()
		}
		base, arg := c.cpuArg(sc, call, 0)
		if base == nil {
			return badExpr()
		}
		switch name {
		case "irqs_enabled":
			return shared(func(m *machine) int32 { return m.read(base(m) + sys.irqOff) }, arg)
		case "irqs_disabled":
			return shared(func(m *machine) int32 { return 1 - m.read(base(m)+sys.irqOff) }, arg)
		case "in_irq":
			return shared(func(m *machine) int32 { return b2i(sys.level(m.s, sys.cpuOf(base(m))) > 0) }, arg)
		case "finished":
			return shared(func(m *machine) int32 { return b2i(sys.finished(m.s, sys.cpuOf(base(m)))) }, arg)
		}
		e := shared(func(m *machine) int32 { return sys.level(m.s, sys.cpuOf(base(m))) }, arg)
		e.t = &Type{Kind: KInt, Lo: 0, Hi: 32, Size: 1}
		return e
	case "pending":
		if !c.wantArgs(call, 2, 2) {
			return badExpr()
		}
		base, arg := c.cpuArg(sc, call, 0)
		h := c.lineArg(sc, call, 1)
		if base == nil || h == nil {
			return badExpr()
		}
		if h.pendingOff < 0 {
			return constant(boolType, 1) // a timer is always raised
		}
		off := h.pendingOff
		return shared(func(m *machine) int32 { return m.read(base(m) + off) }, arg)
	}
	return badExpr()
}

// cpuOf maps a CPU block base back to the CPU.
func (s *System) cpuOf(base int) int { return (base - s.nglobals) / s.cpuSize }

// builtinStmt compiles a call statement to a state-changing builtin. It
// returns false when name is not one.
func (c *compiler) builtinStmt(sc *scope, s *CallStmt) bool {
	call := s.Call
	name := call.Fun.Name
	b, ok := builtins[name]
	if !ok {
		return false
	}
	if !b.stmt {
		c.errorf(call.Fun.At, "%s only reads the state: use it in an expression", name)
		return true
	}
	sys := c.sys
	in := &instr{op: opExec, pos: s.At, text: stmtText(s.Span)}
	switch name {
	case "local_irq_disable", "local_irq_enable":
		if !c.wantArgs(call, 0, 0) {
			return true
		}
		v := b2i(name == "local_irq_enable")
		in.exec = func(m *machine) { m.setIRQ(v) }
	case "local_irq_save", "local_irq_restore":
		if !c.wantArgs(call, 1, 1) {
			return true
		}
		f := c.expr(sc, call.Args[0])
		if f.bad {
			return true
		}
		if f.addr == nil || f.t.Kind != KBool {
			c.errorf(call.Args[0].Pos(), "%s takes a bool variable (the saved flags)", name)
			return true
		}
		addr, pos := f.addr, s.At
		if name == "local_irq_save" {
			in.exec = func(m *machine) {
				m.store(addr(m), m.s[m.base+sys.irqOff], pos)
				m.setIRQ(0)
			}
		} else {
			in.exec = func(m *machine) { m.setIRQ(m.s[addr(m)]) }
			in.reads = f.reads
		}
		c.noteWrite(f)
	case "raise":
		if !c.wantArgs(call, 2, 2) {
			return true
		}
		base, target := c.cpuArg(sc, call, 0)
		h := c.lineArg(sc, call, 1)
		if base == nil || h == nil {
			return true
		}
		if h.pendingOff < 0 {
			c.errorf(call.Args[1].Pos(), "%s is a timer: it fires by itself and cannot be raised", h.name)
			return true
		}
		off := h.pendingOff
		in.exec = func(m *machine) { m.set(base(m)+off, 1) }
		c.cur.raises = append(c.cur.raises, raiseCand{h, target})
	}
	c.emit(in)
	return true
}
