package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestCLISARIFSchema validates against the official SARIF 2.1.0 schema the
// SARIF that ipicheck check and test write, on stdout and with --report,
// for every verdict: DEADLOCK, VERIFIED, INCOMPLETE, VIOLATION (an
// assertion, an invariant, a range, an expectation not met), HANG,
// UNCOVERED, a spec error, and a test of a directory of specs. ipicheck is
// the test binary, which testscript puts on PATH.
func TestCLISARIFSchema(t *testing.T) {
	bin, err := exec.LookPath("ipicheck")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.ipi")
	if err := os.WriteFile(bad, []byte(actionSpecBad), 0o666); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		rule string // a rule of the results, "" for none
	}{
		{"deadlock", []string{"check", "alpha_sync_ipi.ipi", "--set", "LOCK=none"}, 1, "deadlock"},
		{"verified", []string{"check", "alpha_sync_ipi.ipi", "--set", "LOCK=drain"}, 0, ""},
		{"incomplete", []string{"check", "alpha_sync_ipi.ipi", "--set", "LOCK=drain", "--max-states", "100"}, 3, "incomplete"},
		{"assertion", []string{"check", "lost_update.ipi"}, 1, "violation"},
		{"invariant", []string{"check", "broken_lock.ipi"}, 1, "violation"},
		{"range", []string{"check", "overflow.ipi"}, 1, "violation"},
		{"expect-mismatch", []string{"check", "expect_mismatch.ipi"}, 1, "violation"},
		{"hang", []string{"check", "lost_wakeup.ipi"}, 1, "hang"},
		{"uncovered", []string{"check", "vacuous.ipi"}, 1, "uncovered"},
		{"spec-error", []string{"check", bad}, 2, "spec-error"},
		{"test", []string{"test", "."}, 1, "hang"},
		{"test-incomplete", []string{"test", "vacuous.ipi", "--max-states", "5"}, 3, "incomplete"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			report := filepath.Join(dir, tc.name+".sarif")
			args := append([]string{tc.args[0], "-q", "--format", "sarif", "--report", "sarif=" + report}, tc.args[1:]...)
			cmd := exec.Command(bin, args...)
			cmd.Dir = "../../traces/testdata"
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if code := cmd.ProcessState.ExitCode(); code != tc.code {
				t.Fatalf("ipicheck %v: exit %d (%v), want %d\n%s", args, code, err, tc.code, stderr.Bytes())
			}
			validateSARIF(t, "stdout", stdout.Bytes())
			if rule := []byte(`"ruleId": "` + tc.rule + `"`); tc.rule != "" && !bytes.Contains(stdout.Bytes(), rule) ||
				tc.rule == "" && bytes.Contains(stdout.Bytes(), []byte(`"ruleId"`)) {
				t.Errorf("want a result of rule %q:\n%s", tc.rule, stdout.Bytes())
			}
			data, err := os.ReadFile(report)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(data, stdout.Bytes()) {
				t.Errorf("--report sarif= and --format sarif differ")
			}
			validateSARIF(t, report, data)
		})
	}
}
