package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/ipicheck/ipicheck/traces"
)

// baselineFlags are test's --baseline flags: a file of the verdicts and
// state counts of a previous run, to compare this one with.
type baselineFlags struct {
	Baseline          string `placeholder:"FILE" help:"Compare each run's verdict and state count with those FILE records (JSON, ipicheck/baseline/v1): a different verdict fails the run (exit 1), a state count that differs by more than --baseline-threshold is a warning. FILE is written when it does not exist."`
	UpdateBaseline    bool   `help:"Rewrite the --baseline file with this run's verdicts and state counts instead of comparing."`
	BaselineThreshold string `placeholder:"PCT" default:"10%" help:"How much a state count may differ from the baseline's before a warning: 10% (the default), 0% for any change."`
}

// BaselineSchema identifies the layout of a baseline file.
const BaselineSchema = "ipicheck/baseline/v1"

// baselineFile is a baseline: an entry per run, in the order of the run.
type baselineFile struct {
	Schema string          `json:"schema"`
	Runs   []baselineEntry `json:"runs"`
}

type baselineEntry struct {
	File     string `json:"file"`
	Protocol string `json:"protocol"`
	Params   string `json:"params"`
	Verdict  string `json:"verdict"`
	States   int64  `json:"states"`
}

func (b baselineEntry) key() string { return b.File + "\x00" + b.Params }

func (f *baselineFlags) validate() error {
	if _, err := f.threshold(); err != nil {
		return err
	}
	if f.UpdateBaseline && f.Baseline == "" {
		return fmt.Errorf("--update-baseline needs --baseline FILE")
	}
	return nil
}

// threshold is --baseline-threshold as a fraction.
func (f *baselineFlags) threshold() (float64, error) {
	s := strings.TrimSuffix(strings.TrimSpace(f.BaselineThreshold), "%")
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || math.IsNaN(v) {
		return 0, fmt.Errorf("--baseline-threshold %q: want a percentage, e.g. 10%%", f.BaselineThreshold)
	}
	return v / 100, nil
}

// check writes the baseline, or compares the runs with it, printing the
// differences on stderr (as GitHub workflow commands too, for the github
// format). It returns exitViolated if a verdict changed.
// Incomplete runs, and those that did not compile, are left out.
func (f *baselineFlags) check(e *env, runs []*testRun, format string) int {
	if f.Baseline == "" {
		return exitVerified
	}
	var cur []baselineEntry
	for _, r := range runs {
		if r.rep == nil || r.status == statusIncomplete || r.internal {
			continue
		}
		cur = append(cur, baselineEntry{File: r.spec.file, Protocol: r.protocol, Params: (&traces.Run{Params: r.params}).Name(),
			Verdict: r.rep.Verdict, States: r.rep.Stats.States})
	}
	data, err := os.ReadFile(f.Baseline)
	if f.UpdateBaseline || errors.Is(err, fs.ErrNotExist) {
		out, _ := json.MarshalIndent(baselineFile{Schema: BaselineSchema, Runs: cur}, "", "  ")
		if err := os.WriteFile(f.Baseline, append(out, '\n'), 0o644); err != nil {
			fmt.Fprintf(e.stderr, "ipicheck: %v\n", err)
			return exitInternal
		}
		fmt.Fprintf(e.stderr, "ipicheck: baseline: wrote %d %s to %s\n", len(cur), plural(len(cur), "run", "runs"), f.Baseline)
		return exitVerified
	}
	var base baselineFile
	if err == nil {
		err = json.Unmarshal(data, &base)
		if err == nil && base.Schema != BaselineSchema {
			err = fmt.Errorf("schema %q, want %q", base.Schema, BaselineSchema)
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "ipicheck: baseline %s: %v\n", f.Baseline, err)
		return exitUsage
	}
	limit, _ := f.threshold()
	old := map[string]baselineEntry{}
	for _, b := range base.Runs {
		old[b.key()] = b
	}
	code := exitVerified
	changed, warned, added := 0, 0, 0
	for _, c := range cur {
		b, ok := old[c.key()]
		what := fmt.Sprintf("%s (%s) in %s", c.Protocol, c.Params, c.File)
		switch {
		case !ok:
			added++
			fmt.Fprintf(e.stderr, "ipicheck: baseline: new run %s: %s, %d states\n", what, c.Verdict, c.States)
		case b.Verdict != c.Verdict:
			changed++
			code = exitViolated
			msg := fmt.Sprintf("%s: verdict %s, baseline %s", what, c.Verdict, b.Verdict)
			fmt.Fprintf(e.stderr, "ipicheck: baseline: FAIL %s\n", msg)
			if format == "github" {
				fmt.Fprintf(e.stderr, "::error file=%s,title=%s::%s\n", traces.GitHubEscapeProperty(c.File),
					traces.GitHubEscapeProperty("ipicheck baseline: verdict changed"), traces.GitHubEscapeData(msg))
			}
		case b.States != c.States && math.Abs(float64(c.States-b.States)) > limit*float64(b.States):
			warned++
			pct := math.Inf(1)
			if b.States > 0 {
				pct = 100 * float64(c.States-b.States) / float64(b.States)
			}
			msg := fmt.Sprintf("%s: %d states, baseline %d (%+.1f%%, threshold %s)", what, c.States, b.States, pct, f.BaselineThreshold)
			fmt.Fprintf(e.stderr, "ipicheck: baseline: warning: %s\n", msg)
			if format == "github" {
				fmt.Fprintf(e.stderr, "::warning file=%s,title=%s::%s\n", traces.GitHubEscapeProperty(c.File),
					traces.GitHubEscapeProperty("ipicheck baseline: state count changed"), traces.GitHubEscapeData(msg))
			}
		}
	}
	fmt.Fprintf(e.stderr, "ipicheck: baseline: %d %s compared with %s: %d verdicts changed, %d state counts beyond %s, %d new\n",
		len(cur)-added, plural(len(cur)-added, "run", "runs"), f.Baseline, changed, warned, f.BaselineThreshold, added)
	return code
}
