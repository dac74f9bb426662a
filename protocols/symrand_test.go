package protocols

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ipicheck/ipicheck/explore"
	"github.com/ipicheck/ipicheck/model"
)

// symSpec generates a random spec whose CPUs all run one thread, written
// mostly with what symmetry allows (CPU ids only as indices, atomic loops
// over CPUs that write what they index) and now and then with something
// that breaks it (a constant CPU, CPU arithmetic, a loop that takes steps
// or keeps the last CPU it saw). Symmetry reduction is sound exactly when
// such specs are either refused or give the full search's answers.
type symSpec struct {
	r     *rand.Rand
	b     strings.Builder
	depth int
	asym  bool // allow constructs that break symmetry
}

func (g *symSpec) pick(opts ...string) string { return opts[g.r.IntN(len(opts))] }

func (g *symSpec) line(indent int, format string, args ...any) {
	g.b.WriteString(strings.Repeat("    ", indent))
	fmt.Fprintf(&g.b, format, args...)
	g.b.WriteByte('\n')
}

// cond returns a condition on the shared state, for await, if and while.
func (g *symSpec) cond() string {
	opts := []string{"g0", "!g0", "g1 != 2", "g1 == 0", "p0", "!p0", "forall (c in others) !p0[c]", "exists (c in cpus) p0[c]", "a[me][me]", "!pending(me, ipi)", "peer == me", "p0[peer]"}
	if g.asym {
		opts = append(opts, "me == 0", "me < 1", "p0[0]")
	}
	return g.pick(opts...)
}

// stmt writes a random statement at the given indentation.
func (g *symSpec) stmt(indent int, inAtomic bool) {
	g.depth++
	defer func() { g.depth-- }()
	n := 14
	if g.depth > 3 {
		n = 8 // no nesting
	}
	switch g.r.IntN(n) {
	case 0:
		g.line(indent, "g0 = %s;", g.pick("true", "false", "!g0"))
	case 1:
		g.line(indent, "g1 = (g1 + 1) %% 3;")
	case 2:
		g.line(indent, "p0 = %s;", g.pick("true", "false", "!p0", "g0"))
	case 3:
		if inAtomic {
			g.line(indent, "g1 = g1;")
		} else {
			g.line(indent, "await %s;", g.cond())
		}
	case 4:
		g.line(indent, "atomic { await !g0; g0 = true; }")
	case 5:
		g.line(indent, "assert g1 != 2 \"g1 reached 2\";")
	case 6:
		if inAtomic {
			g.line(indent, "p1 = (p1 + 1) %% 3;")
		} else {
			g.line(indent, "%s", g.pick("skip;", "progress;", "p1 = (p1 + 1) % 3;"))
		}
	case 7:
		// A loop over CPUs, in one step.
		body := g.pick("p0[c] = true;", "raise(c, ipi);", "a[me][c] = !a[me][c];", "a[c][me] = p0;", "if (p0[c]) { a[me][c] = true; }")
		if g.asym && g.r.IntN(3) == 0 {
			body = g.pick("peer = c;", "g0 = p0[c];", "p0[c] = p0[me];")
		}
		if inAtomic || g.asym && g.r.IntN(4) == 0 {
			g.line(indent, "for (c in others) { %s }", body)
		} else {
			g.line(indent, "atomic { for (c in others) { %s } }", body)
		}
	case 8:
		g.line(indent, "if (%s) {", g.cond())
		g.stmt(indent+1, inAtomic)
		g.line(indent, "} else {")
		g.stmt(indent+1, inAtomic)
		g.line(indent, "}")
	case 9:
		g.line(indent, "choose {")
		g.stmt(indent+1, inAtomic)
		g.line(indent, "} or {")
		g.stmt(indent+1, inAtomic)
		g.line(indent, "}")
	case 10:
		if inAtomic {
			g.line(indent, "g0 = !g0;")
			return
		}
		g.line(indent, "atomic {")
		g.stmt(indent+1, true)
		g.stmt(indent+1, true)
		g.line(indent, "}")
	case 11:
		if inAtomic {
			g.line(indent, "p0 = !p0;")
			return
		}
		g.line(indent, "local_irq_disable();")
		g.stmt(indent, false)
		g.line(indent, "local_irq_enable();")
	case 12:
		if inAtomic {
			g.line(indent, "skip;")
			return
		}
		g.line(indent, "while (%s) { }", g.pick("!g0", "g1 != 0", "!p0", "exists (c in others) !p0[c]"))
	case 13:
		g.line(indent, "atomic { for (c in others) { if (!p0[c]) { peer = %s; } } }", g.pick("me", "peer"))
	}
}

