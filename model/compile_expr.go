package model

import (
	"sort"
	"strings"
)

// cexpr is a compiled expression.
type cexpr struct {
	t       *Type
	eval    evalFn // scalars: the value
	addr    addrFn // storage: the (first) slot
	isConst bool
	val     int32
	private bool // reads only the running context's locals and constants
	// own: touches only the running context's locals, constants, me and
	// the running CPU's own copies of per-CPU variables named plainly (x
	// or x[me]); no query builtin. Partial-order reduction (por.go)
	// builds on it.
	own   bool
	local bool     // storage that is a local of the running context
	reads []string // shared variables read, by root name
	root  string   // storage: the variable it is part of ("" for locals)
	bad   bool     // an error was reported
	isMe  bool     // the expression is me
	loff  int      // 1 + the frame offset of a plain local name, else 0
	idx   []int    // storage: locals (by offset) that select a [cpu] element or CPU copy on its path
	// cand, for shared storage, names the slots it may denote when run on
	// a CPU, knowing only constants and me: explanations use it to find
	// who can write a variable a stuck CPU waits for.
	cand candFn
}

// candFn calls emit with each slot an lvalue may denote on cpu.
type candFn func(cpu int, emit func(slot int))

// candIndex narrows an index to its candidates: a constant, me, or any
// value in 0..n-1.
func candIndex(i *cexpr, n int, cpu int, emit func(k int)) {
	switch {
	case i.isConst:
		if i.val >= 0 && int(i.val) < n {
			emit(int(i.val))
		}
	case i.isMe:
		if cpu < n {
			emit(cpu)
		}
	default:
		for k := range n {
			emit(k)
		}
	}
}

func badExpr() *cexpr {
	return &cexpr{t: intType, bad: true, private: true, own: true, eval: func(*machine) int32 { return 0 }}
}

func constant(t *Type, v int32) *cexpr {
	return &cexpr{t: t, isConst: true, val: v, private: true, own: true, eval: func(*machine) int32 { return v }}
}

func mergeReads(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	out := append(append([]string(nil), a...), b...)
	sort.Strings(out)
	k := 0
	for i, s := range out {
		if i == 0 || s != out[k-1] {
			out[k] = s
			k++
		}
	}
	return out[:k]
}

// exprText returns an expression's source text, white space folded.
func exprText(x Expr) string {
	src := x.Pos().text()
	start, end := exprSpan(src, x)
	if start < 0 || end > len(src) || start >= end {
		return "expression"
	}
	return strings.Join(strings.Fields(string(src[start:end])), " ")
}

// exprSpan finds the byte range of an expression from its positions.
func exprSpan(src []byte, x Expr) (int, int) {
	start := offsetOf(src, x.Pos())
	end := start
	var walk func(Expr)
	walk = func(x Expr) {
		var p Pos
		extra := 1
		switch x := x.(type) {
		case *Name:
			p, extra = x.At, len(x.Name)
		case *IntLit, *BoolLit:
			p = x.Pos()
			o := offsetOf(src, p)
			for o+extra < len(src) && (isLetter(src[o+extra]) || isDigit(src[o+extra])) {
				extra++
			}
		case *UnaryExpr:
			walk(x.X)
			return
		case *BinaryExpr:
			walk(x.Y)
			return
		case *CondExpr:
			walk(x.Y)
			return
		case *IndexExpr:
			walk(x.Index)
			if o := indexByteFrom(src, end, ']'); o >= 0 {
				end = o + 1
			}
			return
		case *FieldExpr:
			p, extra = x.Field.At, len(x.Field.Name)
		case *CallExpr:
			p = x.Rparen
		case *QuantExpr:
			walk(x.Body)
			return
		case *ParenExpr:
			walk(x.X)
			if o := indexByteFrom(src, end, ')'); o >= 0 {
				end = o + 1
			}
			return
		default:
			return
		}
		if o := offsetOf(src, p) + extra; o > end {
			end = o
		}
	}
	walk(x)
	return start, end
}

func indexByteFrom(src []byte, from int, b byte) int {
	for i := from; i < len(src); i++ {
		if src[i] == b {
			return i
		}
		if src[i] != ' ' && src[i] != '\t' && src[i] != '\n' && src[i] != '\r' {
			return -1
		}
	}
	return -1
}

