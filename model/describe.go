package model

import "fmt"

// StepKind says what a transition does.
type StepKind int

// The kinds of transition.
const (
	StepStmt     StepKind = iota // a statement of a thread or handler
	StepIRQEnter                 // a CPU takes an interrupt
	StepIRQExit                  // a handler returns
)

// StepInfo describes one transition of a trace, for its renderings.
type StepInfo struct {
	CPU     int
	Kind    StepKind
	Thread  string // the CPU's thread ("" for an idle CPU)
	Handler string // the handler the step runs in, or enters or leaves; "" in task context
	Level   int32  // that handler's level
	Depth   int    // handlers active on the CPU before the step (nesting)
	Pos     Pos    // the statement's position (the handler's for entry and return)
	Text    string // the statement as written
	Func    string // the inlined functions it runs in, outermost first: "a > b"
	Outcome string // "true"/"false" for a branch, "alternative k of n" for choose
	// IRQsBefore and IRQsAfter are the CPU's IRQ-enabled flag around the step.
	IRQsBefore, IRQsAfter bool
	// Changes are the stores the statement made, in order, last value per
	// variable: a store of the value a variable already had is listed too
	// (Old == New), since a lost update is often the bug. Locals that
	// only silent bookkeeping after the statement changed are not.
	Changes []Change
	// Reads are the shared variables a condition (await, if, while,
	// assert, atomic) read, with their values before the step:
	// "cfd[0][1] = true".
	Reads []string
	// Finished is set when the step finished the CPU's thread.
	Finished bool
}

// Change is a slot a step changed.
type Change struct {
	Slot     int
	Name     string // as the spec names it, with the CPU for per-CPU data
	Short    string // without the CPU, for locals shown in their CPU's column
	CPU      int    // the slot's CPU, -1 for globals
	Kind     SlotKind
	Old, New string
}

// Describe explains the transition label taken from before; after is the
// resulting state (nil when the transition failed).
func (s *System) Describe(before []int32, label uint32, after []int32) StepInfo {
	cpu, kind, idx := splitLabel(label)
	base := s.cpuBase(cpu)
	info := StepInfo{CPU: cpu, IRQsBefore: before[base+s.irqOff] != 0}
	if t := s.threads[cpu]; t != nil {
		info.Thread = t.name
	}
	for _, h := range s.handlers {
		if before[base+h.pcOff] != 0 {
			info.Depth++
		}
	}
	switch kind {
	case labelEnter, labelExit:
		h := s.handlers[idx]
		info.Kind, info.Handler, info.Level, info.Pos = StepIRQEnter, h.name, h.level, h.pos
		info.Text = fmt.Sprintf("<IRQ %s>", h.name)
		if kind == labelExit {
			info.Kind, info.Text = StepIRQExit, fmt.Sprintf("</IRQ %s>", h.name)
			info.Depth--
		}
	default:
		ctx, ok := s.current(before, cpu)
		if !ok {
			break
		}
		if ctx.h != nil {
			info.Handler, info.Level = ctx.h.name, ctx.h.level
		}
		pc := int(before[ctx.pcAbs] - ctx.bias)
		if pc >= len(ctx.code.instrs) {
			break
		}
		in := ctx.code.instrs[pc]
		info.Pos, info.Text, info.Func = in.pos, in.text, in.fn
		switch in.op {
		case opChoose:
			info.Outcome = fmt.Sprintf("alternative %d of %d: %s", idx+1, len(in.alts), in.altText[idx])
		case opBranch:
			m := s.machine(before, cpu)
			info.Outcome = fmt.Sprint(in.cond(m) != 0)
			s.machines.Put(m)
		}
		if in.op == opAwait || in.op == opBranch || in.op == opAtomic || in.cond != nil {
			info.Reads = s.reads(before, cpu, in)
		}
		info.Changes = s.stepWrites(before, cpu, ctx, pc, idx)
	}
	if after != nil {
		info.IRQsAfter = after[base+s.irqOff] != 0
		if t := s.threads[cpu]; t != nil && info.Kind == StepStmt && info.Handler == "" {
			info.Finished = int(after[base+t.pcOff]) == len(t.code.instrs)
		}
	} else {
		info.IRQsAfter = info.IRQsBefore
	}
	return info
}

