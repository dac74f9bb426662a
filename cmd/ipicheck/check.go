package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/ipicheck/ipicheck/explore"
	"github.com/ipicheck/ipicheck/model"
	"github.com/ipicheck/ipicheck/protocols"
	"github.com/ipicheck/ipicheck/traces"
)

// checkCmd is `ipicheck check`.
type checkCmd struct {
	Specs  []string    `arg:"" name:"spec" help:"Spec files (.ipi), or names of built-in protocols (see ipicheck list). A file is looked for first."`
	Set    []string    `short:"s" placeholder:"NAME=VALUE" sep:"none" help:"Override params of the spec: --set CPUS=3 --set LOCK=spin, or --set CPUS=3,LOCK=spin."`
	Check  string      `placeholder:"LIST" default:"all" help:"Properties to check, comma-separated: deadlock, safety (assertions, ranges, invariants), hang; or all."`
	Limits searchFlags `embed:""`
	Format string      `enum:"text,json,junit,sarif,github" default:"text" help:"Output on stdout: text (a table per counterexample), json (schema ipicheck/result/v1, see docs/json-schema.md), junit, sarif or github (workflow commands); see docs/ci.md."`
	Quiet  bool        `short:"q" help:"No progress line on stderr during long searches."`
	Wide   bool        `help:"Do not cap the width of the CPU columns of a trace; long cells are wrapped otherwise."`
	Stats  bool        `help:"After the report, print the figures of the search: states, transitions, states/s, memory per state of the visited set and the hang check, and what the reductions did (text format only)."`
	Charts chartFlags  `embed:""`

	// CI outputs (docs/ci.md).
	Reports reportFlags  `embed:""`
	runs    []traces.Run // for the CI formats and --report
}

// searchFlags are the search order and the limits of a search, the same
// for check and test.
type searchFlags struct {
	Search      string        `enum:"bfs,dfs" default:"bfs" help:"Search order: bfs (default) finds a shortest counterexample; dfs often needs less memory but its traces are longer."`
	MaxStates   int           `placeholder:"N" help:"Stop, INCOMPLETE, when N states are stored (0: no limit but memory)."`
	MaxDepth    int           `placeholder:"N" help:"Do not explore past N steps from the initial state; INCOMPLETE if that left anything out (0: no limit)."`
	Timeout     time.Duration `placeholder:"DUR" help:"Stop, INCOMPLETE, after DUR, e.g. 30s or 10m (0: none)."`
	Workers     int           `placeholder:"N" help:"Goroutines expanding each BFS level (0: one per CPU). Verdicts, counts and traces are the same for any N."`
	Fingerprint bool          `help:"Store a 64-bit hash per state instead of the state (at most 16 bytes per state); the report gives the probability that a state was missed."`
	Seed        uint64        `placeholder:"N" help:"Seed of the fingerprint hash."`
	Symmetry    bool          `help:"Symmetry reduction: store one state per class of states equal up to a renaming of CPUs that run the same thread. check refuses a spec whose CPUs are not interchangeable, with the reasons; test searches such specs in full (see docs/language.md, Reductions)."`
	POR         bool          `name:"por" help:"Partial-order reduction: a CPU's private steps (on its own locals and private per-CPU data, with no interrupt able to come) are not interleaved with the other CPUs'. Same verdicts, often fewer states; the counterexample may differ (docs/language.md, Reductions)."`
}

// validate rejects negative limits.
func (f *searchFlags) validate() error {
	switch {
	case f.MaxStates < 0:
		return fmt.Errorf("--max-states must not be negative")
	case f.MaxDepth < 0:
		return fmt.Errorf("--max-depth must not be negative")
	case f.Timeout < 0:
		return fmt.Errorf("--timeout must not be negative")
	case f.Workers < 0:
		return fmt.Errorf("--workers must not be negative")
	case f.Fingerprint && f.Search == "dfs":
		return fmt.Errorf("--fingerprint needs --search bfs: a depth-first search must keep whole states")
	}
	return nil
}

