package traces

import (
	"fmt"
	"strings"

	"github.com/ipicheck/ipicheck/explore"
	"github.com/ipicheck/ipicheck/model"
)

// Chart is a counterexample drawn as a message-sequence chart: one lane
// per CPU, the steps of the report down the page. Build it with NewChart;
// render it with WriteSVG or WriteHTML.
type Chart struct {
	Rep *Report
	// Levels gives each interrupt handler's level, by name.
	Levels map[string]int32
	// Slots are the variables a state shows: globals, per-CPU data, IRQ
	// flags, pending lines and locals (not program counters).
	Slots []Value
	// States[n] are the values of Slots after step n (0: the initial
	// state), for the steps of the trace and then of the cycle. A failing
	// step has no state of its own: it shows the one it started from.
	States [][]string
}

// NewChart builds the chart of rep, the report of res, a run of sys.
func NewChart(rep *Report, sys *model.System, res explore.Result) *Chart {
	c := &Chart{Rep: rep, Levels: map[string]int32{}}
	var idx []int
	for i, sl := range sys.Slots() {
		switch sl.Kind {
		case model.SlotGlobal, model.SlotPerCPU, model.SlotPending, model.SlotLocal, model.SlotIRQ:
		default:
			continue
		}
		v, short := varName(sl.Kind, sl.Name, sl.Short)
		c.Slots = append(c.Slots, Value{Var: v, Short: short, Kind: kindName(sl.Kind), CPU: sl.CPU})
		idx = append(idx, i)
	}
	add := func(st []int32) {
		vals := make([]string, len(idx))
		for j, i := range idx {
			vals[j] = sys.Format(i, st[i])
		}
		c.States = append(c.States, vals)
	}
	prev := []int32(nil)
	for i, s := range res.Trace {
		if i > 0 {
			c.level(sys.Describe(prev, s.Label, s.State))
		}
		add(s.State)
		prev = s.State
	}
	for _, s := range res.Cycle {
		c.level(sys.Describe(prev, s.Label, s.State))
		add(s.State)
		prev = s.State
	}
	if res.HasFailLabel && prev != nil {
		c.level(sys.Describe(prev, res.FailLabel, nil))
		c.States = append(c.States, c.States[len(c.States)-1])
	}
	return c
}

func (c *Chart) level(info model.StepInfo) {
	if info.Handler != "" {
		c.Levels[info.Handler] = info.Level
	}
}

// Layout constants of the chart, in pixels.
const (
	mscGutter  = 118 // step number and line, left of the lanes
	mscLaneW   = 300 // a CPU's lane
	mscHeader  = 104 // the title and the lane titles
	mscLineH   = 15  // a line of text
	mscCharW   = 7.2 // a character of the 12px monospace font
	mscIndent  = 16  // per nesting level of interrupt handlers
	mscPad     = 6   // around a step's text
	mscBracket = 150 // right of the lanes, for the repeat bracket

	mscRepeatHead = 860 // the lane titles are repeated this far apart
)

// mscRow is a step placed on the page.
type mscRow struct {
	step  Step
	y, h  int      // top and height
	depth int      // handler bands around the step's box
	lines []string // its text, wrapped
	cycle bool
}

// mscArrow is a raised interrupt line: from the step raising it to the
// step entering its handler; Lost when nothing takes it.
type mscArrow struct {
	from, to   int // rows; to == len(rows) for the end of the trace
	fromCPU    int
	cpu        int
	line       string
	lost       bool
	lostReason string
}

// mscBand is a handler running on a CPU from row enter to row exit.
type mscBand struct {
	cpu, depth  int
	enter, exit int // exit == -1: still running at the end
	name        string
}

// mscLayout is the chart placed on the page.
type mscLayout struct {
	ncpu    int
	rows    []mscRow
	arrows  []mscArrow
	bands   []mscBand
	endY    int // top of the end row
	endH    int
	width   int
	height  int
	lanes   []string // lane titles
	heads   []int    // tops of the lane titles repeated down a long chart
	endText [][]string
	endKind []string // "stuck", "finished", "hung", ""
}

func (c *Chart) laneX(cpu int) int { return mscGutter + cpu*mscLaneW }

