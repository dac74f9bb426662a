package protocols_test

import (
	"context"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ipicheck/ipicheck/explore"
	"github.com/ipicheck/ipicheck/model"
)

// Partial-order reduction (explore.Options.POR) must give the verdict of
// the full search: these tests compare the two on every built-in
// protocol with every combination of its matrix, on a fixture with
// private work, and on random specs.

// porCheckSets are the check sets compared: each check alone, and all.
var porCheckSets = []explore.Check{explore.CheckAll, explore.CheckDeadlock, explore.CheckSafety, explore.CheckHang}

// comparePOR runs sys with each check set with and without POR and
// reports a difference in verdict. A complete reduced search must store
// no more states than the full one. It returns the full and reduced
// runs with the first check set.
//
// Each property is preserved, but when a spec has counterexamples of
// several kinds, a search that checks them all reports the first it
// finds, and the reduced search, which reaches states by other paths,
// may find another kind first: a deadlock rather than a violation. So
// with several checks two verdicts may differ if both are failures that
// the full search finds when it checks for that kind alone (present).
func comparePOR(t *testing.T, sys *model.System, what string, sets []explore.Check, opt explore.Options) (full, por explore.Result) {
	t.Helper()
	for i, checks := range sets {
		o := opt
		o.Checks = checks
		f := explore.Run(context.Background(), sys, o)
		o.POR = true
		r := explore.Run(context.Background(), sys, o)
		if i == 0 {
			full, por = f, r
		}
		if err := realRun(sys, r); err != nil {
			t.Errorf("%s, checks %v, --por: %v", what, checks, err)
		}
		if f.Verdict == explore.Incomplete || r.Verdict == explore.Incomplete {
			continue
		}
		if f.Verdict != r.Verdict && !(bits.OnesCount8(uint8(checks)) > 1 && present(sys, f.Verdict, opt) && present(sys, r.Verdict, opt)) {
			t.Errorf("%s, checks %v: verdict %v (%v) with --por, %v (%v) without", what, checks, r.Verdict, r.Failure, f.Verdict, f.Failure)
			continue
		}
		if f.Stats.Reduced != 0 {
			t.Errorf("%s: %d states reduced without --por", what, f.Stats.Reduced)
		}
		complete := f.Verdict == explore.Verified || f.Verdict == explore.Hang || f.Verdict == explore.Uncovered
		if complete && r.Stats.States > f.Stats.States {
			t.Errorf("%s, checks %v: %d states with --por, %d without", what, checks, r.Stats.States, f.Stats.States)
		}
	}
	return full, por
}

// present reports whether the full search finds a failure of kind v
// when it checks for that kind alone.
func present(sys *model.System, v explore.Verdict, opt explore.Options) bool {
	switch v {
	case explore.Deadlock:
		opt.Checks = explore.CheckDeadlock
	case explore.Violation:
		opt.Checks = explore.CheckSafety
	default:
		return false
	}
	return explore.Run(context.Background(), sys, opt).Verdict == v
}

// realRun checks that the trace and cycle of r are runs of sys: each
// step's state is the successor by its label of the state before.
func realRun(sys explore.System, r explore.Result) error {
	steps := append(append([]explore.Step(nil), r.Trace...), r.Cycle...)
	if len(steps) == 0 {
		return nil
	}
	if !slices.Equal(steps[0].State, sys.Initial()) {
		return fmt.Errorf("the trace does not start in the initial state")
	}
	for i := 1; i < len(steps); i++ {
		found := false
		sys.Successors(steps[i-1].State, func(label uint32, next []int32, fail error) bool {
			found = fail == nil && label == steps[i].Label && slices.Equal(next, steps[i].State)
			return !found
		})
		if !found {
			return fmt.Errorf("step %d (label %#x) is no transition of the state before", i, steps[i].Label)
		}
	}
	if len(r.Cycle) > 0 && !slices.Equal(r.Cycle[len(r.Cycle)-1].State, r.Trace[len(r.Trace)-1].State) {
		return fmt.Errorf("the cycle does not end where the trace does")
	}
	return nil
}

