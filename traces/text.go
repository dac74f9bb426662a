package traces

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/ipicheck/ipicheck/explore"
)

// Text layout constants.
const (
	defaultMaxWidth = 44  // cap of a CPU column with few CPUs
	minWidth        = 28  // the cap never goes below this
	targetWidth     = 150 // the width the default cap aims the table at
	gap             = 3   // spaces between columns
)

// WriteText renders the report for a terminal: the verdict line, the
// trace as a table with one column per CPU, the explanation of a deadlock
// or the failure and the state at the end of a violation, and the
// statistics of the run.
func (r *Report) WriteText(w io.Writer) error {
	b := bufio.NewWriter(w)
	r.writeHeader(b)
	steps := len(r.Trace) + len(r.Cycle)
	if steps > 0 {
		fmt.Fprintln(b)
		r.writeTable(b)
	}
	switch r.verdict {
	case explore.Deadlock, explore.Hang:
		if r.Explanation != nil {
			fmt.Fprintln(b)
			r.writeExplanation(b)
		}
	case explore.Violation:
		if f := r.Failure; f != nil && len(r.Trace) > 0 {
			fmt.Fprintln(b)
			fmt.Fprintf(b, "%s\n", failureLine(f))
			if len(f.Values) > 0 {
				for _, l := range wrap("  the invariant reads "+strings.Join(f.Values, ", "), 100) {
					fmt.Fprintln(b, l)
				}
			}
		}
		if len(r.EndState) > 0 {
			fmt.Fprintln(b)
			r.writeEndState(b)
		}
	}
	if steps > 0 {
		fmt.Fprintln(b)
	}
	fmt.Fprintf(b, "  %s\n", r.statsLine())
	return b.Flush()
}

// writeHeader writes the verdict line and what it means.
func (r *Report) writeHeader(b *bufio.Writer) {
	var ps []string
	for _, p := range r.params {
		ps = append(ps, p.Name+"="+p.String())
	}
	fmt.Fprintf(b, "%s  %s  (%s)", r.Verdict, r.Protocol, strings.Join(ps, " "))
	switch n, m := len(r.Trace), len(r.Cycle); {
	case n == 0 && m > 0:
		fmt.Fprintf(b, "   trace: a cycle of %d from the initial state", m)
	case n > 0:
		fmt.Fprintf(b, "   trace: %d %s", n, plural(n, "step", "steps"))
		if m > 0 {
			fmt.Fprintf(b, ", then a cycle of %d", m)
		}
	}
	fmt.Fprintln(b)
	switch r.verdict {
	case explore.Verified:
		fmt.Fprintf(b, "  %s\n", r.verifiedLine())
	case explore.Deadlock, explore.Hang:
		fmt.Fprintf(b, "  %s\n", r.Failure.Message)
	case explore.Violation:
		fmt.Fprintf(b, "  %s\n", failureLine(r.Failure))
	case explore.Incomplete:
		fmt.Fprintf(b, "  stopped: %s\n", r.Incomplete)
		fmt.Fprintf(b, "  no counterexample in the states explored, but the search did not finish: NOT verified\n")
	case explore.Uncovered:
		fmt.Fprintf(b, "  %s,\n", r.verifiedLine())
		fmt.Fprintf(b, "  but no reachable state meets %s:\n", plural(len(r.Uncovered), "this cover condition", "these cover conditions"))
		for _, c := range r.Uncovered {
			fmt.Fprintf(b, "    cover %s\n", c)
		}
		fmt.Fprintf(b, "  The spec verified, but the result may be vacuous: the states these covers describe\n")
		fmt.Fprintf(b, "  are never reached, so the behaviour they stand for was never explored.\n")
	}
	if r.Expected != nil {
		fmt.Fprintf(b, "  %s\n", r.expectedLine())
	}
}

