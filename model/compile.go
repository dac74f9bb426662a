package model

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ipicheck/ipicheck/state"
)

// MaxCPUs bounds the CPUS param: CPU ids are stored in a byte of each
// transition label.
const MaxCPUs = 64

// Load parses and compiles a spec with the given param overrides
// (NAME=VALUE as the command line's --set gives them).
func Load(filename string, src []byte, set map[string]string) (*System, error) {
	f, err := Parse(filename, src)
	if err != nil {
		return nil, err
	}
	return Compile(f, set)
}

// Compile checks a parsed spec and compiles it with the given param
// overrides. Errors in the spec come back as an ErrorList; a bad override
// as a plain error naming the param.
func Compile(f *File, set map[string]string) (*System, error) {
	if f.Library {
		return nil, ErrorList{{File: f.Name, Pos: f.Protocol.At, Msg: "this is a library: import it from a protocol (import \"" + f.Protocol.Name + "\";) and check that", line: sourceLine(f.Src, f.Protocol.At.Line)}}
	}
	c := &compiler{
		d:    &diag{file: f.Name, src: f.Src},
		file: f,
		sys:  &System{File: f, Doc: f.Doc},
		top:  newScope(nil),
		set:  set,

		sharedPerCPU: map[string]bool{},
	}
	c.sym.d = diag{file: f.Name, src: f.Src}
	if f.Protocol != nil {
		c.sys.Name = f.Protocol.Name
	}
	merged := *f
	merged.Decls = c.withImports(f)
	c.file = &merged
	if err := c.compileFile(); err != nil {
		return nil, err
	}
	if err := c.d.sorted().Err(); err != nil {
		return nil, err
	}
	c.sys.symProbs = c.sym.d.sorted()
	c.sys.symConsts = c.sym.consts
	return c.sys, nil
}

// compiler checks and compiles one spec.
type compiler struct {
	d    *diag
	file *File
	sys  *System
	top  *scope
	set  map[string]string
	ncpu int

	globals  []slotSpec
	cpuSlots []slotSpec // the shared part of each CPU block, by offset
	funcs    []*FuncDecl
	called   map[*FuncDecl]bool
	// sharedPerCPU names the per-CPU variables some code, invariant or
	// cover condition indexes by a CPU other than me: not private.
	sharedPerCPU map[string]bool

	cur   *ctxBuilder // the thread or handler being compiled
	types map[TypeExpr]*Type
	nregs int // quantifier registers allocated

	sym symChecks // what makes CPUs not interchangeable (symmetry_check.go)
}

// slotSpec describes a slot before the layout is built.
type slotSpec struct {
	name, short string
	kind        SlotKind
	typ         *Type
	lo, hi      int32
	init        func(cpu int) int32
	ctx         string
	dims        []cpuDim // the [cpu] array indices on its path, for symmetry
	scope       [2]int   // for locals: the pcs where it is in scope (see frameSlot)
	pcOff       int      // for locals: the block offset of their context's pc
	pcBias      int32    // and what the pc holds at instruction 0
}

func (c *compiler) errorf(pos Pos, format string, args ...any) {
	c.d.errorf(pos, format, args...)
}

func (c *compiler) declare(sc *scope, id *Ident, sym *symbol) {
	if id.Name == "_" {
		return
	}
	if prev, ok := sc.names[id.Name]; ok {
		where := prev.pos.String()
		if prev.pos.Src != id.At.Src {
			where = prev.pos.File() + ":" + where
		}
		c.errorf(id.At, "%s redeclared (first declared at %s)", id.Name, where)
		return
	}
	if isPredeclared(id.Name) {
		c.errorf(id.At, "%s is predeclared and cannot be redeclared", id.Name)
		return
	}
	sym.name, sym.pos = id.Name, id.At
	sc.names[id.Name] = sym
}

func isPredeclared(name string) bool {
	switch name {
	case "me", "bool", "cpu", "cpus", "others":
		return true
	}
	_, ok := builtins[name]
	return ok
}

