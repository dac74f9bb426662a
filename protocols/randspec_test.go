package protocols_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// randOpts shape the specs randomSpec writes. The zero value is a
// random mix of everything.
type randOpts struct {
	// CPUs is the number of CPUs, 2 or 3; 0 picks one at random.
	CPUs int
	// Symmetric gives every CPU the same thread (thread t on all), and no
	// code names a CPU by number (raise(me, ...) and raise((me + 1) %
	// CPUS, ...) only; per-CPU copies by me or me+1), so that the CPUs
	// are interchangeable up to rotation.
	Symmetric bool
	// MaxStmts bounds the statements of a thread body at top level;
	// 0 means 5.
	MaxStmts int
	// NoInterrupts leaves out interrupt lines, handlers and raises.
	NoInterrupts bool
	// NoTimers leaves out timer lines, which fire whenever takeable.
	NoTimers bool
}

// randomSpec returns a random, valid spec of varied shape: 2 or 3 CPUs;
// globals; per-CPU variables, some private (only ever named plainly, x
// or x[me], and by no invariant), some shared (x[c] for other CPUs,
// invariants); locals; assignments, if/else, bounded while and for
// loops, await, atomic, choose, local_irq_save/restore, raise and
// interrupt handlers of several levels (and sometimes a timer or an
// NMI), assert, invariants, and sometimes progress. Its verdict may be
// anything: verified, a deadlock, a violation (a failed assertion or
// invariant, a value out of range), a hang, or uncovered. Its state
// space is small: a few thousand states at most, usually.
func randomSpec(rng *rand.Rand, opts randOpts) string {
	g := &specGen{rng: rng, opts: opts}
	return g.spec()
}

type specGen struct {
	rng  *rand.Rand
	opts randOpts
	b    strings.Builder
	ncpu int

	nglobals, nbools int
	nprivate         int  // private per-CPU ints q0..: named plainly only
	privArray        bool // qa: [2]0..3, private
	nshared          int  // shared per-CPU ints s0..
	lines            []string
	timer            bool // a timer line exists (never raised)

	// The body being written.
	handler bool
	indent  int
	names   int // unique local names in the body
	flags   int // irq-save flag locals in use
	depth   int
	atomic  bool
	stmts   int // statements left in the body's budget
}

func (g *specGen) intn(n int) int        { return g.rng.IntN(n) }
func (g *specGen) chance(p float64) bool { return g.rng.Float64() < p }

func (g *specGen) line(format string, args ...any) {
	g.b.WriteString(strings.Repeat("    ", g.indent))
	fmt.Fprintf(&g.b, format, args...)
	g.b.WriteByte('\n')
}

func (g *specGen) spec() string {
	g.ncpu = g.opts.CPUs
	if g.ncpu == 0 {
		g.ncpu = 2 + g.intn(2)
	}
	g.line("protocol random \"a random spec\";")
	g.line("param CPUS = %d;", g.ncpu)
	g.nglobals = 1 + g.intn(2)
	g.nbools = g.intn(2)
	g.nprivate = g.intn(3)
	g.privArray = g.chance(0.3)
	g.nshared = g.intn(2)
	for i := range g.nglobals {
		g.line("var g%d: 0..3;", i)
	}
	for i := range g.nbools {
		g.line("var b%d: bool;", i)
	}
	for i := range g.nprivate {
		if g.chance(0.5) {
			g.line("percpu var q%d: 0..3;", i)
		} else {
			g.line("percpu var q%d: 0..3 = me %% 4;", i)
		}
	}
	if g.privArray {
		g.line("percpu var qa: [2]0..3;")
	}
	for i := range g.nshared {
		g.line("percpu var s%d: 0..3;", i)
	}
	if !g.opts.NoInterrupts {
		n := g.intn(3)
		for i := range n {
			g.lines = append(g.lines, fmt.Sprintf("irq%d", i))
		}
		g.timer = !g.opts.NoTimers && g.chance(0.15)
		nmi := g.chance(0.1)
		for i, name := range g.lines {
			g.handlerDecl(name, fmt.Sprintf(" level %d", 1+g.intn(3)+i))
		}
		if nmi {
			g.lines = append(g.lines, "nmi0")
			g.handlerDecl("nmi0", " nmi")
		}
		if g.timer {
			g.handlerDecl("tick", fmt.Sprintf(" level %d timer", 1+g.intn(3)))
		}
	}
	if g.opts.Symmetric || g.chance(0.3) {
		g.thread("t", "all")
	} else {
		for c := range g.ncpu {
			if c > 0 && g.chance(0.15) {
				continue // an idle CPU
			}
			g.thread(fmt.Sprintf("t%d", c), fmt.Sprintf("cpu %d", c))
		}
	}
	for i := range g.intn(3) {
		g.line("invariant inv%d: %s;", i, g.invariantCond())
	}
	return g.b.String()
}

