package traces

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipicheck/ipicheck/explore"
	"github.com/ipicheck/ipicheck/model"
)

// chart loads testdata/spec, runs it and builds the chart of its report.
func chart(t *testing.T, spec string, set map[string]string, opt explore.Options) *Chart {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", spec))
	if err != nil {
		t.Fatal(err)
	}
	sys, err := model.Load(spec, src, set)
	if err != nil {
		t.Fatal(err)
	}
	res := explore.Run(context.Background(), sys, opt)
	rep := New(sys, res, spec)
	rep.NoTimings = true
	return NewChart(rep, sys, res)
}

// wellFormed decodes doc as XML to the end.
func wellFormed(t *testing.T, doc []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			line, col := d.InputPos()
			lines := strings.Split(string(doc), "\n")
			ctx := ""
			if line-1 < len(lines) {
				ctx = lines[line-1]
			}
			t.Fatalf("not well-formed XML at %d:%d: %v\n%s", line, col, err, ctx)
		}
	}
}

// svgOf is the <svg> element of an HTML page.
func svgOf(t *testing.T, page []byte) []byte {
	t.Helper()
	i, j := bytes.Index(page, []byte("<svg ")), bytes.LastIndex(page, []byte("</svg>"))
	if i < 0 || j < i {
		t.Fatalf("no <svg> in the page")
	}
	return page[i : j+len("</svg>")]
}

var svgGoldenCases = []struct {
	name string
	spec string
	set  map[string]string
}{
	{"alpha_none_2cpu", "alpha_sync_ipi.ipi", map[string]string{"LOCK": "none"}},
	{"hang", "lost_wakeup.ipi", nil},
}

func TestSVGGolden(t *testing.T) {
	for _, tc := range svgGoldenCases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := chart(t, tc.spec, tc.set, explore.Options{}).WriteSVG(&out); err != nil {
				t.Fatal(err)
			}
			wellFormed(t, out.Bytes())
			golden(t, filepath.Join("testdata", tc.name+".svg.golden"), out.Bytes())
		})
	}
}

// TestSVGContents checks what the chart draws: a hover title per step,
// the raised lines (taken, or ending in a cross), the repeating part of a
// hang and the stuck CPUs.
func TestSVGContents(t *testing.T) {
	for _, tc := range []struct {
		spec       string
		set        map[string]string
		taken      int
		lost       int
		want, dont []string
	}{
		{spec: "alpha_sync_ipi.ipi", set: map[string]string{"LOCK": "none"}, lost: 2,
			want: []string{"CPU0  flush_tlb_mm", "ipi never taken: masked (IRQs off)", "STUCK in task", `class="irqoff"`, "local_irq_save(flags) [irqs off]"},
			dont: []string{"repeats"}},
		{spec: "lost_wakeup.ipi", taken: 1,
			want: []string{"repeats", "forever", "steps 5–7", "enter tick handler (level 5)", `class="band"`, "SPINS FOREVER", "finished"}},
		{spec: "lost_update.ipi", taken: 1, want: []string{"fails"}},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			c := chart(t, tc.spec, tc.set, explore.Options{})
			var out bytes.Buffer
			if err := c.WriteSVG(&out); err != nil {
				t.Fatal(err)
			}
			svg := out.String()
			wellFormed(t, out.Bytes())
			nsteps := len(c.Rep.Trace) + len(c.Rep.Cycle)
			if n := strings.Count(svg, `<g class="step"`); n != nsteps {
				t.Errorf("%d step groups, want %d", n, nsteps)
			}
			if n := strings.Count(svg, "<title>step "); n != nsteps {
				t.Errorf("%d step titles, want %d", n, nsteps)
			}
			if n := strings.Count(svg, `class="arrow lost" d=`); n != tc.lost {
				t.Errorf("%d lost lines, want %d", n, tc.lost)
			}
			if n := strings.Count(svg, `class="arrow" d=`); n != tc.taken {
				t.Errorf("%d taken lines, want %d", n, tc.taken)
			}
			for _, w := range tc.want {
				if !strings.Contains(svg, w) && !strings.Contains(svg, esc(w)) {
					t.Errorf("missing %q", w)
				}
			}
			for _, w := range tc.dont {
				if strings.Contains(svg, w) {
					t.Errorf("unexpected %q", w)
				}
			}
		})
	}
}

// TestHTML checks the page: self-contained, a well-formed chart, and a
// state per step for the panel.
func TestHTML(t *testing.T) {
	for _, tc := range goldenCases {
		if tc.json || tc.want == explore.Verified || tc.want == explore.Incomplete || tc.want == explore.Uncovered {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			c := chart(t, tc.spec, tc.set, tc.opt)
			var out bytes.Buffer
			if err := c.WriteHTML(&out); err != nil {
				t.Fatal(err)
			}
			page := out.Bytes()
			wellFormed(t, svgOf(t, page))
			for _, bad := range []string{"<link", " src=", "url(http", "@import", "fetch(", "XMLHttpRequest"} {
				if bytes.Contains(page, []byte(bad)) {
					t.Errorf("page has %q: it must not load anything", bad)
				}
			}
			nsteps := len(c.Rep.Trace) + len(c.Rep.Cycle)
			if nsteps > 0 && len(c.States) < nsteps+1 {
				t.Errorf("%d states for %d steps", len(c.States), nsteps)
			}
			for i, st := range c.States {
				if len(st) != len(c.Slots) {
					t.Fatalf("state %d has %d values for %d slots", i, len(st), len(c.Slots))
				}
			}
			if !bytes.Contains(page, []byte(`id="slider"`)) || !bytes.Contains(page, []byte("#step=")) {
				t.Errorf("no step slider or #step= fragment")
			}
		})
	}
}

// TestLargeChart renders a long trace on 4 CPUs: the lanes keep their
// width, and long text wraps instead of spilling into the next lane.
func TestLargeChart(t *testing.T) {
	c := chart(t, "alpha_sync_ipi.ipi", map[string]string{"CPUS": "4", "LOCK": "spin"}, explore.Options{Search: explore.DFS})
	n := len(c.Rep.Trace) + len(c.Rep.Cycle)
	if n < 30 {
		t.Logf("only %d steps", n)
	}
	L := c.layout()
	if L.width != mscGutter+4*mscLaneW+mscBracket {
		t.Errorf("width %d", L.width)
	}
	for _, row := range L.rows {
		maxChars := int(float64(mscLaneW-2*mscPad-row.depth*mscIndent) / mscCharW)
		for _, l := range row.lines {
			if len([]rune(l)) > maxChars {
				t.Errorf("step %d: line %q longer than %d", row.step.N, l, maxChars)
			}
		}
	}
	var out bytes.Buffer
	if err := c.WriteHTML(&out); err != nil {
		t.Fatal(err)
	}
	wellFormed(t, svgOf(t, out.Bytes()))
}

func TestWrapWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"a b c", 3, "a b|c"},
		{"abcdefgh", 3, "abc|def|gh"},
		{"", 5, ""},
		{"x = 1, y = 2", 6, "x = 1,|y = 2"},
	} {
		if got := strings.Join(wrapWords(tc.in, tc.n), "|"); got != tc.want {
			t.Errorf("wrapWords(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