// verifiedLine says what a VERIFIED run checked.
func (r *Report) verifiedLine() string {
	var found, skipped []string
	for _, c := range []struct {
		check explore.Check
		what  string
	}{
		{explore.CheckDeadlock, "no deadlock"},
		{explore.CheckSafety, "no assertion, range or invariant failure"},
		{explore.CheckHang, "no hang"},
	} {
		if r.checks&c.check != 0 {
			found = append(found, c.what)
		} else {
			skipped = append(skipped, c.check.String())
		}
	}
	s := strings.Join(found, ", ") + " in any reachable state"
	if len(skipped) > 0 {
		s += " (not checked: " + strings.Join(skipped, ", ") + ")"
	}
	return s
}

// failureLine says what a violation is and where: "assertion failed at
// f.ipi:12:5: x == 1".
func failureLine(f *Failure) string {
	var s strings.Builder
	s.WriteString(f.Kind)
	if f.Invariant != "" {
		s.Reset()
		s.WriteString("invariant " + f.Invariant + " violated")
	}
	if f.File != "" {
		fmt.Fprintf(&s, " at %s:%d:%d", f.File, f.Line, f.Col)
	}
	if f.Message != "" {
		s.WriteString(": " + f.Message)
	}
	return s.String()
}

func (r *Report) statsLine() string {
	s := r.Stats
	line := fmt.Sprintf("%d %s, %d %s, depth %d", s.States, plural(int(s.States), "state", "states"),
		s.Transitions, plural(int(s.Transitions), "transition", "transitions"), s.Depth)
	if !r.NoTimings {
		line += fmt.Sprintf(", %.2f s (%s states/s)", s.Seconds, si(s.StatesPerSec))
		if s.hangChecked {
			line += fmt.Sprintf(", hang check %.2f s", s.HangCheckSeconds)
		}
		line += ", peak memory " + mib(s.PeakMemBytes)
	}
	if s.MissProbability > 0 {
		line += fmt.Sprintf(", fingerprints: P(a state was missed) <= %.1e", s.MissProbability)
	}
	return line
}

// where names a step's line for the table: the number alone in the spec
// itself, with the library's name in an imported one (kernel:41).
func (r *Report) where(file string, line int) string {
	if line <= 0 {
		return ""
	}
	if file == "" || file == r.File {
		return fmt.Sprint(line)
	}
	return fmt.Sprintf("%s:%d", strings.TrimSuffix(filepath.Base(file), ".ipi"), line)
}

// A row of the trace table: one step of one CPU, or a function that CPU
// enters.
type row struct {
	n    int    // the step number; 0 for a function header
	line string // the spec line, or lib:line for a library's; "" for none
	cpu  int
	// cell holds the text lines of the CPU's column, each with its
	// indentation; long lines are wrapped when the table is drawn.
	cell []string
}

// frame is a context running on a CPU, for the table's indentation: the
// task, or a handler that interrupted it.
type frame struct {
	indent int      // of the context's own statements
	funcs  []string // the inlined functions the last step ran in
}

