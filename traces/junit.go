package traces

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// Run is one run of a spec with one combination of params, as the CI
// formats (WriteJUnit, WriteSARIF, WriteGitHub) report it.
type Run struct {
	// Report is the run's report; nil when the spec did not compile with
	// these params.
	Report   *Report
	Protocol string
	File     string
	// Params are the params that name the run, NAME=VALUE; empty for
	// the defaults.
	Params []string
	// Status is RunOK, RunFailed, RunSkipped (incomplete) or RunError
	// (the spec does not compile).
	Status string
	// Message says why a run failed, was skipped or is an error:
	// "expected verified, got DEADLOCK".
	Message string
	// Line and Col locate, for a RunError, the first error in File; 0
	// when unknown.
	Line, Col int
}

// The statuses of a Run.
const (
	RunOK      = "ok"
	RunFailed  = "failed"
	RunSkipped = "skipped"
	RunError   = "error"
)

// Name is what names the run within its spec: "CPUS=3 LOCK=spin", or
// "defaults".
func (r *Run) Name() string {
	if len(r.Params) == 0 {
		return "defaults"
	}
	return strings.Join(r.Params, " ")
}

// ParamList is the report's params in declaration order, NAME=VALUE.
func (r *Report) ParamList() []string {
	var out []string
	for _, p := range r.params {
		out = append(out, p.Name+"="+p.String())
	}
	return out
}

// headline says in a line what is wrong with a run: its Message, then
// the verdict and what failed.
func (r *Run) headline() string {
	rep := r.Report
	if rep == nil {
		return r.Message
	}
	s := rep.Verdict
	switch {
	case rep.Failure != nil && (rep.Failure.Kind == "deadlock" || rep.Failure.Kind == "hang"):
		s += ": " + rep.Failure.Message
	case rep.Failure != nil:
		s += ": " + failureLine(rep.Failure)
	case rep.Incomplete != "":
		s += ": " + rep.Incomplete
	case len(rep.Uncovered) > 0:
		s += ": cover never met: " + strings.Join(rep.Uncovered, "; ")
	}
	if r.Message != "" {
		s = r.Message + ": " + s
	}
	return s
}

// text is the run's report as text without timings, "" without one.
func (r *Run) text() string {
	if r.Report == nil {
		return ""
	}
	// Without timings, so that the same runs give the same text.
	rep := *r.Report
	rep.NoTimings = true
	var b bytes.Buffer
	rep.WriteText(&b)
	return b.String()
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	File     string      `xml:"file,attr,omitempty"`
	Cases    []junitCase `xml:"testcase"`
	seconds  float64
}

type junitCase struct {
	Classname string         `xml:"classname,attr"`
	Name      string         `xml:"name,attr"`
	File      string         `xml:"file,attr,omitempty"`
	Time      string         `xml:"time,attr"`
	Failure   *junitProblem  `xml:"failure,omitempty"`
	Error     *junitProblem  `xml:"error,omitempty"`
	Skipped   *junitProblem  `xml:"skipped,omitempty"`
	SystemOut *junitCharData `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",cdata"`
}

type junitCharData struct {
	Text string `xml:",cdata"`
}

// WriteJUnit writes the runs as JUnit XML, the layout the test reporters
// of GitLab, Jenkins and GitHub read: a testsuite per spec (in the order
// the runs first name it), a testcase per run (classname the protocol,
// name its params). A failed run has a failure whose message says why
// and whose type is the verdict, with the report (trace and explanation)
// as its text; a run whose spec did not compile an error; an incomplete
// run is skipped. Times are in seconds, 0 for reports with NoTimings.
func WriteJUnit(w io.Writer, runs []Run) error {
	out := junitSuites{Name: "ipicheck"}
	index := map[string]int{}
	var total float64
	for i := range runs {
		r := &runs[i]
		k, ok := index[r.File]
		if !ok {
			k = len(out.Suites)
			index[r.File] = k
			out.Suites = append(out.Suites, junitSuite{Name: r.Protocol, File: r.File})
		}
		s := &out.Suites[k]
		var secs float64
		if r.Report != nil && !r.Report.NoTimings {
			secs = r.Report.Stats.Seconds
		}
		c := junitCase{Classname: r.Protocol, Name: r.Name(), File: r.File, Time: junitTime(secs)}
		verdict := ""
		if r.Report != nil {
			verdict = r.Report.Verdict
		}
		switch r.Status {
		case RunFailed:
			c.Failure = &junitProblem{Message: r.headline(), Type: verdict, Text: r.text()}
			s.Failures++
			out.Failures++
		case RunError:
			c.Error = &junitProblem{Message: r.Message, Type: "spec error", Text: r.Message}
			s.Errors++
			out.Errors++
		case RunSkipped:
			c.Skipped = &junitProblem{Message: r.headline()}
			c.SystemOut = &junitCharData{Text: r.text()}
			s.Skipped++
			out.Skipped++
		}
		s.Tests++
		out.Tests++
		s.seconds += secs
		total += secs
		s.Cases = append(s.Cases, c)
	}
	for i := range out.Suites {
		out.Suites[i].Time = junitTime(out.Suites[i].seconds)
	}
	out.Time = junitTime(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w)
	return err
}

func junitTime(s float64) string { return fmt.Sprintf("%.3f", s) }
