package model

import "fmt"

// evalFn computes a scalar expression in a machine.
type evalFn func(m *machine) int32

// addrFn computes the absolute slot of an lvalue (the first slot of an
// aggregate) in a machine.
type addrFn func(m *machine) int

// opcode is the kind of an instruction.
type opcode uint8

const (
	opExec   opcode = iota // run exec, go on to the next instruction
	opAwait                // block until cond holds, then go on
	opBranch               // go on when cond holds, else jump to target
	opJump                 // jump to target
	opChoose               // go on at one of alts, each a transition
	opAtomic               // run body to completion as one step
	opExit                 // inside an atomic body: leave it, resuming at target outside
)

// instr is one instruction of a thread's, handler's or atomic block's code.
// Instructions that touch only the running context's locals are silent:
// they run as part of the step before them, since no other CPU or
// handler can observe them.
type instr struct {
	op       opcode
	silent   bool
	progress bool // a progress marker: its CPU made progress
	exec     func(m *machine)
	cond     evalFn
	target   int
	alts     []int
	altText  []string // a choose's alternatives, quoted by their first statement
	body     *code

	pos   Pos
	text  string   // the statement as written, for traces
	fn    string   // the inlined functions it belongs to, outermost first: "a > b"; "" for the body
	reads []string // shared variables it reads, for explanations

	// Partial-order reduction (por.go). own: the instruction touches only
	// what an own expression may (see cexpr.own), roots naming the
	// per-CPU variables among it; private: so does the whole step it
	// starts, and those variables are private (set by markPrivate).
	own     bool
	roots   []string
	private bool
}

// next is where control goes after a branch or jump at pc.
func (in *instr) next(m *machine, pc int) int {
	if in.op == opBranch && in.cond(m) != 0 {
		return pc + 1
	}
	return in.target
}

// code is a compiled thread, handler or atomic body.
type code struct {
	name   string
	instrs []*instr
}

// maxSilent bounds a run of silent instructions: a loop over locals that
// never reaches a visible step would otherwise hang the checker.
const maxSilent = 100000

// machine executes instructions on a working copy of a state.
type machine struct {
	sys   *System
	s     []int32
	cpu   int
	base  int
	regs  []int32
	err   *RuntimeError
	wrote bool           // an atomic body has had an effect: it may no longer block
	rec   func(slot int) // when set, told of every slot an expression reads
	// logging makes stores append to wlog, so Describe can show what a
	// step wrote (even a value a slot already had).
	logging bool
	wlog    []written
	tmp     []int32 // scratch for aggregate copies
	// Parallel workers write their machines on every step (see padded).
	_ [128]byte
}

// written is a store a step made.
type written struct {
	slot int
	v    int32
}

// read reads a slot on behalf of a builtin, telling rec.
func (m *machine) read(slot int) int32 {
	if m.rec != nil {
		m.rec(slot)
	}
	return m.s[slot]
}

// set writes a slot whose domain needs no check.
func (m *machine) set(slot int, v int32) {
	if m.logging {
		m.wlog = append(m.wlog, written{slot, v})
	}
	m.s[slot] = v
	m.wrote = true
}

// setIRQ sets the running CPU's IRQ flag. Like a store to a local it is
// private to the CPU, so an atomic block may still block after it (the
// block then does not run at all).
func (m *machine) setIRQ(v int32) {
	m.s[m.base+m.sys.irqOff] = v
}

func (m *machine) setCPU(cpu int) {
	m.cpu = cpu
	if cpu >= 0 {
		m.base = m.sys.cpuBase(cpu)
	} else {
		m.base = -1 << 30 // a per-CPU access without a CPU fails loudly
	}
}

// fail records the first runtime error of a step.
func (m *machine) fail(pos Pos, kind, format string, args ...any) {
	if m.err == nil {
		file := pos.File()
		if file == "" {
			file = m.sys.File.Name
		}
		m.err = &RuntimeError{File: file, Pos: pos, Kind: kind, Msg: fmt.Sprintf(format, args...)}
	}
}

// store writes a scalar slot, checking the value against its domain.
func (m *machine) store(slot int, v int32, pos Pos) {
	info := &m.sys.slots[slot]
	if !m.sys.layout.InDomain(slot, v) {
		sl := m.sys.layout.Slots()[slot]
		what := info.Type.String()
		if info.Type.Name != "" || info.Type.Kind != KInt {
			what = fmt.Sprintf("%s (%d..%d)", what, sl.Min, sl.Max)
		}
		m.fail(pos, "value out of range", "%s = %d, outside %s", info.Name, v, what)
		return
	}
	if m.logging {
		m.wlog = append(m.wlog, written{slot, v})
	}
	m.s[slot] = v
	if info.Kind != SlotLocal { // locals are private: rolling them back is unobservable
		m.wrote = true
	}
}