func (g *specGen) handlerDecl(name, kind string) {
	g.line("interrupt %s%s {", name, kind)
	g.body(true, 1+g.intn(3))
	g.line("}")
}

func (g *specGen) thread(name, on string) {
	g.line("thread %s on %s {", name, on)
	max := g.opts.MaxStmts
	if max == 0 {
		max = 5
	}
	g.body(false, 1+g.intn(max))
	g.line("}")
}

// body writes the locals and n statements of a thread or handler.
func (g *specGen) body(handler bool, n int) {
	g.handler, g.names, g.flags, g.depth, g.atomic = handler, 0, 0, 0, false
	g.indent++
	g.line("var l0: 0..3;")
	g.line("var l1: 0..3 = %d;", g.intn(4))
	g.stmts = n + 4
	if !handler {
		// A step first: the silent code at the start of a thread runs in
		// the initial state, where a value out of range would be an
		// error of the spec.
		g.line("assert l1 <= 3;")
	}
	if handler && (g.nprivate > 0 || g.privArray) && g.chance(0.6) {
		// A handler that reads the private data of the thread it
		// interrupts: what it sees depends on where it came in.
		v := g.privateVar()
		for v == "l0" || v == "l1" {
			v = g.privateVar()
		}
		switch g.intn(3) {
		case 0:
			g.line("g%d = %s;", g.intn(g.nglobals), v)
		case 1:
			g.line("assert %s != %d;", v, g.intn(4))
		default:
			g.line("if (%s == %d) { g%d = %d; }", v, g.intn(4), g.intn(g.nglobals), g.intn(4))
		}
		n--
	}
	for range n {
		g.stmt()
	}
	if !handler && g.chance(0.15) {
		// The thread finishes with a private step: finishing is visible
		// (Done, goals), and turns IRQs on.
		if g.chance(0.5) {
			g.line("local_irq_disable();")
		}
		g.line("%s = %s;", g.privateVar(), g.privateExpr())
		g.line("assert l1 <= 3;")
	}
	if !handler && g.chance(0.1) {
		// A private spin: a cycle of private steps, which must not keep
		// the other CPUs from moving (the cycle proviso).
		g.line("while (true) {")
		g.indent++
		if g.nprivate > 0 {
			g.line("q0 = (q0 + 1) %% 4;")
		} else {
			g.line("assert l0 <= 3;")
			g.line("l0 = (l0 + 1) %% 4;")
		}
		g.indent--
		g.line("}")
	} else if !handler && g.chance(0.2) {
		// A server loop: spins forever, a hang unless it makes progress.
		g.line("while (true) {")
		g.indent++
		g.stmt()
		if g.chance(0.6) {
			g.line("progress;")
		} else {
			g.line("skip;") // a loop needs a step
		}
		g.indent--
		g.line("}")
	}
	g.indent--
}

// cpuExpr is a CPU id: me, the next CPU, or (not symmetric) a constant.
func (g *specGen) cpuExpr() string {
	switch {
	case g.chance(0.4):
		return "me"
	case g.opts.Symmetric || g.chance(0.5):
		return "(me + 1) % CPUS"
	}
	return fmt.Sprint(g.intn(g.ncpu))
}

// intVar names an int variable to read or write.
func (g *specGen) intVar() string {
	for {
		switch g.intn(5) {
		case 0:
			return fmt.Sprintf("g%d", g.intn(g.nglobals))
		case 1:
			if g.nprivate > 0 {
				if g.chance(0.5) {
					return fmt.Sprintf("q%d[me]", g.intn(g.nprivate))
				}
				return fmt.Sprintf("q%d", g.intn(g.nprivate))
			}
		case 2:
			if g.privArray {
				if g.chance(0.5) {
					return fmt.Sprintf("qa[me][%d]", g.intn(2))
				}
				return "qa[me][l0 % 2]"
			}
		case 3:
			if g.nshared > 0 {
				if g.chance(0.4) {
					return fmt.Sprintf("s%d", g.intn(g.nshared))
				}
				return fmt.Sprintf("s%d[%s]", g.intn(g.nshared), g.cpuExpr())
			}
		default:
			if g.handler {
				return "l0"
			}
			return fmt.Sprintf("l%d", g.intn(2))
		}
	}
}

