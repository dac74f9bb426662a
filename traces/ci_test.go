package traces

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/ipicheck/ipicheck/explore"
)

// ciRuns are runs of the testdata specs with every kind of status, as
// check and test report them to the CI formats.
func ciRuns(t *testing.T) []Run {
	t.Helper()
	run := func(spec string, set map[string]string, opt explore.Options, status, msg string) Run {
		rep := check(t, spec, set, opt)
		return Run{Report: rep, Protocol: rep.Protocol, File: rep.File, Params: rep.ParamList(), Status: status, Message: msg}
	}
	return []Run{
		run("alpha_sync_ipi.ipi", map[string]string{"LOCK": "none"}, explore.Options{}, RunFailed, "expected VERIFIED, got DEADLOCK"),
		run("alpha_sync_ipi.ipi", map[string]string{"LOCK": "drain"}, explore.Options{}, RunOK, ""),
		run("alpha_sync_ipi.ipi", map[string]string{"LOCK": "drain"}, explore.Options{MaxStates: 100}, RunSkipped, ""),
		run("lost_update.ipi", nil, explore.Options{}, RunFailed, "expected VERIFIED, got VIOLATION"),
		run("broken_lock.ipi", nil, explore.Options{}, RunFailed, "expected VERIFIED, got VIOLATION"),
		run("lost_wakeup.ipi", nil, explore.Options{}, RunFailed, "expected VERIFIED, got HANG"),
		run("vacuous.ipi", nil, explore.Options{}, RunFailed, "expected VERIFIED, got UNCOVERED"),
		{Protocol: "broken", File: "dir/broken.ipi", Params: []string{"MODE=x,y"}, Status: RunError, Message: "broken.ipi:3:1: unknown name \"x\" <&>"},
	}
}

func TestCIGolden(t *testing.T) {
	runs := ciRuns(t)
	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"ci.junit.xml", func(b *bytes.Buffer) error { return WriteJUnit(b, runs) }},
		{"ci.sarif", func(b *bytes.Buffer) error { return WriteSARIF(b, runs, "test") }},
		{"ci.github.txt", func(b *bytes.Buffer) error { return WriteGitHub(b, runs) }},
		{"ci.summary.md", func(b *bytes.Buffer) error { return WriteGitHubSummary(b, runs) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var a, b bytes.Buffer
			if err := tc.write(&a); err != nil {
				t.Fatal(err)
			}
			if err := tc.write(&b); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Errorf("two writes differ")
			}
			golden(t, filepath.Join("testdata", tc.name+".golden"), a.Bytes())
		})
	}
}

// sarifSchemaSHA256 is the checksum of testdata/sarif-schema-2.1.0.json,
// the official SARIF 2.1.0 (rtm.5) schema as @microsoft/jest-sarif
// 1.0.0-beta.0 distributes it (testdata/SARIF-SCHEMA-LICENSE.md).
const sarifSchemaSHA256 = "2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8"

// officialSARIFSchema compiles the official SARIF 2.1.0 schema. It is
// JSON Schema draft-04 (its root has "id", not "$id"), so the draft is set
// rather than guessed; formats (uri, uri-reference, date-time) are
// asserted, not just annotations.
func officialSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	path := filepath.Join("testdata", "sarif-schema-2.1.0.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if sum := fmt.Sprintf("%x", sha256.Sum256(data)); sum != sarifSchemaSHA256 {
		t.Fatalf("%s: sha256 %s, want %s: the file is not the official schema byte for byte", path, sum, sarifSchemaSHA256)
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft4
	c.AssertFormat = true
	schema, err := c.Compile(path)
	if err != nil {
		t.Fatalf("the official SARIF schema does not compile: %v", err)
	}
	return schema
}

// validSARIF fails the test when data is not a SARIF 2.1.0 log.
func validSARIF(t *testing.T, schema *jsonschema.Schema, name string, data []byte) {
	t.Helper()
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	if err := schema.Validate(doc); err != nil {
		t.Errorf("%s is not valid SARIF 2.1.0: %#v", name, err)
	}
}