// matrixRuns returns the param combinations ipicheck test runs a spec
// with: every combination of its matrix's values.
func matrixRuns(t *testing.T, file string, src []byte) []map[string]string {
	t.Helper()
	sys, err := model.Load(file, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	runs := []map[string]string{{}}
	for _, m := range sys.Matrix() {
		var next []map[string]string
		for _, set := range runs {
			for _, v := range m.Values {
				s := map[string]string{m.Name: v}
				for k, x := range set {
					s[k] = x
				}
				next = append(next, s)
			}
		}
		runs = next
	}
	return runs
}

// TestPORProtocols compares, for every built-in protocol and every
// combination of its matrix, the verdict with and without POR, with all
// checks; and with each check alone for the combinations whose full
// search stores at most 50000 states. Under -short it compares all
// checks only, and leaves out the combinations of more than 150000
// states (4 of the 124).
func TestPORProtocols(t *testing.T) {
	files, err := filepath.Glob("*.ipi")
	if err != nil {
		t.Fatal(err)
	}
	var full, reduced, fewer, reducedStates atomic.Int64
	t.Cleanup(func() {
		f, r := full.Load(), reduced.Load()
		t.Logf("POR on the built-in protocols: %d states without, %d with (%.1f%%), %d runs smaller, %d states reduced", f, r, 100*float64(r)/float64(max(f, 1)), fewer.Load(), reducedStates.Load())
	})
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, set := range matrixRuns(t, file, src) {
			name := file + " " + params(set)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				sys, err := model.Load(file, src, set)
				if err != nil {
					t.Fatal(err)
				}
				opt := explore.Options{Workers: 1}
				if testing.Short() {
					opt.MaxStates = 150000
				}
				f, r := comparePOR(t, sys, name, porCheckSets[:1], opt)
				if f.Stats.States <= 50000 && !testing.Short() {
					comparePOR(t, sys, name, porCheckSets[1:], opt)
				}
				if x := sys.Expected(); x != nil && r.Verdict != explore.Incomplete && !strings.EqualFold(x.Verdict, r.Verdict.String()) {
					t.Errorf("%s: %v with --por, expected %s", name, r.Verdict, x.Verdict)
				}
				if f.Verdict == explore.Incomplete {
					return
				}
				full.Add(f.Stats.States)
				reduced.Add(r.Stats.States)
				reducedStates.Add(r.Stats.Reduced)
				if r.Stats.States < f.Stats.States {
					fewer.Add(1)
				}
			})
		}
	}
}

// TestPORFixture checks that POR shrinks the state space of a protocol
// whose CPUs work on private per-CPU data, with the same verdict, and the
// same with a level-synchronous search, fingerprints and DFS.
func TestPORFixture(t *testing.T) {
	file := filepath.Join("testdata", "por_scratch.ipi")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, cpus := range []string{"2", "3"} {
		sys, err := model.Load(file, src, map[string]string{"CPUS": cpus})
		if err != nil {
			t.Fatal(err)
		}
		if p, _ := sys.PrivateInstructions(); p == 0 {
			t.Fatal("no private instruction")
		}
		for _, opt := range []explore.Options{{Workers: 1}, {Workers: 2}, {Fingerprint: true}, {Search: explore.DFS}} {
			f, r := comparePOR(t, sys, "por_scratch CPUS="+cpus, porCheckSets, opt)
			if f.Verdict != explore.Verified {
				t.Fatalf("verdict %v (%v)", f.Verdict, f.Failure)
			}
			if r.Stats.Reduced == 0 || r.Stats.States*2 > f.Stats.States {
				t.Errorf("CPUS=%s %+v: %d states with --por (%d reduced), %d without: expected fewer than half", cpus, opt, r.Stats.States, r.Stats.Reduced, f.Stats.States)
			}
			t.Logf("por_scratch CPUS=%s search %v workers %d fingerprint %v: %d states without --por, %d with (%.1f%%), %d reduced",
				cpus, opt.Search, opt.Workers, opt.Fingerprint, f.Stats.States, r.Stats.States, 100*float64(r.Stats.States)/float64(f.Stats.States), r.Stats.Reduced)
		}
	}
}

// TestRandomSpecsCompile checks that the generator writes valid specs.
func TestRandomSpecsCompile(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 500 {
		opts := randOpts{Symmetric: i%4 == 0, NoInterrupts: i%7 == 0}
		src := randomSpec(rng, opts)
		if _, err := model.Load("random.ipi", []byte(src), nil); err != nil {
			t.Fatalf("spec %d does not compile: %v\n%s", i, err, src)
		}
	}
}