// privateVar names a variable only the running CPU touches: a local or a
// private per-CPU variable.
func (g *specGen) privateVar() string {
	switch g.intn(3) {
	case 0:
		if g.nprivate > 0 {
			return fmt.Sprintf("q%d", g.intn(g.nprivate))
		}
	case 1:
		if g.privArray {
			return fmt.Sprintf("qa[me][%d]", g.intn(2))
		}
	}
	return fmt.Sprintf("l%d", g.intn(2))
}

// intExpr is an int expression whose value is in 0..3 (but for a rare
// unreduced sum, which may go out of range when stored).
func (g *specGen) intExpr(d int) string {
	if d <= 0 || g.chance(0.4) {
		if g.chance(0.4) {
			return fmt.Sprint(g.intn(4))
		}
		return g.intVar()
	}
	switch g.intn(4) {
	case 0:
		return fmt.Sprintf("(%s + %s) %% 4", g.intExpr(d-1), g.intExpr(d-1))
	case 1:
		return fmt.Sprintf("(%s ? %s : %s)", g.boolExpr(d-1), g.intExpr(d-1), g.intExpr(d-1))
	case 2:
		return fmt.Sprintf("3 - %s", g.intExpr(0))
	}
	if g.chance(0.1) {
		return fmt.Sprintf("%s + 1", g.intExpr(0))
	}
	return fmt.Sprintf("(%s + 1) %% 4", g.intExpr(d-1))
}

// privateExpr is an int expression on private data and constants only.
func (g *specGen) privateExpr() string {
	switch g.intn(3) {
	case 0:
		return fmt.Sprint(g.intn(4))
	case 1:
		return fmt.Sprintf("(%s + %d) %% 4", g.privateVar(), 1+g.intn(3))
	}
	return fmt.Sprintf("(%s + %s) %% 4", g.privateVar(), g.privateVar())
}

func (g *specGen) boolExpr(d int) string {
	if d <= 0 || g.chance(0.4) {
		switch g.intn(6) {
		case 5:
			// A query of a CPU's state.
			switch g.intn(4) {
			case 0:
				return fmt.Sprintf("finished(%s)", g.cpuExpr())
			case 1:
				return fmt.Sprintf("irqs_enabled(%s)", g.cpuExpr())
			case 2:
				if len(g.lines) > 0 {
					return fmt.Sprintf("pending(%s, %s)", g.cpuExpr(), g.lines[g.intn(len(g.lines))])
				}
			}
			return fmt.Sprintf("in_irq(%s)", g.cpuExpr())
		case 0:
			if g.nbools > 0 {
				return fmt.Sprintf("b%d", g.intn(g.nbools))
			}
			return "true"
		case 1:
			return fmt.Sprintf("%s == %s", g.intVar(), g.intExpr(0))
		case 2:
			return fmt.Sprintf("%s != %s", g.intVar(), g.intExpr(0))
		case 3:
			return fmt.Sprintf("%s < %s", g.intVar(), g.intExpr(0))
		}
		return fmt.Sprintf("%s <= %d", g.intVar(), 1+g.intn(3))
	}
	switch g.intn(3) {
	case 0:
		return fmt.Sprintf("!(%s)", g.boolExpr(d-1))
	case 1:
		return fmt.Sprintf("(%s && %s)", g.boolExpr(d-1), g.boolExpr(d-1))
	}
	return fmt.Sprintf("(%s || %s)", g.boolExpr(d-1), g.boolExpr(d-1))
}

// invariantCond is a condition over globals and shared per-CPU copies.
func (g *specGen) invariantCond() string {
	if g.nshared > 0 && g.chance(0.5) {
		return fmt.Sprintf("forall (c in cpus) s%d[c] != %d || g%d != %d", g.intn(g.nshared), g.intn(4), g.intn(g.nglobals), g.intn(4))
	}
	if g.nbools > 0 && g.chance(0.3) {
		return fmt.Sprintf("!b0 || g%d <= %d", g.intn(g.nglobals), 1+g.intn(3))
	}
	return fmt.Sprintf("g%d != %d || g%d != %d", g.intn(g.nglobals), g.intn(4), g.intn(g.nglobals), g.intn(4))
}

