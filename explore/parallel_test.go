package explore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/ipicheck/ipicheck/model"
	"github.com/ipicheck/ipicheck/state"
)

// equateErrors equates errors that are one or that read the same and are
// of one type: a model's errors are made anew by each run.
var equateErrors = cmp.Comparer(func(a, b error) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return sameError(a, b)
})

// parallelVariants are the worker counts and chunk sizes the
// level-synchronous search is compared with the sequential one in.
var parallelVariants = []struct{ workers, chunk int }{
	{1, 64}, {1, 1}, {2, 1}, {2, 64}, {4, 3}, {4, 64}, {8, 1}, {8, 3},
	{3, -2}, // a negative chunk size: -chunk, merging each level at its end
}

// checkParallel runs the breadth-first search of sys with opt on the
// sequential path (Workers 1) and level-synchronously with every
// parallel variant, and checks that all give the same result, but for
// timing and memory: verdict, counts, trace, cycle. It returns the
// sequential result.
func checkParallel(t *testing.T, name string, sys func() System, opt Options) Result {
	t.Helper()
	return checkVariants(t, name, sys, opt, parallelVariants)
}

// checkVariants is checkParallel with the given variants.
func checkVariants(t *testing.T, name string, sys func() System, opt Options, variants []struct{ workers, chunk int }) Result {
	t.Helper()
	opt.Workers = 1
	want := Run(context.Background(), sys(), opt)
	for _, v := range variants {
		o := opt
		o.Workers, o.parallel, o.chunkStates = v.workers, true, v.chunk
		if v.chunk < 0 {
			o.chunkStates, o.mergeAfter = -v.chunk, true
		}
		got := Run(context.Background(), sys(), o)
		if diff := cmp.Diff(want, got, ignoreTiming, equateErrors); diff != "" {
			t.Fatalf("%s: %d workers, chunks of %d: result (-sequential +parallel):\n%s", name, v.workers, v.chunk, diff)
		}
		if got.Stats.Workers != v.workers {
			t.Errorf("%s: Stats.Workers = %d, want %d", name, got.Stats.Workers, v.workers)
		}
	}
	return want
}

// checkFingerprint runs sys in fingerprint mode with one worker and with
// three, and checks the results against want, the exact one: the same
// verdict, counts and findings, and but for a hang the same trace (in
// fingerprint mode ids are slots of the fingerprint set, so among the
// nearest states of bad bottom SCCs the hang check may pick another). The
// two fingerprint runs must agree in everything.
func checkFingerprint(t *testing.T, name string, sys func() System, opt Options, want Result) {
	t.Helper()
	opt.Fingerprint = true
	var first Result
	for i, workers := range []int{1, 3} {
		o := opt
		o.Workers, o.chunkStates = workers, 5
		s := sys()
		got := Run(context.Background(), s, o)
		checkTrace(t, s, got)
		ignore := []string{"Trace", "Cycle", "UnmetGoals", "Stats"}
		if want.Verdict != Hang {
			ignore = []string{"Stats"}
		}
		if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Result{}, ignore...), equateErrors); diff != "" {
			t.Fatalf("%s: fingerprint mode, %d workers: result (-exact +fingerprint):\n%s", name, workers, diff)
		}
		if diff := cmp.Diff(want.Stats, got.Stats, ignoreTiming, ignoreSweeps); diff != "" {
			t.Fatalf("%s: fingerprint mode, %d workers: stats (-exact +fingerprint):\n%s", name, workers, diff)
		}
		if p := state.MissProbability(got.Stats.States); got.Stats.MissProbability != p {
			t.Errorf("%s: MissProbability = %g, want %g", name, got.Stats.MissProbability, p)
		}
		if i == 0 {
			first = got
		} else if diff := cmp.Diff(first, got, ignoreTiming, equateErrors); diff != "" {
			t.Fatalf("%s: fingerprint mode: result (-1 worker +3 workers):\n%s", name, diff)
		}
	}
}

func TestParallelRunTests(t *testing.T) {
	for _, tt := range runTests {
		want := checkParallel(t, tt.name, tt.sys, Options{})
		checkFingerprint(t, tt.name, tt.sys, Options{}, want)
	}
}

func TestParallelLimits(t *testing.T) {
	for _, tt := range limitTests {
		want := checkParallel(t, tt.name, tt.sys, tt.opt)
		checkFingerprint(t, tt.name, tt.sys, tt.opt, want)
	}
}

