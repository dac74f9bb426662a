// Package bench cross-checks ipicheck against an independent model
// checker: bench/murphi/*.m are hand-written Murphi encodings of the
// transition systems ipicheck builds from the pinned specs
// bench/murphi/*.ipi and of bench/scale.ipi, the benchmark protocol of
// scripts/bench.sh, and Rumur must agree with ipicheck on the verdict,
// the reachable states, the transitions and the shortest counterexample.
// scripts/crosscheck.sh runs the same comparison on more variants, from
// the command line.
package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ipicheck/ipicheck/explore"
	"github.com/ipicheck/ipicheck/model"
)

// crossCases are the variants the test compares, at the specs' default
// of 2 CPUs, one per verdict and code path, and the scale protocol at its
// three smallest sizes: generating and compiling Rumur's verifier (some
// 5 s each) is most of the cost, so scripts/crosscheck.sh runs the other
// variants, and more CPUs.
var crossCases = []struct {
	model string            // bench/murphi/MODEL.m, encoding bench/murphi/MODEL.ipi
	set   map[string]string // params, as ipicheck's --set takes them
}{
	{"alpha_sync_ipi", map[string]string{"IRQS_OFF": "false"}}, // IPIs taken while waiting
	{"alpha_sync_ipi", map[string]string{"LOCK": "none"}},      // DEADLOCK
	{"alpha_sync_ipi", map[string]string{"LOCK": "drain"}},     // trylock + drain
	{"alpha_lost_edge", map[string]string{"RESCUE": "false"}},  // HANG
	{"alpha_lost_edge", map[string]string{"RESCUE": "true"}},   // timers, liveness holds
	{"scale", map[string]string{"CPUS": "2", "ROUNDS": "1"}},   // CPUs as a scalarset
	{"scale", map[string]string{"CPUS": "3", "ROUNDS": "1"}},
	{"scale", map[string]string{"CPUS": "2", "ROUNDS": "2"}},
}

// murphiModels are the models in bench/murphi.
var murphiModels = []string{"alpha_sync_ipi", "alpha_lost_edge", "scale"}

// specOf is the spec a Murphi model encodes: bench/scale.ipi for scale.m,
// the pinned copy bench/murphi/MODEL.ipi for the others.
func specOf(model string) string {
	if model == "scale" {
		return "scale.ipi"
	}
	return filepath.Join("murphi", model+".ipi")
}

func TestCrosscheckRumur(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: compiling Rumur's verifiers takes a while")
	}
	if _, err := exec.LookPath("rumur"); err != nil {
		t.Skip("rumur is not on PATH: install it (apt-get install rumur) to cross-check ipicheck against Rumur")
	}
	cc := os.Getenv("CC")
	if cc == "" {
		cc = "cc"
	}
	if _, err := exec.LookPath(cc); err != nil {
		t.Skipf("no C compiler (%s) on PATH: Rumur compiles its verifiers to C", cc)
	}
	for _, tc := range crossCases {
		t.Run(tc.model+" "+params(tc.set), func(t *testing.T) {
			t.Parallel()
			ipi := runIpicheck(t, specOf(tc.model), tc.set)
			ru := runRumur(t, cc, filepath.Join("murphi", tc.model+".m"), tc.set)
			t.Logf("ipicheck: %v, %d states, %d transitions (%d deadlocked, %d proper ends without transitions), trace %d",
				ipi.verdict, ipi.states, ipi.transitions, ipi.deadlocks, ipi.ends, ipi.trace)
			t.Logf("rumur:    %v, %d states, %d rules fired, %d errors, trace %d",
				ru.verdict, ru.states, ru.rules, ru.errors, ru.trace)

			if ru.verdict != ipi.verdict {
				t.Fatalf("verdict: ipicheck %v, rumur %v", ipi.verdict, ru.verdict)
			}
			if ru.states != ipi.states {
				t.Errorf("reachable states: ipicheck %d, rumur %d", ipi.states, ru.states)
			}
			// The sync model's "done" rule fires once in each proper end
			// state without transitions; every other rule firing is one
			// of ipicheck's transitions.
			if ru.rules != ipi.transitions+int64(ipi.ends) {
				t.Errorf("transitions: ipicheck %d (+%d proper ends), rumur %d rules fired",
					ipi.transitions, ipi.ends, ru.rules)
			}
			switch ipi.verdict {
			case explore.Deadlock:
				// With --max-errors Rumur reports each deadlocked state.
				if ru.errors != ipi.deadlocks {
					t.Errorf("deadlocked states: ipicheck %d, rumur %d", ipi.deadlocks, ru.errors)
				}
				fallthrough
			case explore.Violation:
				if ru.trace != ipi.trace {
					t.Errorf("shortest counterexample: ipicheck %d steps, rumur %d", ipi.trace, ru.trace)
				}
			case explore.Verified:
				if ru.errors != 0 {
					t.Errorf("rumur reports %d errors for a verified variant", ru.errors)
				}
			}
		})
	}
}