// wrapPx wraps s to a width in pixels of the monospace font.
func wrapPx(s string, px int) []string {
	n := max(8, int(float64(px)/mscCharW))
	var out []string
	for _, l := range strings.Split(s, "\n") {
		out = append(out, wrapWords(l, n)...)
	}
	return out
}

// wrapWords wraps s at spaces to lines of at most n runes, breaking
// longer words.
func wrapWords(s string, n int) []string {
	var out []string
	var cur []rune
	for _, w := range strings.Fields(s) {
		rw := []rune(w)
		if len(cur) > 0 && len(cur)+1+len(rw) > n {
			out = append(out, string(cur))
			cur = nil
		}
		for len(rw) > n {
			if len(cur) > 0 {
				out = append(out, string(cur))
				cur = nil
			}
			out = append(out, string(rw[:n]))
			rw = rw[n:]
		}
		if len(cur) > 0 {
			cur = append(cur, ' ')
		}
		cur = append(cur, rw...)
	}
	if len(cur) > 0 || len(out) == 0 {
		out = append(out, string(cur))
	}
	return out
}

// stepLabel is the text a step's box shows.
func (c *Chart) stepLabel(s Step) string {
	var b strings.Builder
	switch s.Kind {
	case "irq-enter":
		fmt.Fprintf(&b, "→ enter %s handler (level %d)", s.Context, c.Levels[s.Context])
	case "irq-exit":
		fmt.Fprintf(&b, "← return from %s", s.Context)
	default:
		b.WriteString(s.Text)
		if s.Outcome != "" {
			b.WriteString("  → " + s.Outcome)
		}
	}
	if s.IRQsBefore != s.IRQsAfter {
		if s.IRQsAfter {
			b.WriteString("  [irqs on]")
		} else {
			b.WriteString("  [irqs off]")
		}
	}
	if s.Failed {
		b.WriteString("  ✗ fails")
	}
	return b.String()
}

// changeText lists a step's changes: "x = 1, CPU1 ipi pending".
func changeText(s Step) string {
	var parts []string
	for _, ch := range s.Changes {
		if ch.Kind == "pending" {
			if ch.New == "true" {
				parts = append(parts, fmt.Sprintf("raises CPU%d %s", ch.CPU, strings.TrimSuffix(ch.Var, " pending")))
			} else {
				parts = append(parts, fmt.Sprintf("clears CPU%d %s", ch.CPU, strings.TrimSuffix(ch.Var, " pending")))
			}
			continue
		}
		if ch.Old == ch.New {
			continue
		}
		parts = append(parts, display(ch.Var, ch.Short)+" = "+ch.New)
	}
	return strings.Join(parts, ", ")
}

