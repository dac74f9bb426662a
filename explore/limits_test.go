package explore

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func limitChain() System { return &graph{adj: [][]int32{{1}, {2}, {3}, {4}, {}}, done: nodes(4)} }
func limitCycle() System { return &graph{adj: [][]int32{{1}, {2}, {0}}} }

var limitTests = []struct {
	name   string
	sys    func() System
	opt    Options
	want   Result
	states int64 // for Incomplete
}{
	{
		name:   "max-states below the state count",
		sys:    func() System { return &counters{n: 3, k: 3} },
		opt:    Options{MaxStates: 10},
		want:   Result{Verdict: Incomplete, Incomplete: "max-states 10 reached"},
		states: 10,
	},
	{
		name:   "max-states one below",
		sys:    func() System { return &counters{n: 3, k: 3} },
		opt:    Options{MaxStates: 26},
		want:   Result{Verdict: Incomplete, Incomplete: "max-states 26 reached"},
		states: 26,
	},
	{
		name: "max-states equal to the state count",
		sys:  func() System { return &counters{n: 3, k: 3} },
		opt:  Options{MaxStates: 27},
		want: Result{Verdict: Verified},
	},
	{
		name:   "max-depth cuts a chain",
		sys:    limitChain,
		opt:    Options{MaxDepth: 3},
		want:   Result{Verdict: Incomplete, Incomplete: "max-depth 3 (transitions beyond it not explored)"},
		states: 4,
	},
	{
		name: "max-depth at the end of a chain",
		sys:  limitChain,
		opt:  Options{MaxDepth: 4},
		want: Result{Verdict: Verified},
	},
	{
		name: "max-depth closes a cycle",
		sys:  limitCycle,
		opt:  Options{MaxDepth: 2},
		want: Result{Verdict: Verified},
	},
	{
		name:   "max-depth cuts a cycle",
		sys:    limitCycle,
		opt:    Options{MaxDepth: 1},
		want:   Result{Verdict: Incomplete, Incomplete: "max-depth 1 (transitions beyond it not explored)"},
		states: 2,
	},
	{
		name: "deadlock at max-depth",
		sys:  func() System { return &graph{adj: [][]int32{{1}, {2}, {}}} },
		opt:  Options{MaxDepth: 2},
		want: Result{Verdict: Deadlock, Trace: path(0, 1, 2)},
	},
	{
		name: "invariant at max-depth",
		sys:  func() System { return &graph{adj: [][]int32{{1}, {0}}, bad: nodes(1)} },
		opt:  Options{MaxDepth: 1},
		want: Result{Verdict: Violation, Failure: errBad, Trace: path(0, 1)},
	},
	{
		name:   "failure beyond max-depth",
		sys:    func() System { return &graph{adj: [][]int32{{1}, {}}, fails: nodes(1)} },
		opt:    Options{MaxDepth: 1},
		want:   Result{Verdict: Incomplete, Incomplete: "max-depth 1 (transitions beyond it not explored)"},
		states: 2,
	},
	{
		name: "max-depth on counters",
		sys:  func() System { return &counters{n: 4, k: 4, wrap: true} },
		opt:  Options{MaxDepth: 5},
		want: Result{Verdict: Incomplete, Incomplete: "max-depth 5 (transitions beyond it not explored)"},
	},
}

func TestLimits(t *testing.T) {
	for _, tt := range limitTests {
		for _, search := range []Search{BFS, DFS} {
			t.Run(search.String()+" "+tt.name, func(t *testing.T) {
				sys := tt.sys()
				opt := tt.opt
				opt.Search = search
				got := Run(context.Background(), sys, opt)
				checkTrace(t, sys, got)
				if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Result{}, "Stats"), cmpopts.EquateErrors()); diff != "" {
					t.Errorf("Run (-want +got):\n%s", diff)
				}
				if tt.states > 0 && got.Stats.States != tt.states {
					t.Errorf("States = %d, want %d", got.Stats.States, tt.states)
				}
				if opt.MaxDepth > 0 && got.Stats.MaxDepth > opt.MaxDepth {
					t.Errorf("MaxDepth = %d beyond the bound", got.Stats.MaxDepth)
				}
			})
		}
	}
}

// big has far more states than a test explores in a second.
func big() System { return &counters{n: 16, k: 4} }

func TestTimeout(t *testing.T) {
	for _, search := range []Search{BFS, DFS} {
		start := time.Now()
		got := Run(context.Background(), big(), Options{Search: search, Timeout: 100 * time.Millisecond})
		if got.Verdict != Incomplete || got.Incomplete != "timeout 100ms" {
			t.Errorf("%v: got %v %q, want INCOMPLETE timeout 100ms", search, got.Verdict, got.Incomplete)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%v: a 100ms timeout took %v", search, d)
		}
		if got.Stats.States < 2 {
			t.Errorf("%v: no stats after timeout: %+v", search, got.Stats)
		}
	}
}

func TestInterrupt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got := Run(ctx, big(), Options{}); got.Verdict != Incomplete || got.Incomplete != "interrupted" {
		t.Errorf("canceled context: got %v %q", got.Verdict, got.Incomplete)
	}

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if got := Run(ctx, big(), Options{Search: DFS}); got.Verdict != Incomplete || got.Incomplete != "interrupted" {
		t.Errorf("context canceled during the run: got %v %q", got.Verdict, got.Incomplete)
	}
}

func TestProgress(t *testing.T) {
	line := `  states \d+  queue \d+  depth \d+  [\d.]+[kMG]? states/s  \d+\.\d s`
	for _, terminal := range []bool{false, true} {
		var out bytes.Buffer
		Run(context.Background(), big(), Options{
			Timeout:          200 * time.Millisecond,
			Progress:         &out,
			ProgressInterval: 20 * time.Millisecond,
			Terminal:         terminal,
		})
		want := regexp.MustCompile(`^(` + line + `\n){3,}$`)
		if terminal {
			want = regexp.MustCompile(`^(\r` + line + "\x1b\\[K){3,}\r\x1b\\[K$")
		}
		if !want.MatchString(out.String()) {
			t.Errorf("terminal %v: progress output %q", terminal, out.String())
		}
	}
}

func TestNoProgressWhenQuick(t *testing.T) {
	var out strings.Builder
	Run(context.Background(), &counters{n: 3, k: 3}, Options{Progress: &out, Terminal: true})
	if out.Len() != 0 {
		t.Errorf("a quick run printed %q", out.String())
	}
}

func TestSI(t *testing.T) {
	var got []string
	for _, x := range []float64{0, 950, 12345, 2.1e6, 3.25e9} {
		got = append(got, si(x))
	}
	if diff := cmp.Diff([]string{"0", "950", "12.3k", "2.1M", "3.2G"}, got); diff != "" {
		t.Errorf("si (-want +got):\n%s", diff)
	}
}