// offsetOf converts a line:col position to a byte offset.
func offsetOf(src []byte, p Pos) int {
	line, col := 1, 1
	for i, b := range src {
		if line == p.Line && col == p.Col {
			return i
		}
		if b == '\n' {
			line++
			col = 1
		} else if b&0xC0 != 0x80 {
			col++
		}
	}
	return len(src)
}

// expr compiles an expression in scope sc.
func (c *compiler) expr(sc *scope, x Expr) *cexpr {
	switch x := x.(type) {
	case *IntLit:
		return constant(intType, int32(x.Val))
	case *BoolLit:
		v := int32(0)
		if x.Val {
			v = 1
		}
		return constant(boolType, v)
	case *ParenExpr:
		return c.expr(sc, x.X)
	case *Name:
		return c.name(sc, &x.Ident)
	case *UnaryExpr:
		return c.unary(sc, x)
	case *BinaryExpr:
		return c.binary(sc, x)
	case *CondExpr:
		return c.cond(sc, x)
	case *IndexExpr:
		return c.index(sc, x)
	case *FieldExpr:
		return c.field(sc, x)
	case *CallExpr:
		return c.builtinCall(sc, x)
	case *QuantExpr:
		return c.quant(sc, x)
	case *dummyArg:
		return c.dummy(x)
	}
	c.errorf(x.Pos(), "unexpected expression")
	return badExpr()
}

func (c *compiler) name(sc *scope, id *Ident) *cexpr {
	b := c.cur
	if id.Name == "me" {
		if b.noCPU {
			c.errorf(id.At, "me is the running CPU; there is none here (use forall (c in cpus) ...)")
			return badExpr()
		}
		if b.constOnly {
			c.errorf(id.At, "me is not a constant")
			return badExpr()
		}
		return &cexpr{t: c.cpuType(), private: true, own: true, isMe: true, eval: func(m *machine) int32 { return int32(m.cpu) }}
	}
	sym := sc.lookup(id.Name)
	if sym == nil {
		c.errorf(id.At, "undefined: %s", id.Name)
		return badExpr()
	}
	switch sym.kind {
	case symConst:
		return constant(sym.typ, sym.val)
	case symType, symFunc:
		c.errorf(id.At, "%s is a %s, not a value", id.Name, map[symKind]string{symType: "type", symFunc: "function"}[sym.kind])
		return badExpr()
	case symLine:
		c.errorf(id.At, "%s is an interrupt line; use it in raise(cpu, %s) or pending(cpu, %s)", id.Name, id.Name, id.Name)
		return badExpr()
	}
	if b.constOnly || b.initOnly && sym.kind != symReg {
		c.errorf(id.At, "%s is a variable; only constants are allowed here", id.Name)
		return badExpr()
	}
	switch sym.kind {
	case symGlobal:
		off := sym.off
		e := storage(sym.typ, func(*machine) int { return off }, false, []string{id.Name})
		e.cand = func(_ int, emit func(int)) { emit(off) }
		c.noteRead(id.Name, -1, id.At)
		return e
	case symPerCPU:
		if b.noCPU {
			c.errorf(id.At, "%s is per-CPU and there is no running CPU here: name a CPU's copy, %s[c]", id.Name, id.Name)
			return badExpr()
		}
		off, sys := sym.off, c.sys
		e := storage(sym.typ, func(m *machine) int { return m.base + off }, false, []string{id.Name})
		e.cand = func(cpu int, emit func(int)) { emit(sys.cpuBase(cpu) + off) }
		c.noteRead(id.Name, -1, id.At)
		e.own = true
		return e
	case symLocal:
		off := sym.off
		e := storage(sym.typ, func(m *machine) int { return m.base + off }, true, nil)
		e.loff = off + 1
		return e
	case symReg:
		r := sym.off
		return &cexpr{t: sym.typ, private: true, own: true, eval: func(m *machine) int32 { return m.regs[r] }}
	case symRef:
		return c.expr(sym.argScope, sym.arg)
	}
	c.errorf(id.At, "cannot use %s here", id.Name)
	return badExpr()
}

// storage is an expression naming state slots.
func storage(t *Type, addr addrFn, local bool, reads []string) *cexpr {
	e := &cexpr{t: t, addr: addr, local: local, private: local, own: local, reads: reads}
	if !local && len(reads) > 0 {
		e.root = reads[0]
	}
	if t.Scalar() {
		e.eval = func(m *machine) int32 {
			a := addr(m)
			if m.rec != nil {
				m.rec(a)
			}
			return m.s[a]
		}
	}
	return e
}