// rows lays the trace out: each step in its CPU's column, indented by the
// functions it runs in and the interrupts it runs under. A function's name
// heads the steps that run in it, as in the CPU0/CPU1 diagrams of kernel
// commit messages; a handler's steps are indented under its <IRQ name>.
func (r *Report) rows() []row {
	stacks := make([][]frame, r.ncpu)
	for c := range stacks {
		stacks[c] = []frame{{}}
	}
	var rows []row
	steps := r.Trace
	if len(r.Cycle) > 0 {
		steps = append(steps[:len(steps):len(steps)], r.Cycle...)
	}
	for _, s := range steps {
		if len(r.Cycle) > 0 && s.N == r.Cycle[0].N {
			rows = append(rows, row{cpu: -1, cell: []string{repeatLine(s.N, r.Cycle[len(r.Cycle)-1].N)}})
		}
		st := stacks[s.CPU]
		top := &st[len(st)-1]
		switch s.Kind {
		case "irq-enter":
			// At the interrupted context's own level, as lockdep prints
			// <Interrupt>: the function it was in may have returned
			// since its last step.
			ind := top.indent
			rows = append(rows, row{n: s.N, line: r.where(s.File, s.Line), cpu: s.CPU, cell: r.stepCell(s, ind)})
			stacks[s.CPU] = append(st, frame{indent: ind + 2})
			continue
		case "irq-exit":
			ind := top.indent - 2
			if len(st) > 1 {
				stacks[s.CPU] = st[:len(st)-1]
			}
			rows = append(rows, row{n: s.N, line: r.where(s.File, s.Line), cpu: s.CPU, cell: r.stepCell(s, max(0, ind))})
			continue
		}
		rows = append(rows, headers(top, s.CPU, s.Function)...)
		rows = append(rows, row{n: s.N, line: r.where(s.File, s.Line), cpu: s.CPU, cell: r.stepCell(s, top.indent+2*len(top.funcs))})
	}
	// After a deadlock, each stuck CPU's column ends with the statement it
	// cannot get past.
	if r.verdict == explore.Deadlock && r.Explanation != nil {
		for _, k := range r.Explanation.Stuck {
			st := stacks[k.CPU]
			top := &st[len(st)-1]
			rows = append(rows, headers(top, k.CPU, k.Function)...)
			ind := top.indent + 2*len(top.funcs)
			text := k.Text + "  <blocked>"
			if len(k.Values) > 0 {
				text += "  (" + strings.Join(k.Values, ", ") + ")"
			}
			rows = append(rows, row{line: r.where(k.File, k.Line), cpu: k.CPU, cell: []string{pad(ind) + text}})
		}
	}
	return rows
}

// headers moves a frame into the functions fn ("a > b") and returns the
// header rows of those it enters.
func headers(top *frame, cpu int, fn string) []row {
	var funcs []string
	if fn != "" {
		funcs = strings.Split(fn, " > ")
	}
	common := 0
	for common < len(funcs) && common < len(top.funcs) && funcs[common] == top.funcs[common] {
		common++
	}
	var rows []row
	for i := common; i < len(funcs); i++ {
		rows = append(rows, row{cpu: cpu, cell: []string{pad(top.indent+2*i) + funcs[i] + "()"}})
	}
	top.funcs = funcs
	return rows
}

// stepCell renders a step in its CPU's column at indentation ind: the
// statement with the values of the shared variables its condition read,
// the branch taken and the change of the IRQ flag, then the variables it
// stored to, then what ended the run if it failed.
func (r *Report) stepCell(s Step, ind int) []string {
	head := pad(ind) + s.Text
	if len(s.Reads) > 0 {
		head += "  (" + strings.Join(s.Reads, ", ") + ")"
	}
	if s.Outcome != "" {
		head += "  → " + s.Outcome
	}
	if s.IRQsBefore != s.IRQsAfter {
		head += "  " + irqs(s.IRQsAfter)
	}
	cell := []string{head}
	var shared, locals []string
	for _, c := range s.Changes {
		switch c.Kind {
		case "pending":
			line := strings.TrimSuffix(c.Var, " pending")
			switch {
			case c.New == "true" && c.Old == "true":
				// A raise that finds the line raised is lost: the
				// handler will run once for both.
				shared = append(shared, fmt.Sprintf("CPU%d %s already pending", c.CPU, line))
			case c.New == "true":
				shared = append(shared, fmt.Sprintf("CPU%d %s pending", c.CPU, line))
			default:
				shared = append(shared, fmt.Sprintf("CPU%d %s cleared", c.CPU, line)+unchanged(c))
			}
		case "local":
			// A local's value is news even when it was the same before:
			// it is what the step read.
			locals = append(locals, display(c.Var, c.Short)+" = "+c.New)
		case "global", "percpu":
			// An assignment whose text says it all is not repeated, unless
			// it stored the value the variable had.
			if ch := c.Var + " = " + c.New; ch != s.Text || c.Old == c.New {
				shared = append(shared, ch+unchanged(c))
			}
		}
	}
	if ch := append(shared, locals...); len(ch) > 0 {
		cell = append(cell, pad(ind+2)+strings.Join(ch, ", "))
	}
	if s.Finished {
		cell = append(cell, pad(ind)+"(thread "+s.Thread+" finished)")
	}
	if s.Failed && r.Failure != nil {
		cell = append(cell, pad(ind)+"^^ "+strings.ToUpper(r.Failure.Kind)+withMessage(r.Failure.Message))
	}
	return cell
}