// cpuIndex checks a CPU id used to select a per-CPU copy.
func (m *machine) cpuIndex(c int32, pos Pos, what string) int {
	if c < 0 || int(c) >= m.sys.NCPU {
		m.fail(pos, "index out of range", "%s: CPU %d does not exist (CPUS=%d)", what, c, m.sys.NCPU)
		return 0
	}
	return int(c)
}

// context is what a CPU runs now: its innermost active handler, or its
// thread.
type context struct {
	code  *code
	pcAbs int   // absolute slot of the program counter
	bias  int32 // 1 for handlers, whose pc slot is 0 when inactive
	h     *handler
}

// current returns the running context of cpu in st, and ok=false when the
// CPU is idle (thread finished or absent, no handler running).
func (s *System) current(st []int32, cpu int) (context, bool) {
	base := s.cpuBase(cpu)
	for _, h := range s.handlers { // highest level first: the innermost
		if st[base+h.pcOff] != 0 {
			return context{code: h.code, pcAbs: base + h.pcOff, bias: 1, h: h}, true
		}
	}
	if t := s.threads[cpu]; t != nil && int(st[base+t.pcOff]) < len(t.code.instrs) {
		return context{code: t.code, pcAbs: base + t.pcOff}, true
	}
	return context{}, false
}

// level is the interrupt level cpu runs at: that of its innermost active
// handler, 0 in task context.
func (s *System) level(st []int32, cpu int) int32 {
	base := s.cpuBase(cpu)
	for _, h := range s.handlers {
		if st[base+h.pcOff] != 0 {
			return h.level
		}
	}
	return 0
}

// takeable reports whether handler h's line can interrupt cpu in st.
func (s *System) takeable(st []int32, cpu int, h *handler) bool {
	base := s.cpuBase(cpu)
	if h.pendingOff >= 0 && st[base+h.pendingOff] == 0 {
		return false
	}
	if h.kind != LineNMI && st[base+s.irqOff] == 0 {
		return false
	}
	return h.level > s.level(st, cpu)
}

// Label encoding: the CPU in the top byte, then the kind, then an index
// (the outcome of a step, or the handler).
const (
	labelStep  = 0
	labelEnter = 1
	labelExit  = 2
)

func makeLabel(cpu, kind, idx int) uint32 { return uint32(cpu)<<24 | uint32(kind)<<20 | uint32(idx) }

func splitLabel(l uint32) (cpu, kind, idx int) {
	return int(l >> 24), int(l>>20) & 0xF, int(l & 0xFFFFF)
}

// Successors calls yield for each transition enabled in cur: for each CPU
// in order, the next step of its running context (one per outcome of a
// choose or atomic block, or the return from a finished handler), then the
// entry into each handler whose line it can take.
func (s *System) Successors(cur []int32, yield func(label uint32, next []int32, fail error) bool) {
	m := s.machine(cur, 0)
	defer s.machines.Put(m)
	for cpu := range s.NCPU {
		if !s.cpuSuccessors(m, cur, cpu, yield) {
			return
		}
	}
}

func (s *System) cpuSuccessors(m *machine, cur []int32, cpu int, yield func(uint32, []int32, error) bool) bool {
	emit := func(kind, idx int) bool {
		var err error
		if m.err != nil {
			err = m.err
		}
		next := m.s
		if err != nil {
			next = nil
		}
		return yield(makeLabel(cpu, kind, idx), next, err)
	}
	reset := func() {
		copy(m.s, cur)
		m.setCPU(cpu)
		m.err = nil
		m.wrote = false
	}
	if ctx, ok := s.current(cur, cpu); ok {
		pc := int(cur[ctx.pcAbs] - ctx.bias)
		if pc == len(ctx.code.instrs) { // a handler at its return
			reset()
			s.exitHandler(m, ctx.h)
			if !emit(labelExit, ctx.h.idx) {
				return false
			}
		} else {
			n := 0
			cont := true
			s.step(m, cur, cpu, ctx, pc, reset, func() bool {
				cont = emit(labelStep, n)
				n++
				return cont
			})
			if !cont {
				return false
			}
		}
	}
	for _, h := range s.handlers {
		if s.takeable(cur, cpu, h) {
			reset()
			s.enterHandler(m, h)
			if !emit(labelEnter, h.idx) {
				return false
			}
		}
	}
	return true
}

