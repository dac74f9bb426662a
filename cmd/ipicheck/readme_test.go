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
	const path = "../../README.md"
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
		if !*updateReadme {
			if diff := cmp.Diff(timings.ReplaceAllString(m[2], "$1"), timings.ReplaceAllString(got, "$1")); diff != "" {
				t.Errorf("README.md: the output of ipicheck %s differs (-README +now; go test ./cmd/ipicheck -update-readme rewrites it):\n%s", m[1], diff)
			}
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

// quietFor adds -q to a check, whose progress line would go to stderr.
func quietFor(args string) []string {
	if strings.HasPrefix(args, "check ") {
		return []string{"-q"}
	}
	return nil
}
