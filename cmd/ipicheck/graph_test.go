package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestGraphDot checks ipicheck graph --dot: a digraph with as many nodes
// as its label says states, the counterexample in red, and a polite
// refusal for a graph too big to draw.
func TestGraphDot(t *testing.T) {
	spec := filepath.Join("..", "..", "traces", "testdata", "lost_wakeup.ipi")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"graph", spec, "--dot"}, &out, &errb); code != exitVerified {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	dot := out.String()
	if !strings.HasPrefix(dot, "digraph ") || !strings.HasSuffix(dot, "}\n") {
		t.Fatalf("not a digraph:\n%s", dot)
	}
	if strings.Count(dot, "{") != 1 || strings.Count(dot, "}") != 1 {
		t.Errorf("unbalanced braces:\n%s", dot)
	}
	m := regexp.MustCompile(`: (\d+) states;`).FindStringSubmatch(dot)
	if m == nil {
		t.Fatalf("no state count in the label:\n%s", dot)
	}
	want, _ := strconv.Atoi(m[1])
	nodes := regexp.MustCompile(`(?m)^  n\d+ \[`).FindAllString(dot, -1)
	if len(nodes) != want || want < 2 {
		t.Errorf("%d nodes, label says %d", len(nodes), want)
	}
	edges := regexp.MustCompile(`(?m)^  n\d+ -> n\d+ \[`).FindAllString(dot, -1)
	if len(edges) < want-1 {
		t.Errorf("%d edges for %d nodes", len(edges), want)
	}
	if !strings.Contains(dot, "penwidth=3") {
		t.Errorf("counterexample not highlighted:\n%s", dot)
	}
	if !strings.Contains(dot, "label=\"initial") {
		t.Errorf("no initial state")
	}

	out.Reset()
	errb.Reset()
	code := run(context.Background(), []string{"graph", "alpha_sync_ipi", "--dot", "--max-states", "10"}, &out, &errb)
	if code != exitUsage || out.Len() != 0 {
		t.Errorf("too big: exit %d, output %q", code, out.String())
	}
	if msg := errb.String(); !regexp.MustCompile(`has \d+ reachable states, too many to draw \(limit 10\)`).MatchString(msg) || !strings.Contains(msg, "fewer CPUs") {
		t.Errorf("refusal: %s", msg)
	}
}

// TestCheckCharts checks check --html and --svg write their files.
func TestCheckCharts(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join("..", "..", "traces", "testdata", "lost_wakeup.ipi")
	h, s := filepath.Join(dir, "t.html"), filepath.Join(dir, "t.svg")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"check", "-q", spec, "--html", h, "--svg", s}, &out, &errb); code != exitViolated {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, f := range []string{h, s} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte("<svg ")) || !bytes.Contains(b, []byte("repeats")) {
			t.Errorf("%s: no chart", f)
		}
	}
}