func TestParallelHang(t *testing.T) {
	for _, tt := range hangTests {
		want := checkParallel(t, tt.name, tt.sys, tt.opt)
		checkFingerprint(t, tt.name, tt.sys, tt.opt, want)
	}
}

// TestParallelCounters runs counters with limits that fall inside a level
// and across chunks, and with every combination of checks.
func TestParallelCounters(t *testing.T) {
	for _, tt := range []struct {
		name string
		sys  func() System
		opt  Options
	}{
		{"counters", func() System { return &counters{n: 5, k: 4} }, Options{}},
		{"max-states mid-level", func() System { return &counters{n: 5, k: 4} }, Options{MaxStates: 300}},
		{"max-states mid-level, wrapping", func() System { return &counters{n: 5, k: 4, wrap: true} }, Options{MaxStates: 777}},
		{"max-depth", func() System { return &counters{n: 5, k: 4, wrap: true} }, Options{MaxDepth: 6}},
		{"invariant", func() System { return &counters{n: 5, k: 4, badSum: 9} }, Options{}},
		{"invariant off", func() System { return &counters{n: 5, k: 4, badSum: 9} }, Options{Checks: CheckDeadlock}},
		{"spinner", func() System { return &spinner{counters: counters{n: 5, k: 3}, tick: true, stuck: true} }, Options{}},
		{"spinner, hang off", func() System { return &spinner{counters: counters{n: 5, k: 3}, tick: true, stuck: true} }, Options{Checks: CheckSafety}},
	} {
		want := checkParallel(t, tt.name, tt.sys, tt.opt)
		checkFingerprint(t, tt.name, tt.sys, tt.opt, want)
	}
}

// TestParallelRandomGraphs compares the searches on random graphs with
// counterexamples of every kind, and with liveness, under every set of
// checks.
func TestParallelRandomGraphs(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 3))
	n := 250
	if testing.Short() {
		n = 50
	}
	for i := range n {
		g := randomGraph(r, 1+r.IntN(4), i%3 != 0)
		checks := Check(1 + r.IntN(int(CheckAll)))
		sys := func() System { return g }
		opt := Options{Checks: checks}
		if i%5 == 0 {
			opt.MaxStates = 1 + r.IntN(len(g.adj))
		}
		if i%7 == 0 {
			opt.MaxDepth = 1 + r.IntN(6)
		}
		name := fmt.Sprintf("graph %d, checks %v", i, checks)
		want := checkParallel(t, name, sys, opt)
		checkFingerprint(t, name, sys, opt, want)

		lg := randomLiveGraph(r, i%2 == 0)
		lsys := func() System { return lg }
		name = fmt.Sprintf("live graph %d, checks %v", i, checks)
		want = checkParallel(t, name, lsys, Options{Checks: checks})
		checkFingerprint(t, name, lsys, Options{Checks: checks}, want)
	}
}

// protocolRuns are small configurations of the shipped protocols, with
// every verdict.
var protocolRuns = []struct {
	file string
	set  map[string]string
	big  bool // thousands of states: skipped under the race detector
}{
	{"alpha_sync_ipi.ipi", nil, false},
	{"alpha_sync_ipi.ipi", map[string]string{"CPUS": "3"}, true},
	{"alpha_sync_ipi.ipi", map[string]string{"LOCK": "drain"}, false},
	{"alpha_sync_ipi.ipi", map[string]string{"IRQS_OFF": "false", "DRAIN": "review"}, false},
	{"alpha_lost_edge.ipi", nil, false},
	{"alpha_lost_edge.ipi", map[string]string{"CPUS": "3"}, true},
	{"onstack_csd_mtrr_2009.ipi", nil, false},
	{"onstack_csd_mtrr_2009.ipi", map[string]string{"FIX": "release"}, false},
	{"onstack_csd_mtrr_2009.ipi", map[string]string{"FIX": "nowait"}, false},
	{"smp_call_irqs_off_2008.ipi", map[string]string{"CPUS": "3"}, false},
	{"smp_call_irqs_off_2008.ipi", map[string]string{"FIX": "poll"}, false},
	{"smp_call_irqs_off_2008.ipi", map[string]string{"IRQS_OFF": "false", "IMPL": "x86"}, false},
}

