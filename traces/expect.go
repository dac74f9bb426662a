package traces

import (
	"fmt"
	"strings"

	"github.com/ipicheck/ipicheck/explore"
	"github.com/ipicheck/ipicheck/model"
)

// Expected is the verdict a spec expects for the params of a run, and
// whether the run gave it.
type Expected struct {
	// Verdict is in capitals, as the report's verdict: "DEADLOCK".
	Verdict string `json:"verdict"`
	// Detail is, for VIOLATION, text the failure must mention: its kind,
	// the invariant's name or the message contain it.
	Detail string `json:"detail,omitempty"`
	// File and Line are where the expect declaration is.
	File string `json:"file"`
	Line int    `json:"line"`
	// Met says the run gave the expected verdict (and, with a detail, a
	// failure that mentions it). An INCOMPLETE run meets no expectation.
	Met bool `json:"met"`
}

// expect records the expectation that applies to the run, if any, and
// whether the verdict meets it. It runs once the failure is known.
func (r *Report) expect(e *model.Expectation, file string) {
	if e == nil {
		return
	}
	if f := e.Pos.File(); f != "" && f != r.sysFile {
		file = f // declared in an imported file
	}
	x := &Expected{Verdict: strings.ToUpper(e.Verdict), Detail: e.Detail, File: file, Line: e.Pos.Line}
	x.Met = x.Verdict == r.Verdict && r.verdict != explore.Incomplete
	if x.Met && x.Detail != "" {
		x.Met = r.Failure != nil && strings.Contains(failureText(r.Failure), x.Detail)
	}
	r.Expected = x
}

// failureText is what an expected violation's detail is looked for in:
// the kind of failure or the invariant's name, and the message.
func failureText(f *Failure) string {
	s := f.Kind
	if f.Invariant != "" {
		s = "invariant " + f.Invariant + " violated"
	}
	if f.Message != "" {
		s += ": " + f.Message
	}
	return s
}

// Decl is the expect declaration as the spec writes it, without the
// condition: `expect violation "two writers"`.
func (x *Expected) Decl() string {
	s := "expect " + strings.ToLower(x.Verdict)
	if x.Detail != "" {
		s += fmt.Sprintf(" %q", x.Detail)
	}
	return s
}

// expectedLine says whether the run gave the verdict the spec expects.
func (r *Report) expectedLine() string {
	x := r.Expected
	where := fmt.Sprintf("%s at %s:%d", x.Decl(), x.File, x.Line)
	switch {
	case x.Met:
		return "as expected: " + where
	case r.verdict == explore.Incomplete:
		return where + ": not known, the search did not finish"
	case x.Verdict == r.Verdict:
		return fmt.Sprintf("NOT AS EXPECTED: %s (the failure does not mention %q)", where, x.Detail)
	}
	if need := neededCheck[x.Verdict]; need != 0 && r.checks&need == 0 {
		return fmt.Sprintf("NOT AS EXPECTED: %s (not checked: %s)", where, need)
	}
	return "NOT AS EXPECTED: " + where
}

// neededCheck is the check without which a verdict cannot be found.
var neededCheck = map[string]explore.Check{
	"DEADLOCK":  explore.CheckDeadlock,
	"VIOLATION": explore.CheckSafety,
	"UNCOVERED": explore.CheckSafety,
	"HANG":      explore.CheckHang,
}