// stepWrites runs outcome idx of the statement at pc again, logging its
// stores, and returns them as changes (last value per slot, in order).
func (s *System) stepWrites(before []int32, cpu int, ctx context, pc, idx int) []Change {
	m := s.machine(before, cpu)
	defer s.machines.Put(m)
	var log []written
	n := 0
	reset := func() {
		copy(m.s, before)
		m.setCPU(cpu)
		m.err, m.wrote = nil, false
		m.logging, m.wlog = true, m.wlog[:0]
	}
	s.step(m, before, cpu, ctx, pc, reset, func() bool {
		if n == idx {
			log = append(log, m.wlog...)
		}
		n++
		return n <= idx
	})
	// A failing step stops at the error; its log is what it did so far.
	if n == 0 && m.err != nil {
		log = append(log, m.wlog...)
	}
	m.logging, m.wlog = false, m.wlog[:0]
	last := map[int]int32{}
	var order []int
	for _, w := range log {
		if _, ok := last[w.slot]; !ok {
			order = append(order, w.slot)
		}
		last[w.slot] = w.v
	}
	var out []Change
	for _, slot := range order {
		sl := &s.slots[slot]
		out = append(out, Change{Slot: slot, Name: sl.Name, Short: sl.Short, CPU: sl.CPU, Kind: sl.Kind,
			Old: sl.Type.Format(before[slot]), New: sl.Type.Format(last[slot])})
	}
	return out
}

// readSlots evaluates a condition (or runs an atomic block) once more on
// st, noting the shared slots it reads, in order.
func (s *System) readSlots(st []int32, cpu int, in *instr) []int {
	var read []int
	seen := map[int]bool{}
	m := s.machine(st, cpu)
	m.rec = func(slot int) {
		if !seen[slot] && s.slots[slot].Kind != SlotLocal {
			seen[slot] = true
			read = append(read, slot)
		}
	}
	switch in.op {
	case opAwait, opBranch, opExec:
		if in.cond != nil { // an assert's condition
			in.cond(m)
		}
	case opAtomic:
		s.atomic(m, in.body, 0, func(int) bool { return false })
	}
	m.rec = nil
	s.machines.Put(m)
	return read
}

// reads is readSlots with the slots' names and values.
func (s *System) reads(st []int32, cpu int, in *instr) []string {
	var out []string
	for _, slot := range s.readSlots(st, cpu, in) {
		sl := &s.slots[slot]
		out = append(out, fmt.Sprintf("%s = %s", sl.Name, sl.Type.Format(st[slot])))
	}
	return out
}

// Finished reports whether cpu's thread has finished (or it has none) and
// no handler runs on it in st.
func (s *System) Finished(st []int32, cpu int) bool { return s.finished(st, cpu) }

// Diff lists the variables (globals, per-CPU data, locals and pending
// lines) that differ between two states. Program counters, IRQ flags and
// saved flags are left out: traces show them in their own way.
func (s *System) Diff(a, b []int32) []Change {
	var out []Change
	for i := range a {
		if a[i] == b[i] {
			continue
		}
		sl := &s.slots[i]
		switch sl.Kind {
		case SlotPC, SlotIRQ, SlotSaved:
			continue
		}
		out = append(out, Change{Slot: i, Name: sl.Name, Short: sl.Short, CPU: sl.CPU, Kind: sl.Kind,
			Old: sl.Type.Format(a[i]), New: sl.Type.Format(b[i])})
	}
	return out
}

// Replay takes the transition label from st and returns the successor, or
// the error executing it raised. It reports ok=false when label is not
// enabled in st.
func (s *System) Replay(st []int32, label uint32) (next []int32, fail error, ok bool) {
	s.Successors(st, func(l uint32, n []int32, f error) bool {
		if l != label {
			return true
		}
		ok, fail = true, f
		if n != nil {
			next = append([]int32(nil), n...)
		}
		return false
	})
	return next, fail, ok
}

// Format renders slot i's value v.
func (s *System) Format(i int, v int32) string { return s.slots[i].Type.Format(v) }