// step runs the instruction at pc of ctx, calling out once per outcome
// with the machine holding the successor (or an error). reset reloads the
// machine with the current state before each outcome.
func (s *System) step(m *machine, cur []int32, cpu int, ctx context, pc int, reset func(), out func() bool) {
	in := ctx.code.instrs[pc]
	reset()
	switch in.op {
	case opExec:
		in.exec(m)
		s.advance(m, ctx, pc+1)
		out()
	case opAwait:
		if in.cond(m) == 0 && m.err == nil {
			return
		}
		s.advance(m, ctx, pc+1)
		out()
	case opBranch:
		s.advance(m, ctx, in.next(m, pc))
		out()
	case opChoose:
		for k, alt := range in.alts {
			if k > 0 {
				reset()
			}
			s.advance(m, ctx, alt)
			if !out() {
				return
			}
		}
	case opAtomic:
		s.atomic(m, in.body, 0, func(exit int) bool {
			if exit < 0 {
				exit = pc + 1
			}
			s.advance(m, ctx, exit)
			return out()
		})
	default:
		panic(fmt.Sprintf("model: instruction %d at rest: %v", in.op, in.text))
	}
}

// atomic runs an atomic body from pc to its end on m, forking at choose.
// done is called with the machine holding each outcome and the pc to
// resume at outside (-1: after the atomic statement). An await that fails
// before any effect discards the outcome; after an effect it is an error.
func (s *System) atomic(m *machine, c *code, pc int, done func(exit int) bool) bool {
	for steps := 0; ; steps++ {
		if m.err != nil {
			return done(-1)
		}
		if pc >= len(c.instrs) {
			return done(-1)
		}
		if steps > maxSilent {
			m.fail(c.instrs[pc].pos, "atomic block does not terminate", "more than %d instructions in one step", maxSilent)
			continue
		}
		in := c.instrs[pc]
		switch in.op {
		case opExec:
			in.exec(m)
			pc++
		case opAwait:
			if in.cond(m) == 0 && m.err == nil {
				if m.wrote {
					m.fail(in.pos, "atomic block blocks after an effect", "%s does not hold, but the block has already written", in.text)
					continue
				}
				return true // not enabled
			}
			pc++
		case opBranch, opJump:
			pc = in.next(m, pc)
		case opExit:
			return done(in.target)
		case opChoose:
			saved := append([]int32(nil), m.s...)
			savedWrote, savedLog, logging := m.wrote, len(m.wlog), m.logging
			for k, alt := range in.alts {
				if k > 0 {
					copy(m.s, saved)
					m.wrote = savedWrote
					m.wlog, m.logging = m.wlog[:savedLog], logging
					m.err = nil
				}
				if !s.atomic(m, c, alt, done) {
					return false
				}
			}
			return true
		default: // nested atomic blocks are compiled inline
			panic(fmt.Sprintf("model: instruction %d in an atomic body", in.op))
		}
	}
}

// advance moves ctx to pc and runs the silent instructions from there.
// A thread that reaches its end finishes: its CPU goes idle with IRQs on.
func (s *System) advance(m *machine, ctx context, pc int) {
	c := ctx.code
	m.logging = false // what follows is silent: not part of the step's effect
	for n := 0; pc < len(c.instrs) && c.instrs[pc].silent && m.err == nil; n++ {
		in := c.instrs[pc]
		if n > maxSilent {
			m.fail(in.pos, "loop without a step", "the code loops over locals only and never reaches a statement that touches shared state")
			break
		}
		switch in.op {
		case opExec:
			in.exec(m)
			pc++
		case opBranch, opJump:
			pc = in.next(m, pc)
		default:
			panic("model: silent instruction of kind " + fmt.Sprint(in.op))
		}
	}
	m.s[ctx.pcAbs] = int32(pc) + ctx.bias
	if ctx.h == nil && pc == len(c.instrs) {
		m.s[m.base+m.sys.irqOff] = 1
	}
}

// enterHandler takes handler h's interrupt on m's CPU: the line is
// cleared, the IRQ flag saved and cleared, and the handler starts.
func (s *System) enterHandler(m *machine, h *handler) {
	if h.pendingOff >= 0 {
		m.s[m.base+h.pendingOff] = 0
	}
	m.s[m.base+h.savedOff] = m.s[m.base+s.irqOff]
	m.s[m.base+s.irqOff] = 0
	s.advance(m, context{code: h.code, pcAbs: m.base + h.pcOff, bias: 1, h: h}, 0)
}

// exitHandler returns from handler h: the interrupted context resumes
// with its IRQ flag restored; the handler's locals are reset so that
// states differing only in dead locals are one state.
func (s *System) exitHandler(m *machine, h *handler) {
	m.s[m.base+s.irqOff] = m.s[m.base+h.savedOff]
	m.s[m.base+h.savedOff] = 0
	m.s[m.base+h.pcOff] = 0
	for _, l := range h.locals {
		m.s[m.base+l.off] = l.typ.zero()
	}
}