// options are the explore options of a search with these flags, with a
// progress line on stderr unless quiet.
func (f *searchFlags) options(e *env, checks explore.Check, quiet bool) explore.Options {
	opt := explore.Options{
		Checks:      checks,
		MaxStates:   f.MaxStates,
		MaxDepth:    f.MaxDepth,
		Timeout:     f.Timeout,
		Workers:     f.Workers,
		Fingerprint: f.Fingerprint,
		Seed:        f.Seed,
		Symmetry:    f.Symmetry,
		POR:         f.POR,
	}
	if f.Search == "dfs" {
		opt.Search = explore.DFS
	}
	if !quiet {
		opt.Progress = e.stderr
		opt.Terminal = isTerminal(e.stderr)
	}
	return opt
}

// Help is the detailed help of the check command.
func (c *checkCmd) Help() string {
	return `Each SPEC is checked with its params' defaults, overridden by --set. The
result is one of VERIFIED, DEADLOCK, VIOLATION, HANG, UNCOVERED (nothing
fails, but a cover condition of the spec never holds) or INCOMPLETE, with the
counterexample trace and the number of states, transitions, depth, time and
memory of the search, and whether it is the verdict the spec expects. A progress line is printed on stderr about once a second
while a search runs; Ctrl-C stops it with an INCOMPLETE verdict.

Examples:

    ipicheck check protocols/alpha_sync_ipi.ipi
    ipicheck check alpha_sync_ipi --set LOCK=drain --set CPUS=3
    ipicheck check a.ipi b.ipi --timeout 10m --format json > results.json
    ipicheck check a.ipi --report sarif=a.sarif --report junit=a.xml   # see docs/ci.md

Exit codes: 0 verified, 1 property violated or uncovered, 2 usage or spec
error, 3 incomplete, 4 internal error; with several specs, the worst of them.`
}

// Validate rejects negative limits, unknown checks and malformed --set.
func (c *checkCmd) Validate() error {
	if err := c.Limits.validate(); err != nil {
		return err
	}
	if _, err := explore.ParseChecks(c.Check); err != nil {
		return fmt.Errorf("--check: %v", err)
	}
	if _, err := c.Reports.parse(); err != nil {
		return err
	}
	_, err := parseSets(c.Set)
	return err
}

// parseSets reads NAME=VALUE overrides, several to an argument if
// separated by commas; a later one for the same name wins.
func parseSets(sets []string) (map[string]string, error) {
	out := map[string]string{}
	for _, arg := range sets {
		for s := range strings.SplitSeq(arg, ",") {
			if err := parseSet(out, s); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func parseSet(out map[string]string, s string) error {
	name, value, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return fmt.Errorf("--set %q: want NAME=VALUE, e.g. --set CPUS=3", s)
	}
	out[name] = strings.TrimSpace(value)
	return nil
}

func (c *checkCmd) run(e *env) int {
	set, err := parseSets(c.Set)
	if err != nil {
		fmt.Fprintf(e.stderr, "ipicheck: %v\n", err)
		return exitUsage
	}
	code := exitVerified
	for i, spec := range c.Specs {
		if e.ctx.Err() != nil {
			fmt.Fprintf(e.stderr, "ipicheck: interrupted; not checked: %s\n", strings.Join(c.Specs[i:], " "))
			return worst(code, exitIncomplete)
		}
		if i > 0 && c.Format == "text" {
			fmt.Fprintln(e.stdout)
		}
		code = worst(code, c.checkOne(e, spec, set))
	}
	return worst(code, c.Reports.write(e, c.Format, c.runs, nil))
}

// checkOne checks one spec and returns its exit code.
func (c *checkCmd) checkOne(e *env, spec string, set map[string]string) (code int) {
	sys, file, _, err := loadSystem(e, spec, set)
	if err != nil {
		if file != "" {
			line, col := errorAt(err, file)
			c.runs = append(c.runs, traces.Run{Protocol: file, File: file, Status: traces.RunError, Message: err.Error(), Line: line, Col: col})
		}
		return exitUsage
	}
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(e.stderr, "ipicheck: internal error checking %s: %v\n%s", file, r, debug.Stack())
			code = exitInternal
		}
	}()
	checks, err := explore.ParseChecks(c.Check)
	if err != nil {
		fmt.Fprintf(e.stderr, "ipicheck: --check: %v\n", err)
		return exitUsage
	}
	if c.Limits.Symmetry {
		if probs := sys.SymmetryProblems(); len(probs) > 0 {
			fmt.Fprintf(e.stderr, "ipicheck: %s: --symmetry: the CPUs of this spec are not interchangeable:\n%v\n", file, probs)
			c.runs = append(c.runs, traces.Run{Protocol: file, File: file, Status: traces.RunError, Message: "--symmetry: " + probs[0].Error(), Line: probs[0].Pos.Line, Col: probs[0].Pos.Col})
			return exitUsage
		}
	}
	opt := c.Limits.options(e, checks, c.Quiet)
	res := explore.Run(e.ctx, sys, opt)
	rep := traces.NewChecked(sys, res, file, checks)
	if c.Wide {
		rep.MaxWidth = -1
	}
	if err := c.Charts.write(e, sys, res, rep, len(c.Specs) > 1); err != nil {
		fmt.Fprintf(e.stderr, "ipicheck: %v\n", err)
		return exitInternal
	}
	c.runs = append(c.runs, checkRun(rep, res.Verdict, file))
	switch c.Format {
	case "json":
		err = rep.WriteJSON(e.stdout)
	case "text":
		err = rep.WriteText(e.stdout)
		if err == nil && c.Stats {
			writeStats(e.stdout, sys, res, opt)
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "ipicheck: %v\n", err)
		return exitInternal
	}
	return verdictCode(res.Verdict)
}

