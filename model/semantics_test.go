package model_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ipicheck/ipicheck/explore"
	"github.com/ipicheck/ipicheck/model"
)

// semanticsCases are small specs whose reachable state graphs are small
// enough to count by hand; the counts pin down the step granularity and
// the interrupt semantics the language reference documents.
var semanticsCases = []struct {
	name        string
	src         string
	set         map[string]string
	verdict     explore.Verdict
	states      int64 // 0: not checked
	transitions int64
	steps       int    // trace length for counterexamples
	failure     string // substring of the failure
}{
	{
		name:    "two steps",
		src:     `protocol p; param CPUS = 1; var x: 0..3; thread t on all { x = 1; x = 2; }`,
		verdict: explore.Verified, states: 3, transitions: 2,
	},
	{
		name: "interrupt taken and returned",
		src: `protocol p; param CPUS = 1; var y: bool;
			interrupt ipi { y = true; }
			thread t on all { raise(me, ipi); await y; }`,
		// start, raised, in handler, handler at return, returned, done.
		verdict: explore.Verified, states: 6, transitions: 5,
	},
	{
		name: "masked interrupt deadlocks",
		src: `protocol p; param CPUS = 1; var y: bool;
			interrupt ipi { y = true; }
			thread t on all { local_irq_disable(); raise(me, ipi); await y; }`,
		verdict: explore.Deadlock, steps: 2,
	},
	{
		name: "nmi ignores the irq flag",
		src: `protocol p; param CPUS = 1; var y: bool;
			interrupt ipi nmi { y = true; }
			thread t on all { local_irq_disable(); raise(me, ipi); await y; }`,
		verdict: explore.Verified,
	},
	{
		name: "local_irq_save and restore",
		src: `protocol p; param CPUS = 1; var y: bool;
			interrupt ipi { y = true; }
			thread t on all { var f: bool; local_irq_save(f); raise(me, ipi); local_irq_restore(f); await y; }`,
		verdict: explore.Verified,
	},
	{
		name:    "choose forks",
		src:     `protocol p; param CPUS = 1; var x: 0..3; thread t on all { choose { x = 1; } or { x = 2; } }`,
		verdict: explore.Verified, states: 5, transitions: 4,
	},
	{
		name:    "atomic is one step",
		src:     `protocol p; param CPUS = 1; var x: 0..3; thread t on all { atomic { x = 1; x = 2; } }`,
		verdict: explore.Verified, states: 2, transitions: 1,
	},
	{
		name:    "choose inside atomic gives one transition per outcome",
		src:     `protocol p; param CPUS = 1; var x: 0..3; thread t on all { atomic { choose { x = 1; } or { x = 2; } } }`,
		verdict: explore.Verified, states: 3, transitions: 2,
	},
	{
		name: "local-only code is silent",
		src: `protocol p; param CPUS = 1; var x: 0..3;
			thread t on all { var i: 0..10; while (i < 10) { i = i + 1; } x = 1; }`,
		verdict: explore.Verified, states: 2, transitions: 1,
	},
	{
		name: "two CPUs interleave",
		src: `protocol p; param CPUS = 2; percpu var x: bool;
			thread t on all { x = true; }`,
		verdict: explore.Verified, states: 4, transitions: 4,
	},
	{
		name:    "value out of range",
		src:     `protocol p; param CPUS = 1; var x: 0..1; thread t on all { x = 1; x = x + 1; }`,
		verdict: explore.Violation, steps: 2, failure: "value out of range: x = 2, outside 0..1",
	},
	{
		name: "index out of range",
		src: `protocol p; param CPUS = 1; var a: [2]bool; var i: 0..3;
			thread t on all { i = 2; a[i] = true; }`,
		verdict: explore.Violation, steps: 2, failure: "index out of range",
	},
	{
		name:    "division by zero",
		src:     `protocol p; param CPUS = 1; var x: 0..3; var d: 0..1; thread t on all { x = 1 / d; }`,
		verdict: explore.Violation, steps: 1, failure: "division by zero",
	},
	{
		name:    "assertion",
		src:     `protocol p; param CPUS = 1; var x: 0..3; thread t on all { x = 1; assert x == 2 "x must be two"; }`,
		verdict: explore.Violation, steps: 2, failure: "assertion failed: x must be two",
	},
	{
		name: "invariant",
		src: `protocol p; param CPUS = 1; var x: 0..3; thread t on all { x = 1; x = 2; }
			invariant small "x stays below 2": x < 2;`,
		verdict: explore.Violation, steps: 2, failure: "invariant small violated: x stays below 2",
	},
	{
		name: "atomic may not block after an effect",
		src: `protocol p; param CPUS = 1; var x: 0..3; var y: bool;
			thread t on all { atomic { x = 1; await y; } }`,
		verdict: explore.Violation, steps: 1, failure: "atomic block blocks after an effect",
	},
	{
		name: "atomic blocking before its first effect waits",
		src: `protocol p; param CPUS = 2; var l: bool; var n: 0..2;
			thread t on all { atomic { await !l; l = true; } n = n + 1; l = false; }`,
		verdict: explore.Verified,
	},
	{
		name: "a higher level nests when the handler re-enables IRQs",
		src: `protocol p; param CPUS = 1; var done: bool; var hi_ran: bool;
			interrupt lo level 1 { local_irq_enable(); raise(me, hi); await hi_ran; done = true; }
			interrupt hi level 2 { hi_ran = true; }
			thread t on all { raise(me, lo); await done; }`,
		verdict: explore.Verified,
	},
	{
		name: "the same level does not nest",
		src: `protocol p; param CPUS = 1; var done: bool; var hi_ran: bool;
			interrupt lo level 2 { local_irq_enable(); raise(me, hi); await hi_ran; done = true; }
			interrupt hi level 2 { hi_ran = true; }
			thread t on all { raise(me, lo); await done; }`,
		// raise, enter lo, enable, raise hi: hi waits for lo to return.
		verdict: explore.Deadlock, steps: 4,
	},
	{
		name: "a handler runs with IRQs off unless it enables them",
		src: `protocol p; param CPUS = 1; var done: bool; var hi_ran: bool;
			interrupt lo level 1 { raise(me, hi); await hi_ran; done = true; }
			interrupt hi level 2 { hi_ran = true; }
			thread t on all { raise(me, lo); await done; }`,
		verdict: explore.Deadlock, steps: 3,
	},
	{
		name: "a timer fires by itself",
		src: `protocol p; param CPUS = 1; var x: bool;
			interrupt tick timer { x = true; }
			thread t on all { await x; }`,
		verdict: explore.Verified,
	},
	{
		name: "a finished thread leaves its CPU idle with IRQs on",
		src: `protocol p; param CPUS = 1; var y: bool;
			interrupt ipi { y = true; }
			thread t on all { local_irq_disable(); raise(me, ipi); }
			invariant handled: y || true;`,
		// start, irqs off, raised+finished, in handler, at return, returned.
		verdict: explore.Verified, states: 6, transitions: 5,
	},
	{
		name: "ref parameters and results",
		src: `protocol p; param CPUS = 1; var x: 0..3;
			func inc(v: ref 0..3): 0..3 { v = v + 1; return v; }
			thread t on all { var r: 0..3; r = inc(x); assert r == 1 && x == 1; }`,
		verdict: explore.Verified,
	},
	{
		name: "return inside atomic",
		src: `protocol p; param CPUS = 2; var l: bool; var n: 0..2;
			func trylock(l: ref bool): bool { atomic { if (l) { return false; } l = true; } return true; }
			thread t on all { var ok: bool; ok = trylock(l); if (ok) { n = n + 1; } }
			invariant one: n <= 1;`,
		verdict: explore.Verified,
	},
	{
		name: "others skips the running CPU",
		src: `protocol p; param CPUS = 3; var hit: [cpu]bool;
			thread t on cpu 0 { for (c in others) { hit[c] = true; } assert !hit[0] && hit[1] && hit[2]; }`,
		verdict: explore.Verified, states: 4,
	},
	{
		name: "per-CPU variables: x is mine, x[c] is CPU c's",
		src: `protocol p; param CPUS = 2; percpu var x: 0..3;
			thread t on all { x = me + 1; }
			invariant own: forall (c in cpus) x[c] == 0 || x[c] == c + 1;`,
		verdict: explore.Verified, states: 4,
	},
	{
		name: "params are overridden",
		src: `protocol p; param CPUS = 1; param BAD = false; var x: bool;
			thread t on all { if (BAD) { assert false "bad"; } x = true; }`,
		set:     map[string]string{"BAD": "true"},
		verdict: explore.Violation, steps: 1, failure: "bad",
	},
	{
		name: "a server loop that passes a progress marker does not hang",
		src: `protocol p; param CPUS = 1; var x: bool;
			thread t on all { while (true) { x = !x; progress; } }`,
		verdict: explore.Verified,
	},
	{
		name: "a loop that never finishes and has no progress marker hangs",
		src: `protocol p; param CPUS = 1; var x: bool;
			thread t on all { while (true) { x = !x; } }`,
		verdict: explore.Hang,
	},
	{
		name: "a CPU that stops passing its progress marker hangs",
		src: `protocol p; param CPUS = 2; var stopped: bool;
			thread t on cpu 0 { while (true) { progress; if (stopped) { while (true) { skip; } } } }
			thread u on cpu 1 { stopped = true; }`,
		verdict: explore.Hang,
	},
	{
		name: "a wait kept alive by a timer is a hang, not a deadlock",
		src: `protocol p; param CPUS = 1; var never: bool;
			interrupt tick timer { skip; }
			thread t on all { await never; }`,
		verdict: explore.Hang, steps: 0,
	},
	{
		name: "an idle CPU ticking forever after every thread finished is fine",
		src: `protocol p; param CPUS = 1; var x: bool;
			interrupt tick timer { skip; }
			thread t on all { x = true; }`,
		verdict: explore.Verified,
	},
	{
		name: "an if on shared state is a step",
		src: `protocol p; param CPUS = 1; var x: bool; var y: bool;
			thread t on all { if (x) { y = true; } }`,
		verdict: explore.Verified, states: 2, transitions: 1,
	},
}