func (c *compiler) compileFile() error {
	f := c.file
	// Params first: CPUS shapes the cpu type every later declaration may use.
	known := map[string]bool{}
	for _, d := range f.Decls {
		if p, ok := d.(*ParamDecl); ok {
			c.param(p)
			known[p.Name.Name] = true
		}
	}
	var names []string
	for n := range c.set {
		if !known[n] {
			names = append(names, n)
		}
	}
	if len(names) > 0 {
		sort.Strings(names)
		var have []string
		for _, p := range c.sys.Params {
			have = append(have, p.Name)
		}
		return fmt.Errorf("--set %s: %s declares no such param (params: %s)", names[0], c.sys.Name, strings.Join(have, ", "))
	}
	if c.ncpu == 0 && len(c.d.errs) == 0 {
		pos := Pos{Line: 1, Col: 1, Src: f.Source}
		if f.Protocol != nil {
			pos = f.Protocol.At
		}
		c.errorf(pos, "the spec must declare the number of CPUs: param CPUS = 2;")
		return nil
	}
	if c.ncpu == 0 {
		return nil
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ConstDecl:
			v := c.constExpr(c.top, d.Value)
			c.declare(c.top, d.Name, &symbol{kind: symConst, typ: v.t, val: v.val})
		case *TypeDecl:
			t := c.resolveType(c.top, d.Type)
			if t.Name == "" && (t.Kind == KEnum || t.Kind == KStruct) {
				t.Name = d.Name.Name
			}
			c.declare(c.top, d.Name, &symbol{kind: symType, typ: t})
		case *VarDecl:
			c.topVar(d)
		case *FuncDecl:
			c.declare(c.top, d.Name, &symbol{kind: symFunc, fn: d})
			c.funcs = append(c.funcs, d)
		}
	}
	c.cpuSlots = append(c.cpuSlots, slotSpec{name: "irqs", short: "irqs", kind: SlotIRQ, typ: boolType, lo: 0, hi: 1, init: func(int) int32 { return 1 }})
	c.sys.irqOff = len(c.cpuSlots) - 1
	c.declareHandlers()
	c.called = map[*FuncDecl]bool{}
	for _, h := range c.sys.handlers {
		c.compileHandler(h)
	}
	threadSlots := c.compileThreads()
	// Functions no thread or handler calls are still checked, but for an
	// imported library's: a spec need not declare the names that library
	// functions it never calls would use.
	for _, fn := range c.funcs {
		if !c.called[fn] && fn.At.Src == f.Source {
			c.dryRun(fn)
		}
	}
	for _, d := range f.Decls {
		if inv, ok := d.(*InvariantDecl); ok {
			if inv.Cover {
				c.cover(inv)
			} else {
				c.invariant(inv)
			}
		}
	}
	c.expectations()
	if len(c.d.errs) > 0 {
		return nil
	}
	c.buildLayout(threadSlots)
	c.markPrivate()
	return nil
}

// param evaluates a param's default, applies its override and declares it.
func (c *compiler) param(p *ParamDecl) {
	var t *Type
	if p.Type != nil {
		t = c.resolveType(c.top, p.Type)
	}
	def := c.constExpr(c.top, p.Default)
	if t == nil {
		t = def.t
	} else if !assignable(t, def.t) {
		c.errorf(p.Default.Pos(), "default value of type %s does not fit param %s of type %s", def.t, p.Name.Name, t)
	} else if t.Scalar() && (def.val < t.Lo || def.val > t.Hi) {
		c.errorf(p.Default.Pos(), "default value %d of param %s is outside %s", def.val, p.Name.Name, t)
	}
	if !t.Scalar() {
		c.errorf(p.Pos(), "param %s must have a scalar type (bool, integer or enum)", p.Name.Name)
		return
	}
	val := def.val
	if s, ok := c.set[p.Name.Name]; ok {
		v, err := parseValue(t, s)
		if err != nil {
			c.errorf(p.Pos(), "--set %s=%s: %v", p.Name.Name, s, err)
		}
		val = v
	}
	if p.Name.Name == "CPUS" {
		if val < 1 || val > MaxCPUs {
			c.errorf(p.Pos(), "CPUS = %d: the number of CPUs must be between 1 and %d", val, MaxCPUs)
		} else {
			c.ncpu = int(val)
			c.sys.NCPU = c.ncpu
		}
	}
	c.declare(c.top, p.Name, &symbol{kind: symConst, typ: t, val: val, isParam: true})
	c.sys.Params = append(c.sys.Params, Param{Name: p.Name.Name, Type: t, Value: val, Default: def.val, Pos: p.Pos()})
}