func (g *symSpec) spec(cpus int) string {
	g.b.Reset()
	g.line(0, "protocol r;")
	g.line(0, "param CPUS = %d;", cpus)
	g.line(0, "var g0: bool;")
	g.line(0, "var g1: 0..2;")
	g.line(0, "percpu var p0: bool;")
	g.line(0, "percpu var p1: 0..2;")
	g.line(0, "percpu var a: [cpu]bool;")
	g.line(0, "percpu var peer: cpu = me;")
	g.line(0, "interrupt ipi level %d {", 1+g.r.IntN(3))
	g.stmt(1, false)
	g.line(0, "}")
	if g.r.IntN(2) == 0 {
		g.line(0, "interrupt tick level %d timer {", 1+g.r.IntN(3))
		g.line(1, "%s", g.pick("skip;", "g1 = 0;", "p0 = false;", "if (p0) { raise(me, ipi); }"))
		g.line(0, "}")
	}
	g.line(0, "thread t on all {")
	for range 2 + g.r.IntN(4) {
		g.stmt(1, false)
	}
	g.line(0, "}")
	if g.r.IntN(3) == 0 {
		g.line(0, "invariant i: %s;", g.pick("forall (c in cpus) !p0[c] || g0 || p1[c] != 2", "!(g0 && g1 == 2)", "exists (c in cpus) !a[c][c]"))
	}
	return g.b.String()
}

var symRandN = flag.Int("symrand", 400, "random specs TestSymmetryRandomSpecs checks")

// TestSymmetryRandomSpecs compares symmetry reduction with the full search
// on random specs: every spec symmetry accepts must get the same verdict,
// counterexamples of the same length, and as many states as the full
// search's states have classes (when it explores them all).
func TestSymmetryRandomSpecs(t *testing.T) {
	n := *symRandN
	if testing.Short() {
		n = 100
	}
	r := rand.New(rand.NewPCG(1, 2))
	accepted, refused, reduced := 0, 0, 0
	for i := range n {
		g := &symSpec{r: r, asym: i%3 == 0}
		src := g.spec(2 + r.IntN(2))
		sys, err := model.Load("r.ipi", []byte(src), nil)
		if err != nil {
			t.Fatalf("spec %d does not compile: %v\n%s", i, err, src)
		}
		if len(sys.SymmetryProblems()) > 0 {
			refused++
			continue
		}
		accepted++
		counter := &classCounter{System: sys, classes: map[string]bool{}}
		opt := explore.Options{Workers: 1, MaxStates: 200000}
		full := explore.Run(context.Background(), counter, opt)
		if full.Verdict == explore.Incomplete {
			continue
		}
		opt.Symmetry = true
		red := explore.Run(context.Background(), sys, opt)
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("spec %d: %s\n%s", i, fmt.Sprintf(format, args...), src)
		}
		if red.Verdict != full.Verdict {
			fail("verdict %v with symmetry, %v without", red.Verdict, full.Verdict)
		}
		if len(red.Trace) != len(full.Trace) || len(red.Cycle) != len(full.Cycle) {
			fail("trace %d+%d steps with symmetry, %d+%d without", len(red.Trace), len(red.Cycle), len(full.Trace), len(full.Cycle))
		}
		if full.Verdict == explore.Verified || full.Verdict == explore.Hang {
			if red.Stats.States != int64(len(counter.classes)) {
				fail("%d states with symmetry; the full search's %d states fall in %d classes", red.Stats.States, full.Stats.States, len(counter.classes))
			}
		}
		if red.Stats.States < full.Stats.States {
			reduced++
		}
		checkRealTrace(t, sys, red)
		// Both reductions at once: each property on its own gets the
		// full search's verdict.
		for _, checks := range []explore.Check{explore.CheckDeadlock, explore.CheckSafety, explore.CheckHang} {
			want := explore.Run(context.Background(), sys, explore.Options{Workers: 1, MaxStates: 200000, Checks: checks})
			got := explore.Run(context.Background(), sys, explore.Options{Workers: 1, MaxStates: 200000, Checks: checks, Symmetry: true, POR: true})
			if want.Verdict != got.Verdict && want.Verdict != explore.Incomplete {
				fail("checks %v: %v with symmetry and partial-order reduction, %v without", checks, got.Verdict, want.Verdict)
			}
			checkRealTrace(t, sys, got)
		}
	}
	t.Logf("%d specs: %d accepted (%d of them reduced), %d refused", n, accepted, reduced, refused)
	if accepted < n/3 || refused == 0 || reduced == 0 {
		t.Errorf("the generator does not exercise the reduction: %d accepted, %d reduced, %d refused", accepted, reduced, refused)
	}
}