func (g *specGen) fresh(prefix string) string {
	g.names++
	return fmt.Sprintf("%s%d", prefix, g.names)
}

// block writes up to n statements in braces' body.
func (g *specGen) block(n int) {
	g.indent++
	g.depth++
	for range 1 + g.intn(n) {
		g.stmt()
	}
	g.depth--
	g.indent--
}

func (g *specGen) stmt() {
	g.stmts--
	if g.depth > 2 || g.stmts < 0 {
		g.simple()
		return
	}
	switch g.intn(14) {
	case 0, 1:
		// Private work: a run of steps on private data, the steps
		// partial-order reduction takes alone.
		for range 1 + g.intn(3) {
			g.line("%s = %s;", g.privateVar(), g.privateExpr())
		}
	case 2:
		g.line("if (%s) {", g.boolExpr(2))
		g.block(2)
		if g.chance(0.4) {
			g.line("} else {")
			g.block(2)
		}
		g.line("}")
	case 3:
		if g.atomic {
			g.simple()
			return
		}
		w := g.fresh("w")
		g.line("{")
		g.indent++
		g.line("var %s: 0..3 = 0;", w)
		g.line("while (%s < %d) {", w, 1+g.intn(2))
		g.block(2)
		g.indent++
		g.line("%s = %s + 1;", w, w)
		g.indent--
		g.line("}")
		g.indent--
		g.line("}")
	case 4:
		v := g.fresh("i")
		if g.chance(0.3) {
			g.line("for (%s in others) {", v)
		} else {
			g.line("for (%s in 0..%d) {", v, g.intn(2))
		}
		g.block(2)
		g.line("}")
	case 5:
		if g.atomic {
			g.simple()
			return
		}
		g.line("await %s;", g.boolExpr(1))
	case 6:
		if g.atomic {
			g.simple()
			return
		}
		g.line("atomic {")
		g.atomic = true
		g.indent++
		if g.chance(0.4) {
			g.line("await %s;", g.boolExpr(1))
		}
		g.indent--
		g.block(3)
		g.atomic = false
		g.line("}")
	case 7:
		g.line("choose {")
		g.block(2)
		for range 1 + g.intn(2) {
			g.line("} or {")
			g.block(2)
		}
		g.line("}")
	case 8:
		if g.atomic || g.flags >= 2 {
			g.simple()
			return
		}
		f := g.fresh("f")
		g.flags++
		g.line("{")
		g.indent++
		g.line("var %s: bool;", f)
		g.line("local_irq_save(%s);", f)
		g.block(3)
		g.indent++
		g.line("local_irq_restore(%s);", f)
		g.indent--
		g.indent--
		g.line("}")
		g.flags--
	case 9:
		if g.atomic {
			g.simple()
			return
		}
		if g.chance(0.5) {
			g.line("local_irq_disable();")
		} else {
			g.line("local_irq_enable();")
		}
	case 10:
		if len(g.lines) == 0 {
			g.simple()
			return
		}
		g.line("raise(%s, %s);", g.cpuExpr(), g.lines[g.intn(len(g.lines))])
	case 11:
		if g.chance(0.7) {
			// Mostly true: on private data, or a tautology.
			g.line("assert %s <= 3;", g.privateVar())
		} else {
			g.line("assert %s;", g.boolExpr(1))
		}
	case 12:
		if g.atomic || g.handler || !g.chance(0.5) {
			g.simple()
			return
		}
		g.line("progress;")
	default:
		g.simple()
	}
}

// simple writes an assignment or a skip.
func (g *specGen) simple() {
	switch g.intn(6) {
	case 0:
		if g.atomic {
			g.line("%s = %s;", g.intVar(), g.intExpr(1))
			return
		}
		g.line("skip;")
	case 1:
		if g.nbools > 0 {
			g.line("b%d = %s;", g.intn(g.nbools), g.boolExpr(1))
			return
		}
		g.line("%s = %s;", g.privateVar(), g.privateExpr())
	case 2:
		g.line("%s = %s;", g.privateVar(), g.privateExpr())
	case 3:
		if g.nshared > 0 {
			// This CPU's copy of a shared per-CPU variable, from private
			// data: not a private step, as others read the copy.
			k := g.intn(g.nshared)
			g.line("s%d = (s%d + %s) %% 4;", k, k, g.privateVar())
			return
		}
		g.line("%s = %s;", g.intVar(), g.intExpr(2))
	default:
		g.line("%s = %s;", g.intVar(), g.intExpr(2))
	}
}