func (c *compiler) unary(sc *scope, x *UnaryExpr) *cexpr {
	e := c.expr(sc, x.X)
	if e.bad {
		return e
	}
	switch x.Op {
	case NOT:
		if e.t.Kind != KBool {
			c.errorf(x.At, "! needs a bool, not %s", e.t)
			return badExpr()
		}
		f := e.eval
		return derive(boolType, func(m *machine) int32 { return 1 - f(m) }, e)
	case MINUS:
		if !e.t.numeric() {
			c.errorf(x.At, "- needs an integer, not %s", e.t)
			return badExpr()
		}
		c.asNumber(e, x.At, "-")
		f := e.eval
		return derive(intType, func(m *machine) int32 { return -f(m) }, e)
	}
	return badExpr()
}

// derive builds a value expression from operands, folding constants.
func derive(t *Type, f evalFn, ops ...*cexpr) *cexpr {
	e := &cexpr{t: t, eval: f, private: true, own: true, isConst: true}
	for _, o := range ops {
		e.private = e.private && o.private
		e.own = e.own && o.own
		e.isConst = e.isConst && o.isConst
		e.reads = mergeReads(e.reads, o.reads)
	}
	if e.isConst {
		e.val = f(nil)
		v := e.val
		e.eval = func(*machine) int32 { return v }
	}
	return e
}

