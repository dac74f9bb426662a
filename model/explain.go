package model

import (
	"fmt"
	"sort"
	"strings"
)

// Explanation says, for a state where the search stopped (a deadlock),
// what each unfinished CPU waits for and why nothing can give it.
type Explanation struct {
	Stuck    []Stuck
	Finished []int    // CPUs whose thread has finished (or that have none)
	Pending  []string // raised lines that cannot be taken, and why
}

// Stuck is a CPU that has not finished.
type Stuck struct {
	CPU     int
	Thread  string
	Handler string // the handler it is stuck in; "" in task context
	Level   int32
	IRQsOn  bool
	Pos     Pos
	Text    string
	Func    string
	// Values are the variables the blocked statement reads, with their
	// values: "cfd[0][1] = true".
	Values []string
	// Writers says, for each context that could change those variables,
	// why it does not: "CPU1 ipi handler: ipi raised on CPU1, masked (IRQs off)".
	Writers []string
}

// Context names where a stuck CPU is: "task" or "ipi handler (level 5)".
func (s Stuck) Context() string {
	if s.Handler == "" {
		return "task"
	}
	return fmt.Sprintf("%s handler", s.Handler)
}

// Explain describes every unfinished CPU of st.
func (s *System) Explain(st []int32) Explanation {
	var e Explanation
	for cpu := range s.NCPU {
		ctx, ok := s.current(st, cpu)
		if !ok {
			e.Finished = append(e.Finished, cpu)
			continue
		}
		e.Stuck = append(e.Stuck, s.explainCPU(st, cpu, ctx))
	}
	for cpu := range s.NCPU {
		for _, h := range s.handlers {
			if h.pendingOff >= 0 && st[s.cpuBase(cpu)+h.pendingOff] != 0 {
				e.Pending = append(e.Pending, fmt.Sprintf("CPU%d %s: %s", cpu, h.name, s.lineStatus(st, cpu, h)))
			}
		}
	}
	return e
}

func (s *System) explainCPU(st []int32, cpu int, ctx context) Stuck {
	base := s.cpuBase(cpu)
	k := Stuck{CPU: cpu, IRQsOn: st[base+s.irqOff] != 0}
	if t := s.threads[cpu]; t != nil {
		k.Thread = t.name
	}
	if ctx.h != nil {
		k.Handler, k.Level = ctx.h.name, ctx.h.level
	}
	pc := int(st[ctx.pcAbs] - ctx.bias)
	if pc >= len(ctx.code.instrs) {
		k.Text = fmt.Sprintf("</IRQ %s>", ctx.h.name)
		return k
	}
	in := ctx.code.instrs[pc]
	k.Pos, k.Text, k.Func = in.pos, in.text, in.fn
	// Run the blocked statement once more, noting every slot it reads.
	var read []int
	seen := map[int]bool{}
	m := s.machine(st, cpu)
	m.rec = func(slot int) {
		if !seen[slot] {
			seen[slot] = true
			read = append(read, slot)
		}
	}
	switch in.op {
	case opAwait, opBranch:
		in.cond(m)
	case opAtomic:
		s.atomic(m, in.body, 0, func(int) bool { return false }, false)
	}
	m.rec = nil
	s.machines.Put(m)
	for _, slot := range read {
		sl := s.slots[slot]
		if sl.Kind == SlotLocal {
			continue
		}
		k.Values = append(k.Values, fmt.Sprintf("%s = %s", sl.Name, sl.Type.Format(st[slot])))
	}
	k.Writers = s.writers(st, cpu, ctx, in.reads)
	return k
}

// writers describes the contexts that write any of vars, other than the
// stuck context itself, and why none of them runs.
func (s *System) writers(st []int32, cpu int, self context, vars []string) []string {
	var out []string
	for _, v := range vars {
		if v == "irq state" {
			continue
		}
		var who []string
		for c := range s.NCPU {
			if t := s.threads[c]; t != nil && t.writes[v] && !(c == cpu && self.h == nil) {
				who = append(who, fmt.Sprintf("CPU%d %s: %s", c, t.name, s.threadStatus(st, c)))
			}
			for _, h := range s.handlers {
				if !h.writes[v] || c == cpu && self.h == h {
					continue
				}
				status := s.lineStatus(st, c, h)
				if st[s.cpuBase(c)+h.pcOff] != 0 {
					status = "running, blocked (see CPU" + fmt.Sprint(c) + ")"
				}
				who = append(who, fmt.Sprintf("CPU%d %s handler: %s", c, h.name, status))
			}
		}
		if len(who) == 0 {
			out = append(out, fmt.Sprintf("%s: nothing else writes it", v))
			continue
		}
		out = append(out, fmt.Sprintf("%s is written by:", v))
		for _, w := range who {
			out = append(out, "  "+w)
		}
	}
	return out
}

// threadStatus says where CPU c's thread is.
func (s *System) threadStatus(st []int32, c int) string {
	t := s.threads[c]
	pc := int(st[s.cpuBase(c)+t.pcOff])
	if pc >= len(t.code.instrs) {
		return "finished"
	}
	in := t.code.instrs[pc]
	where := fmt.Sprintf("at line %d, %s", in.pos.Line, in.text)
	if lv := s.level(st, c); lv > 0 {
		return "interrupted " + where
	}
	return "blocked " + where
}

// lineStatus says why handler h's line on CPU c is not being taken.
func (s *System) lineStatus(st []int32, c int, h *handler) string {
	base := s.cpuBase(c)
	raised := h.pendingOff < 0 || st[base+h.pendingOff] != 0
	if !raised {
		return fmt.Sprintf("%s not raised on CPU%d", h.name, c)
	}
	what := fmt.Sprintf("%s raised on CPU%d", h.name, c)
	if h.pendingOff < 0 {
		what = fmt.Sprintf("timer %s", h.name)
	}
	var why []string
	if h.kind != LineNMI && st[base+s.irqOff] == 0 {
		why = append(why, "IRQs off")
	}
	if lv := s.level(st, c); lv >= h.level {
		why = append(why, fmt.Sprintf("CPU%d runs at level %d >= %d", c, lv, h.level))
	}
	if len(why) == 0 {
		return what + ", can be taken"
	}
	sort.Strings(why)
	return what + ", masked (" + strings.Join(why, ", ") + ")"
}