// printSpecError prints an error loading a spec: an error in the spec
// as file:line:col: message with the source line and a caret, anything
// else (a bad --set) after the file's name.
func printSpecError(e *env, file string, err error) {
	var list model.ErrorList
	if errors.As(err, &list) {
		fmt.Fprintln(e.stderr, err)
	} else {
		fmt.Fprintf(e.stderr, "ipicheck: %s: %v\n", file, err)
	}
}

// errorAt returns the line and column of the first error of a spec file
// that does not compile, if it is in that file; 0, 0 else.
func errorAt(err error, file string) (line, col int) {
	var list model.ErrorList
	if errors.As(err, &list) && len(list) > 0 && list[0].File == file {
		return list[0].Pos.Line, list[0].Pos.Col
	}
	return 0, 0
}

// verdictCode is the exit code of a verdict.
func verdictCode(v explore.Verdict) int {
	switch v {
	case explore.Verified:
		return exitVerified
	case explore.Deadlock, explore.Violation, explore.Hang, explore.Uncovered:
		return exitViolated
	case explore.Incomplete:
		return exitIncomplete
	}
	return exitInternal
}

// loadSpec reads a spec: the file named spec if there is one, else the
// built-in protocol of that name or file name. It returns the name to
// report positions with: the path as given, or the built-in's file name.
// loadSystem reads spec (a path or a built-in name) and compiles it with
// set, printing what goes wrong on stderr. file is "" when the spec could
// not even be read.
func loadSystem(e *env, spec string, set map[string]string) (sys *model.System, file string, src []byte, err error) {
	src, file, err = loadSpec(spec)
	if err != nil {
		fmt.Fprintf(e.stderr, "ipicheck: %v\n", err)
		return nil, "", nil, err
	}
	sys, err = model.Load(file, src, set)
	if err != nil {
		printSpecError(e, file, err)
	}
	return sys, file, src, err
}

func loadSpec(spec string) ([]byte, string, error) {
	src, err := os.ReadFile(spec)
	if err == nil {
		return src, spec, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, "", err
	}
	if src, file, berr := protocols.Source(spec); berr == nil {
		return src, file, nil
	}
	return nil, "", fmt.Errorf("%s: no such file, and no built-in protocol of that name (ipicheck list shows them)", spec)
}

// isTerminal reports whether w is a terminal (a character device), where
// the progress line is redrawn in place.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
