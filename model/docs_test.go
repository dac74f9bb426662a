package model

import (
	"bufio"
	"bytes"
	stdcontext "context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ipicheck/ipicheck/explore"
)

// The examples of the documentation are code: this file checks them.
//
// A fenced block whose info string starts with
//
//	ipi           is a complete spec: it must parse and compile, and if
//	              it declares expectations (expect, matrix) the checker
//	              must meet them for every combination of its matrix, as
//	              ipicheck test would.
//	ipi-fragment  is a piece of a spec: it must parse as declarations,
//	              as the statements of a thread body or as an expression.
//	ipi-error     is a complete spec that must fail to load, with every
//	              message given in a `// error: TEXT` comment line. A
//	              `// set: NAME=VALUE` line passes an override.
//
// Other fences (text, sh, ebnf...) are left alone.

// docFiles are the documents whose examples are checked; missing ones
// are skipped.
var docFiles = []string{"../docs/language.md", "../README.md"}

// docBlock is a fenced ipi block of a document.
type docBlock struct {
	File string
	Line int      // of the opening fence
	Kind string   // ipi, ipi-fragment, ipi-error
	Info []string // the info string's further words
	Src  string
}

func (b docBlock) Name() string { return fmt.Sprintf("%s:%d", b.File, b.Line) }

// docBlocks extracts the ipi blocks of every document.
func docBlocks(t testing.TB) []docBlock {
	t.Helper()
	var blocks []docBlock
	for _, file := range docFiles {
		src, err := os.ReadFile(file)
		if os.IsNotExist(err) && file != docFiles[0] {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		bs, err := extractDocBlocks(file, src)
		if err != nil {
			t.Fatal(err)
		}
		blocks = append(blocks, bs...)
	}
	return blocks
}

// extractDocBlocks finds the fenced ipi blocks of a markdown document.
func extractDocBlocks(file string, src []byte) ([]docBlock, error) {
	var blocks []docBlock
	var cur *docBlock
	var body []string
	fence := ""
	sc := bufio.NewScanner(bytes.NewReader(src))
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		trimmed := strings.TrimLeft(text, " ")
		if fence == "" {
			if !strings.HasPrefix(trimmed, "```") {
				continue
			}
			fence = trimmed[:len(trimmed)-len(strings.TrimLeft(trimmed, "`"))]
			info := strings.Fields(trimmed[len(fence):])
			if len(info) == 0 || !strings.HasPrefix(info[0], "ipi") {
				continue
			}
			switch info[0] {
			case "ipi", "ipi-fragment", "ipi-error":
			default:
				return nil, fmt.Errorf("%s:%d: unknown code block kind %q (ipi, ipi-fragment or ipi-error)", file, line, info[0])
			}
			cur = &docBlock{File: file, Line: line, Kind: info[0], Info: info[1:]}
			body = nil
			continue
		}
		if strings.HasPrefix(trimmed, fence) && strings.TrimSpace(trimmed[len(fence):]) == "" {
			if cur != nil {
				cur.Src = strings.Join(body, "\n") + "\n"
				blocks = append(blocks, *cur)
			}
			cur, fence = nil, ""
			continue
		}
		if cur != nil {
			body = append(body, text)
		}
	}
	if fence != "" {
		return nil, fmt.Errorf("%s: unterminated code fence", file)
	}
	return blocks, sc.Err()
}

// wrapFragment makes a fragment a spec that parses: as declarations, as
// a thread body or as an invariant's expression.
func wrapFragment(frag string) ([]byte, bool) {
	for _, w := range []string{
		"protocol fragment;\n%s\n",
		"protocol fragment;\nthread fragment on all {\n%s\n}\n",
		"protocol fragment;\ninvariant fragment:\n%s\n;\n",
	} {
		src := []byte(fmt.Sprintf(w, frag))
		if _, err := Parse("fragment.ipi", src); err == nil {
			return src, true
		}
	}
	return nil, false
}

func TestDocExamples(t *testing.T) {
	blocks := docBlocks(t)
	counts := map[string]int{}
	for _, b := range blocks {
		counts[b.Kind]++
		t.Run(fmt.Sprintf("%s_line%d", b.Kind, b.Line), func(t *testing.T) {
			switch b.Kind {
			case "ipi":
				checkDocSpec(t, b)
			case "ipi-fragment":
				if _, ok := wrapFragment(b.Src); !ok {
					_, err := Parse(b.Name(), []byte(b.Src))
					t.Errorf("%s: fragment parses neither as declarations, nor as statements, nor as an expression:\n%s\n%v", b.Name(), b.Src, err)
				}
			case "ipi-error":
				checkDocError(t, b)
			}
		})
	}
	if counts["ipi"] == 0 {
		t.Errorf("no complete ipi examples found in %v", docFiles)
	}
}

