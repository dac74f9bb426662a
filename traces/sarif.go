package traces

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// SARIFSchema is the schema URI the SARIF output names.
const SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"

// The SARIF 2.1.0 objects WriteSARIF uses (a subset of the spec's).
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool     `json:"tool"`
	Results     []sarifResult `json:"results"`
	ColumnKind  string        `json:"columnKind"`
	Invocations []sarifInvoc  `json:"invocations,omitempty"`
}

type sarifInvoc struct {
	ExecutionSuccessful bool `json:"executionSuccessful"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string       `json:"id"`
	Name             string       `json:"name"`
	ShortDescription sarifMessage `json:"shortDescription"`
	FullDescription  sarifMessage `json:"fullDescription"`
	DefaultConfig    sarifConfig  `json:"defaultConfiguration"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	CodeFlows           []sarifCodeFlow   `json:"codeFlows,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifLocation struct {
	ID       *int          `json:"id,omitempty"`
	Physical sarifPhysical `json:"physicalLocation"`
	Message  *sarifMessage `json:"message,omitempty"`
}

type sarifPhysical struct {
	Artifact sarifArtifact `json:"artifactLocation"`
	Region   sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifCodeFlow struct {
	Message     sarifMessage      `json:"message"`
	ThreadFlows []sarifThreadFlow `json:"threadFlows"`
}

type sarifThreadFlow struct {
	ID        string          `json:"id"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifFlowStep `json:"locations"`
}

type sarifFlowStep struct {
	Location       sarifLocation `json:"location"`
	ExecutionOrder int           `json:"executionOrder"`
	NestingLevel   int           `json:"nestingLevel"`
	Importance     string        `json:"importance,omitempty"`
}

// The rules of the SARIF output, in order.
var sarifRules = []struct{ id, name, short, full, level string }{
	{"deadlock", "Deadlock", "No CPU can take a step, and some have not finished.",
		"A reachable state where some CPUs have not finished and none can take a step; the code flow is the shortest interleaving that reaches it.", "error"},
	{"violation", "Violation", "An assertion, a range, or an invariant fails.",
		"A reachable step fails an assertion, stores a value out of its range, indexes out of range, or a reachable state breaks an invariant.", "error"},
	{"hang", "Hang", "A CPU can spin forever.",
		"A CPU that can be kept from finishing forever: the code flow reaches a cycle of steps the run can go round.", "error"},
	{"uncovered", "Uncovered", "A cover condition is never met.",
		"Nothing fails, but a state a cover declaration describes is never reached, so the result may be vacuous.", "warning"},
	{"unexpected-verdict", "UnexpectedVerdict", "The verdict is not the one the spec expects.",
		"The run's verdict is not the one the first applicable expect declaration names.", "error"},
	{"incomplete", "Incomplete", "The search did not finish.",
		"A limit (--max-states, --max-depth, --timeout) or an interrupt ended the search before it was exhaustive.", "warning"},
	{"spec-error", "SpecError", "The spec does not compile.",
		"The spec does not compile with these params.", "error"},
}

// WriteSARIF writes, as a SARIF 2.1.0 log, a result for every run whose
// status is not RunOK: located where a CPU is stuck (a deadlock, a hang),
// where the assertion or invariant fails, at the first cover never met
// (UNCOVERED; the others are related locations), or at the expect
// declaration, with a code flow whose thread flows are the CPUs' steps,
// each at its statement's line (executionOrder is the step's number).
// Paths are as the runs name them, relative ones relative to %SRCROOT%.
// version is the tool's version, "" to leave it out. The output has no
// timings: the same runs give the same bytes.
func WriteSARIF(w io.Writer, runs []Run, version string) error {
	run := sarifRun{
		Tool:       sarifTool{Driver: sarifDriver{Name: "ipicheck", Version: version, InformationURI: "https://github.com/ipicheck/ipicheck"}},
		Results:    []sarifResult{},
		ColumnKind: "unicodeCodePoints",
	}
	for _, r := range sarifRules {
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{ID: r.id, Name: r.name,
			ShortDescription: sarifMessage{r.short}, FullDescription: sarifMessage{r.full}, DefaultConfig: sarifConfig{r.level}})
	}
	for i := range runs {
		if runs[i].Status == RunOK {
			continue
		}
		run.Results = append(run.Results, sarifResultOf(&runs[i]))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}

func sarifLoc(file string, line, col int, msg string) sarifLocation {
	l := sarifLocation{Physical: sarifPhysical{Artifact: sarifURI(file), Region: sarifRegion{StartLine: max(line, 1), StartColumn: col}}}
	if msg != "" {
		l.Message = &sarifMessage{msg}
	}
	return l
}

// sarifURI is a file as a SARIF artifact location: a relative path with
// forward slashes relative to %SRCROOT%, or a file URI.
func sarifURI(file string) sarifArtifact {
	f := filepath.ToSlash(file)
	if filepath.IsAbs(file) || strings.HasPrefix(f, "/") {
		return sarifArtifact{URI: "file://" + f}
	}
	return sarifArtifact{URI: strings.TrimPrefix(f, "./"), URIBaseID: "%SRCROOT%"}
}