// parseValue reads a --set value for a param of type t.
func parseValue(t *Type, s string) (int32, error) {
	switch t.Kind {
	case KBool:
		switch s {
		case "true", "1":
			return 1, nil
		case "false", "0":
			return 0, nil
		}
		return 0, fmt.Errorf("want true or false")
	case KEnum:
		for i, m := range t.Enum {
			if m == s {
				return int32(i), nil
			}
		}
		return 0, fmt.Errorf("want one of %s", strings.Join(t.Enum, ", "))
	}
	v, err := strconv.ParseInt(s, 0, 32)
	if err != nil {
		return 0, fmt.Errorf("want an integer")
	}
	if int32(v) < t.Lo || int32(v) > t.Hi {
		return 0, fmt.Errorf("outside %s", t)
	}
	return int32(v), nil
}

// topVar allocates the slots of a global or per-CPU variable.
func (c *compiler) topVar(d *VarDecl) {
	t := c.resolveType(c.top, d.Type)
	init := c.initFunc(d, t)
	kind, sk := symGlobal, SlotGlobal
	off := len(c.globals)
	if d.PerCPU {
		kind, sk = symPerCPU, SlotPerCPU
		off = len(c.cpuSlots)
	}
	specs := leafSpecs(t, d.Name.Name, sk, init)
	if d.PerCPU {
		c.cpuSlots = append(c.cpuSlots, specs...)
	} else {
		c.globals = append(c.globals, specs...)
	}
	c.declare(c.top, d.Name, &symbol{kind: kind, typ: t, off: off})
}

// initFunc compiles a variable's initialiser: a constant, or for per-CPU
// variables an expression of me. It returns the value of each leaf slot.
func (c *compiler) initFunc(d *VarDecl, t *Type) func(cpu, leaf int) int32 {
	if d.Init == nil {
		return nil
	}
	sc := newScope(c.top)
	saved := c.cur
	c.cur = &ctxBuilder{name: "init", initOnly: true, noCPU: !d.PerCPU}
	defer func() { c.cur = saved }()
	x := c.expr(sc, d.Init)
	if x.bad {
		return nil
	}
	if !assignable(t, x.t) {
		c.errorf(d.Init.Pos(), "cannot initialise %s of type %s with a value of type %s", d.Name.Name, t, x.t)
		return nil
	}
	if !t.Scalar() {
		c.errorf(d.Init.Pos(), "only scalar variables take an initialiser; aggregates start at their zero values")
		return nil
	}
	if x.isConst && (x.val < t.Lo || x.val > t.Hi) {
		c.errorf(d.Init.Pos(), "initial value %d of %s is outside %s", x.val, d.Name.Name, t)
	}
	if t.Kind == KCPU {
		c.asCPU(x, d.Init.Pos(), "initialising a cpu variable")
	} else {
		c.asNumber(x, d.Init.Pos(), "initialising a "+t.String()+" variable")
	}
	if x.isConst {
		return func(int, int) int32 { return x.val }
	}
	// An initialiser of me is evaluated for each CPU when the layout is
	// built, and checked there.
	return func(cpu, _ int) int32 {
		m := &machine{sys: c.sys, regs: make([]int32, c.nregs+1)}
		m.cpu = cpu
		v := x.eval(m)
		if m.err != nil {
			c.errorf(d.Init.Pos(), "initial value of %s on CPU %d: %s", d.Name.Name, cpu, m.err.Kind)
			return t.zero()
		}
		if v < t.Lo || v > t.Hi {
			c.errorf(d.Init.Pos(), "initial value %d of %s on CPU %d is outside %s", v, d.Name.Name, cpu, t)
			return t.zero()
		}
		return v
	}
}

