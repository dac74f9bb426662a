package model

import (
	"fmt"
	"sync"

	"github.com/ipicheck/ipicheck/state"
)

// System is a compiled protocol: the transition system the explorer
// searches. It implements explore.System.
//
// A state vector holds the globals, then one block per CPU: its per-CPU
// variables, its IRQ-enabled flag, its pending interrupt lines, each
// handler's program counter, saved IRQ flag and locals, and its thread's
// program counter and locals.
type System struct {
	File   *File
	Name   string
	Doc    string
	Params []Param
	NCPU   int

	layout   *state.Layout
	slots    []SlotInfo
	nglobals int
	cpuSize  int
	irqOff   int // offset of the IRQ-enabled flag in a CPU block

	handlers   []*handler // sorted by level, highest first
	threads    []*thread  // per CPU; nil for an idle CPU
	invariants []*invariant
	covers     []*invariant // conditions some reachable state must meet
	expected   *Expectation
	expects    int
	matrix     []MatrixParam
	init       []int32
	nregs      int
	machines   sync.Pool

	symSlots  []symSlot  // each slot's place under a permutation of the CPUs
	symProbs  ErrorList  // why the CPUs are not interchangeable, if they are not
	symConsts []constCPU // constant CPU ids used as CPUs, checked against the classes
	symOnce   sync.Once  // builds sym
	sym       *symmetry  // nil until built
	// privateSteps counts the instructions that start a private step
	// (por.go): none, and PrivateStep has nothing to look for.
	privateSteps int
}

// Param is a param's name and the value this system was compiled with.
type Param struct {
	Name    string
	Type    *Type
	Value   int32
	Default int32
	Pos     Pos
}

// String renders the value as a spec would write it.
func (p Param) String() string { return p.Type.Format(p.Value) }

// SlotKind says what a state slot holds.
type SlotKind int

// The kinds of slot.
const (
	SlotGlobal  SlotKind = iota // a global variable
	SlotPerCPU                  // a CPU's copy of a per-CPU variable
	SlotLocal                   // a thread's or handler's local
	SlotIRQ                     // a CPU's IRQ-enabled flag
	SlotPending                 // a CPU's pending interrupt line
	SlotPC                      // a thread's or handler's program counter
	SlotSaved                   // the IRQ flag a running handler restores on exit
)

// SlotInfo names a state slot and gives the type its values print with.
type SlotInfo struct {
	Name    string // as a spec names it: x, a[1].f, bits[1] (CPU 1's copy)
	Short   string // without the CPU, for a CPU's own column: bits, flags
	Kind    SlotKind
	CPU     int // -1 for globals
	Type    *Type
	Context string // for locals, PCs and saved flags: the thread or handler
}

// handler is an interrupt line and the handler that services it.
type handler struct {
	name       string
	idx        int // index in System.handlers
	level      int32
	kind       LineKind
	pos        Pos
	code       *code
	pcOff      int // 0 inactive, k+1 at instruction k, len+1 at the return
	savedOff   int
	pendingOff int // -1 for a timer, which is always raised
	locals     []frameSlot
	wcands     []wcand // the storage it writes
	raises     []raiseCand
	// raisable[c]: some code may raise this line on CPU c (a timer always
	// fires), so the handler may run there.
	raisable []bool
	// remote[c]: some code that may run on a CPU other than c may raise
	// this line on c (partial-order reduction, por.go).
	remote []bool
}

// thread is the task-context code one CPU runs.
type thread struct {
	name   string
	pos    Pos
	code   *code
	pcOff  int // k at instruction k, len(code) when finished
	locals []frameSlot
	wcands []wcand // the storage it writes
	raises []raiseCand
}

// frameSlot is a scalar local of a thread or handler frame.
type frameSlot struct {
	off   int
	name  string // unique in the frame: fn.x, fn.x#2 for a second inlining
	short string // as the spec writes it: x
	typ   *Type
	dims  []cpuDim // the [cpu] array indices on its path
	// scope is the range of instruction indices [scope[0], scope[1]) of
	// its context's code where the local is in scope. Where the context
	// rests outside it the local is dead: it is set again before it is
	// read. Symmetry reduction ignores dead values.
	scope [2]int
}

// invariant is a named condition checked in every reachable state.
type invariant struct {
	name string
	msg  string
	pos  Pos
	cond evalFn
	text string
}

// Layout describes the slots of a state vector and their domains.
func (s *System) Layout() *state.Layout { return s.layout }

// Slots describes every slot of a state vector.
func (s *System) Slots() []SlotInfo { return s.slots }

// Initial returns the initial state.
func (s *System) Initial() []int32 { return append([]int32(nil), s.init...) }

// cpuBase is the first slot of a CPU's block.
func (s *System) cpuBase(cpu int) int { return s.nglobals + cpu*s.cpuSize }

// Done reports whether every CPU has finished its thread and no handler
// is running.
func (s *System) Done(st []int32) bool {
	for cpu := range s.NCPU {
		if !s.finished(st, cpu) {
			return false
		}
	}
	return true
}

// finished reports whether a CPU's thread has finished and no handler runs.
func (s *System) finished(st []int32, cpu int) bool {
	base := s.cpuBase(cpu)
	if t := s.threads[cpu]; t != nil && int(st[base+t.pcOff]) < len(t.code.instrs) {
		return false
	}
	for _, h := range s.handlers {
		if st[base+h.pcOff] != 0 {
			return false
		}
	}
	return true
}

// Check evaluates the invariants in st.
func (s *System) Check(st []int32) error {
	if len(s.invariants) == 0 {
		return nil
	}
	m := s.machine(st, -1)
	defer s.machines.Put(m)
	for _, inv := range s.invariants {
		v := inv.cond(m)
		if m.err != nil {
			return m.err
		}
		if v == 0 {
			return &InvariantError{Name: inv.name, Msg: inv.msg, File: s.File.Name, Pos: inv.pos, Cond: inv.text, Values: s.invariantReads(m, st, inv)}
		}
	}
	return nil
}

// invariantReads evaluates a failing invariant once more, noting the
// variables it reads, and returns them with their values.
func (s *System) invariantReads(m *machine, st []int32, inv *invariant) []string {
	var out []string
	seen := map[int]bool{}
	m.rec = func(slot int) {
		if !seen[slot] {
			seen[slot] = true
			out = append(out, fmt.Sprintf("%s = %s", s.slots[slot].Name, s.slots[slot].Type.Format(st[slot])))
		}
	}
	inv.cond(m)
	m.rec = nil
	return out
}

// padded returns a slice of n int32s followed by a cache line it does not
// use. Each worker of a parallel search writes its machines' slices on
// every step; small allocations sit side by side in memory, and without
// the gap two workers' slices would share a cache line, which then moves
// between their cores on every write.
func padded(n int) []int32 { return make([]int32, n, n+cacheLineInt32s) }

// cacheLineInt32s is the int32s in the 64-byte cache lines of today's
// processors, doubled for those that fetch lines in pairs.
const cacheLineInt32s = 128 / 4

// machine returns a pooled machine loaded with a copy of st, running on cpu.
func (s *System) machine(st []int32, cpu int) *machine {
	m, _ := s.machines.Get().(*machine)
	if m == nil {
		m = &machine{sys: s, s: padded(len(s.init)), regs: padded(s.nregs + 1)}
	}
	copy(m.s, st)
	m.setCPU(cpu)
	m.err = nil
	m.wrote = false
	// A machine put back while a panic unwound may still hold another
	// caller's recorders.
	m.rec, m.logging, m.wlog = nil, false, m.wlog[:0]
	return m
}
