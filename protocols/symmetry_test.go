package protocols

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ipicheck/ipicheck/explore"
	"github.com/ipicheck/ipicheck/model"
)

// symmetricCases are symmetric specs with params: the symmetric
// testdata, and the scale protocol of bench/ with a variant that loses
// the RTC rescue (a hang).
func symmetricCases(t *testing.T) []symCase {
	t.Helper()
	var cases []symCase
	files, _ := filepath.Glob("testdata/symmetric/*.ipi")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, cpus := range []string{"2", "3"} {
			cases = append(cases, symCase{f, src, map[string]string{"CPUS": cpus}})
		}
	}
	scale, err := os.ReadFile("../bench/scale.ipi")
	if err != nil {
		t.Fatal(err)
	}
	noRescue := []byte(strings.Replace(string(scale), "interrupt rtc level 5 timer {\n    handle_ipi();", "interrupt rtc level 5 timer {\n    skip;", 1))
	if string(noRescue) == string(scale) {
		t.Fatal("scale.ipi: the rtc handler is not where the test looks for it")
	}
	for _, p := range [][2]string{{"2", "1"}, {"3", "1"}, {"2", "2"}} {
		set := map[string]string{"CPUS": p[0], "ROUNDS": p[1]}
		cases = append(cases, symCase{"scale.ipi", scale, set}, symCase{"scale_norescue.ipi", noRescue, set})
	}
	return cases
}

type symCase struct {
	name string
	src  []byte
	set  map[string]string
}

func (c symCase) String() string {
	var kv []string
	for k, v := range c.set {
		kv = append(kv, k+"="+v)
	}
	slices.Sort(kv)
	return c.name + " " + strings.Join(kv, ",")
}

// classCounter is a System that counts the classes of the states the full
// search expands: their canonical forms.
type classCounter struct {
	*model.System
	classes map[string]bool
}

func (c *classCounter) Successors(cur []int32, yield func(uint32, []int32, error) bool) {
	st := slices.Clone(cur)
	c.Canonicalize(st, make([]uint8, c.NCPU))
	key := make([]byte, 0, 4*len(st))
	for _, v := range st {
		key = binary.LittleEndian.AppendUint32(key, uint32(v))
	}
	c.classes[string(key)] = true
	c.System.Successors(cur, yield)
}

