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
	Changes               []Change
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
		in := ctx.code.instrs[pc]
		info.Pos, info.Text, info.Func = in.pos, in.text, in.fn
		switch in.op {
		case opChoose:
			info.Outcome = fmt.Sprintf("alternative %d of %d", idx+1, len(in.alts))
		case opBranch:
			m := s.machine(before, cpu)
			info.Outcome = fmt.Sprint(in.cond(m) != 0)
			s.machines.Put(m)
		}
	}
	if after != nil {
		info.IRQsAfter = after[base+s.irqOff] != 0
		info.Changes = s.Diff(before, after)
	} else {
		info.IRQsAfter = info.IRQsBefore
	}
	return info
}

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
