package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ipicheck/ipicheck/explore"
	"github.com/ipicheck/ipicheck/traces"
)

// reportFlags are the extra outputs of check and test: --report
// FORMAT=FILE, any number of them, beside what --format writes on
// stdout.
type reportFlags struct {
	Report    []string `placeholder:"FORMAT=FILE" sep:"none" help:"Also write the results as FORMAT (text, json, junit, sarif, github) to FILE, - for stdout; repeat it for several: --report sarif=out.sarif --report junit=out.xml."`
	NoTimings bool     `help:"Leave times, rates and memory out of the junit, sarif and github outputs and the --report files (junit time=\"0.000\"), so that the same specs give the same bytes."`
}

// ciFormats are the formats that are written once every run is done.
var ciFormats = map[string]bool{"junit": true, "sarif": true, "github": true}

// reportFormats are the formats --report takes.
var reportFormats = map[string]bool{"text": true, "json": true, "junit": true, "sarif": true, "github": true}

type reportOut struct{ format, file string }

// parse reads the --report flags.
func (f *reportFlags) parse() ([]reportOut, error) {
	var out []reportOut
	for _, r := range f.Report {
		format, file, ok := strings.Cut(r, "=")
		if !ok || file == "" || !reportFormats[format] {
			return nil, fmt.Errorf("--report %q: want FORMAT=FILE, FORMAT one of text, json, junit, sarif, github", r)
		}
		out = append(out, reportOut{format, file})
	}
	return out, nil
}

// write writes the runs in the CI format on stdout (if format is one)
// and in every --report format to its file, and appends a summary to
// $GITHUB_STEP_SUMMARY when a github output is written and it is set.
// It returns exitInternal if a file cannot be written, else exitVerified.
// jsonOut, if not nil, writes the json format (test's own array).
func (f *reportFlags) write(e *env, format string, runs []traces.Run, jsonOut func(io.Writer) error) int {
	outs, err := f.parse()
	if err != nil {
		fmt.Fprintf(e.stderr, "ipicheck: %v\n", err)
		return exitUsage
	}
	if ciFormats[format] {
		outs = append([]reportOut{{format, "-"}}, outs...)
	}
	if f.NoTimings {
		for _, r := range runs {
			if r.Report != nil {
				r.Report.NoTimings = true
			}
		}
	}
	code := exitVerified
	github := false
	for _, o := range outs {
		var b bytes.Buffer
		write := writeRuns
		if o.format == "json" && jsonOut != nil {
			write = func(w io.Writer, _ string, _ []traces.Run) error { return jsonOut(w) }
		}
		if err := write(&b, o.format, runs); err != nil {
			fmt.Fprintf(e.stderr, "ipicheck: %s: %v\n", o.format, err)
			code = exitInternal
			continue
		}
		github = github || o.format == "github"
		if o.file == "-" {
			e.stdout.Write(b.Bytes())
			continue
		}
		if err := os.WriteFile(o.file, b.Bytes(), 0o644); err != nil {
			fmt.Fprintf(e.stderr, "ipicheck: %v\n", err)
			code = exitInternal
		}
	}
	if summary := os.Getenv("GITHUB_STEP_SUMMARY"); github && summary != "" {
		var b bytes.Buffer
		traces.WriteGitHubSummary(&b, runs)
		file, err := os.OpenFile(summary, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			_, err = file.Write(b.Bytes())
			if cerr := file.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "ipicheck: GITHUB_STEP_SUMMARY: %v\n", err)
			code = exitInternal
		}
	}
	return code
}