// TestSymmetryMatchesFullSearch checks symmetry reduction against the full
// search: the same verdict, counterexamples of the same length, as many
// states as the full search has classes when it explores everything, the
// same count with 2 workers and in fingerprint mode, and traces that are
// executions of the spec.
func TestSymmetryMatchesFullSearch(t *testing.T) {
	for _, c := range symmetricCases(t) {
		t.Run(c.String(), func(t *testing.T) {
			sys, err := model.Load(c.name, c.src, c.set)
			if err != nil {
				t.Fatal(err)
			}
			if probs := sys.SymmetryProblems(); len(probs) > 0 {
				t.Fatalf("not symmetric:\n%v", probs)
			}
			counter := &classCounter{System: sys, classes: map[string]bool{}}
			full := explore.Run(context.Background(), counter, explore.Options{Workers: 1})
			red := explore.Run(context.Background(), sys, explore.Options{Workers: 1, Symmetry: true})
			if full.Verdict != red.Verdict {
				t.Fatalf("verdict %v with symmetry, %v without", red.Verdict, full.Verdict)
			}
			if len(full.Trace) != len(red.Trace) || len(full.Cycle) != len(red.Cycle) {
				t.Errorf("trace %d+%d steps with symmetry, %d+%d without", len(red.Trace), len(red.Cycle), len(full.Trace), len(full.Cycle))
			}
			if full.Verdict == explore.Verified || full.Verdict == explore.Hang {
				if got, want := red.Stats.States, int64(len(counter.classes)); got != want {
					t.Errorf("%d states with symmetry, the full search's %d states fall in %d classes", got, full.Stats.States, want)
				}
			}
			if red.Stats.States > full.Stats.States {
				t.Errorf("symmetry stored more states (%d) than the full search (%d)", red.Stats.States, full.Stats.States)
			}
			if full.UnmetGoals != red.UnmetGoals && full.Verdict == explore.Hang {
				// Both name CPUs of real states; they may differ only by
				// the run they picked, not in how many CPUs hang.
				if popcount(full.UnmetGoals) != popcount(red.UnmetGoals) {
					t.Errorf("unmet goals %b with symmetry, %b without", red.UnmetGoals, full.UnmetGoals)
				}
			}
			checkRealTrace(t, sys, red)
			for _, opt := range []explore.Options{{Workers: 2, Symmetry: true}, {Workers: 1, Symmetry: true, Fingerprint: true}} {
				r := explore.Run(context.Background(), sys, opt)
				if r.Verdict != red.Verdict || r.Stats.States != red.Stats.States || len(r.Trace) != len(red.Trace) {
					t.Errorf("workers %d fingerprint %v: %v, %d states, trace %d; sequential exact: %v, %d, %d",
						opt.Workers, opt.Fingerprint, r.Verdict, r.Stats.States, len(r.Trace), red.Verdict, red.Stats.States, len(red.Trace))
				}
				checkRealTrace(t, sys, r)
			}
			dfs := explore.Run(context.Background(), sys, explore.Options{Search: explore.DFS, Symmetry: true})
			if dfs.Verdict != red.Verdict {
				t.Errorf("DFS with symmetry: %v, BFS: %v", dfs.Verdict, red.Verdict)
			}
			checkRealTrace(t, sys, dfs)
		})
	}
}

func popcount(g uint64) int {
	n := 0
	for ; g != 0; g &= g - 1 {
		n++
	}
	return n
}

// checkRealTrace checks that the trace (and cycle) of r is a path of the
// spec's own state graph from its initial state, and that the cycle
// closes, and for a violation by a transition that the last state has it.
func checkRealTrace(t *testing.T, sys *model.System, r explore.Result) {
	t.Helper()
	if len(r.Trace) == 0 {
		return
	}
	if !slices.Equal(r.Trace[0].State, sys.Initial()) {
		t.Fatalf("the trace does not start in the initial state")
	}
	steps := append(slices.Clone(r.Trace), r.Cycle...)
	for i := 1; i < len(steps); i++ {
		ok := false
		sys.Successors(steps[i-1].State, func(label uint32, next []int32, fail error) bool {
			if fail == nil && label == steps[i].Label && slices.Equal(next, steps[i].State) {
				ok = true
				return false
			}
			return true
		})
		if !ok {
			t.Fatalf("step %d of the trace is no transition of the spec", i)
		}
	}
	last := r.Trace[len(r.Trace)-1].State
	if len(r.Cycle) > 0 && !slices.Equal(r.Cycle[len(r.Cycle)-1].State, last) {
		t.Errorf("the cycle does not come back to the last state of the trace")
	}
	if r.HasFailLabel {
		ok := false
		sys.Successors(last, func(label uint32, _ []int32, fail error) bool {
			ok = ok || label == r.FailLabel && fail != nil
			return true
		})
		if !ok {
			t.Errorf("the failing label is no failing transition of the last state")
		}
	}
}

