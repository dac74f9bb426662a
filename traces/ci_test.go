package traces

import (
	"bytes"
	"encoding/json"
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

// TestSARIFSchema validates the SARIF output against
// testdata/sarif-2.1.0-subset.schema.json: a subset of the official
// SARIF 2.1.0 schema, written from the spec (the official file cannot be
// fetched here), with additionalProperties false as in the official one.
func TestSARIFSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.AssertFormat = true
	schema, err := c.Compile(filepath.Join("testdata", "sarif-2.1.0-subset.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	runs := ciRuns(t)
	for _, rs := range [][]Run{runs, nil, runs[1:2]} {
		var b bytes.Buffer
		if err := WriteSARIF(&b, rs, ""); err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(doc); err != nil {
			t.Errorf("%#v", err)
		}
	}
	// A broken log fails, so the validation is not vacuous.
	bad := map[string]any{"version": "2.1.0", "runs": []any{map[string]any{"tool": map[string]any{"driver": map[string]any{"name": "x"}},
		"results": []any{map[string]any{"message": map[string]any{"text": "m"}, "level": "fatal"}}}}}
	if schema.Validate(bad) == nil {
		t.Errorf("a result of level fatal validates")
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
}

func TestGitHubEscape(t *testing.T) {
	if got, want := GitHubEscapeData("100%\r\na:b,c"), "100%25%0D%0Aa:b,c"; got != want {
		t.Errorf("data: %q, want %q", got, want)
	}
	if got, want := GitHubEscapeProperty("100%\r\na:b,c"), "100%25%0D%0Aa%3Ab%2Cc"; got != want {
		t.Errorf("property: %q, want %q", got, want)
	}
}