// writeRuns writes the runs in one format.
func writeRuns(w io.Writer, format string, runs []traces.Run) error {
	switch format {
	case "junit":
		return traces.WriteJUnit(w, runs)
	case "sarif":
		return traces.WriteSARIF(w, runs, strings.TrimPrefix(versionString(), "ipicheck "))
	case "github":
		return traces.WriteGitHub(w, runs)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		out := []any{}
		for _, r := range runs {
			if r.Report != nil {
				rep := *r.Report
				if rep.NoTimings { // as WriteJSON does
					rep.Stats.Seconds, rep.Stats.StatesPerSec, rep.Stats.PeakMemBytes, rep.Stats.StoreBytes = 0, 0, 0, 0
					rep.Stats.HangCheckSeconds, rep.Stats.HangBytes = 0, 0
				}
				out = append(out, struct {
					*traces.Report
					Status string `json:"status"`
				}{&rep, r.Status})
			} else {
				out = append(out, map[string]any{"protocol": r.Protocol, "file": r.File, "status": r.Status, "error": r.Message})
			}
		}
		return enc.Encode(out)
	}
	for i, r := range runs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if r.Report == nil {
			fmt.Fprintf(w, "ERROR  %s (%s): %s\n", r.Protocol, r.Name(), r.Message)
			continue
		}
		if err := r.Report.WriteText(w); err != nil {
			return err
		}
	}
	return nil
}

// checkRun is the run of check on one spec: it fails unless VERIFIED.
func checkRun(rep *traces.Report, v explore.Verdict, file string) traces.Run {
	r := traces.Run{Report: rep, Protocol: rep.Protocol, File: file, Params: rep.ParamList(), Status: traces.RunOK}
	switch v {
	case explore.Verified:
	case explore.Incomplete:
		r.Status = traces.RunSkipped
	default:
		r.Status = traces.RunFailed
	}
	return r
}

// ciRun is a test run for the CI formats.
func (r *testRun) ciRun(allowMissing bool) traces.Run {
	out := traces.Run{Report: r.rep, Protocol: r.protocol, File: r.spec.file, Params: r.params, Status: traces.RunOK}
	switch r.status {
	case statusMismatch:
		out.Status, out.Message = traces.RunFailed, fmt.Sprintf("expected %s, got %s", r.expected(), r.got())
	case statusMissing:
		if !allowMissing {
			out.Status, out.Message = traces.RunFailed, "no expectation applies (got "+r.got()+")"
		}
	case statusIncomplete:
		out.Status = traces.RunSkipped
	case statusError:
		out.Status, out.Report = traces.RunError, nil
		if r.err != nil {
			out.Message = r.err.Error()
			out.Line, out.Col = errorAt(r.err, r.spec.file)
		}
	}
	return out
}

// ciTable is test's output in a CI format: nothing until the end.
type ciTable struct {
	e      *env
	format string
}

func (t *ciTable) header()        {}
func (t *ciTable) row(r *testRun) {}

func (t *ciTable) end(runs []*testRun, bad int, c *testCmd) error {
	if code := c.Reports.write(t.e, t.format, ciRuns(runs, c.AllowMissing), c.jsonOut(runs, bad)); code != exitVerified {
		return fmt.Errorf("writing the reports failed")
	}
	return nil
}

func ciRuns(runs []*testRun, allowMissing bool) []traces.Run {
	var out []traces.Run
	for _, r := range runs {
		if r.internal {
			continue
		}
		out = append(out, r.ciRun(allowMissing))
	}
	return out
}

// jsonOut writes test's json output of the runs, for --report json=F,
// with --no-timings applied.
func (c *testCmd) jsonOut(runs []*testRun, bad int) func(io.Writer) error {
	return func(w io.Writer) error {
		if c.Reports.NoTimings {
			for _, r := range runs {
				if r.rep != nil { // jsonRuns does not go through WriteJSON
					r.rep.NoTimings = true
					st := &r.rep.Stats
					st.Seconds, st.StatesPerSec, st.PeakMemBytes, st.StoreBytes = 0, 0, 0, 0
					st.HangCheckSeconds, st.HangBytes = 0, 0
				}
			}
		}
		return (&jsonRuns{w: w}).end(runs, bad, c)
	}
}