// TestSymmetryRefused checks that what breaks symmetry is reported, at
// its place, and that symmetric specs report nothing.
func TestSymmetryRefused(t *testing.T) {
	head := "protocol p;\nparam CPUS = 3;\n"
	tests := []struct {
		name, body, want string
	}{
		{"me compared with a constant", "var x: bool;\nthread t on all { if (me == 0) { x = true; } }\n", "comparing a CPU id with the constant 0"},
		{"CPU arithmetic", "percpu var n: 0..9;\nthread t on all { n = me + 1; }\n", "+ uses a CPU id as a number"},
		{"CPU order", "var x: bool;\nthread t on all { x = me < 2; }\n", "< uses a CPU id as a number"},
		{"constant copy", "percpu var b: bool;\nthread t on all { b[1] = true; }\n", "selecting a CPU's copy of b with the constant 1"},
		{"int as CPU", "var i: 0..2;\npercpu var b: bool;\nthread t on all { b[i] = true; }\n", "selecting a CPU's copy of b with a value of type 0..2"},
		{"CPU stored as int", "percpu var n: 0..2;\nthread t on all { n = me; }\n", "storing into a 0..2 variable uses a CPU id as a number"},
		{"[N] array by CPU", "var a: [3]bool;\nthread t on all { a[me] = true; }\n", "indexing the array a uses a CPU id as a number"},
		{"loop with steps", "percpu var b: bool;\nthread t on all { for (c in others) { b[c] = true; } }\n", "this loop over CPUs takes steps"},
		{"loop writes shared", "var flag: bool;\nthread t on all { atomic { for (c in others) { flag = true; } } }\n", "writes flag, which it does not index"},
		{"loop reads what it writes", "var a: [cpu]bool;\nthread t on all { atomic { for (c in others) { a[c] = a[me]; } } }\n", "reads a at another CPU's index"},
		{"loop breaks", "var a: [cpu]bool;\nthread t on all { atomic { for (c in others) { if (a[c]) { break; } } } }\n", "break leaves the loop over CPUs"},
		{"asymmetric initial state", "var owner: cpu;\nthread t on all { owner = me; }\n", "the initial state is not symmetric"},
		{"raise to a constant", "interrupt ipi level 1 { }\nthread t on all { raise(2, ipi); }\n", "raise() with the constant 2"},
		{"invariant names a CPU", "percpu var b: bool;\nthread t on all { b = true; }\ninvariant i: !b[0];\n", "with the constant 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sys, err := model.Load("p.ipi", []byte(head+tt.body), nil)
			if err != nil {
				t.Fatal(err)
			}
			probs := sys.SymmetryProblems()
			if !strings.Contains(probs.Error(), tt.want) {
				t.Errorf("problems:\n%v\nwant one containing %q", probs, tt.want)
			}
			for _, p := range probs {
				if p.Pos.Line < 1 || !strings.Contains(p.Error(), "^") {
					t.Errorf("problem without a position and caret: %v", p)
				}
			}
		})
	}
	fine := map[string]string{
		"pinned sender": "var x: bool;\ninterrupt ipi level 1 { x = true; }\nthread s on cpu 0 { raise(1, ipi); }\nthread r on 1..1 { skip; }\n",
		"cpu variables": "var owner: cpu = 0;\nvar locked: bool;\nthread t on cpu 0 { atomic { await !locked; locked = true; owner = me; } }\n",
		"quantifiers":   "percpu var b: bool;\nthread t on all { b = true; await forall (c in cpus) b[c]; }\ninvariant i: forall (c in cpus) b[c] || !b[c];\n",
		"atomic loop":   "percpu var b: [cpu]bool;\nthread t on all { atomic { for (c in others) { b[c][me] = true; } } }\n",
	}
	for name, body := range fine {
		sys, err := model.Load("p.ipi", []byte(head+body), nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if probs := sys.SymmetryProblems(); len(probs) > 0 {
			t.Errorf("%s: symmetric, but:\n%v", name, probs)
		}
	}
	files, _ := filepath.Glob("testdata/asymmetric/*.ipi")
	if len(files) == 0 {
		t.Fatal("no testdata/asymmetric specs")
	}
	for _, f := range files {
		src, _ := os.ReadFile(f)
		sys, err := model.Load(f, src, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(sys.SymmetryProblems()) == 0 {
			t.Errorf("%s: taken for symmetric", f)
		}
	}
}