func sarifResultOf(r *Run) sarifResult {
	rep := r.Report
	res := sarifResult{Level: "error", PartialFingerprints: map[string]string{}}
	title := fmt.Sprintf("%s (%s)", r.Protocol, r.Name())
	loc := sarifLoc(r.File, 1, 0, "")
	var msg string
	switch {
	case r.Status == RunError || rep == nil:
		loc = sarifLoc(r.File, r.Line, r.Col, "")
		res.RuleID = "spec-error"
		msg = fmt.Sprintf("%s: the spec does not compile: %s", title, r.Message)
	case r.Status == RunSkipped:
		res.RuleID, res.Level = "incomplete", "warning"
		msg = fmt.Sprintf("INCOMPLETE %s: %s", title, rep.Incomplete)
	default:
		msg = fmt.Sprintf("%s %s", rep.Verdict, title)
		if f := rep.Failure; f != nil {
			if f.Kind == "deadlock" || f.Kind == "hang" {
				msg += ": " + f.Message
			} else {
				msg += ": " + failureLine(f)
			}
		}
		switch rep.Verdict {
		case "DEADLOCK":
			res.RuleID = "deadlock"
		case "HANG":
			res.RuleID = "hang"
		case "VIOLATION":
			res.RuleID = "violation"
		case "UNCOVERED":
			res.RuleID = "uncovered"
			msg += ": cover never met: " + strings.Join(rep.Uncovered, "; ")
		default:
			res.RuleID = "unexpected-verdict"
		}
		// The covers never met, at their declarations.
		var covers []sarifLocation
		for i, p := range rep.UncoveredAt {
			if i < len(rep.Uncovered) && p.Line > 0 {
				covers = append(covers, sarifLoc(p.File, p.Line, p.Col, "cover "+rep.Uncovered[i]+" never met"))
			}
		}
		if len(covers) > 0 {
			loc, res.RelatedLocations = covers[0], covers[1:]
		}
		if rep.Expected != nil && !rep.Expected.Met {
			if rep.Verdict == "VERIFIED" || rep.Verdict == "UNCOVERED" {
				res.RuleID = "unexpected-verdict"
				loc = sarifLoc(rep.Expected.File, rep.Expected.Line, 0, "the expectation")
				res.RelatedLocations = covers
			}
		}
		if r.Message != "" {
			msg += " (" + r.Message + ")"
		}
		if x := rep.Explanation; x != nil && len(x.Stuck) > 0 {
			for i, k := range x.Stuck {
				l := sarifLoc(k.File, k.Line, k.Col, stuckText(k))
				if i == 0 {
					loc = l
				} else {
					res.RelatedLocations = append(res.RelatedLocations, l)
				}
				msg += "; " + stuckText(k)
			}
		} else if f := rep.Failure; f != nil && f.File != "" && f.Line > 0 {
			loc = sarifLoc(f.File, f.Line, f.Col, "")
		}
		if flow, ok := sarifFlow(rep); ok {
			res.CodeFlows = []sarifCodeFlow{flow}
		}
	}
	for i, rule := range sarifRules {
		if rule.id == res.RuleID {
			res.RuleIndex = i
		}
	}
	res.Message = sarifMessage{msg}
	res.Locations = []sarifLocation{loc}
	res.PartialFingerprints["ipicheckRun/v1"] = r.File + ":" + r.Protocol + ":" + r.Name() + ":" + res.RuleID
	res.Properties = map[string]any{"protocol": r.Protocol, "params": r.Name()}
	return res
}

// stuckText says where a stuck CPU waits: "CPU0 (task flush) stuck at
// await !done".
func stuckText(k Stuck) string {
	return fmt.Sprintf("CPU%d (%s) stuck at line %d: %s", k.CPU, k.Context, k.Line, k.Text)
}

// sarifFlow is the trace as a code flow, a thread flow per CPU that
// takes a step.
func sarifFlow(rep *Report) (sarifCodeFlow, bool) {
	steps := append(append([]Step{}, rep.Trace...), rep.Cycle...)
	if len(steps) == 0 {
		return sarifCodeFlow{}, false
	}
	flows := map[int]*sarifThreadFlow{}
	var order []int
	for _, s := range steps {
		f := flows[s.CPU]
		if f == nil {
			name := fmt.Sprintf("CPU%d", s.CPU)
			if s.Thread != "" {
				name += " (" + s.Thread + ")"
			}
			f = &sarifThreadFlow{ID: fmt.Sprintf("CPU%d", s.CPU), Message: sarifMessage{name}}
			flows[s.CPU] = f
			order = append(order, s.CPU)
		}
		text := fmt.Sprintf("#%d CPU%d %s: ", s.N, s.CPU, s.Context)
		switch s.Kind {
		case "irq-enter":
			text += "enters " + s.Context
		case "irq-exit":
			text += "returns from " + s.Context
		default:
			text += s.Text
		}
		if s.Outcome != "" {
			text += " [" + s.Outcome + "]"
		}
		if len(s.Reads) > 0 {
			text += "  (" + strings.Join(s.Reads, ", ") + ")"
		}
		var stores []string
		for _, c := range s.Changes {
			stores = append(stores, display(c.Var, c.Short)+" = "+c.New)
		}
		if len(stores) > 0 {
			text += "  → " + strings.Join(stores, ", ")
		}
		if s.N > len(rep.Trace) {
			text += "  (cycle)"
		}
		fs := sarifFlowStep{Location: sarifLoc(s.File, s.Line, s.Col, text), ExecutionOrder: s.N, NestingLevel: s.Nesting}
		if s.Failed {
			fs.Importance = "essential"
			fs.Location.Message.Text += "  <- FAILS"
		}
		f.Locations = append(f.Locations, fs)
	}
	flow := sarifCodeFlow{Message: sarifMessage{fmt.Sprintf("%d steps", len(steps))}}
	for _, cpu := range sortedInts(order) {
		flow.ThreadFlows = append(flow.ThreadFlows, *flows[cpu])
	}
	return flow, true
}

func sortedInts(s []int) []int {
	out := append([]int{}, s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