// leafSpecs flattens a variable of type t into scalar slot specs; init,
// if not nil, gives each leaf's initial value on a CPU.
func leafSpecs(t *Type, name string, kind SlotKind, init func(cpu, leaf int) int32) []slotSpec {
	var out []slotSpec
	dims := leafDims(t)
	forLeaves(t, name, func(n string, lt *Type) {
		leaf := len(out)
		z := lt.zero()
		f := func(int) int32 { return z }
		if init != nil {
			f = func(cpu int) int32 { return init(cpu, leaf) }
		}
		out = append(out, slotSpec{name: n, short: n, kind: kind, typ: lt, lo: lt.Lo, hi: lt.Hi, init: f, dims: dims[leaf]})
	})
	return out
}

// forLeaves calls fn for each scalar leaf of t in slot order.
func forLeaves(t *Type, name string, fn func(name string, t *Type)) {
	switch t.Kind {
	case KArray:
		for i := range t.Len {
			forLeaves(t.Elem, fmt.Sprintf("%s[%d]", name, i), fn)
		}
	case KStruct:
		for _, f := range t.Fields {
			forLeaves(f.Type, name+"."+f.Name, fn)
		}
	default:
		fn(name, t)
	}
}

// declareHandlers allocates each interrupt line's pending flag, program
// counter and saved IRQ flag, and declares the line names.
func (c *compiler) declareHandlers() {
	for _, d := range c.file.Decls {
		d, ok := d.(*InterruptDecl)
		if !ok {
			continue
		}
		h := &handler{name: d.Name.Name, kind: d.Kind, pos: d.At, level: 1, pendingOff: -1}
		if d.Level != nil {
			lv := c.intConst(c.top, d.Level, "an interrupt level")
			if lv.val < 1 || lv.val > 31 {
				c.errorf(d.Level.Pos(), "interrupt level %d: levels run from 1 to 31 (an nmi line is above them all)", lv.val)
			}
			h.level = lv.val
		}
		if d.Kind == LineNMI {
			h.level = 32
		}
		if d.Kind != LineTimer {
			h.pendingOff = len(c.cpuSlots)
			c.cpuSlots = append(c.cpuSlots, slotSpec{name: h.name + " pending", short: h.name + " pending", kind: SlotPending, typ: boolType, hi: 1})
		}
		h.pcOff = len(c.cpuSlots)
		c.cpuSlots = append(c.cpuSlots, slotSpec{name: h.name + " pc", kind: SlotPC, typ: intType, ctx: h.name})
		h.savedOff = len(c.cpuSlots)
		c.cpuSlots = append(c.cpuSlots, slotSpec{name: h.name + " saved irqs", kind: SlotSaved, typ: boolType, hi: 1, ctx: h.name})
		c.declare(c.top, d.Name, &symbol{kind: symLine, line: h})
		c.sys.handlers = append(c.sys.handlers, h)
	}
	// Highest level first: the innermost active handler is found first.
	sort.SliceStable(c.sys.handlers, func(i, j int) bool { return c.sys.handlers[i].level > c.sys.handlers[j].level })
	for i, h := range c.sys.handlers {
		h.idx = i
	}
}

func (c *compiler) interruptDecl(h *handler) *InterruptDecl {
	for _, d := range c.file.Decls {
		if d, ok := d.(*InterruptDecl); ok && d.At == h.pos {
			return d
		}
	}
	return nil
}

