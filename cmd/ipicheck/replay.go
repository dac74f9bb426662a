package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/ipicheck/ipicheck/explore"
	"github.com/ipicheck/ipicheck/model"
	"github.com/ipicheck/ipicheck/traces"
)

// replayCmd is `ipicheck replay`.
type replayCmd struct {
	Spec            string      `arg:"" name:"spec" help:"The spec (.ipi file or built-in protocol), possibly patched since the trace was found."`
	Trace           string      `arg:"" name:"trace" type:"existingfile" help:"A JSON report with a trace: the output of check --format json, or of test --format json / --report json (the first run with a trace)."`
	Set             []string    `short:"s" placeholder:"NAME=VALUE" sep:"none" help:"Override params; by default the params the trace records (those the spec still declares)."`
	ExpectReproduce bool        `help:"Invert the exit code: 0 if the trace still reproduces, 1 if not (a regression test that keeps a bug's trace alive)."`
	NoCheck         bool        `help:"When the trace no longer applies, do not run the check of the spec."`
	Limits          searchFlags `embed:""`
	Quiet           bool        `short:"q" help:"No progress line on stderr during the check."`
}

// Help is the detailed help of the replay command.
func (c *replayCmd) Help() string {
	return `Re-executes a saved counterexample on SPEC, step by step. A step of the
trace matches a transition of the spec that the same CPU takes, of the same
kind (step, irq-enter, irq-exit), in the same context (task or handler) and
running the same statement text; among several, the one at the same line,
with the same outcome and stores, is preferred. Labels and line numbers may
change when the spec is edited; the statements that the trace runs need not.

The trace reproduces if every step matches and the end is the same failure:
a deadlock (no CPU can step, some have not finished), the failing step of a
violation (or a broken invariant), or for a hang the cycle back to the
state it started from. Otherwise replay says at which step it diverges and
what that CPU can do instead, then (unless --no-check) checks the spec and
says whether it verifies.

Exit codes: 1 the trace still reproduces; 0 it no longer does and the spec
verifies (or --no-check); 1 it no longer does but the check finds another
counterexample; 3 that check is incomplete; 2 usage or spec error, or no
trace in the file. --expect-reproduce: 0 if the trace reproduces, else 1.

Examples:

    ipicheck check my.ipi --format json > bug.json     # exit 1
    # ... fix my.ipi ...
    ipicheck replay my.ipi bug.json                    # 0: the fix removes it
    ipicheck replay --expect-reproduce old.ipi bug.json`
}

func (c *replayCmd) Validate() error {
	if err := c.Limits.validate(); err != nil {
		return err
	}
	_, err := parseSets(c.Set)
	return err
}

// loadTrace reads the first report with a trace in file: one JSON
// object, a sequence of them, or arrays of them.
func loadTrace(file string) (*traces.Report, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%s: %v", file, err)
		}
		var list []json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil {
			list = []json.RawMessage{raw}
		}
		for _, item := range list {
			var rep traces.Report
			if err := json.Unmarshal(item, &rep); err != nil {
				return nil, fmt.Errorf("%s: %v", file, err)
			}
			if len(rep.Trace)+len(rep.Cycle) > 0 {
				return &rep, nil
			}
		}
	}
	return nil, fmt.Errorf("%s: no report with a trace (a counterexample of check --format json)", file)
}

func (c *replayCmd) run(e *env) int {
	code := c.replay(e)
	if c.ExpectReproduce {
		switch code {
		case exitViolated:
			return exitVerified
		case exitVerified, exitIncomplete:
			return exitViolated
		}
	}
	return code
}

