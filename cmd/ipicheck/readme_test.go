package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the example outputs in ../../README.md with the current ones")

// readmeExample is a block of README.md that shows a command and its
// output:
//
//	```
//	$ ipicheck check alpha_sync_ipi
//	DEADLOCK ...
//	```
var readmeExample = regexp.MustCompile("(?m)^```\n\\$ ipicheck ([^\n]*)\n((?:[^`][^\n]*\n|\n)*?)```$")

// timings matches what varies from run to run in a statistics line: from
// the wall time on.
var timings = regexp.MustCompile(`(?m)^(  \d+ states?, \d+ transitions?, depth \d+), [\d.]+ s .*$`)

// TestReadme checks that the examples README.md pastes are what ipicheck
// prints, timings aside. go test ./cmd/ipicheck -update-readme rewrites
// them.
func TestReadme(t *testing.T) {
	// The examples run where a reader of the README runs them: at the
	// root of the repository.
	t.Chdir("../..")
	const path = "README.md"
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	out := readmeExample.ReplaceAllStringFunc(string(src), func(block string) string {
		m := readmeExample.FindStringSubmatch(block)
		n++
		var stdout, stderr bytes.Buffer
		run(context.Background(), append(strings.Fields(m[1]), quietFor(m[1])...), &stdout, &stderr)
		if stderr.Len() > 0 {
			t.Errorf("ipicheck %s: stderr: %s", m[1], stderr.String())
		}
		got := stdout.String()
		diff := cmp.Diff(normalize(m[2]), normalize(got))
		if diff == "" {
			return block // kept as is, timings and all, even with -update-readme
		}
		if !*updateReadme {
			t.Errorf("README.md: the output of ipicheck %s differs (-README +now; go test ./cmd/ipicheck -update-readme rewrites it):\n%s", m[1], diff)
			return block
		}
		return "```\n$ ipicheck " + m[1] + "\n" + got + "```"
	})
	if n == 0 {
		t.Fatal("README.md: no example found")
	}
	if *updateReadme && out != string(src) {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// testTimes matches the time column of the table of ipicheck test.
var testTimes = regexp.MustCompile(`(?m) +[\d.]+ s$`)

// normalize removes what varies from run to run: the timings of the
// statistics lines, the times of ipicheck test's table.
func normalize(s string) string {
	return testTimes.ReplaceAllString(timings.ReplaceAllString(s, "$1"), "")
}

// quietFor adds -q to a check or a test, whose progress lines would go to
// stderr.
func quietFor(args string) []string {
	if strings.HasPrefix(args, "check ") || args == "test" || strings.HasPrefix(args, "test ") {
		return []string{"-q"}
	}
	return nil
}

// TestProtocolsReadme checks that protocols/README.md is what make
// protocols-readme writes: scripts/protocols-readme.md with its {{table}}
// line replaced by the table of ipicheck test --format markdown
// protocols/. go test ./cmd/ipicheck -update-readme rewrites it.
func TestProtocolsReadme(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every protocol with every combination of its matrix")
	}
	t.Parallel()
	const path = "../../protocols/README.md"
	tmpl, err := os.ReadFile("../../scripts/protocols-readme.md")
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"test", "-q", "--format", "markdown", "../../protocols"}, &stdout, &stderr)
	if code != exitVerified && code != exitViolated && code != exitIncomplete {
		t.Fatalf("ipicheck test protocols/: exit %d\n%s", code, stderr.String())
	}
	if !bytes.Contains(tmpl, []byte("\n{{table}}\n")) {
		t.Fatal("scripts/protocols-readme.md: no {{table}} line")
	}
	want := strings.Replace(string(tmpl), "\n{{table}}\n", "\n"+stdout.String(), 1)
	if *updateReadme {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (make protocols-readme writes it)", err)
	}
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("protocols/README.md is not up to date (-want +got; make protocols-readme, or go test ./cmd/ipicheck -update-readme, rewrites it):\n%s", diff)
	}
}