// TestMurphiParams checks that each Murphi model declares every param of
// its spec, with the spec's default, so that a variant means the same in
// both tools. It needs no Rumur.
func TestMurphiParams(t *testing.T) {
	for _, name := range murphiModels {
		src, err := os.ReadFile(specOf(name))
		if err != nil {
			t.Fatal(err)
		}
		sys, err := model.Load(name+".ipi", src, nil)
		if err != nil {
			t.Fatal(err)
		}
		m, err := os.ReadFile(filepath.Join("murphi", name+".m"))
		if err != nil {
			t.Fatal(err)
		}
		have := murphiParams(m)
		for _, p := range sys.Params {
			want := murphiValue(p.Type.Format(p.Default))
			got, ok := have[p.Name]
			switch {
			case !ok:
				t.Errorf("%s.m: no @param %s", name, p.Name)
			case got != want:
				t.Errorf("%s.m: @param %s defaults to %s, the spec to %s", name, p.Name, got, want)
			}
			delete(have, p.Name)
		}
		for n := range have {
			t.Errorf("%s.m: @param %s is not a param of %s.ipi", name, n, name)
		}
	}
}

// ipiResult is what ipicheck finds for a variant.
type ipiResult struct {
	verdict     explore.Verdict
	states      int64 // reachable states
	transitions int64 // transitions between them
	deadlocks   int   // states with no transition that are not Done
	ends        int   // Done states with no transition
	trace       int   // steps of the counterexample, if any
}

func runIpicheck(t *testing.T, file string, set map[string]string) ipiResult {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sys, err := model.Load(file, src, set)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r := explore.Run(ctx, sys, explore.Options{})
	res := ipiResult{verdict: r.Verdict, states: r.Stats.States, transitions: r.Stats.Transitions}
	switch r.Verdict {
	case explore.Deadlock, explore.Violation:
		res.trace = len(r.Trace) - 1
		if r.HasFailLabel {
			res.trace++
		}
		// The search stopped at the counterexample: explore everything.
		full := explore.Run(ctx, sys, explore.Options{Checks: explore.CheckSafety})
		if full.Verdict != explore.Verified {
			t.Fatalf("ipicheck --check safety: %v (%v)", full.Verdict, full.Failure)
		}
		res.states, res.transitions = full.Stats.States, full.Stats.Transitions
	case explore.Verified, explore.Hang:
	default:
		t.Fatalf("ipicheck: %v (%v %s)", r.Verdict, r.Failure, r.Incomplete)
	}
	// Walk the graph once more through the explore.System interface, to
	// count the states without transitions, and to check the counts.
	n, trans, dead, ends := census(sys)
	if n != res.states || trans != res.transitions {
		t.Fatalf("ipicheck counts %d states and %d transitions, its System has %d and %d", res.states, res.transitions, n, trans)
	}
	res.deadlocks, res.ends = dead, ends
	return res
}

// census explores sys breadth first and returns the number of reachable
// states and transitions, and of the states without transitions that are
// not Done (deadlocks) and Done (proper ends).
func census(sys explore.System) (states, transitions int64, deadlocks, ends int) {
	key := func(st []int32) string {
		b := make([]byte, 0, 4*len(st))
		for _, v := range st {
			b = append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
		}
		return string(b)
	}
	init := sys.Initial()
	seen := map[string]bool{key(init): true}
	queue := [][]int32{init}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		n := 0
		sys.Successors(cur, func(_ uint32, next []int32, fail error) bool {
			n++
			if fail == nil {
				if k := key(next); !seen[k] {
					seen[k] = true
					queue = append(queue, append([]int32(nil), next...))
				}
			}
			return true
		})
		transitions += int64(n)
		if n == 0 {
			if sys.Done(cur) {
				ends++
			} else {
				deadlocks++
			}
		}
	}
	return int64(len(seen)), transitions, deadlocks, ends
}

// rumurResult is what Rumur finds for a variant.
type rumurResult struct {
	verdict       explore.Verdict
	states, rules int64
	errors        int // errors reported; each deadlocked state is one
	trace         int // rules fired in the first (shortest) error trace
}

var (
	reExplored = regexp.MustCompile(`(?m)^\s*(\d+) states, (\d+) rules fired`)
	reErrors   = regexp.MustCompile(`(?m)^\s*(\d+) error\(s\) found`)
	reNoError  = regexp.MustCompile(`(?m)^\s*No error found`)
	reLiveness = regexp.MustCompile(`(?m)^\s*liveness property .* violated`)
)