// TestSARIFSchema validates against the official SARIF 2.1.0 schema the
// golden log and every log WriteSARIF writes in the tests: the CI runs
// together and each alone (as check writes one run: a deadlock, a
// verified run, an incomplete one, a violation of an assertion, of an
// invariant, a hang, an uncovered cover, a spec error), a verdict not as
// expected, every golden spec, and no runs at all. (The hand-written
// subset schema this replaces added no constraint the official one does
// not have; the official schema also forbids unknown properties
// everywhere but in property bags.)
func TestSARIFSchema(t *testing.T) {
	schema := officialSARIFSchema(t)
	golden, err := os.ReadFile(filepath.Join("testdata", "ci.sarif.golden"))
	if err != nil {
		t.Fatal(err)
	}
	validSARIF(t, schema, "testdata/ci.sarif.golden", golden)

	runs := ciRuns(t)
	logs := map[string][]Run{"all runs": runs, "no runs": nil}
	for _, r := range runs {
		logs[r.File+" "+r.Name()+" "+r.Status] = []Run{r}
	}
	// A verdict not as expected: located at the expect declaration.
	mis := runs[1]
	rep := *mis.Report
	rep.Expected = &Expected{Verdict: "DEADLOCK", File: mis.File, Line: 3}
	mis.Report, mis.Status, mis.Message = &rep, RunFailed, "expected DEADLOCK, got VERIFIED"
	logs["unexpected verdict"] = []Run{mis}
	for _, tc := range goldenCases {
		rep := check(t, tc.spec, tc.set, tc.opt)
		status := RunFailed
		if rep.verdict == explore.Incomplete {
			status = RunSkipped
		}
		logs["golden "+tc.name] = []Run{{Report: rep, Protocol: rep.Protocol, File: rep.File, Params: rep.ParamList(), Status: status}}
	}
	for name, rs := range logs {
		for _, version := range []string{"", "v1.2.3"} {
			var b bytes.Buffer
			if err := WriteSARIF(&b, rs, version); err != nil {
				t.Fatal(err)
			}
			validSARIF(t, schema, fmt.Sprintf("%s (version %q)", name, version), b.Bytes())
		}
	}
}