// layout places the chart's rows, bands and arrows.
func (c *Chart) layout() *mscLayout {
	r := c.Rep
	L := &mscLayout{ncpu: r.ncpu}
	for k := range r.ncpu {
		t := fmt.Sprintf("CPU%d", k)
		if r.threads[k] != "" {
			t += "  " + r.threads[k]
		}
		L.lanes = append(L.lanes, t)
	}
	steps := append(append([]Step{}, r.Trace...), r.Cycle...)
	y := mscHeader
	const maxChangeLines = 3
	for i, s := range steps {
		depth := s.Nesting
		if s.Kind != "step" {
			depth++
		} else if s.Context != "task" && depth == 0 {
			depth = 1
		}
		w := mscLaneW - 2*mscPad - depth*mscIndent - 8
		lines := wrapPx(c.stepLabel(s), w)
		if ct := changeText(s); ct != "" {
			cl := wrapPx(ct, w-10)
			if len(cl) > maxChangeLines {
				cl = append(cl[:maxChangeLines-1], "… (hover for all)")
			}
			for _, l := range cl {
				lines = append(lines, "\x00"+l)
			}
		}
		h := len(lines)*mscLineH + 2*mscPad + 2
		if last := append([]int{mscHeader}, L.heads...)[len(L.heads)]; y+h-last > mscRepeatHead {
			// Repeat the lane titles down a long chart.
			L.heads = append(L.heads, y)
			y += 22
		}
		L.rows = append(L.rows, mscRow{step: s, y: y, h: h, depth: depth, lines: lines, cycle: i >= len(r.Trace)})
		y += h + 4
	}
	if len(r.Cycle) > 0 {
		y += 8
	}
	// What each CPU does at the end.
	L.endText = make([][]string, r.ncpu)
	L.endKind = make([]string, r.ncpu)
	if e := r.Explanation; e != nil {
		for _, k := range e.Stuck {
			what := "stuck"
			if r.verdict == explore.Hang {
				what = "spins forever"
			}
			ctx := "task"
			if k.Context != "task" {
				ctx = fmt.Sprintf("%s handler (level %d)", k.Context, k.Level)
			}
			t := fmt.Sprintf("%s in %s at %s:%d: %s", strings.ToUpper(what), ctx, k.File, k.Line, k.Text)
			if len(k.Values) > 0 {
				t += " — waits while " + strings.Join(k.Values, ", ")
			}
			if !k.IRQsOn {
				t += " (irqs off)"
			}
			L.endText[k.CPU] = wrapPx(t, mscLaneW-2*mscPad-8)
			L.endKind[k.CPU] = "stuck"
		}
		for _, k := range e.Finished {
			L.endText[k] = []string{"✓ finished"}
			L.endKind[k] = "finished"
		}
	}
	n := 1
	for _, t := range L.endText {
		n = max(n, len(t))
	}
	L.endH = n*mscLineH + 2*mscPad + 2
	// Interrupt bands.
	open := map[[2]int]int{} // cpu, depth → band index
	for i, row := range L.rows {
		s := row.step
		switch s.Kind {
		case "irq-enter":
			open[[2]int{s.CPU, row.depth}] = len(L.bands)
			L.bands = append(L.bands, mscBand{cpu: s.CPU, depth: row.depth, enter: i, exit: -1, name: s.Context})
		case "irq-exit":
			key := [2]int{s.CPU, row.depth}
			if b, ok := open[key]; ok {
				L.bands[b].exit = i
				delete(open, key)
			} else {
				// Entered before the trace shows (cannot happen from
				// the initial state, but be safe): band from the top.
				L.bands = append(L.bands, mscBand{cpu: s.CPU, depth: row.depth, enter: -1, exit: i, name: s.Context})
			}
		}
	}
	// Arrows from a raised line to where its handler is entered.
	for i, row := range L.rows {
		for _, ch := range row.step.Changes {
			if ch.Kind != "pending" || ch.New != "true" || ch.Old == "true" {
				continue
			}
			line := strings.TrimSuffix(ch.Var, " pending")
			a := mscArrow{from: i, fromCPU: row.step.CPU, cpu: ch.CPU, line: line, to: len(L.rows), lost: true, lostReason: "never taken"}
		scan:
			for j := i + 1; j < len(L.rows); j++ {
				t := L.rows[j].step
				if t.CPU == ch.CPU && t.Kind == "irq-enter" && t.Context == line {
					a.to, a.lost = j, false
					break
				}
				for _, c2 := range t.Changes {
					if c2.Kind == "pending" && c2.CPU == ch.CPU && c2.Var == ch.Var && c2.New != "true" {
						a.to, a.lostReason = j, "lost"
						break scan
					}
				}
			}
			if a.lost && a.to == len(L.rows) && r.Explanation != nil {
				for _, p := range r.Explanation.Pending {
					if p.CPU == ch.CPU && p.Line == line {
						a.lostReason = "never taken: " + p.Reason
					}
				}
			}
			L.arrows = append(L.arrows, a)
		}
	}
	L.endY = y
	for _, a := range L.arrows {
		if a.lost && a.to == len(L.rows) && a.cpu != a.fromCPU {
			// Room for the cross where a line never taken ends.
			L.endY += 24
			break
		}
	}
	L.width = mscGutter + r.ncpu*mscLaneW + mscBracket
	L.height = L.endY + L.endH + 40
	return L
}

// rowY is the middle of row i's first line (the end row for len(rows)).
func (L *mscLayout) rowY(i int) int {
	if i >= len(L.rows) {
		return L.endY + mscPad + mscLineH/2 + 2
	}
	return L.rows[i].y + mscPad + mscLineH/2 + 2
}
