package explore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ipicheck/ipicheck/model"
	"github.com/ipicheck/ipicheck/state"
)

// workers is a System with a Reducer: n processes, each counting up a
// private counter c[i] to k-1 (private steps), then publishing once,
// pub[i] = 1, a public step. With wrap a process that has published
// counts round again forever, a cycle of private steps that the cycle
// proviso must not let hide the other processes' steps. The invariant
// fails when badPubs processes have published. Each process has a goal,
// met once it has published; with stuck, process 0 never publishes but
// counts round forever: a hang.
type workers struct {
	n, k    int
	wrap    bool
	badPubs int
	stuck   bool

	layout *state.Layout
	next   scratch
}

var errPubs = errors.New("too many published")

func (w *workers) Layout() *state.Layout {
	if w.layout == nil {
		slots := make([]state.Slot, 2*w.n)
		for i := range w.n {
			slots[i] = state.Slot{Name: fmt.Sprintf("c%d", i), Min: 0, Max: int32(w.k - 1)}
			slots[w.n+i] = state.Slot{Name: fmt.Sprintf("pub%d", i), Min: 0, Max: 1}
		}
		w.layout = state.NewLayout(slots)
	}
	return w.layout
}

func (w *workers) Initial() []int32 { return make([]int32, 2*w.n) }

// step computes process i's transition in cur into next: its label,
// whether it is private, and ok false if it has none.
func (w *workers) step(cur, next []int32, i int) (label uint32, private, ok bool) {
	copy(next, cur)
	top := int32(w.k - 1)
	switch {
	case cur[i] < top:
		next[i]++
		return uint32(i), true, true
	case cur[w.n+i] == 0 && !(w.stuck && i == 0):
		next[w.n+i] = 1
		if w.wrap {
			next[i] = 0
		}
		return uint32(w.n + i), false, true
	case w.wrap || (w.stuck && i == 0):
		next[i] = 0
		return uint32(i), true, true
	}
	return 0, false, false
}

func (w *workers) Successors(cur []int32, yield func(uint32, []int32, error) bool) {
	p := w.next.get(2 * w.n)
	defer w.next.put(p)
	for i := range w.n {
		if label, _, ok := w.step(cur, *p, i); ok && !yield(label, *p, nil) {
			return
		}
	}
}

func (w *workers) PrivateStep(cur []int32, try func(uint32, []int32) bool) bool {
	p := w.next.get(2 * w.n)
	defer w.next.put(p)
	for i := range w.n {
		if label, private, ok := w.step(cur, *p, i); ok && private {
			return try(label, *p)
		}
	}
	return false
}

func (w *workers) Check(st []int32) error {
	n := 0
	for _, v := range st[w.n:] {
		n += int(v)
	}
	if w.badPubs > 0 && n >= w.badPubs {
		return errPubs
	}
	return nil
}

func (w *workers) Done(st []int32) bool {
	for i := range w.n {
		if st[w.n+i] == 0 || st[i] != int32(w.k-1) {
			return false
		}
	}
	return !w.wrap
}

func (w *workers) AllGoals() uint64 { return 1<<w.n - 1 }

func (w *workers) StateGoals(st []int32) uint64 {
	var g uint64
	for i := range w.n {
		if st[w.n+i] == 1 {
			g |= 1 << i
		}
	}
	return g
}

func (w *workers) TransitionGoals([]int32, uint32) uint64 { return 0 }

var workerTests = []struct {
	name string
	sys  func() System
	opt  Options
	want Verdict
}{
	{"workers", func() System { return &workers{n: 3, k: 4} }, Options{}, Verified},
	{"workers, wrap", func() System { return &workers{n: 3, k: 3, wrap: true} }, Options{}, Verified},
	{"workers, invariant", func() System { return &workers{n: 3, k: 3, badPubs: 2} }, Options{}, Violation},
	{"workers, wrap, invariant", func() System { return &workers{n: 3, k: 3, wrap: true, badPubs: 3} }, Options{}, Violation},
	{"workers, stuck", func() System { return &workers{n: 3, k: 3, stuck: true} }, Options{}, Hang},
	{"workers, stuck, wrap", func() System { return &workers{n: 3, k: 3, stuck: true, wrap: true} }, Options{}, Hang},
	{"workers, deadlock", func() System { return &workers{n: 3, k: 3, stuck: true} }, Options{Checks: CheckDeadlock | CheckSafety}, Verified},
	{"workers, max-states", func() System { return &workers{n: 3, k: 4} }, Options{MaxStates: 10}, Incomplete},
	{"workers, max-depth", func() System { return &workers{n: 3, k: 4, wrap: true} }, Options{MaxDepth: 5}, Incomplete},
}

