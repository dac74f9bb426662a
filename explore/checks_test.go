package explore

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseChecks(t *testing.T) {
	for _, tt := range []struct {
		in      string
		want    Check
		wantErr string
	}{
		{in: "deadlock,hang,safety", want: CheckAll},
		{in: "all", want: CheckAll},
		{in: "hang", want: CheckHang},
		{in: " safety , deadlock ", want: CheckSafety | CheckDeadlock},
		{in: "hang,hang", want: CheckHang},
		{in: "hang,all", want: CheckAll},
		{in: "", wantErr: "no checks named (want deadlock, safety, hang or all)"},
		{in: "  ", wantErr: "no checks named (want deadlock, safety, hang or all)"},
		{in: "hang,,safety", wantErr: `unknown check "" (want deadlock, safety, hang or all)`},
		{in: "liveness", wantErr: `unknown check "liveness" (want deadlock, safety, hang or all)`},
		{in: "Hang", wantErr: `unknown check "Hang" (want deadlock, safety, hang or all)`},
	} {
		got, err := ParseChecks(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseChecks(%q) = %v, %v; want error %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseChecks(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestCheckString(t *testing.T) {
	var got []string
	for _, c := range []Check{0, CheckDeadlock, CheckHang | CheckDeadlock, CheckAll, CheckSafety | 0x40} {
		got = append(got, c.String())
	}
	want := []string{"none", "deadlock", "deadlock,hang", "deadlock,safety,hang", "safety,Check(0x40)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("String (-want +got):\n%s", diff)
	}
	// String's lists parse back.
	for c := CheckDeadlock; c <= CheckAll; c++ {
		if back, err := ParseChecks(c.String()); err != nil || back != c {
			t.Errorf("ParseChecks(%q) = %v, %v", c.String(), back, err)
		}
	}
}

// TestChecksZeroIsAll checks that Checks zero and CheckAll give the same
// results.
func TestChecksZeroIsAll(t *testing.T) {
	for _, search := range []Search{BFS, DFS} {
		for _, tt := range runTests {
			zero := Run(context.Background(), tt.sys(), Options{Search: search})
			all := Run(context.Background(), tt.sys(), Options{Search: search, Checks: CheckAll})
			if diff := cmp.Diff(zero, all, ignoreTiming, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("%v %s: Checks zero and CheckAll differ (-zero +all):\n%s", search, tt.name, diff)
			}
		}
		for _, tt := range hangTests {
			if tt.opt.Checks != 0 {
				continue
			}
			zero := Run(context.Background(), tt.sys(), Options{Search: search})
			all := Run(context.Background(), tt.sys(), Options{Search: search, Checks: CheckAll})
			if diff := cmp.Diff(zero, all, ignoreTiming, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("%v %s: Checks zero and CheckAll differ (-zero +all):\n%s", search, tt.name, diff)
			}
		}
	}
}

// TestChecksOff checks on random graphs with every kind of error that
// each check turned off finds nothing of its kind, and that with neither
// safety nor deadlocks checked the search explores and counts every
// state and transition.
func TestChecksOff(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for i := range 500 {
		g := randomGraph(r, 1+r.IntN(3), true)
		reached, edges, depth, _ := reference(g)
		for _, search := range []Search{BFS, DFS} {
			for _, checks := range []Check{CheckSafety, CheckDeadlock, CheckHang} {
				got := Run(context.Background(), g, Options{Search: search, Checks: checks})
				checkTrace(t, g, got)
				switch {
				case checks&CheckSafety == 0 && got.Verdict == Violation,
					checks&CheckDeadlock == 0 && got.Verdict == Deadlock:
					t.Fatalf("graph %d, %v, checks %v: got %v", i, search, checks, got.Verdict)
				}
				if checks != CheckHang {
					continue
				}
				want := counts(reached, edges, depth)
				if search == DFS {
					want.MaxDepth = got.Stats.MaxDepth
				}
				if got.Verdict != Verified {
					t.Fatalf("graph %d, %v: got %v with only hangs checked in a System without Liveness", i, search, got.Verdict)
				}
				if diff := cmp.Diff(want, got.Stats, ignoreTiming); diff != "" {
					t.Fatalf("graph %d, %v: Stats (-want +got):\n%s", i, search, diff)
				}
			}
		}
	}
}