// unchanged marks a store of the value a variable already had: a lost
// update often shows as one.
func unchanged(c Change) string {
	if c.Old == c.New {
		return " (unchanged)"
	}
	return ""
}

func irqs(on bool) string {
	if on {
		return "[irqs on]"
	}
	return "[irqs off]"
}

// writeTable draws the rows: the step number, the spec line, then one
// column per CPU.
func (r *Report) writeTable(b *bufio.Writer) {
	rows := r.rows()
	if r.Failure != nil && r.Failure.Kind == "invariant violated" {
		// The invariant fails in the state the last step leads to.
		last := rows[len(rows)-1]
		ind := len(last.cell[0]) - len(strings.TrimLeft(last.cell[0], " "))
		last.cell = append(last.cell, pad(ind)+"^^ INVARIANT "+r.Failure.Invariant+" VIOLATED"+withMessage(r.Failure.Message))
		rows[len(rows)-1] = last
	}
	limit := r.columnCap()
	titles := r.titles()
	widths := make([]int, r.ncpu)
	for c := range widths {
		widths[c] = width(titles[c])
	}
	for _, rw := range rows {
		for _, l := range rw.cell {
			if rw.cpu >= 0 {
				widths[rw.cpu] = max(widths[rw.cpu], min(width(l), limit))
			}
		}
	}
	nw := max(1, len(fmt.Sprint(len(r.Trace)+len(r.Cycle))))
	lw := 4
	for _, rw := range rows {
		lw = max(lw, len(rw.line))
	}
	lead := func(n, line string) string {
		return fmt.Sprintf("%*s  %*s  ", nw+1, n, lw, line)
	}
	// Header.
	var rules []string
	for c := range r.ncpu {
		rules = append(rules, strings.Repeat("-", width(titles[c])))
	}
	writeColumns(b, lead("#", "line"), widths, titles)
	writeColumns(b, lead("", ""), widths, rules)
	for _, rw := range rows {
		if rw.cpu < 0 { // a note across the table
			fmt.Fprintf(b, "%s%s\n", lead("", ""), rw.cell[0])
			continue
		}
		var lines []string
		for _, l := range rw.cell {
			lines = append(lines, wrap(l, widths[rw.cpu])...)
		}
		for i, l := range lines {
			n, line := "", ""
			if i == 0 && rw.n > 0 {
				n = fmt.Sprint(rw.n)
			}
			if i == 0 {
				line = rw.line
			}
			cells := make([]string, r.ncpu)
			cells[rw.cpu] = l
			writeColumns(b, lead(n, line), widths, cells)
		}
	}
}

func withMessage(msg string) string {
	if msg == "" {
		return ""
	}
	return ": " + msg
}

// titles are the column titles: CPU0, CPU1, ..., with each CPU's thread
// when the CPUs do not all run the same one.
func (r *Report) titles() []string {
	same := true
	for _, t := range r.threads {
		same = same && t == r.threads[0]
	}
	var out []string
	for c := range r.ncpu {
		t := cpuTitle(c)
		if !same {
			if th := r.threads[c]; th != "" {
				t += " (" + th + ")"
			} else {
				t += " (idle)"
			}
		}
		out = append(out, t)
	}
	return out
}

func cpuTitle(c int) string { return fmt.Sprintf("CPU%d", c) }

// columnCap is the widest a CPU column may be.
func (r *Report) columnCap() int {
	switch {
	case r.MaxWidth > 0:
		return r.MaxWidth
	case r.MaxWidth < 0:
		return 1 << 20
	}
	return max(minWidth, min(defaultMaxWidth, targetWidth/max(1, r.ncpu)-gap))
}

// writeColumns writes one line of the table, without trailing spaces.
func writeColumns(b *bufio.Writer, lead string, widths []int, cells []string) {
	var s strings.Builder
	s.WriteString(lead)
	for c, w := range widths {
		if c > 0 {
			s.WriteString(pad(gap))
		}
		s.WriteString(cells[c])
		s.WriteString(pad(w - width(cells[c])))
	}
	fmt.Fprintln(b, strings.TrimRight(s.String(), " "))
}