func runRumur(t *testing.T, cc, file string, set map[string]string) rumurResult {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range set {
		re := regexp.MustCompile(`(?m)^(  ` + regexp.QuoteMeta(name) + `: )[^;]*;( *-- @param)`)
		if !re.Match(src) {
			t.Fatalf("%s: no @param %s", file, name)
		}
		src = re.ReplaceAll(src, []byte("${1}"+murphiValue(v)+";${2}"))
	}
	dir := t.TempDir()
	m, c, bin := filepath.Join(dir, "model.m"), filepath.Join(dir, "model.c"), filepath.Join(dir, "verifier")
	if err := os.WriteFile(m, src, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run := func(name string, args ...string) string {
		t.Helper()
		out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, tail(out))
		}
		return string(out)
	}
	// Without symmetry reduction (scale.m's CPUs are a scalarset), Rumur
	// stores every reachable state, as ipicheck does.
	run("rumur", "--quiet", "--deadlock-detection", "stuck", "--threads", "1",
		"--max-errors", "1000000", "--symmetry-reduction", "off", "--pack-state", "off",
		"--colour", "off", "-o", c, m)
	// These models are small: compiling without optimisation is quicker.
	args := []string{"-std=c11", "-O0", "-w"}
	if runtime.GOARCH == "amd64" {
		args = append(args, "-mcx16")
	}
	args = append(args, "-o", bin, c, "-lpthread")
	if out, err := exec.CommandContext(ctx, cc, args...).CombinedOutput(); err != nil {
		if out2, err2 := exec.CommandContext(ctx, cc, append(args, "-latomic")...).CombinedOutput(); err2 != nil {
			t.Fatalf("%s: %v\n%s\n%s", cc, err, tail(out), tail(out2))
		}
	}
	// The verifier exits non-zero when it finds errors.
	cmd := exec.CommandContext(ctx, bin)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Run(); err != nil {
		if _, ok := err.(*exec.ExitError); !ok || ctx.Err() != nil {
			t.Fatalf("verifier: %v\n%s", err, tail(buf.Bytes()))
		}
	}
	out := buf.String()
	var res rumurResult
	sm := reExplored.FindAllStringSubmatch(out, -1)
	if sm == nil {
		t.Fatalf("verifier: no state count in its output\n%s", tail(buf.Bytes()))
	}
	last := sm[len(sm)-1]
	res.states, _ = strconv.ParseInt(last[1], 10, 64)
	res.rules, _ = strconv.ParseInt(last[2], 10, 64)
	if em := reErrors.FindStringSubmatch(out); em != nil {
		res.errors, _ = strconv.Atoi(em[1])
	}
	first, trace := firstError(out)
	switch {
	case reNoError.MatchString(out):
		res.verdict = explore.Verified
	case first == "deadlock":
		res.verdict = explore.Deadlock
	case strings.HasPrefix(first, "invariant") || strings.HasPrefix(first, "assertion"):
		res.verdict = explore.Violation
	case reLiveness.MatchString(out):
		res.verdict = explore.Hang
	default:
		t.Fatalf("verifier: cannot tell its verdict\n%s", tail(buf.Bytes()))
	}
	res.trace = trace
	return res
}

// firstError returns the message of the first error Rumur reports and the
// number of rules its trace fires.
func firstError(out string) (msg string, rules int) {
	const head = "The following is the error trace for the error:"
	i := strings.Index(out, head)
	if i < 0 {
		return "", 0
	}
	rest := out[i+len(head):]
	if end := strings.Index(rest, "End of the error trace"); end >= 0 {
		rest = rest[:end]
	}
	for _, line := range strings.Split(rest, "\n") {
		s := strings.TrimSpace(line)
		if msg == "" && s != "" {
			msg = s
		}
		if strings.HasPrefix(line, "Rule ") {
			rules++
		}
	}
	return msg, rules
}

// murphiParams returns the @param constants of a Murphi model and their
// values as written.
func murphiParams(src []byte) map[string]string {
	re := regexp.MustCompile(`(?m)^  (\w+): ([^;]*);\s*-- @param`)
	out := map[string]string{}
	for _, m := range re.FindAllSubmatch(src, -1) {
		out[string(m[1])] = strings.TrimSpace(string(m[2]))
	}
	return out
}

// murphiValue spells an ipicheck param value as the Murphi models do:
// enum members of LOCK are the constants LOCK_NONE, LOCK_SPIN, LOCK_DRAIN.
func murphiValue(v string) string {
	switch v {
	case "none", "spin", "drain":
		return "LOCK_" + strings.ToUpper(v)
	}
	return v
}

func params(set map[string]string) string {
	var kv []string
	for k, v := range set {
		kv = append(kv, fmt.Sprintf("%s=%s", k, v))
	}
	sort.Strings(kv)
	return strings.Join(kv, " ")
}

func tail(b []byte) string {
	const max = 3000
	if len(b) > max {
		b = b[len(b)-max:]
	}
	return string(b)
}