func (c *compiler) compileHandler(h *handler) {
	d := c.interruptDecl(h)
	b := c.newContext(h.name, len(c.cpuSlots), true)
	c.compileBody(b, d.Body)
	h.code = b.code
	h.locals = b.locals
	h.wcands = b.wcands
	h.raises = b.raises
	c.cpuSlots[h.pcOff].hi = int32(len(h.code.instrs) + 1)
	for _, l := range b.locals {
		for len(c.cpuSlots) <= l.off {
			c.cpuSlots = append(c.cpuSlots, slotSpec{})
		}
		c.cpuSlots[l.off] = slotSpec{name: h.name + "." + l.name, short: l.short, kind: SlotLocal, typ: l.typ, lo: l.typ.Lo, hi: l.typ.Hi, ctx: h.name, dims: l.dims, scope: l.scope, pcOff: h.pcOff, pcBias: 1}
	}
}

// threadSlot is a slot of the thread region of one CPU's block.
type threadSlot struct {
	off  int
	spec slotSpec
}

// compileThreads compiles each thread once and assigns it to its CPUs. It
// returns the thread-region slots of each CPU (the region follows the
// shared part of every CPU block).
func (c *compiler) compileThreads() [][]threadSlot {
	region := len(c.cpuSlots)
	c.sys.threads = make([]*thread, c.ncpu)
	owner := make([]*ThreadDecl, c.ncpu)
	perCPU := make([][]threadSlot, c.ncpu)
	size := 0
	for _, d := range c.file.Decls {
		d, ok := d.(*ThreadDecl)
		if !ok {
			continue
		}
		lo, hi := 0, c.ncpu-1
		if !d.On.All {
			lo = int(c.intConst(c.top, d.On.Lo, "a CPU number").val)
			hi = int(c.intConst(c.top, d.On.Hi, "a CPU number").val)
			if lo < 0 || hi >= c.ncpu || lo > hi {
				c.errorf(d.On.At, "thread %s runs on CPUs %d..%d, but the CPUs are 0..%d", d.Name.Name, lo, hi, c.ncpu-1)
				lo, hi = max(lo, 0), min(hi, c.ncpu-1)
			}
		}
		b := c.newContext(d.Name.Name, region+1, false)
		c.compileBody(b, d.Body)
		t := &thread{name: d.Name.Name, pos: d.At, code: b.code, pcOff: region, locals: b.locals, wcands: b.wcands, raises: b.raises}
		size = max(size, b.next-region)
		slots := []threadSlot{{region, slotSpec{name: d.Name.Name + " pc", kind: SlotPC, typ: intType, hi: int32(len(t.code.instrs)), ctx: t.name}}}
		for _, l := range b.locals {
			slots = append(slots, threadSlot{l.off, slotSpec{name: l.name, short: l.short, kind: SlotLocal, typ: l.typ, lo: l.typ.Lo, hi: l.typ.Hi, ctx: t.name, dims: l.dims, scope: l.scope, pcOff: region}})
		}
		for cpu := lo; cpu <= hi; cpu++ {
			if owner[cpu] != nil {
				c.errorf(d.On.At, "CPU %d already runs thread %s (declared at %s)", cpu, owner[cpu].Name.Name, owner[cpu].At)
				continue
			}
			owner[cpu] = d
			c.sys.threads[cpu] = t
			perCPU[cpu] = slots
		}
	}
	c.sys.cpuSize = region + max(size, 1)
	return perCPU
}

// dryRun compiles a function no context calls, to report its errors.
func (c *compiler) dryRun(fn *FuncDecl) {
	b := c.newContext("func "+fn.Name.Name, 1<<20, false)
	saved := c.cur
	c.cur = b
	defer func() { c.cur = saved }()
	var args []Expr
	for _, p := range fn.Params {
		args = append(args, &dummyArg{p: p})
	}
	c.inline(c.top, fn, args, fn.At, Span{At: fn.At}, nil)
}

