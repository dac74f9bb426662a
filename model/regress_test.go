package model_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ipicheck/ipicheck/explore"
	"github.com/ipicheck/ipicheck/model"
)

// TestRegressions pins bugs found by review and fuzzing: each input once
// crashed the compiler or the checker, or was accepted wrongly.
func TestRegressions(t *testing.T) {
	for _, tc := range []struct {
		name    string
		src     string
		wantErr string // "" when the spec must load and verify
	}{
		{"two quantifiers in initialisers",
			`protocol p; param CPUS = 2; var a: bool = forall (i in 0..2) i < 5; var b: bool = exists (i in 0..2) i < 5;`, ""},
		{"per-CPU initialiser outside the domain",
			`protocol p; param CPUS = 3; percpu var x: 0..1 = me;`, "initial value 2 of x on CPU 2 is outside 0..1"},
		{"per-CPU initialiser of zero",
			`protocol p; param CPUS = 2; percpu var x: 0..2 = me; invariant zero: x[0] == 0;`, ""},
		{"per-CPU initialiser dividing by zero",
			`protocol p; param CPUS = 2; percpu var x: 0..3 = 3 / me;`, "initial value of x on CPU 0: division by zero"},
		{"a function running off its end yields zero, not a stale result",
			`protocol p; param CPUS = 1; var x: bool = true; var n: 0..3;
			func f(): bool { if (x) { return true; } }
			thread t on all { var r: bool; r = f(); x = false; r = f(); assert !r; }`, ""},
		{"an inline enum in an inlined function",
			`protocol p; param CPUS = 1; var g: bool;
			func f() { var s: enum { A, B }; s = B; g = s == B; }
			thread t on all { f(); f(); }`, ""},
		{"an uncalled function with an enum parameter",
			`protocol p; param CPUS = 1; func f(x: enum { A, B }) { }`, ""},
		{"the body of an empty loop is checked",
			`protocol p; param CPUS = 1; thread t on all { for (i in 1..0) { nosuch = 1; } }`, "undefined: nosuch"},
		{"a bool array length", `protocol p; param CPUS = 1; var a: [true]bool;`, "an array length must be an integer, not bool"},
		{"a bool level", `protocol p; param CPUS = 1; interrupt i level true { }`, "an interrupt level must be an integer"},
		{"a bool CPU", `protocol p; param CPUS = 1; thread t on cpu false { }`, "a CPU number must be an integer"},
		{"a huge state", `protocol p; param CPUS = 1; var a: [4096][4096]bool;`, "the limit is 65536"},
		{"deep nesting", `protocol p; param CPUS = 1; var x: bool = ` + strings.Repeat("(", 100000) + `true` + strings.Repeat(")", 100000) + `;`, "nesting deeper than"},
		{"a local store does not stop an atomic block from blocking",
			`protocol p; param CPUS = 2; var x: bool;
			thread t on cpu 0 { atomic { var v: bool = x; await v; } }
			thread u on cpu 1 { x = true; }`, ""},
		{"an IRQ change is private in an atomic block",
			`protocol p; param CPUS = 2; var l: bool;
			thread t on all { var f: bool; atomic { local_irq_save(f); await !l; l = true; } l = false; local_irq_restore(f); }`, ""},
		{"a raise is an effect in an atomic block",
			`protocol p; param CPUS = 1; var x: bool; interrupt i { }
			thread t on all { atomic { raise(me, i); await x; } }`, "atomic block blocks after an effect"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sys, err := model.Load("p.ipi", []byte(tc.src), nil)
			if err == nil {
				r := explore.Run(context.Background(), sys, explore.Options{MaxStates: 10000})
				if r.Verdict != explore.Verified {
					err = r.Failure
					if err == nil {
						err = errorString(r.Verdict.String())
					}
				}
			}
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && err == nil:
				t.Fatalf("no error, want %q", tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
				t.Fatalf("error %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }
