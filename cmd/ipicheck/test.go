package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ipicheck/ipicheck/explore"
	"github.com/ipicheck/ipicheck/model"
	"github.com/ipicheck/ipicheck/protocols"
	"github.com/ipicheck/ipicheck/traces"
)

// testCmd is `ipicheck test`.
type testCmd struct {
	Specs        []string    `arg:"" optional:"" name:"spec" help:"Spec files (.ipi), directories (every .ipi file in them but libraries), or names of built-in protocols. Default: every built-in protocol."`
	Set          []string    `short:"s" placeholder:"NAME=VALUE" sep:"none" help:"Pin a param: only this value of a matrix param is tried; another param is set as with check --set. A spec that does not declare NAME ignores it."`
	AllowMissing bool        `help:"A run that no expect declaration applies to does not fail."`
	Jobs         int         `short:"j" placeholder:"N" help:"Runs done at once (default: the number of CPUs); the output is in the same order. The progress line is shown only with -j 1."`
	Limits       searchFlags `embed:""`
	Format       string      `enum:"text,json,markdown,junit,sarif,github" default:"text" help:"Output on stdout: text (a table, then the report of every run that failed), json (an array of ipicheck/result/v1 objects with a status), markdown (the table, for a README), junit, sarif or github (workflow commands); see docs/ci.md."`
	Quiet        bool        `short:"q" help:"No progress line on stderr during long searches."`
	Wide         bool        `help:"Do not cap the width of the CPU columns of the traces of failed runs."`

	// CI outputs and baselines (docs/ci.md).
	Reports  reportFlags   `embed:""`
	Baseline baselineFlags `embed:""`
}

// Help is the detailed help of the test command.
func (c *testCmd) Help() string {
	return `Runs each SPEC with every combination of the values its matrix declares
(matrix NAME = V1, V2, ...; else every value of the bool and enum params its
expect conditions name; other params keep their defaults) and compares each
verdict with the spec's expectation for those params: the first
"expect VERDICT ["text"] [when COND];" whose condition holds. VERDICT is
verified, deadlock, hang, violation (whose failure must mention "text", if
given) or uncovered. A run that no expectation applies to fails, unless
--allow-missing. Each run checks every property; the limits apply to each
run. --set pins a param to one value, to run a part of the matrix. Runs go
on --jobs at a time (one per CPU by default) and are reported in order.

The table has a row per run: its params, the expected and the actual
verdict, the states explored, the length of the counterexample (for a hang,
the steps to the cycle + the cycle's) and the time. The report of every run
that did not give the expected verdict, or did not finish, follows it; a
line sums up.

Examples:

    ipicheck test                        # every built-in protocol
    ipicheck test protocols/ my.ipi
    ipicheck test protocols/ --set CPUS=2 --timeout 1m
    ipicheck test --format markdown protocols/ > table.md
    ipicheck test specs/ --report sarif=out.sarif --report junit=out.xml --baseline base.json

--report FORMAT=FILE writes junit, sarif, github (workflow commands), json or
text to FILE beside the --format output; --baseline compares verdicts and
state counts with a previous run's. See docs/ci.md.

Exit codes: 0 every run as expected, 1 a verdict not as expected (or no
expectation), 2 usage or spec error, 3 a run incomplete, 4 internal error;
the worst of them, in the order 4, 2, 1, 3, 0.`
}

// Validate rejects negative limits and malformed --set.
func (c *testCmd) Validate() error {
	if err := c.Limits.validate(); err != nil {
		return err
	}
	if c.Jobs < 0 {
		return fmt.Errorf("--jobs must not be negative")
	}
	if _, err := c.Reports.parse(); err != nil {
		return err
	}
	if err := c.Baseline.validate(); err != nil {
		return err
	}
	_, err := parseSets(c.Set)
	return err
}

// A testSpec is a spec to test: its file name as reported and its text.
type testSpec struct {
	file string
	src  []byte
}

// The status of a run, as the JSON names it.
const (
	statusOK         = "ok"         // the expected verdict
	statusMismatch   = "mismatch"   // not the expected verdict
	statusMissing    = "missing"    // no expectation applies
	statusIncomplete = "incomplete" // a limit or Ctrl-C stopped the search
	statusError      = "error"      // the spec does not compile with these params
)

// A testRun is one combination of a spec's matrix.
type testRun struct {
	spec     *testSpec
	protocol string
	params   []string // NAME=VALUE: the matrix params in order, then those --set pins outside it
	set      map[string]string
	sys      *model.System // nil if it did not compile
	err      error

	rep      *traces.Report // once run
	status   string
	internal bool // the search panicked
	done     chan struct{}
}

// code is the run's exit code.
func (r *testRun) code(allowMissing bool) int {
	if r.internal {
		return exitInternal
	}
	switch r.status {
	case statusOK:
		return exitVerified
	case statusMismatch:
		return exitViolated
	case statusMissing:
		if allowMissing {
			return exitVerified
		}
		return exitViolated
	case statusIncomplete:
		return exitIncomplete
	case statusError:
		return exitUsage
	}
	return exitInternal
}

func (c *testCmd) run(e *env) int {
	set, err := parseSets(c.Set)
	if err != nil {
		fmt.Fprintf(e.stderr, "ipicheck: %v\n", err)
		return exitUsage
	}
	specs, code, bad := c.specs(e)
	var runs []*testRun
	known := map[string]bool{}
	compiled := 0
	for _, sp := range specs {
		rs, spCode := c.plan(e, sp, set, known)
		runs = append(runs, rs...)
		code = worst(code, spCode)
		if len(rs) > 0 && rs[0].sys != nil {
			compiled++
		}
	}
	for name := range set {
		if !known[name] && compiled > 0 {
			fmt.Fprintf(e.stderr, "ipicheck: --set %s: no spec declares such a param\n", name)
			return exitUsage
		}
	}
	if len(runs) == 0 {
		return code // what is wrong is on stderr
	}
	var out tableWriter
	switch c.Format {
	case "text":
		out = newTextTable(e.stdout, runs, c.AllowMissing)
	case "markdown":
		out = &markdownTable{w: e.stdout, allowMissing: c.AllowMissing}
	case "junit", "sarif", "github":
		out = &ciTable{e: e, format: c.Format}
	default:
		out = &jsonRuns{w: e.stdout}
	}
	out.header()
	wait := c.start(e, runs)
	defer wait()
	for i, r := range runs {
		<-r.done
		if r.sys != nil && r.rep == nil && !r.internal {
			// Ctrl-C came before it started.
			fmt.Fprintf(e.stderr, "ipicheck: interrupted; %d of %d runs not done\n", len(runs)-i, len(runs))
			runs = runs[:i]
			code = worst(code, exitIncomplete)
			break
		}
		code = worst(code, r.code(c.AllowMissing))
		if r.internal {
			continue
		}
		out.row(r)
	}
	if err := out.end(runs, bad, c); err != nil {
		fmt.Fprintf(e.stderr, "ipicheck: %v\n", err)
		return exitInternal
	}
	if !ciFormats[c.Format] {
		code = worst(code, c.Reports.write(e, "", ciRuns(runs, c.AllowMissing), c.jsonOut(runs, bad)))
	}
	return worst(code, c.Baseline.check(e, runs, c.Format))
}

// specs finds the specs the arguments name, printing what is wrong with
// the arguments it cannot read; it returns the exit code so far and the
// number of those arguments.
func (c *testCmd) specs(e *env) (specs []*testSpec, code, bad int) {
	if len(c.Specs) == 0 {
		list, err := protocols.List()
		if err != nil {
			fmt.Fprintf(e.stderr, "ipicheck: %v\n", err)
			return nil, exitInternal, 1
		}
		for _, p := range list {
			src, file, err := protocols.Source(p.File)
			if err != nil {
				fmt.Fprintf(e.stderr, "ipicheck: %v\n", err)
				return nil, exitInternal, 1
			}
			specs = append(specs, &testSpec{file: file, src: src})
		}
		return specs, exitVerified, 0
	}
	for _, arg := range c.Specs {
		fi, err := os.Stat(arg)
		if err != nil || !fi.IsDir() {
			src, file, err := loadSpec(arg)
			if err != nil {
				fmt.Fprintf(e.stderr, "ipicheck: %v\n", err)
				code = worst(code, exitUsage)
				bad++
				continue
			}
			specs = append(specs, &testSpec{file: file, src: src})
			continue
		}
		found, err := dirSpecs(arg)
		if err == nil && len(found) == 0 {
			err = fmt.Errorf("%s: no .ipi spec in this directory", arg)
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "ipicheck: %v\n", err)
			code = worst(code, exitUsage)
			bad++
			continue
		}
		specs = append(specs, found...)
	}
	return specs, code, bad
}

// dirSpecs reads the .ipi files of dir, in the order of their names, but
// the libraries (files that start with library NAME;): they are checked
// through the protocols that import them.
func dirSpecs(dir string) ([]*testSpec, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []*testSpec
	for _, ent := range entries {
		if ent.IsDir() || filepath.Ext(ent.Name()) != ".ipi" {
			continue
		}
		file := filepath.Join(dir, ent.Name())
		src, err := os.ReadFile(file)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return nil, err
		}
		if f, _ := model.Parse(file, src); f != nil && f.Library {
			continue
		}
		out = append(out, &testSpec{file: file, src: src})
	}
	return out, nil
}

// start runs the runs that compiled, --jobs at a time, in order; each
// run's done is closed when it is over, or when Ctrl-C came before it
// started. The function it returns waits for the runs to end.
func (c *testCmd) start(e *env, runs []*testRun) (wait func()) {
	jobs := c.Jobs
	if jobs == 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	quiet := c.Quiet || jobs > 1 // progress lines of concurrent runs would mix
	for _, r := range runs {
		r.done = make(chan struct{})
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(jobs, len(runs)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(runs) {
					return
				}
				if r := runs[i]; r.sys != nil && e.ctx.Err() == nil {
					c.check(e, r, quiet)
				}
				close(runs[i].done)
			}
		})
	}
	return wg.Wait
}

// plan compiles a spec with its defaults to read its matrix, then with
// each combination of the matrix's values: the first param's values
// vary slowest. A param in set takes that value only; set's params that
// the spec declares are added to known. It prints the errors of the
// combinations that do not compile.
func (c *testCmd) plan(e *env, sp *testSpec, set map[string]string, known map[string]bool) ([]*testRun, int) {
	sys, err := model.Load(sp.file, sp.src, nil)
	if err != nil {
		// One run stands for the spec, so that the table and the CI
		// formats show the error too.
		printSpecError(e, sp.file, err)
		name := strings.TrimSuffix(filepath.Base(sp.file), filepath.Ext(sp.file))
		return []*testRun{{spec: sp, protocol: name, err: err, status: statusError}}, exitUsage
	}
	matrix := slices.Clone(sys.Matrix())
	inMatrix := map[string]bool{}
	for i, m := range matrix {
		inMatrix[m.Name] = true
		if v, ok := set[m.Name]; ok {
			matrix[i].Values = []string{v}
		}
	}
	// The pinned params outside the matrix, in declaration order.
	pinned := map[string]string{}
	var extra []string
	for _, p := range sys.Params {
		v, ok := set[p.Name]
		if !ok {
			continue
		}
		known[p.Name] = true
		if !inMatrix[p.Name] {
			pinned[p.Name] = v
			extra = append(extra, p.Name+"="+v)
		}
	}
	var runs []*testRun
	code := exitVerified
	var combine func(i int, params []string, set map[string]string)
	combine = func(i int, params []string, set map[string]string) {
		if i < len(matrix) {
			for _, v := range matrix[i].Values {
				next := map[string]string{matrix[i].Name: v}
				for k, v := range set {
					next[k] = v
				}
				combine(i+1, append(params[:len(params):len(params)], matrix[i].Name+"="+v), next)
			}
			return
		}
		params = append(params[:len(params):len(params)], extra...)
		r := &testRun{spec: sp, protocol: sys.Name, params: params, set: set}
		if len(set) == 0 {
			r.sys = sys
		} else if r.sys, r.err = model.Load(sp.file, sp.src, set); r.err != nil {
			fmt.Fprintf(e.stderr, "ipicheck: %s with %s:\n", sp.file, strings.Join(params, " "))
			printSpecError(e, sp.file, r.err)
			r.status = statusError
			code = exitUsage
		}
		runs = append(runs, r)
	}
	combine(0, nil, pinned)
	return runs, code
}

// check runs one combination and compares its verdict with the
// expectation. A panic of the search is an internal error of the run.
func (c *testCmd) check(e *env, r *testRun, quiet bool) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(e.stderr, "ipicheck: internal error checking %s with %s: %v\n%s", r.spec.file, strings.Join(r.params, " "), p, debug.Stack())
			r.internal = true
		}
	}()
	res := explore.Run(e.ctx, r.sys, c.Limits.options(e, explore.CheckAll, quiet))
	r.rep = traces.NewChecked(r.sys, res, r.spec.file, explore.CheckAll)
	if c.Wide {
		r.rep.MaxWidth = -1
	}
	switch x := r.rep.Expected; {
	case res.Verdict == explore.Incomplete:
		// Claims nothing, expected or not.
		r.status = statusIncomplete
	case x == nil:
		r.status = statusMissing
	case x.Met:
		r.status = statusOK
	default:
		r.status = statusMismatch
	}
}

// expected is the expectation of a run as the table shows it:
// `violation "two writers"`.
func (r *testRun) expected() string {
	switch {
	case r.sys == nil:
		return "-"
	case r.sys.Expected() == nil:
		return "no expectation"
	}
	x := r.sys.Expected()
	if x.Detail != "" {
		return fmt.Sprintf("%s %q", x.Verdict, x.Detail)
	}
	return x.Verdict
}

// got is the verdict of a run, "-" if it did not compile.
func (r *testRun) got() string {
	if r.rep == nil {
		return "-"
	}
	return r.rep.Verdict
}

// states is the number of states the run explored.
func (r *testRun) states() string {
	if r.rep == nil {
		return "-"
	}
	return fmt.Sprint(r.rep.Stats.States)
}

// traceLen is the length of the counterexample in steps: for a hang, the
// steps to the cycle + the cycle's; "-" for none.
func (r *testRun) traceLen() string {
	switch {
	case r.rep == nil || len(r.rep.Trace)+len(r.rep.Cycle) == 0:
		return "-"
	case len(r.rep.Cycle) > 0:
		return fmt.Sprintf("%d+%d", len(r.rep.Trace), len(r.rep.Cycle))
	}
	return fmt.Sprint(len(r.rep.Trace))
}

// A tableWriter renders the runs: the header first, each run when it is
// done, and what follows the table at the end.
type tableWriter interface {
	header()
	row(r *testRun)
	// end is told the runs done and the number of specs that could not
	// be read or compiled.
	end(runs []*testRun, bad int, c *testCmd) error
}

// textTable is the text output: a table streamed a row at a time, the
// reports of the failed runs, and a summary.
type textTable struct {
	w *bufio.Writer
	// Column widths; the params column's parts are aligned per spec.
	proto, params, expected int
	parts                   map[*testSpec][]int
	allowMissing            bool
}

// The widths of the columns of the text table whose contents are only
// known once a run is done.
const (
	statusWidth = 5  // FAIL, ERROR
	gotWidth    = 10 // INCOMPLETE
	statesWidth = 9
	traceWidth  = 7
	timeWidth   = 8
)

func newTextTable(w io.Writer, runs []*testRun, allowMissing bool) *textTable {
	t := &textTable{w: bufio.NewWriter(w), proto: len("PROTOCOL"), params: len("PARAMS"), expected: len("EXPECTED"),
		parts: map[*testSpec][]int{}, allowMissing: allowMissing}
	for _, r := range runs {
		ws := t.parts[r.spec]
		for i, p := range r.params {
			if i == len(ws) {
				ws = append(ws, 0)
			}
			ws[i] = max(ws[i], len(p))
		}
		t.parts[r.spec] = ws
	}
	for _, r := range runs {
		t.proto = max(t.proto, len(r.protocol))
		t.params = max(t.params, len(t.paramCell(r)))
		t.expected = max(t.expected, len(r.expected()))
	}
	return t
}

// paramCell lists the matrix params of a run, aligned with the other
// runs of its spec.
func (t *textTable) paramCell(r *testRun) string {
	if len(r.params) == 0 {
		return "defaults"
	}
	var s strings.Builder
	for i, p := range r.params {
		if i > 0 {
			s.WriteString(" ")
		}
		fmt.Fprintf(&s, "%-*s", t.parts[r.spec][i], p)
	}
	return strings.TrimRight(s.String(), " ")
}

func (t *textTable) line(status, proto, params, expected, got, states, trace, time string) {
	l := fmt.Sprintf("%-*s  %-*s  %-*s  %-*s  %-*s  %*s  %*s  %*s", statusWidth, status, t.proto, proto, t.params, params,
		t.expected, expected, gotWidth, got, statesWidth, states, traceWidth, trace, timeWidth, time)
	fmt.Fprintln(t.w, strings.TrimRight(l, " "))
}

func (t *textTable) header() {
	t.line("", "PROTOCOL", "PARAMS", "EXPECTED", "GOT", "STATES", "TRACE", "TIME")
	t.w.Flush()
}

// statusText is the status column: ok, FAIL, ERROR, "?" for incomplete,
// "-" for a run without an expectation that --allow-missing lets pass.
func statusText(r *testRun, allowMissing bool) string {
	switch r.status {
	case statusOK:
		return "ok"
	case statusMismatch:
		return "FAIL"
	case statusMissing:
		if allowMissing {
			return "-"
		}
		return "FAIL"
	case statusIncomplete:
		return "?"
	}
	return "ERROR"
}

func (t *textTable) row(r *testRun) {
	time := "-"
	if r.rep != nil {
		time = seconds(r.rep.Stats.Seconds)
	}
	t.line(statusText(r, t.allowMissing), r.protocol, t.paramCell(r), r.expected(), r.got(), r.states(), r.traceLen(), time)
	t.w.Flush()
}

// seconds formats a duration for the table: 0.04 s, 12.3 s, 1234 s.
func seconds(s float64) string {
	switch {
	case s < 10:
		return fmt.Sprintf("%.2f s", s)
	case s < 100:
		return fmt.Sprintf("%.1f s", s)
	}
	return fmt.Sprintf("%.0f s", s)
}

func (t *textTable) end(runs []*testRun, bad int, c *testCmd) error {
	for _, r := range runs {
		if r.rep == nil || (r.status != statusMismatch && r.status != statusIncomplete) {
			continue
		}
		fmt.Fprintf(t.w, "\n--- %s\n", r.outcome())
		if err := r.rep.WriteText(t.w); err != nil {
			return err
		}
	}
	fmt.Fprintln(t.w)
	fmt.Fprintln(t.w, summary(runs, bad, c.AllowMissing))
	return t.w.Flush()
}

// outcome heads the report of a run that failed or is incomplete:
// "FAIL: lock (CPUS=3 MODE=stuck): expected verified, got DEADLOCK".
func (r *testRun) outcome() string {
	what := strings.Join(r.params, " ")
	if what == "" {
		what = "defaults"
	}
	if r.status == statusIncomplete {
		return fmt.Sprintf("INCOMPLETE: %s (%s): expected %s, not known: %s", r.protocol, what, r.expected(), r.rep.Incomplete)
	}
	return fmt.Sprintf("FAIL: %s (%s): expected %s, got %s", r.protocol, what, r.expected(), r.got())
}

