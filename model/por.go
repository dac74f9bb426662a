package model

// Partial-order reduction: System implements explore.Reducer. A private
// step is one that no other CPU, no invariant, cover condition or goal can
// observe, and that nothing but its own CPU can affect: the explorer may
// then take it alone from a state, as the only transition (a singleton
// ample set), rather than interleave every other CPU's steps before and
// after it. See explore.Reducer for the search's side (the cycle proviso)
// and docs/language.md, "Reductions", for why verdicts are preserved.
//
// The compiler decides statically which instructions start a private
// step (markPrivate); PrivateStep decides at run time, cheaply, whether a
// CPU's next step is one in a given state.

// markPrivate sets instr.private on the instructions that start a private
// step: a deterministic step (an assignment, an assert, a skip, an if or
// while condition, or an atomic block without await or choose) that
// touches only the running context's locals and its CPU's copies of
// private per-CPU variables, those that nothing names but plainly (x or
// x[me]: no x[c] anywhere, in code, invariants or cover conditions). It
// calls no builtin (no IRQ flag change, no raise, no query of any CPU's
// IRQ state) and is not a progress step. The silent instructions a step
// runs after its own touch only locals, so they do not change that.
func (c *compiler) markPrivate() {
	s := c.sys
	ok := func(in *instr) bool {
		if !in.own || in.progress {
			return false
		}
		for _, r := range in.roots {
			if c.sharedPerCPU[r] {
				return false
			}
		}
		return true
	}
	var mark func(cd *code)
	mark = func(cd *code) {
		for _, in := range cd.instrs {
			switch in.op {
			case opExec, opBranch:
				in.private = !in.silent && ok(in)
			case opAtomic:
				in.private = atomicPrivate(in.body, ok)
			}
			if in.private {
				s.privateSteps++
			}
		}
	}
	for _, h := range s.handlers {
		mark(h.code)
	}
	seen := map[*thread]bool{}
	for _, t := range s.threads {
		if t != nil && !seen[t] {
			seen[t] = true
			mark(t.code)
		}
	}
}

// atomicPrivate reports whether an atomic body is a private step: no
// await (which may block) or choose (several outcomes), and every
// instruction private or silent.
func atomicPrivate(body *code, ok func(*instr) bool) bool {
	for _, in := range body.instrs {
		switch in.op {
		case opAwait, opChoose:
			return false
		case opJump, opExit:
		default:
			if !in.silent && !ok(in) {
				return false
			}
		}
	}
	return true
}

// quiet reports whether no interrupt can come between cpu and its next
// step in st, nor in any state the other CPUs can lead to before cpu
// moves: every line that could interrupt cpu now (of a level above the
// one it runs at, and unmasked) is not pending, not a timer, and cannot
// be raised on cpu by code running on another CPU. Interrupt entry is
// never independent of a CPU's own step (it suspends it), and another
// CPU's raise can enable it, so a private step of a CPU that is not quiet
// is never taken alone.
func (s *System) quiet(st []int32, cpu int) bool {
	base := s.cpuBase(cpu)
	level := s.level(st, cpu)
	on := st[base+s.irqOff] != 0
	for _, h := range s.handlers { // highest level first
		if h.level <= level {
			break
		}
		if !on && h.kind != LineNMI {
			continue
		}
		if h.pendingOff < 0 || st[base+h.pendingOff] != 0 || h.remote[cpu] {
			return false
		}
	}
	return true
}

// PrivateStep implements explore.Reducer. It looks, CPU by CPU in order,
// for the first CPU whose next step in cur is private (see markPrivate),
// that no interrupt can preempt (quiet), that does not fail, and that does
// not finish the CPU's thread (a finished CPU is visible: Done, goals);
// then that step is the CPU's only transition in cur. If there is one it
// calls try with its label and successor, and returns what try returns;
// if there is none it returns false without calling try. next is only
// valid during the call to try. The choice depends on cur alone.
func (s *System) PrivateStep(cur []int32, try func(label uint32, next []int32) bool) bool {
	if s.privateSteps == 0 {
		return false
	}
	for cpu := range s.NCPU {
		ctx, ok := s.current(cur, cpu)
		if !ok {
			continue
		}
		pc := int(cur[ctx.pcAbs] - ctx.bias)
		if pc >= len(ctx.code.instrs) || !ctx.code.instrs[pc].private || !s.quiet(cur, cpu) {
			continue
		}
		m := s.machine(cur, cpu)
		reset := func() {
			copy(m.s, cur)
			m.setCPU(cpu)
			m.err = nil
			m.wrote = false
		}
		n := 0
		s.step(m, cur, cpu, ctx, pc, reset, func() bool {
			n++
			return false
		})
		if n != 1 {
			panic("model: a private step with " + itoa(n) + " outcomes: " + ctx.code.instrs[pc].text)
		}
		finishes := ctx.h == nil && int(m.s[ctx.pcAbs]) == len(ctx.code.instrs)
		if m.err != nil || finishes {
			s.machines.Put(m)
			continue
		}
		r := try(makeLabel(cpu, labelStep, 0), m.s)
		s.machines.Put(m)
		return r
	}
	return false
}

// PrivateInstructions returns the number of instructions that start a
// private step, and of all instructions, of the threads and handlers: for
// tests and statistics.
func (s *System) PrivateInstructions() (private, all int) {
	count := func(cd *code) {
		for _, in := range cd.instrs {
			if in.private {
				private++
			}
			all++
		}
	}
	for _, h := range s.handlers {
		count(h.code)
	}
	seen := map[*thread]bool{}
	for _, t := range s.threads {
		if t != nil && !seen[t] {
			seen[t] = true
			count(t.code)
		}
	}
	return private, all
}