// wrap breaks a line to fit w columns; the continuation lines are
// indented 4 more than the line. It breaks after a comma or at a double
// space (the separators of a cell's parts) when it can, else at a space,
// else inside a word.
func wrap(line string, w int) []string {
	if width(line) <= w {
		return []string{line}
	}
	ind := len(line) - len(strings.TrimLeft(line, " "))
	cont := pad(min(ind+4, w/2))
	var out []string
	floor := ind // a break must leave something on the line
	for width(line) > w {
		rs := []rune(line)
		cut, weak := -1, -1
		for i := w; i > floor; i-- {
			if rs[i] != ' ' {
				continue
			}
			if rs[i-1] == ',' || rs[i-1] == ' ' || i+1 < len(rs) && rs[i+1] == ' ' {
				cut = i
				break
			}
			if weak < 0 {
				weak = i
			}
		}
		if cut < 0 {
			cut = weak
		}
		var head, rest string
		if cut < 0 {
			head, rest = string(rs[:w]), string(rs[w:])
		} else {
			head, rest = strings.TrimRight(string(rs[:cut]), " "), strings.TrimLeft(string(rs[cut:]), " ")
		}
		out = append(out, head)
		line = cont + rest
		floor = len(cont)
	}
	return append(out, line)
}

func width(s string) int { return utf8.RuneCountInString(s) }

func pad(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat(" ", n)
}

// writeExplanation writes why each unfinished CPU of a deadlock, or each
// hung CPU of a hang, is stuck: where it is, the values of the variables
// it waits on, and who could change them and why they do not.
func (r *Report) writeExplanation(b *bufio.Writer) {
	e := r.Explanation
	if r.verdict == explore.Hang {
		if len(r.Trace) == 0 {
			fmt.Fprintln(b, "Hung (where each is when the cycle starts, in the initial state):")
		} else {
			fmt.Fprintf(b, "Hung (where each is when the cycle starts, after step %d):\n", len(r.Trace))
		}
	} else {
		fmt.Fprintln(b, "Stuck:")
	}
	for _, k := range e.Stuck {
		ctx := "task"
		if k.Thread != "" {
			ctx += " " + k.Thread
		}
		if k.Context != "task" {
			ctx = fmt.Sprintf("%s handler, level %d", k.Context, k.Level)
		}
		head := fmt.Sprintf("  CPU%d (%s, %s) at %s:%d  %s", k.CPU, ctx, strings.Trim(irqs(k.IRQsOn), "[]"), k.File, k.Line, k.Text)
		if k.Function != "" {
			head += "  in " + innermost(k.Function) + "()"
		}
		fmt.Fprintln(b, head)
		for _, l := range waitLines(k) {
			fmt.Fprintln(b, l)
		}
	}
	if len(e.Pending) > 0 {
		if r.verdict == explore.Deadlock {
			fmt.Fprintln(b, "  pending interrupts, none can be taken:")
		} else {
			fmt.Fprintln(b, "  pending interrupts:")
		}
		for _, p := range e.Pending {
			fmt.Fprintf(b, "    CPU%d %s: %s\n", p.CPU, p.Line, p.Reason)
		}
	} else {
		fmt.Fprintln(b, "  pending interrupts: none")
	}
	var fin []string
	for _, c := range e.Finished {
		fin = append(fin, cpuTitle(c))
	}
	if len(fin) == 0 {
		fin = []string{"none"}
	}
	fmt.Fprintf(b, "  finished: %s\n", strings.Join(fin, ", "))
}