// TestPORRandom compares the verdicts with and without POR of random
// specs, for each check alone and all of them: deadlock, safety and hang
// verdicts alike, with BFS and DFS. It fails with the spec that differs.
// $IPICHECK_RANDOM_SPECS sets the number of specs (400, 100 with -short),
// $IPICHECK_RANDOM_SEED the seed (7).
func TestPORRandom(t *testing.T) {
	n := 400
	if testing.Short() {
		n = 100
	}
	if v, err := strconv.Atoi(os.Getenv("IPICHECK_RANDOM_SPECS")); err == nil && v > 0 {
		n = v // a longer run: IPICHECK_RANDOM_SPECS=5000 go test -run TestPORRandom ./protocols
	}
	seed := uint64(7)
	if v, err := strconv.ParseUint(os.Getenv("IPICHECK_RANDOM_SEED"), 10, 64); err == nil {
		seed = v
	}
	rng := rand.New(rand.NewPCG(seed, 11))
	verdicts := map[explore.Verdict]int{}
	var specsReduced, reduced, full, por int64
	for i := range n {
		opts := randOpts{Symmetric: i%5 == 0, NoInterrupts: i%3 == 0, NoTimers: i%2 == 0}
		src := randomSpec(rng, opts)
		sys, err := model.Load("random.ipi", []byte(src), nil)
		if err != nil {
			t.Fatalf("spec %d does not compile: %v\n%s", i, err, src)
		}
		if i%4 == 0 {
			sameParallel(t, sys, fmt.Sprintf("random spec %d", i))
		}
		for _, opt := range []explore.Options{{Workers: 1, MaxStates: 30000}, {Search: explore.DFS, MaxStates: 30000}} {
			f, r := comparePOR(t, sys, fmt.Sprintf("random spec %d (%v)", i, opt.Search), porCheckSets, opt)
			if opt.Search == explore.BFS {
				verdicts[f.Verdict]++
				if r.Stats.Reduced > 0 {
					specsReduced++
				}
				reduced += r.Stats.Reduced
				if f.Verdict != explore.Incomplete && r.Verdict != explore.Incomplete {
					full += f.Stats.States
					por += r.Stats.States
				}
			}
		}
		if t.Failed() {
			t.Fatalf("random spec %d:\n%s", i, src)
		}
	}
	var vs []string
	for v, k := range verdicts {
		vs = append(vs, fmt.Sprintf("%v %d", v, k))
	}
	sort.Strings(vs)
	t.Logf("%d random specs: %s; POR reduced states in %d of them (%d states), %d states without, %d with", n, strings.Join(vs, ", "), specsReduced, reduced, full, por)
	if specsReduced < int64(n)/5 {
		t.Errorf("POR reduced states in only %d of %d specs: the test proves little", specsReduced, n)
	}
	for _, v := range []explore.Verdict{explore.Verified, explore.Deadlock, explore.Violation, explore.Hang} {
		if verdicts[v] == 0 {
			t.Errorf("no random spec gave %v", v)
		}
	}
}

// sameParallel checks that with POR the level-synchronous search and
// fingerprint mode give the sequential search's verdict, counts, reduced
// states and trace length (and, in exact mode, cycle length: fingerprint
// mode may pick another nearest state of a bad bottom SCC).
func sameParallel(t *testing.T, sys *model.System, what string) {
	t.Helper()
	seq := explore.Run(context.Background(), sys, explore.Options{Workers: 1, MaxStates: 30000, POR: true})
	for _, opt := range []explore.Options{{Workers: 2}, {Workers: 2, Fingerprint: true}} {
		opt.MaxStates, opt.POR = 30000, true
		r := explore.Run(context.Background(), sys, opt)
		s, p := seq.Stats, r.Stats
		if r.Verdict != seq.Verdict || p.States != s.States || p.Transitions != s.Transitions || p.Reduced != s.Reduced || len(r.Trace) != len(seq.Trace) ||
			!opt.Fingerprint && len(r.Cycle) != len(seq.Cycle) {
			t.Errorf("%s, --por, %d workers, fingerprint %v: %v, %d states, %d transitions, %d reduced, trace %d+%d; sequential: %v, %d, %d, %d, %d+%d",
				what, opt.Workers, opt.Fingerprint, r.Verdict, p.States, p.Transitions, p.Reduced, len(r.Trace), len(r.Cycle),
				seq.Verdict, s.States, s.Transitions, s.Reduced, len(seq.Trace), len(seq.Cycle))
		}
	}
}
