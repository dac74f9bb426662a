package traces

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ipicheck/ipicheck/explore"
	"github.com/ipicheck/ipicheck/model"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the current output")

// The alpha spec in testdata is a frozen copy of protocols/alpha_sync_ipi.ipi,
// so that editing the built-in protocol does not change these goldens.
var goldenCases = []struct {
	name string
	spec string
	set  map[string]string
	opt  explore.Options
	json bool
	want explore.Verdict
}{
	{name: "alpha_none_2cpu", spec: "alpha_sync_ipi.ipi", set: map[string]string{"LOCK": "none"}, want: explore.Deadlock},
	{name: "alpha_none_2cpu", spec: "alpha_sync_ipi.ipi", set: map[string]string{"LOCK": "none"}, json: true, want: explore.Deadlock},
	{name: "alpha_spin_2cpu", spec: "alpha_sync_ipi.ipi", set: map[string]string{"LOCK": "spin"}, want: explore.Deadlock},
	{name: "alpha_none_3cpu", spec: "alpha_sync_ipi.ipi", set: map[string]string{"CPUS": "3"}, want: explore.Deadlock},
	{name: "alpha_spin_4cpu", spec: "alpha_sync_ipi.ipi", set: map[string]string{"CPUS": "4", "LOCK": "spin"}, want: explore.Deadlock},
	{name: "alpha_drain_verified", spec: "alpha_sync_ipi.ipi", set: map[string]string{"LOCK": "drain"}, want: explore.Verified},
	{name: "alpha_incomplete", spec: "alpha_sync_ipi.ipi", set: map[string]string{"LOCK": "drain"}, opt: explore.Options{MaxStates: 100}, want: explore.Incomplete},
	{name: "assertion", spec: "lost_update.ipi", want: explore.Violation},
	{name: "assertion", spec: "lost_update.ipi", json: true, want: explore.Violation},
	{name: "invariant", spec: "broken_lock.ipi", want: explore.Violation},
	{name: "invariant", spec: "broken_lock.ipi", json: true, want: explore.Violation},
	{name: "out_of_range", spec: "overflow.ipi", want: explore.Violation},
	{name: "hang", spec: "lost_wakeup.ipi", want: explore.Hang},
	{name: "hang", spec: "lost_wakeup.ipi", json: true, want: explore.Hang},
	{name: "hang_initial", spec: "spin_forever.ipi", want: explore.Hang},
	{name: "hang_one_step", spec: "spin_masked.ipi", want: explore.Hang},
	{name: "uncovered", spec: "vacuous.ipi", want: explore.Uncovered},
	{name: "uncovered", spec: "vacuous.ipi", json: true, want: explore.Uncovered},
	{name: "expect_mismatch", spec: "expect_mismatch.ipi", want: explore.Violation},
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		ext := ".txt"
		if tc.json {
			ext = ".json"
		}
		t.Run(tc.name+ext, func(t *testing.T) {
			rep := check(t, tc.spec, tc.set, tc.opt)
			if rep.verdict != tc.want {
				t.Errorf("verdict %v, want %v", rep.verdict, tc.want)
			}
			var out bytes.Buffer
			write := rep.WriteText
			if tc.json {
				write = rep.WriteJSON
			}
			if err := write(&out); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", tc.name+ext+".golden"), out.Bytes())
		})
	}
}

// check loads testdata/spec and runs it, reporting without timings.
func check(t *testing.T, spec string, set map[string]string, opt explore.Options) *Report {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", spec))
	if err != nil {
		t.Fatal(err)
	}
	sys, err := model.Load(spec, src, set)
	if err != nil {
		t.Fatal(err)
	}
	rep := New(sys, explore.Run(context.Background(), sys, opt), spec)
	rep.NoTimings = true
	return rep
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./traces -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got; go test ./traces -update rewrites it):\n%s", path, diff)
	}
}

// TestJSONSchema checks the JSON against the documented shape: the
// schema tag, the required keys, and a trace whose steps are numbered in
// order.
func TestJSONSchema(t *testing.T) {
	rep := check(t, "alpha_sync_ipi.ipi", nil, explore.Options{})
	var out bytes.Buffer
	if err := rep.WriteJSON(&out); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema", "protocol", "file", "params", "verdict", "failure", "stats", "trace", "explanation"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("key %q missing", k)
		}
	}
	if doc["schema"] != Schema {
		t.Errorf("schema %v", doc["schema"])
	}
	steps := doc["trace"].([]any)
	for i, s := range steps {
		step := s.(map[string]any)
		if int(step["n"].(float64)) != i+1 {
			t.Errorf("step %d numbered %v", i+1, step["n"])
		}
		for _, k := range []string{"cpu", "context", "kind", "file", "line", "col", "text", "function", "irqs_before", "irqs_after", "changes"} {
			if _, ok := step[k]; !ok {
				t.Errorf("step %d: key %q missing", i+1, k)
			}
		}
	}
	// Timings are present when not suppressed.
	rep.NoTimings = false
	rep.Stats.Seconds = 1.5
	out.Reset()
	rep.WriteJSON(&out)
	if !bytes.Contains(out.Bytes(), []byte(`"seconds": 1.5`)) {
		t.Errorf("seconds missing from %s", out.String())
	}
}

func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		in   string
		w    int
		want []string
	}{
		{"short", 10, []string{"short"}},
		{"  a = 1, b = 2, c = 3", 12, []string{"  a = 1,", "      b = 2,", "      c = 3"}},
		{"  x = 1 y = 2", 10, []string{"  x = 1 y", "     = 2"}},
		{"  await !l  <blocked>", 16, []string{"  await !l", "      <blocked>"}},
		{"abcdefghijklmnop", 6, []string{"abcdef", "   ghi", "   jkl", "   mno", "   p"}},
	} {
		if diff := cmp.Diff(tc.want, wrap(tc.in, tc.w)); diff != "" {
			t.Errorf("wrap(%q, %d) (-want +got):\n%s", tc.in, tc.w, diff)
		}
	}
}

// TestWidth checks the column cap: 4 CPUs wrap long cells at the default
// cap, MaxWidth < 0 wraps nothing, and MaxWidth > 0 sets the cap.
func TestWidth(t *testing.T) {
	rep := check(t, "alpha_sync_ipi.ipi", map[string]string{"CPUS": "4", "LOCK": "spin"}, explore.Options{})
	longest := func() (n int, text string) {
		var b bytes.Buffer
		rep.WriteText(&b)
		for _, l := range bytes.Split(b.Bytes(), []byte("\n")) {
			n = max(n, len([]rune(string(l))))
		}
		return n, b.String()
	}
	capped, text := longest()
	if !bytes.Contains([]byte(text), []byte("await !cfd[me][c]\n")) || !bytes.Contains([]byte(text), []byte(" (cfd[0][3] = false)\n")) {
		t.Errorf("default cap: long statement not wrapped:\n%s", text)
	}
	rep.MaxWidth = -1
	wide, text := longest()
	if !bytes.Contains([]byte(text), []byte("await !cfd[me][c]  (cfd[0][3] = false)\n")) || wide <= capped {
		t.Errorf("no cap: longest line %d (capped %d):\n%s", wide, capped, text)
	}
	rep.MaxWidth = 30
	if narrow, text := longest(); narrow >= capped {
		t.Errorf("cap 30: longest line %d (default %d):\n%s", narrow, capped, text)
	}
}