// loadProtocol compiles a shipped protocol with the given params.
func loadProtocol(t testing.TB, file string, set map[string]string) *model.System {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "protocols", file))
	if err != nil {
		t.Fatal(err)
	}
	sys, err := model.Load(file, src, set)
	if err != nil {
		t.Fatalf("%s %v: %v", file, set, err)
	}
	return sys
}

// TestParallelProtocols compares the searches on the real protocols,
// whose System is safe for concurrent use: its Successors takes a
// machine from a pool.
func TestParallelProtocols(t *testing.T) {
	verdicts := map[Verdict]bool{}
	// The models are slow under the race detector: fewer variants, with
	// 1, 2, 4 and 8 workers still.
	variants := []struct{ workers, chunk int }{{1, 64}, {2, 5}, {4, 64}, {8, 2}}
	for _, pr := range protocolRuns {
		if pr.big && raceEnabled {
			continue
		}
		start := time.Now()
		sys := loadProtocol(t, pr.file, pr.set)
		name := fmt.Sprintf("%s %v", pr.file, pr.set)
		want := checkVariants(t, name, func() System { return sys }, Options{}, variants)
		checkTrace(t, sys, want)
		checkFingerprint(t, name, func() System { return sys }, Options{}, want)
		verdicts[want.Verdict] = true
		t.Logf("%s: %v, %d states, %v", name, want.Verdict, want.Stats.States, time.Since(start))
	}
	for _, v := range []Verdict{Verified, Deadlock, Hang} {
		if !verdicts[v] {
			t.Errorf("no protocol run ends %v", v)
		}
	}
}

func TestFingerprintDFS(t *testing.T) {
	got := Run(context.Background(), &counters{n: 3, k: 3}, Options{Search: DFS, Fingerprint: true})
	if got.Verdict != Incomplete || got.Incomplete != "fingerprint mode needs BFS" {
		t.Errorf("got %v %q", got.Verdict, got.Incomplete)
	}
}

// TestFingerprintBytes checks that fingerprint mode stores at most 16
// bytes a state, parent links included, and reports its collision risk.
func TestFingerprintBytes(t *testing.T) {
	r := Run(context.Background(), &counters{n: 8, k: 4}, Options{Fingerprint: true})
	s := r.Stats
	if r.Verdict != Verified || s.States != 1<<16 {
		t.Fatalf("got %v after %d states", r.Verdict, s.States)
	}
	if s.BytesPerState > 16 || s.BytesPerState < 12 {
		t.Errorf("BytesPerState = %.2f", s.BytesPerState)
	}
	if want := float64(1<<16) * (1<<16 - 1) / (1 << 62) / 8; s.MissProbability != want {
		t.Errorf("MissProbability = %g, want %g", s.MissProbability, want)
	}
	if s.QueueBytes <= 0 {
		t.Errorf("QueueBytes = %d", s.QueueBytes)
	}
	exact := Run(context.Background(), &counters{n: 8, k: 4}, Options{})
	if exact.Stats.MissProbability != 0 || exact.Stats.BytesPerState < 2+8 {
		t.Errorf("exact mode: MissProbability %g, BytesPerState %.2f", exact.Stats.MissProbability, exact.Stats.BytesPerState)
	}
}

// TestFingerprintSeed checks that the seed changes the fingerprints but
// not the outcome.
func TestFingerprintSeed(t *testing.T) {
	sys := &counters{n: 4, k: 3, badSum: 6}
	a := Run(context.Background(), sys, Options{Fingerprint: true, Seed: 1})
	b := Run(context.Background(), sys, Options{Fingerprint: true, Seed: 2})
	if diff := cmp.Diff(a, b, ignoreTiming, equateErrors); diff != "" {
		t.Errorf("seeds 1 and 2 (-1 +2):\n%s", diff)
	}
	p := sys.Layout().Pack(nil, []int32{1, 2, 0, 1})
	if state.HashSeed(p, 1) == state.HashSeed(p, 2) || state.HashSeed(p, 0) != state.Hash(p) {
		t.Error("HashSeed ignores its seed")
	}
}

// panicky panics when it expands state 5 of a chain.
type panicky struct{ *graph }

func (p panicky) Successors(cur []int32, yield func(uint32, []int32, error) bool) {
	if p.node(cur) == 5 {
		panic("panicky")
	}
	p.graph.Successors(cur, yield)
}