// invariant compiles a declared invariant.
func (c *compiler) invariant(d *InvariantDecl) {
	saved := c.cur
	c.cur = &ctxBuilder{name: "invariant " + d.Name.Name, noCPU: true}
	defer func() { c.cur = saved }()
	x := c.expr(c.top, d.Cond)
	if x.bad {
		return
	}
	if x.t.Kind != KBool {
		c.errorf(d.Cond.Pos(), "invariant %s must be a condition (bool), not %s", d.Name.Name, x.t)
		return
	}
	c.sys.invariants = append(c.sys.invariants, &invariant{name: d.Name.Name, msg: d.Msg, pos: d.At, cond: x.eval, text: exprText(d.Cond)})
}

// buildLayout turns the slot specs into the state layout, slot names and
// the initial state.
func (c *compiler) buildLayout(threadSlots [][]threadSlot) {
	s := c.sys
	s.nglobals = len(c.globals)
	var specs []slotSpec
	specs = append(specs, c.globals...)
	for cpu := range c.ncpu {
		block := make([]slotSpec, s.cpuSize)
		copy(block, c.cpuSlots)
		for _, ts := range threadSlots[cpu] {
			block[ts.off] = ts.spec
		}
		for i := range block {
			sp := block[i]
			if sp.typ == nil { // an unused slot: a single value
				sp = slotSpec{name: "unused", kind: SlotLocal, typ: boolType}
			}
			if sp.kind != SlotPerCPU && sp.kind != SlotGlobal {
				sp.name = fmt.Sprintf("CPU%d %s", cpu, sp.name)
			} else {
				sp.name = perCPUName(sp.short, cpu)
				sp.short = sp.name
			}
			specs = append(specs, sp)
		}
	}
	slots := make([]state.Slot, len(specs))
	s.slots = make([]SlotInfo, len(specs))
	s.init = make([]int32, len(specs))
	for i, sp := range specs {
		cpu := -1
		if i >= s.nglobals {
			cpu = (i - s.nglobals) / s.cpuSize
		}
		slots[i] = state.Slot{Name: sp.name, Min: sp.lo, Max: sp.hi}
		s.symSlots = append(s.symSlots, symSlot{dims: sp.dims, cpuVal: sp.typ.Kind == KCPU, local: sp.kind == SlotLocal && sp.typ != nil, scope: sp.scope, pcOff: sp.pcOff, pcBias: sp.pcBias, zero: sp.typ.zero()})
		s.slots[i] = SlotInfo{Name: sp.name, Short: sp.short, Kind: sp.kind, CPU: cpu, Type: sp.typ, Context: sp.ctx}
		if sp.init != nil {
			s.init[i] = sp.init(max(cpu, 0))
		} else {
			s.init[i] = sp.lo
		}
	}
	s.layout = state.NewLayout(slots)
	s.markRaisable()
	s.nregs = c.nregs
	// Threads start by running their leading silent instructions.
	m := &machine{sys: s, s: s.init, regs: make([]int32, s.nregs+1)}
	for cpu, t := range s.threads {
		if t == nil {
			continue
		}
		m.setCPU(cpu)
		s.advance(m, context{code: t.code, pcAbs: m.base + t.pcOff}, 0)
		if m.err != nil {
			c.errorf(m.err.Pos, "%s", m.err.Kind+": "+m.err.Msg)
			return
		}
	}
}

// perCPUName names CPU cpu's copy of a per-CPU leaf as a spec writes it:
// x[cpu] for x, cfd[cpu][1].locked for cfd[1].locked.
func perCPUName(short string, cpu int) string {
	i := strings.IndexAny(short, "[.")
	if i < 0 {
		return fmt.Sprintf("%s[%d]", short, cpu)
	}
	return fmt.Sprintf("%s[%d]%s", short[:i], cpu, short[i:])
}
