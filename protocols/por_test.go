package protocols_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
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
// runs with every check.
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
		if f.Verdict == explore.Incomplete || r.Verdict == explore.Incomplete {
			continue
		}
		if f.Verdict != r.Verdict {
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
// $IPICHECK_RANDOM_SPECS sets the number of specs (400, 100 with -short).
func TestPORRandom(t *testing.T) {
	n := 400
	if testing.Short() {
		n = 100
	}
	if v, err := strconv.Atoi(os.Getenv("IPICHECK_RANDOM_SPECS")); err == nil && v > 0 {
		n = v // a longer run: IPICHECK_RANDOM_SPECS=5000 go test -run TestPORRandom ./protocols
	}
	rng := rand.New(rand.NewPCG(7, 11))
	verdicts := map[explore.Verdict]int{}
	var specsReduced, reduced, full, por int64
	for i := range n {
		opts := randOpts{Symmetric: i%5 == 0, NoInterrupts: i%3 == 0, NoTimers: i%2 == 0}
		src := randomSpec(rng, opts)
		sys, err := model.Load("random.ipi", []byte(src), nil)
		if err != nil {
			t.Fatalf("spec %d does not compile: %v\n%s", i, err, src)
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
