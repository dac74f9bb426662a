package model

import (
	"fmt"
	"strings"
)

// Explanation says, for a state where the search stopped (a deadlock, or
// the stuck region of a hang), what each unfinished CPU waits for and why
// nothing can give it.
type Explanation struct {
	Stuck    []Stuck
	Finished []int         // CPUs whose thread has finished (or that have none)
	Pending  []PendingLine // raised lines, and why they are not taken
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
	// Values are the shared variables the blocked statement reads, with
	// their values: "cfd[0][1] = true".
	Values []string
	// Writers are the contexts that could change one of those variables.
	Writers []Writer
}

// Writer is a thread or handler that may write a variable a stuck CPU
// reads, and what it is doing instead.
type Writer struct {
	Var     string // the variable, as in Stuck.Values: "cfd[0][1]"
	CPU     int    // -1 when nothing writes Var
	Context string // the thread's name, or the handler's line
	Handler bool
	Status  string // "blocked at line 134: await !cfd[me][c]", "ipi raised, masked (IRQs off)"
}

// String renders the writer as one line.
func (w Writer) String() string {
	if w.CPU < 0 {
		return fmt.Sprintf("%s: nothing else writes it", w.Var)
	}
	what := "thread " + w.Context
	if w.Handler {
		what = w.Context + " handler"
	}
	return fmt.Sprintf("%s is written by CPU%d's %s: %s", w.Var, w.CPU, what, w.Status)
}

// PendingLine is a raised interrupt line that is not being taken.
type PendingLine struct {
	CPU    int
	Line   string
	Reason string // "masked (IRQs off)", "can be taken"
}

// String renders the line as "CPU1 ipi: masked (IRQs off)".
func (p PendingLine) String() string { return fmt.Sprintf("CPU%d %s: %s", p.CPU, p.Line, p.Reason) }

// Context names where a stuck CPU is: "task" or "ipi handler".
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
				e.Pending = append(e.Pending, PendingLine{CPU: cpu, Line: h.name, Reason: s.maskReason(st, cpu, h)})
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
	slots := s.readSlots(st, cpu, in)
	for _, slot := range slots {
		sl := &s.slots[slot]
		k.Values = append(k.Values, fmt.Sprintf("%s = %s", sl.Name, sl.Type.Format(st[slot])))
		k.Writers = append(k.Writers, s.writers(st, cpu, ctx, slot)...)
	}
	return k
}

// writers lists the contexts, other than the stuck one, that may write
// slot, each with what it is doing instead.
func (s *System) writers(st []int32, cpu int, self context, slot int) []Writer {
	name := s.slots[slot].Name
	var out, never []Writer
	for c := range s.NCPU {
		if t := s.threads[c]; t != nil && !(c == cpu && self.h == nil) && mayWrite(t.wcands, c, slot) {
			out = append(out, Writer{Var: name, CPU: c, Context: t.name, Status: s.threadStatus(st, c)})
		}
		for _, h := range s.handlers {
			if c == cpu && self.h == h || !mayWrite(h.wcands, c, slot) {
				continue
			}
			status := s.lineStatus(st, c, h)
			if !h.raisable[c] {
				// Worth saying when nothing else could help: the handler
				// that would never runs on the stuck CPU.
				if c == cpu {
					never = append(never, Writer{Var: name, CPU: c, Context: h.name, Handler: true,
						Status: fmt.Sprintf("never runs: no code raises %s on CPU%d", h.name, c)})
				}
				continue
			}
			if st[s.cpuBase(c)+h.pcOff] != 0 {
				status = fmt.Sprintf("running (see CPU%d)", c)
			}
			out = append(out, Writer{Var: name, CPU: c, Context: h.name, Handler: true, Status: status})
		}
	}
	if len(out) == 0 {
		out = never
	}
	if len(out) == 0 {
		out = append(out, Writer{Var: name, CPU: -1})
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
	where := fmt.Sprintf("at line %d: %s", in.pos.Line, in.text)
	if lv := s.level(st, c); lv > 0 {
		return "interrupted " + where
	}
	return "blocked " + where
}

// lineStatus says whether handler h's line is raised on CPU c and why it
// is not being taken.
func (s *System) lineStatus(st []int32, c int, h *handler) string {
	if h.pendingOff >= 0 && st[s.cpuBase(c)+h.pendingOff] == 0 {
		return fmt.Sprintf("%s not raised", h.name)
	}
	what := fmt.Sprintf("%s raised", h.name)
	if h.pendingOff < 0 {
		what = "timer"
	}
	return what + ", " + s.maskReason(st, c, h)
}

// maskReason says why a raised line is not taken on CPU c.
func (s *System) maskReason(st []int32, c int, h *handler) string {
	var why []string
	if h.kind != LineNMI && st[s.cpuBase(c)+s.irqOff] == 0 {
		why = append(why, "IRQs off")
	}
	if lv := s.level(st, c); lv >= h.level {
		why = append(why, fmt.Sprintf("CPU%d runs at level %d >= %d", c, lv, h.level))
	}
	if len(why) == 0 {
		return "can be taken"
	}
	return "masked (" + strings.Join(why, ", ") + ")"
}

// markRaisable works out on which CPUs each handler may ever run: a timer
// everywhere, a line where some thread or handler raises it (knowing only
// constants and me of the raising code).
func (s *System) markRaisable() {
	for _, h := range s.handlers {
		h.raisable = make([]bool, s.NCPU)
		if h.pendingOff < 0 {
			for c := range h.raisable {
				h.raisable[c] = true
			}
		}
	}
	for _, h := range s.handlers {
		h.remote = make([]bool, s.NCPU)
	}
	mark := func(raises []raiseCand, cpu int) {
		for _, r := range raises {
			candIndex(r.cpu, s.NCPU, cpu, func(c int) {
				r.h.raisable[c] = true
				if c != cpu {
					r.h.remote[c] = true
				}
			})
		}
	}
	for cpu, t := range s.threads {
		if t != nil {
			mark(t.raises, cpu)
		}
	}
	for _, h := range s.handlers {
		for cpu := range s.NCPU {
			mark(h.raises, cpu)
		}
	}
}