// TestSARIFSchemaRejects checks that the validation is not vacuous: the
// official schema rejects a real log with one thing broken.
func TestSARIFSchemaRejects(t *testing.T) {
	schema := officialSARIFSchema(t)
	var b bytes.Buffer
	if err := WriteSARIF(&b, ciRuns(t), "test"); err != nil {
		t.Fatal(err)
	}
	result := func(doc map[string]any) map[string]any {
		return doc["runs"].([]any)[0].(map[string]any)["results"].([]any)[0].(map[string]any)
	}
	region := func(doc map[string]any) map[string]any {
		loc := result(doc)["locations"].([]any)[0].(map[string]any)
		return loc["physicalLocation"].(map[string]any)["region"].(map[string]any)
	}
	for _, tc := range []struct {
		name   string
		mutate func(doc map[string]any)
	}{
		{"unchanged", func(map[string]any) {}},
		{"version 2.0.0", func(doc map[string]any) { doc["version"] = "2.0.0" }},
		{"no runs", func(doc map[string]any) { delete(doc, "runs") }},
		{"no tool", func(doc map[string]any) { delete(doc["runs"].([]any)[0].(map[string]any), "tool") }},
		{"level fatal", func(doc map[string]any) { result(doc)["level"] = "fatal" }},
		{"no message", func(doc map[string]any) { delete(result(doc), "message") }},
		{"unknown result property", func(doc map[string]any) { result(doc)["severity"] = "high" }},
		{"startLine 0", func(doc map[string]any) { region(doc)["startLine"] = 0 }},
		{"startLine a string", func(doc map[string]any) { region(doc)["startLine"] = "11" }},
		{"ruleIndex -2", func(doc map[string]any) { result(doc)["ruleIndex"] = -2 }},
		{"informationUri not a URI", func(doc map[string]any) {
			doc["runs"].([]any)[0].(map[string]any)["tool"].(map[string]any)["driver"].(map[string]any)["informationUri"] = "not a uri"
		}},
	} {
		var doc map[string]any
		if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		tc.mutate(doc)
		err := schema.Validate(doc)
		if tc.name == "unchanged" {
			if err != nil {
				t.Fatalf("the log itself is not valid: %v", err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: a broken log validates", tc.name)
		}
	}
}

// TestSARIFLocations checks where the results are: at the stuck CPU, the
// failed assertion, with a thread flow per CPU, steps in the library file
// at the library's name.
func TestSARIFLocations(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSARIF(&b, ciRuns(t), ""); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results
	if len(res) != 7 {
		t.Fatalf("%d results, want 7 (every run but the ok one)", len(res))
	}
	if r := res[0]; r.RuleID != "deadlock" || len(r.CodeFlows) != 1 || len(r.CodeFlows[0].ThreadFlows) != 2 || r.Locations[0].Physical.Region.StartLine < 2 {
		t.Errorf("deadlock result: %+v", r)
	}
	if r := res[2]; r.RuleID != "violation" || !strings.Contains(r.Message.Text, "an increment was lost") {
		t.Errorf("violation result: %+v", r)
	}
	if r := res[1]; r.RuleID != "incomplete" || r.Level != "warning" {
		t.Errorf("incomplete result: %+v", r)
	}
	// An uncovered cover is located at its declaration (vacuous.ipi:29),
	// the other one never met is a related location.
	if r := res[5]; r.RuleID != "uncovered" ||
		r.Locations[0].Physical.Artifact.URI != "vacuous.ipi" || r.Locations[0].Physical.Region != (sarifRegion{StartLine: 29, StartColumn: 1}) ||
		r.Locations[0].Message == nil || r.Locations[0].Message.Text != "cover handled (the IPI handler ran) never met" ||
		len(r.RelatedLocations) != 1 || r.RelatedLocations[0].Physical.Region.StartLine != 30 {
		t.Errorf("uncovered result: %+v", r)
	}
}

// TestUncoveredLocation checks that an UNCOVERED run is located at the
// first cover never met in SARIF and in the GitHub annotation, and that a
// verdict not as expected stays at the expect declaration with the covers
// as related locations.
func TestUncoveredLocation(t *testing.T) {
	rep := check(t, "vacuous.ipi", nil, explore.Options{})
	want := []Position{{"vacuous.ipi", 29, 1}, {"vacuous.ipi", 30, 1}}
	if len(rep.UncoveredAt) != len(want) || rep.UncoveredAt[0] != want[0] || rep.UncoveredAt[1] != want[1] {
		t.Fatalf("UncoveredAt %+v, want %+v", rep.UncoveredAt, want)
	}
	run := Run{Report: rep, Protocol: rep.Protocol, File: rep.File, Params: rep.ParamList(), Status: RunFailed}
	var gh bytes.Buffer
	if err := WriteGitHub(&gh, []Run{run}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(gh.String(), "::error file=vacuous.ipi,line=29,col=1,title=") {
		t.Errorf("annotation: %s", strings.SplitN(gh.String(), "\n", 2)[0])
	}
	// The spec expects VERIFIED: the result is at the expectation.
	x := *rep
	x.Expected = &Expected{Verdict: "VERIFIED", File: rep.File, Line: 14}
	run.Report = &x
	r := sarifResultOf(&run)
	if r.RuleID != "unexpected-verdict" || r.Locations[0].Physical.Region.StartLine != 14 || len(r.RelatedLocations) != 2 ||
		r.RelatedLocations[1].Physical.Region.StartLine != 30 {
		t.Errorf("unexpected verdict: %+v", r)
	}
	if file, line, _, _, _ := annotation(&run); file != "vacuous.ipi" || line != 14 {
		t.Errorf("unexpected verdict annotated at %s:%d, want vacuous.ipi:14", file, line)
	}
}

func TestGitHubEscape(t *testing.T) {
	if got, want := GitHubEscapeData("100%\r\na:b,c"), "100%25%0D%0Aa:b,c"; got != want {
		t.Errorf("data: %q, want %q", got, want)
	}
	if got, want := GitHubEscapeProperty("100%\r\na:b,c"), "100%25%0D%0Aa%3Ab%2Cc"; got != want {
		t.Errorf("property: %q, want %q", got, want)
	}
}