// waitLines says, for each shared variable a stuck CPU's statement reads,
// its value and which contexts could write it and what each does instead:
//
//	cfd[0][1] is true; only CPU1's ipi handler writes it: ipi raised, masked (IRQs off)
func waitLines(k Stuck) []string {
	const ind = "       "
	var out []string
	for _, v := range k.Values {
		name, val, ok := strings.Cut(v, " = ")
		if !ok {
			out = append(out, ind+v)
			continue
		}
		var ws []Writer
		for _, w := range k.Writers {
			if w.Var == name && w.CPU >= 0 {
				ws = append(ws, w)
			}
		}
		what := fmt.Sprintf("%s is %s", name, val)
		switch len(ws) {
		case 0:
			out = append(out, ind+what+"; nothing else writes it")
		case 1:
			out = append(out, ind+what+"; only "+writerName(ws[0])+" writes it: "+ws[0].Status)
		default:
			out = append(out, ind+what+"; it is written by:")
			for _, w := range ws {
				out = append(out, ind+"  "+writerName(w)+": "+w.Status)
			}
		}
	}
	return out
}

// writerName names a writer: "CPU1's ipi handler", "CPU0's thread flush_tlb_mm".
func writerName(w Writer) string {
	if w.Handler {
		return fmt.Sprintf("CPU%d's %s handler", w.CPU, w.Context)
	}
	return fmt.Sprintf("CPU%d's thread %s", w.CPU, w.Context)
}

// innermost returns the last function of "a > b > c".
func innermost(fn string) string {
	if i := strings.LastIndex(fn, " > "); i >= 0 {
		return fn[i+3:]
	}
	return fn
}

// writeEndState writes the variables that differ from the initial state
// at the end of the trace, globals first, then each CPU's on a line. Of
// the locals, only those of the CPU whose step failed are shown: the
// others' are mostly loop counters.
func (r *Report) writeEndState(b *bufio.Writer) {
	failed := -1
	if n := len(r.Trace); n > 0 && r.Trace[n-1].Failed {
		failed = r.Trace[n-1].CPU
	}
	fmt.Fprintln(b, "State at the end (what differs from the initial state):")
	// A local goes by its name in the spec, unless two of the CPU's do.
	shorts := map[string]int{}
	for _, v := range r.EndState {
		if v.Kind == "local" && v.CPU == failed {
			shorts[v.Short]++
		}
	}
	var cur = -2
	var parts []string
	flush := func() {
		if len(parts) == 0 {
			return
		}
		label := "globals"
		if cur >= 0 {
			label = cpuTitle(cur)
		}
		line := fmt.Sprintf("  %-8s %s", label+":", strings.Join(parts, ", "))
		for _, l := range wrap(line, 100) {
			fmt.Fprintln(b, l)
		}
		parts = nil
	}
	for _, v := range r.EndState {
		if v.Kind == "local" && v.CPU != failed {
			continue
		}
		if v.CPU != cur {
			flush()
			cur = v.CPU
		}
		switch v.Kind {
		case "irqs":
			if v.Value == "true" {
				parts = append(parts, "irqs on")
			} else {
				parts = append(parts, "irqs off")
			}
		case "pending":
			if v.Value == "true" {
				parts = append(parts, v.Var)
			} else {
				parts = append(parts, v.Var+" = false")
			}
		case "local":
			name := v.Short
			if shorts[v.Short] > 1 || name == "" {
				name = strings.TrimPrefix(v.Var, cpuTitle(v.CPU)+" ")
			}
			parts = append(parts, "local "+name+" = "+v.Value)
		default:
			parts = append(parts, v.Var+" = "+v.Value)
		}
	}
	flush()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// si formats x compactly with a metric suffix: 950, 12.3k, 2.1M.
func si(x float64) string {
	switch {
	case x >= 1e9:
		return fmt.Sprintf("%.1fG", x/1e9)
	case x >= 1e6:
		return fmt.Sprintf("%.1fM", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.1fk", x/1e3)
	}
	return fmt.Sprintf("%.0f", x)
}

// mib formats a byte count in MiB.
func mib(n uint64) string {
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// repeatLine marks the start of a hang's cycle, steps first..last.
func repeatLine(first, last int) string {
	if first == last {
		return fmt.Sprintf("-- step %d repeats forever --", first)
	}
	return fmt.Sprintf("-- steps %d-%d repeat forever --", first, last)
}