// replay returns exitViolated if the trace reproduces, else the exit
// code of the check (exitVerified with --no-check).
func (c *replayCmd) replay(e *env) int {
	rep, err := loadTrace(c.Trace)
	if err != nil {
		fmt.Fprintf(e.stderr, "ipicheck: %v\n", err)
		return exitUsage
	}
	set, err := parseSets(c.Set)
	if err != nil {
		fmt.Fprintf(e.stderr, "ipicheck: %v\n", err)
		return exitUsage
	}
	// The trace's params, those the spec still declares, under --set.
	def, file, src, err := loadSystem(e, c.Spec, nil)
	if err != nil {
		return exitUsage
	}
	params := map[string]string{}
	for _, p := range def.Params {
		if v, ok := rep.Params[p.Name]; ok {
			params[p.Name] = v
		}
	}
	for k, v := range set {
		params[k] = v
	}
	sys, err := model.Load(file, src, params)
	if err != nil {
		printSpecError(e, file, err)
		return exitUsage
	}
	var ps []string
	for _, p := range sys.Params {
		ps = append(ps, p.Name+"="+p.String())
	}
	what := fmt.Sprintf("%s trace of %s (%d steps", rep.Verdict, rep.Protocol, len(rep.Trace))
	if len(rep.Cycle) > 0 {
		what += fmt.Sprintf(" + a cycle of %d", len(rep.Cycle))
	}
	what += ") on " + file + " (" + strings.Join(ps, " ") + ")"

	ok, msg := replayTrace(sys, rep)
	if ok {
		fmt.Fprintf(e.stdout, "REPRODUCES  %s\n  %s\n", what, msg)
		return exitViolated
	}
	fmt.Fprintf(e.stdout, "DIVERGES  %s\n  %s\n", what, msg)
	if c.NoCheck {
		return exitVerified
	}
	res := explore.Run(e.ctx, sys, c.Limits.options(e, explore.CheckAll, c.Quiet))
	switch res.Verdict {
	case explore.Verified:
		fmt.Fprintf(e.stdout, "  now verifies: VERIFIED, %d states\n", res.Stats.States)
	case explore.Incomplete:
		fmt.Fprintf(e.stdout, "  the check is INCOMPLETE (%s), %d states\n", res.Incomplete, res.Stats.States)
	default:
		r := traces.NewChecked(sys, res, file, explore.CheckAll)
		fmt.Fprintf(e.stdout, "  but the spec does not verify: another counterexample:\n\n")
		r.WriteText(e.stdout)
	}
	return verdictCode(res.Verdict)
}

// candidate is a transition that may match a step of the trace.
type candidate struct {
	label uint32
	next  []int32
	fail  error
	info  model.StepInfo
}

// replayTrace runs rep's trace and cycle on sys. It reports whether the
// trace reproduces, and says how, or where it diverges.
func replayTrace(sys *model.System, rep *traces.Report) (bool, string) {
	st := sys.Initial()
	steps := append(append([]traces.Step{}, rep.Trace...), rep.Cycle...)
	var cycleStart []int32
	if len(rep.Trace) == 0 {
		cycleStart = st
	}
	for k, want := range steps {
		var cands []candidate
		sys.Successors(st, func(label uint32, next []int32, fail error) bool {
			c := candidate{label: label, fail: fail}
			if next != nil {
				c.next = append([]int32(nil), next...)
			}
			c.info = sys.Describe(st, label, c.next)
			cands = append(cands, c)
			return true
		})
		best, score := -1, -1
		for i, c := range cands {
			if s := matchScore(want, c); s > score {
				best, score = i, s
			}
		}
		if best < 0 {
			return false, divergence(k+1, want, cands)
		}
		c := cands[best]
		if c.fail != nil {
			if want.Failed {
				return true, fmt.Sprintf("step %d fails as before: %v", want.N, c.fail)
			}
			return false, fmt.Sprintf("diverges at step %d: %s now fails: %v", want.N, stepText(want), c.fail)
		}
		if want.Failed {
			return false, fmt.Sprintf("diverges at step %d: %s no longer fails", want.N, stepText(want))
		}
		st = c.next
		if k+1 == len(rep.Trace) {
			cycleStart = st
		}
	}
	switch rep.Verdict {
	case "DEADLOCK":
		if sys.Done(st) {
			return false, "every step replays, but then every CPU has finished: no deadlock"
		}
		n := 0
		sys.Successors(st, func(uint32, []int32, error) bool { n++; return false })
		if n > 0 {
			return false, "every step replays, but then a CPU can still take a step: no deadlock"
		}
		var cpus []string
		for _, k := range sys.Explain(st).Stuck {
			cpus = append(cpus, fmt.Sprintf("CPU%d at line %d: %s", k.CPU, k.Pos.Line, k.Text))
		}
		return true, "deadlock after every step: stuck " + strings.Join(cpus, "; ")
	case "HANG":
		if slicesEqual(st, cycleStart) {
			return true, fmt.Sprintf("the cycle of %d steps comes back to the state it starts from: it can go round forever", len(rep.Cycle))
		}
		return false, "every step replays, but the cycle no longer comes back to the state it starts from"
	case "VIOLATION":
		if err := sys.Check(st); err != nil {
			return true, fmt.Sprintf("after every step: %v", err)
		}
		return false, "every step replays, but the state at the end breaks no invariant"
	}
	return false, "every step replays, but the trace's verdict " + rep.Verdict + " is not one replay checks"
}