// summary is the last line of the text: how many runs gave the expected
// verdict and how many did not, and why.
func summary(runs []*testRun, bad int, allowMissing bool) string {
	n := map[string]int{}
	specs := map[*testSpec]bool{}
	for _, r := range runs {
		n[r.status]++
		specs[r.spec] = true
	}
	what := fmt.Sprintf("%d %s of %d %s", len(runs), plural(len(runs), "run", "runs"), len(specs), plural(len(specs), "spec", "specs"))
	if n[statusOK] == len(runs) && bad == 0 {
		return fmt.Sprintf("ok: %s, every verdict as expected", what)
	}
	var parts []string
	add := func(k int, s string) {
		if k > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", k, s))
		}
	}
	add(n[statusOK], "as expected")
	add(n[statusMismatch], "NOT as expected")
	if allowMissing {
		add(n[statusMissing], "without an expectation (allowed)")
	} else {
		add(n[statusMissing], "without an expectation")
	}
	add(n[statusIncomplete], "incomplete")
	add(n[statusError], "not compiled")
	add(bad, plural(bad, "spec not read (see above)", "specs not read (see above)"))
	verdict := "ok"
	switch {
	case bad > 0 || n[statusError] > 0 || n[statusMismatch] > 0 || n[statusMissing] > 0 && !allowMissing:
		verdict = "FAIL"
	case n[statusIncomplete] > 0:
		verdict = "INCOMPLETE"
	}
	s := fmt.Sprintf("%s: %s: %s", verdict, what, strings.Join(parts, ", "))
	if n[statusMissing] > 0 && !allowMissing {
		s += "\n  a run without an expectation fails: add expect declarations to the spec, or pass --allow-missing"
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// markdownTable is the markdown output: the table alone, without times
// so that it is the same from run to run. A spec's name heads its first
// row only.
type markdownTable struct {
	w            io.Writer
	last         *testSpec
	allowMissing bool
}

func (t *markdownTable) header() {
	fmt.Fprintln(t.w, "| Protocol | Params | Expected | Verdict | States | Trace |")
	fmt.Fprintln(t.w, "|----------|--------|----------|---------|-------:|------:|")
}

func (t *markdownTable) row(r *testRun) {
	name := ""
	if r.spec != t.last {
		name = r.protocol
		t.last = r.spec
	}
	params := "defaults"
	if len(r.params) > 0 {
		params = "`" + strings.Join(r.params, " ") + "`"
	}
	got := r.got()
	switch r.status {
	case statusMismatch:
		got = "**" + got + "** (not as expected)"
	case statusMissing:
		if !t.allowMissing {
			got = "**" + got + "**"
		}
	case statusError:
		got = "**spec error**"
	}
	cells := []string{name, params, r.expected(), got, r.states(), r.traceLen()}
	for i, c := range cells {
		cells[i] = strings.ReplaceAll(c, "|", "\\|")
	}
	fmt.Fprintf(t.w, "| %s |\n", strings.Join(cells, " | "))
}

func (t *markdownTable) end([]*testRun, int, *testCmd) error { return nil }

// jsonRuns is the JSON output: an array with an object per run.
type jsonRuns struct {
	w io.Writer
}

// runJSON is a run that was done: its report (ipicheck/result/v1, with
// expected when an expectation applies) and its status.
type runJSON struct {
	*traces.Report
	Status string `json:"status"`
}

// errorJSON is a combination of params the spec does not compile with.
type errorJSON struct {
	Protocol string            `json:"protocol"`
	File     string            `json:"file"`
	Params   map[string]string `json:"params"`
	Status   string            `json:"status"`
	Error    string            `json:"error"`
}

func (t *jsonRuns) header()        {}
func (t *jsonRuns) row(r *testRun) {}

func (t *jsonRuns) end(runs []*testRun, _ int, c *testCmd) error {
	out := []any{}
	for _, r := range runs {
		if r.rep == nil {
			out = append(out, errorJSON{Protocol: r.protocol, File: r.spec.file, Params: r.set, Status: r.status, Error: r.err.Error()})
			continue
		}
		out = append(out, runJSON{Report: r.rep, Status: r.status})
	}
	enc := json.NewEncoder(t.w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