func b2i(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

func (c *compiler) binary(sc *scope, x *BinaryExpr) *cexpr {
	l, r := c.expr(sc, x.X), c.expr(sc, x.Y)
	if l.bad || r.bad {
		return badExpr()
	}
	lf, rf := l.eval, r.eval
	switch x.Op {
	case ANDAND, OROR:
		if l.t.Kind != KBool || r.t.Kind != KBool {
			c.errorf(x.At, "%s needs bool operands, not %s and %s", x.Op, l.t, r.t)
			return badExpr()
		}
		if x.Op == ANDAND {
			return derive(boolType, func(m *machine) int32 { return b2i(lf(m) != 0 && rf(m) != 0) }, l, r)
		}
		return derive(boolType, func(m *machine) int32 { return b2i(lf(m) != 0 || rf(m) != 0) }, l, r)
	case EQ, NEQ:
		if !assignable(l.t, r.t) && !assignable(r.t, l.t) {
			c.errorf(x.At, "cannot compare %s with %s", l.t, r.t)
			return badExpr()
		}
		neq := x.Op == NEQ
		if !l.t.Scalar() {
			if l.addr == nil || r.addr == nil || l.t.Size != r.t.Size {
				c.errorf(x.At, "cannot compare these values")
				return badExpr()
			}
			la, ra, n := l.addr, r.addr, l.t.Size
			return derive(boolType, func(m *machine) int32 {
				a, b := la(m), ra(m)
				for i := range n {
					if m.s[a+i] != m.s[b+i] {
						return b2i(neq)
					}
				}
				return b2i(!neq)
			}, l, r)
		}
		c.compareCPUs(l, r, x.At)
		return derive(boolType, func(m *machine) int32 { return b2i((lf(m) == rf(m)) != neq) }, l, r)
	}
	if !l.t.numeric() || !r.t.numeric() {
		c.errorf(x.At, "%s needs integer operands, not %s and %s", x.Op, l.t, r.t)
		return badExpr()
	}
	c.asNumber(l, x.At, x.Op.String())
	c.asNumber(r, x.At, x.Op.String())
	switch x.Op {
	case LT:
		return derive(boolType, func(m *machine) int32 { return b2i(lf(m) < rf(m)) }, l, r)
	case LE:
		return derive(boolType, func(m *machine) int32 { return b2i(lf(m) <= rf(m)) }, l, r)
	case GT:
		return derive(boolType, func(m *machine) int32 { return b2i(lf(m) > rf(m)) }, l, r)
	case GE:
		return derive(boolType, func(m *machine) int32 { return b2i(lf(m) >= rf(m)) }, l, r)
	case PLUS:
		return derive(intType, func(m *machine) int32 { return lf(m) + rf(m) }, l, r)
	case MINUS:
		return derive(intType, func(m *machine) int32 { return lf(m) - rf(m) }, l, r)
	case STAR:
		return derive(intType, func(m *machine) int32 { return lf(m) * rf(m) }, l, r)
	case SLASH, PERCENT:
		if r.isConst && r.val == 0 {
			c.errorf(x.At, "division by zero")
			return badExpr()
		}
		div := x.Op == SLASH
		pos := x.At
		return derive(intType, func(m *machine) int32 {
			d := rf(m)
			if d == 0 {
				m.fail(pos, "division by zero", "")
				return 0
			}
			if div {
				return lf(m) / d
			}
			return lf(m) % d
		}, l, r)
	}
	return badExpr()
}

func (c *compiler) cond(sc *scope, x *CondExpr) *cexpr {
	k, a, b := c.expr(sc, x.C), c.expr(sc, x.X), c.expr(sc, x.Y)
	if k.bad || a.bad || b.bad {
		return badExpr()
	}
	if k.t.Kind != KBool {
		c.errorf(x.C.Pos(), "the condition of ?: must be a bool, not %s", k.t)
		return badExpr()
	}
	if !a.t.Scalar() || !assignable(a.t, b.t) {
		c.errorf(x.X.Pos(), "the branches of ?: must be scalars of one type, not %s and %s", a.t, b.t)
		return badExpr()
	}
	kf, af, bf := k.eval, a.eval, b.eval
	return derive(a.t, func(m *machine) int32 {
		if kf(m) != 0 {
			return af(m)
		}
		return bf(m)
	}, k, a, b)
}

func (c *compiler) index(sc *scope, x *IndexExpr) *cexpr {
	// x[c] on a per-CPU variable selects CPU c's copy.
	if n, ok := unparen(x.X).(*Name); ok {
		if sym := sc.lookup(n.Name); sym != nil && sym.kind == symPerCPU && !c.cur.constOnly && !c.cur.initOnly {
			i := c.expr(sc, x.Index)
			if i.bad {
				return i
			}
			if !i.t.numeric() {
				c.errorf(x.Index.Pos(), "%s is per-CPU: %s[c] takes a CPU id, not %s", n.Name, n.Name, i.t)
				return badExpr()
			}
			off, f, pos, what := sym.off, i.eval, x.At, n.Name+"[]"
			c.asCPU(i, x.Index.Pos(), "selecting a CPU's copy of "+n.Name)
			e := storage(sym.typ, func(m *machine) int {
				return m.sys.cpuBase(m.cpuIndex(f(m), pos, what)) + off
			}, false, []string{n.Name})
			e.reads = mergeReads(e.reads, i.reads)
			e.root = n.Name
			if i.loff > 0 {
				e.idx = []int{i.loff - 1}
			}
			c.noteRead(n.Name, i.loff-1, x.At)
			// x[me] is the running CPU's own copy, as x is; any other
			// index may name another CPU's, so x is not private.
			e.own = i.isMe
			if !i.isMe {
				c.sharedPerCPU[n.Name] = true
			}
			sys, ncpu := c.sys, c.ncpu
			e.cand = func(cpu int, emit func(int)) {
				candIndex(i, ncpu, cpu, func(k int) { emit(sys.cpuBase(k) + off) })
			}
			return e
		}
	}
	a := c.expr(sc, x.X)
	i := c.expr(sc, x.Index)
	if a.bad || i.bad {
		return badExpr()
	}
	if a.t.Kind != KArray {
		c.errorf(x.At, "cannot index %s of type %s", exprText(x.X), a.t)
		return badExpr()
	}
	if !i.t.numeric() {
		c.errorf(x.Index.Pos(), "array index must be an integer, not %s", i.t)
		return badExpr()
	}
	if a.addr == nil {
		c.errorf(x.At, "cannot index this value")
		return badExpr()
	}
	n, size := int32(a.t.Len), a.t.Elem.Size
	if i.isConst && (i.val < 0 || i.val >= n) {
		c.errorf(x.Index.Pos(), "index %d out of range [0..%d]", i.val, n-1)
		return badExpr()
	}
	if a.t.ByCPU {
		c.asCPU(i, x.Index.Pos(), "indexing the [cpu] array "+exprText(x.X))
	} else {
		c.asNumber(i, x.Index.Pos(), "indexing the array "+exprText(x.X))
	}
	base, f, pos := a.addr, i.eval, x.At
	text := exprText(x.X)
	e := storage(a.t.Elem, func(m *machine) int {
		k := f(m)
		if k < 0 || k >= n {
			m.fail(pos, "index out of range", "%s[%d], valid indices 0..%d", text, k, n-1)
			k = 0
		}
		return base(m) + int(k)*size
	}, a.local, mergeReads(a.reads, i.reads))
	e.private = a.private && i.private
	e.own = a.own && i.own
	e.root = a.root
	e.idx = a.idx
	if a.t.ByCPU && i.loff > 0 {
		e.idx = append(append([]int(nil), a.idx...), i.loff-1)
		if a.root != "" {
			c.markIndexed(a.root, i.loff-1)
		}
	}
	if a.cand != nil {
		ac := a.cand
		e.cand = func(cpu int, emit func(int)) {
			ac(cpu, func(b int) { candIndex(i, int(n), cpu, func(k int) { emit(b + k*size) }) })
		}
	}
	return e
}

func unparen(x Expr) Expr {
	for {
		p, ok := x.(*ParenExpr)
		if !ok {
			return x
		}
		x = p.X
	}
}

func (c *compiler) field(sc *scope, x *FieldExpr) *cexpr {
	a := c.expr(sc, x.X)
	if a.bad {
		return a
	}
	if a.t.Kind != KStruct || a.addr == nil {
		c.errorf(x.Field.At, "%s has no fields: it is %s", exprText(x.X), a.t)
		return badExpr()
	}
	for _, f := range a.t.Fields {
		if f.Name == x.Field.Name {
			base, off := a.addr, f.Off
			e := storage(f.Type, func(m *machine) int { return base(m) + off }, a.local, a.reads)
			e.private = a.private
			e.own = a.own
			e.root = a.root
			e.idx = a.idx
			if a.cand != nil {
				ac := a.cand
				e.cand = func(cpu int, emit func(int)) { ac(cpu, func(b int) { emit(b + off) }) }
			}
			return e
		}
	}
	c.errorf(x.Field.At, "%s has no field %s", a.t, x.Field.Name)
	return badExpr()
}

// rangeBounds resolves the range of a for loop or quantifier: constant
// bounds, every CPU, or every CPU but the running one.
func (c *compiler) rangeBounds(sc *scope, r *RangeExpr) (t *Type, lo, hi int32, skipMe, ok bool) {
	switch r.Set {
	case "cpus":
		return c.cpuType(), 0, int32(c.ncpu - 1), false, true
	case "others":
		if c.cur.noCPU {
			c.errorf(r.At, "others means every CPU but this one; there is no running CPU here")
			return nil, 0, 0, false, false
		}
		return c.cpuType(), 0, int32(c.ncpu - 1), true, true
	}
	l, h := c.intConst(sc, r.Lo, "a range bound"), c.intConst(sc, r.Hi, "a range bound")
	if l.bad || h.bad {
		return nil, 0, 0, false, false
	}
	if l.val > h.val {
		return &Type{Kind: KInt, Lo: l.val, Hi: l.val, Size: 1}, l.val, h.val, false, true
	}
	return &Type{Kind: KInt, Lo: l.val, Hi: h.val, Size: 1}, l.val, h.val, false, true
}

func (c *compiler) quant(sc *scope, x *QuantExpr) *cexpr {
	t, lo, hi, skipMe, ok := c.rangeBounds(sc, x.Range)
	if !ok {
		return badExpr()
	}
	r := c.nregs
	c.nregs++
	inner := newScope(sc)
	c.declare(inner, x.Var, &symbol{kind: symReg, typ: t, off: r})
	body := c.expr(inner, x.Body)
	if body.bad {
		return body
	}
	if body.t.Kind != KBool {
		c.errorf(x.Body.Pos(), "the body of %s must be a bool, not %s", x.Tok, body.t)
		return badExpr()
	}
	f, all := body.eval, x.Tok == FORALL
	e := &cexpr{t: boolType, private: body.private, own: body.own, reads: body.reads, eval: func(m *machine) int32 {
		for v := lo; v <= hi; v++ {
			if skipMe && int(v) == m.cpu {
				continue
			}
			m.regs[r] = v
			if (f(m) != 0) != all {
				return b2i(!all)
			}
		}
		return b2i(all)
	}}
	return e
}