func slicesEqual(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// matchScore says how well a transition matches a step of the trace: -1
// if it does not (another CPU, kind, context or statement); more for the
// same line, outcome and stores.
func matchScore(want traces.Step, c candidate) int {
	info := c.info
	kind := "step"
	switch info.Kind {
	case model.StepIRQEnter:
		kind = "irq-enter"
	case model.StepIRQExit:
		kind = "irq-exit"
	}
	ctx := "task"
	if info.Handler != "" {
		ctx = info.Handler
	}
	if info.CPU != want.CPU || kind != want.Kind || ctx != want.Context || normalizeStmt(info.Text) != normalizeStmt(want.Text) {
		return -1
	}
	score := 0
	if info.Pos.Line == want.Line {
		score += 4
	}
	if info.Outcome == want.Outcome {
		score += 2
	}
	stores := map[string]string{}
	for _, ch := range info.Changes {
		stores[ch.Name] = ch.New
	}
	same := true
	for _, ch := range want.Changes {
		if ch.Kind == "global" || ch.Kind == "percpu" {
			if stores[ch.Var] != ch.New {
				same = false
			}
		}
	}
	if same {
		score++
	}
	return score
}

// normalizeStmt collapses the white space of a statement.
func normalizeStmt(s string) string { return strings.Join(strings.Fields(s), " ") }

func stepText(s traces.Step) string {
	switch s.Kind {
	case "irq-enter":
		return fmt.Sprintf("CPU%d entering %s", s.CPU, s.Context)
	case "irq-exit":
		return fmt.Sprintf("CPU%d returning from %s", s.CPU, s.Context)
	}
	return fmt.Sprintf("CPU%d %s `%s` (line %d)", s.CPU, s.Context, s.Text, s.Line)
}

// divergence says that step n is no longer enabled and what its CPU can
// do instead.
func divergence(n int, want traces.Step, cands []candidate) string {
	msg := fmt.Sprintf("diverges at step %d: %s is no longer enabled", n, stepText(want))
	var alt []string
	seen := map[string]bool{}
	for _, c := range cands {
		if c.info.CPU != want.CPU {
			continue
		}
		ctx := "task"
		if c.info.Handler != "" {
			ctx = c.info.Handler
		}
		s := fmt.Sprintf("%s `%s` (line %d)", ctx, c.info.Text, c.info.Pos.Line)
		switch c.info.Kind {
		case model.StepIRQEnter:
			s = "enter " + c.info.Handler
		case model.StepIRQExit:
			s = "return from " + c.info.Handler
		}
		if !seen[s] {
			seen[s] = true
			alt = append(alt, s)
		}
	}
	if len(alt) == 0 {
		return msg + fmt.Sprintf("; CPU%d can take no step there", want.CPU)
	}
	return msg + fmt.Sprintf("; CPU%d can: %s", want.CPU, strings.Join(alt, ", "))
}