func TestSemantics(t *testing.T) {
	for _, tc := range semanticsCases {
		t.Run(tc.name, func(t *testing.T) {
			sys, err := model.Load("p.ipi", []byte(tc.src), tc.set)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			for _, search := range []explore.Search{explore.BFS, explore.DFS} {
				r := explore.Run(context.Background(), sys, explore.Options{Search: search})
				if r.Verdict != tc.verdict {
					t.Fatalf("%v: verdict %v (%v), want %v", search, r.Verdict, r.Failure, tc.verdict)
				}
				if tc.states != 0 && r.Stats.States != tc.states {
					t.Errorf("%v: %d states, want %d", search, r.Stats.States, tc.states)
				}
				if tc.transitions != 0 && r.Stats.Transitions != tc.transitions {
					t.Errorf("%v: %d transitions, want %d", search, r.Stats.Transitions, tc.transitions)
				}
				if tc.failure != "" && (r.Failure == nil || !strings.Contains(r.Failure.Error(), tc.failure)) {
					t.Errorf("%v: failure %v, want it to contain %q", search, r.Failure, tc.failure)
				}
				if search == explore.BFS && tc.steps != 0 {
					steps := len(r.Trace) - 1
					if r.HasFailLabel {
						steps++
					}
					if steps != tc.steps {
						t.Errorf("shortest trace has %d steps, want %d", steps, tc.steps)
					}
				}
			}
		})
	}
}