// TestPORWorkers checks the verdicts with and without POR on workers, that
// POR reduces, and that with POR the level-synchronous search, in exact
// and fingerprint mode, gives the sequential one's result: verdict,
// counts, reduced states, trace.
func TestPORWorkers(t *testing.T) {
	for _, tt := range workerTests {
		full := Run(context.Background(), tt.sys(), tt.opt)
		opt := tt.opt
		opt.POR = true
		for _, search := range []Search{BFS, DFS} {
			opt.Search = search
			sys := tt.sys()
			r := Run(context.Background(), sys, opt)
			checkTrace(t, sys, r)
			if full.Verdict != tt.want || r.Verdict != tt.want {
				t.Errorf("%s %v: %v without POR, %v with, want %v", tt.name, search, full.Verdict, r.Verdict, tt.want)
			}
			if r.Stats.Reduced == 0 {
				t.Errorf("%s %v: nothing reduced", tt.name, search)
			}
			if tt.want == Verified && r.Stats.States > full.Stats.States || tt.want != Incomplete && !tt.sys().(*workers).stuck && r.Stats.States >= full.Stats.States {
				t.Errorf("%s %v: %d states with POR, %d without", tt.name, search, r.Stats.States, full.Stats.States)
			}
			if search == BFS {
				t.Logf("%s: %d states without POR, %d with, %d reduced", tt.name, full.Stats.States, r.Stats.States, r.Stats.Reduced)
			}
		}
		opt.Search = BFS
		want := checkParallel(t, tt.name+" POR", tt.sys, opt)
		checkFingerprint(t, tt.name+" POR", tt.sys, opt, want)
	}
}

// TestPOROff checks that a System with a Reducer is searched in full
// without POR.
func TestPOROff(t *testing.T) {
	r := Run(context.Background(), &workers{n: 3, k: 4}, Options{})
	if r.Stats.Reduced != 0 || r.Stats.States != 5*5*5 {
		t.Errorf("without POR: %d states, %d reduced", r.Stats.States, r.Stats.Reduced)
	}
}

// TestPORParallelProtocols compares, with POR, the sequential search with
// the level-synchronous one and fingerprint mode on the shipped protocols
// and on the fixture with private work.
func TestPORParallelProtocols(t *testing.T) {
	variants := []struct{ workers, chunk int }{{1, 64}, {2, 5}, {4, 64}, {8, 2}}
	runs := append([]struct {
		file string
		set  map[string]string
		big  bool
	}{{filepath.Join("testdata", "por_scratch.ipi"), nil, false}}, protocolRuns...)
	for _, pr := range runs {
		if pr.big && raceEnabled {
			continue
		}
		sys := loadPOR(t, pr.file, pr.set)
		name := fmt.Sprintf("%s %v POR", pr.file, pr.set)
		opt := Options{POR: true}
		want := checkVariants(t, name, func() System { return sys }, opt, variants)
		checkTrace(t, sys, want)
		checkFingerprint(t, name, func() System { return sys }, opt, want)
		t.Logf("%s: %v, %d states, %d reduced", name, want.Verdict, want.Stats.States, want.Stats.Reduced)
	}
}

// loadPOR compiles a shipped protocol, or the fixture in
// ../protocols/testdata.
func loadPOR(t *testing.T, file string, set map[string]string) *model.System {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "protocols", file))
	if err != nil {
		t.Fatal(err)
	}
	sys, err := model.Load(file, src, set)
	if err != nil {
		t.Fatal(err)
	}
	return sys
}