// TestParallelPanic checks that a panic of the System in a worker
// reaches the caller of Run, as it does from the sequential search.
func TestParallelPanic(t *testing.T) {
	adj := make([][]int32, 40)
	for i := range adj {
		adj[i] = []int32{int32((i + 1) % 40), int32((i + 2) % 40)}
	}
	for _, v := range parallelVariants[:8] {
		for _, fp := range []bool{false, true} {
			func() {
				defer func() {
					if p := recover(); p != "panicky" {
						t.Errorf("%d workers, fingerprint %v: recovered %v", v.workers, fp, p)
					}
				}()
				Run(context.Background(), panicky{&graph{adj: adj}},
					Options{Workers: v.workers, parallel: true, chunkStates: v.chunk, Fingerprint: fp})
			}()
		}
	}
}

// TestParallelStops checks timeouts, interrupts and progress lines of the
// level-synchronous search.
func TestParallelStops(t *testing.T) {
	for _, fp := range []bool{false, true} {
		opt := Options{Workers: 3, Fingerprint: fp, Timeout: 100 * time.Millisecond}
		got := Run(context.Background(), big(), opt)
		if got.Verdict != Incomplete || got.Incomplete != "timeout 100ms" || got.Stats.States < 2 {
			t.Errorf("fingerprint %v: got %v %q after %d states", fp, got.Verdict, got.Incomplete, got.Stats.States)
		}

		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		opt = Options{Workers: 3, Fingerprint: fp}
		if got := Run(ctx, big(), opt); got.Verdict != Incomplete || got.Incomplete != "interrupted" {
			t.Errorf("fingerprint %v: context canceled during the run: got %v %q", fp, got.Verdict, got.Incomplete)
		}

		// Only the coordinator polls, between chunks: with more workers
		// than CPUs, as here on small machines, it may miss some ticks.
		var out strings.Builder
		opt = Options{Workers: 3, Fingerprint: fp, Timeout: 200 * time.Millisecond, Progress: &out, ProgressInterval: 20 * time.Millisecond}
		Run(context.Background(), big(), opt)
		if n := strings.Count(out.String(), " states/s "); n < 2 {
			t.Errorf("fingerprint %v: %d progress lines in %q", fp, n, out.String())
		}
	}
}

// TestParallelCoverage checks that coverage sees the states every worker
// expands.
func TestParallelCoverage(t *testing.T) {
	// A chain 0→1→…→299 but for 9, which is unreachable.
	adj := make([][]int32, 300)
	for i := range adj[:299] {
		adj[i] = []int32{int32(i + 1)}
	}
	adj[8], adj[9] = []int32{10}, nil
	g := &graph{adj: adj, done: nodes(299)}
	for _, fp := range []bool{false, true} {
		for _, v := range parallelVariants[:8] {
			opt := Options{Workers: v.workers, parallel: true, chunkStates: v.chunk, Fingerprint: fp}
			r := Run(context.Background(), coveredGraph{g, []int32{0, 7, 9}}, opt)
			if r.Verdict != Uncovered || !cmp.Equal(r.Uncovered, []string{"state 9"}) {
				t.Errorf("%+v: got %v, uncovered %v", v, r.Verdict, r.Uncovered)
			}
		}
	}
}

// TestFingerprintHangLasso checks that the hang check of fingerprint mode
// gives a lasso as short as exact mode's, and a valid one.
func TestFingerprintHangLasso(t *testing.T) {
	sys := &spinner{counters: counters{n: 6, k: 3}, tick: true, stuck: true}
	exact := Run(context.Background(), sys, Options{})
	fp := Run(context.Background(), sys, Options{Fingerprint: true})
	checkTrace(t, sys, fp)
	if fp.Verdict != Hang || len(fp.Trace) != len(exact.Trace) || len(fp.Cycle) != len(exact.Cycle) {
		t.Errorf("fingerprint mode: %v, trace %d cycle %d; exact: %v, trace %d cycle %d",
			fp.Verdict, len(fp.Trace), len(fp.Cycle), exact.Verdict, len(exact.Trace), len(exact.Cycle))
	}
	if fp.Stats.HangBytes <= 0 || fp.Stats.HangCheck <= 0 {
		t.Errorf("hang stats %+v", fp.Stats)
	}
}