func checkDocSpec(t *testing.T, b docBlock) {
	sys, err := Load(b.Name(), []byte(b.Src), nil)
	if err != nil {
		t.Fatalf("%s: example does not load:\n%v\n%s", b.Name(), err, b.Src)
	}
	if len(b.Info) > 0 {
		t.Fatalf("%s: unknown info words %q: state verdicts with expect declarations", b.Name(), b.Info)
	}
	if !sys.HasExpectations() {
		return
	}
	// As ipicheck test does: every combination of the matrix, each
	// checked against the expectation that applies to it.
	var sets []map[string]string
	var combine func(i int, set map[string]string)
	combine = func(i int, set map[string]string) {
		if i == len(sys.Matrix()) {
			sets = append(sets, set)
			return
		}
		mp := sys.Matrix()[i]
		for _, v := range mp.Values {
			next := map[string]string{mp.Name: v}
			for k, v := range set {
				next[k] = v
			}
			combine(i+1, next)
		}
	}
	combine(0, map[string]string{})
	for _, set := range sets {
		sys, err := Load(b.Name(), []byte(b.Src), set)
		if err != nil {
			t.Fatalf("%s: example does not load with %v:\n%v", b.Name(), set, err)
		}
		x := sys.Expected()
		if x == nil {
			t.Errorf("%s with %v: no expect declaration applies", b.Name(), set)
			continue
		}
		r := explore.Run(stdcontext.Background(), sys, explore.Options{Timeout: time.Minute})
		ok := strings.EqualFold(r.Verdict.String(), x.Verdict)
		if ok && x.Detail != "" {
			ok = r.Failure != nil && strings.Contains(r.Failure.Error(), x.Detail)
		}
		if !ok {
			t.Errorf("%s with %v: verdict %s (%v), the example expects %s %q", b.Name(), set, r.Verdict, r.Failure, x.Verdict, x.Detail)
		}
	}
}

func checkDocError(t *testing.T, b docBlock) {
	set := map[string]string{}
	var wants []string
	for _, line := range strings.Split(b.Src, "\n") {
		line = strings.TrimSpace(line)
		if m, ok := strings.CutPrefix(line, "// error: "); ok {
			wants = append(wants, m)
		}
		if kv, ok := strings.CutPrefix(line, "// set: "); ok {
			k, v, _ := strings.Cut(kv, "=")
			set[k] = v
		}
	}
	if len(wants) == 0 {
		t.Fatalf("%s: an ipi-error block needs a `// error: MESSAGE` line", b.Name())
	}
	_, err := Load(b.Name(), []byte(b.Src), set)
	if err == nil {
		t.Fatalf("%s: example should fail to load, but loads:\n%s", b.Name(), b.Src)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%s: error does not mention %q:\n%v", b.Name(), w, err)
		}
	}
}

func TestExtractDocBlocks(t *testing.T) {
	md := "# T\n\n```ipi extra words\nprotocol a;\n```\n\ntext\n\n````ipi-fragment\nskip;\n```\nstill inside\n````\n\n```go\nnot ipi\n```\n```ipi-error\nprotocol b;\n// error: x\n```\n"
	got, err := extractDocBlocks("t.md", []byte(md))
	if err != nil {
		t.Fatal(err)
	}
	want := []docBlock{
		{File: "t.md", Line: 3, Kind: "ipi", Info: []string{"extra", "words"}, Src: "protocol a;\n"},
		{File: "t.md", Line: 9, Kind: "ipi-fragment", Info: []string{}, Src: "skip;\n```\nstill inside\n"},
		{File: "t.md", Line: 18, Kind: "ipi-error", Info: []string{}, Src: "protocol b;\n// error: x\n"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d blocks, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.File != w.File || g.Line != w.Line || g.Kind != w.Kind || g.Src != w.Src || strings.Join(g.Info, " ") != strings.Join(w.Info, " ") {
			t.Errorf("block %d:\ngot  %+v\nwant %+v", i, g, w)
		}
	}
	if _, err := extractDocBlocks("t.md", []byte("```ipi-fragmnet\nx\n```\n")); err == nil {
		t.Errorf("a misspelt block kind is not reported")
	}
	if _, err := extractDocBlocks("t.md", []byte("```ipi\nprotocol a;\n")); err == nil {
		t.Errorf("an unterminated fence is not reported")
	}
}
