package main

// The tests of action.yml, the composite GitHub Action of the repository.
// It has never run on GitHub from here, so they check what can be checked
// locally: its structure (TestActionStructure), and its `run:` steps,
// executed with bash as the runner would, with the inputs substituted and
// the GITHUB_* files faked (TestActionRun).
//
// What they do not cover: the real runner (its image, its expression
// engine beyond the operators action.yml uses, its handling of
// GITHUB_PATH and GITHUB_OUTPUT beyond the documented formats), the `uses:`
// steps themselves (actions/setup-go is replaced by the Go that runs the
// test, github/codeql-action/upload-sarif by a check that its file exists
// and is valid SARIF 2.1.0), GitHub's code scanning ingestion, and
// fetching the action by ref (`uses: ipicheck/ipicheck@main`): the action
// path is this checkout.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// ---- A reader for the YAML action.yml is written in ----
//
// gopkg.in/yaml.v3 is not in the module graph, and action.yml uses a
// small part of YAML: block mappings, block sequences (of mappings),
// plain, single- and double-quoted scalars, literal (|) and folded (>)
// block scalars, and comments. yamlParse reads that and rejects the rest
// (flow collections, anchors, aliases, tags, multi-line plain scalars,
// tabs, duplicate keys), so that an edit outside the subset fails the
// test instead of being misread.

// yamlNode is a mapping (Keys, Map), a sequence (Seq) or a scalar.
type yamlNode struct {
	Line   int
	Kind   byte // 'm' mapping, 's' sequence, 'v' scalar
	Value  string
	Keys   []string // in order
	Map    map[string]*yamlNode
	Seq    []*yamlNode
	Quoted bool
}

// Get follows a path of mapping keys; nil when one is missing.
func (n *yamlNode) Get(keys ...string) *yamlNode {
	for _, k := range keys {
		if n == nil || n.Kind != 'm' {
			return nil
		}
		n = n.Map[k]
	}
	return n
}

// Str is a scalar's value ("" for nil or a collection).
func (n *yamlNode) Str() string {
	if n == nil || n.Kind != 'v' {
		return ""
	}
	return n.Value
}

type yamlLine struct {
	num    int
	indent int
	text   string // without the indentation
}

type yamlParser struct {
	lines []yamlLine
	i     int
}

func yamlParse(src string) (*yamlNode, error) {
	p := &yamlParser{}
	for n, l := range strings.Split(strings.TrimSuffix(src, "\n"), "\n") {
		t := strings.TrimLeft(l, " ")
		if strings.HasPrefix(t, "\t") {
			return nil, fmt.Errorf("line %d: a tab in the indentation", n+1)
		}
		p.lines = append(p.lines, yamlLine{num: n + 1, indent: len(l) - len(t), text: strings.TrimRight(t, " ")})
	}
	p.skip()
	if p.i == len(p.lines) {
		return nil, errors.New("empty document")
	}
	if p.lines[p.i].indent != 0 {
		return nil, fmt.Errorf("line %d: the document is indented", p.lines[p.i].num)
	}
	n, err := p.block(0)
	if err != nil {
		return nil, err
	}
	if p.skip(); p.i < len(p.lines) {
		return nil, fmt.Errorf("line %d: unexpected indentation", p.lines[p.i].num)
	}
	return n, nil
}

// skip passes blank lines and comment lines.
func (p *yamlParser) skip() {
	for p.i < len(p.lines) && (p.lines[p.i].text == "" || strings.HasPrefix(p.lines[p.i].text, "#")) {
		p.i++
	}
}

func isSeqItem(t string) bool { return t == "-" || strings.HasPrefix(t, "- ") }

// block reads the mapping or sequence at the current line, indented ind.
func (p *yamlParser) block(ind int) (*yamlNode, error) {
	if isSeqItem(p.lines[p.i].text) {
		return p.seq(ind)
	}
	return p.mapping(ind)
}

func (p *yamlParser) seq(ind int) (*yamlNode, error) {
	n := &yamlNode{Line: p.lines[p.i].num, Kind: 's'}
	for p.skip(); p.i < len(p.lines) && p.lines[p.i].indent == ind && isSeqItem(p.lines[p.i].text); p.skip() {
		l := p.lines[p.i]
		rest := strings.TrimLeft(strings.TrimPrefix(l.text, "-"), " ")
		var item *yamlNode
		var err error
		switch {
		case rest == "":
			p.i++
			if p.skip(); p.i == len(p.lines) || p.lines[p.i].indent <= ind {
				item = &yamlNode{Line: l.num, Kind: 'v'}
			} else {
				item, err = p.block(p.lines[p.i].indent)
			}
		case yamlKey.MatchString(rest):
			// "- key: value": a mapping whose keys are indented as key.
			p.lines[p.i] = yamlLine{num: l.num, indent: l.indent + len(l.text) - len(rest), text: rest}
			item, err = p.mapping(p.lines[p.i].indent)
		default:
			p.i++
			item, err = yamlScalar(rest, l.num)
		}
		if err != nil {
			return nil, err
		}
		n.Seq = append(n.Seq, item)
	}
	if p.i < len(p.lines) && p.lines[p.i].indent > ind {
		return nil, fmt.Errorf("line %d: unexpected indentation", p.lines[p.i].num)
	}
	return n, nil
}

var yamlKey = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_-]*):( |$)`)

func (p *yamlParser) mapping(ind int) (*yamlNode, error) {
	n := &yamlNode{Line: p.lines[p.i].num, Kind: 'm', Map: map[string]*yamlNode{}}
	for p.skip(); p.i < len(p.lines) && p.lines[p.i].indent == ind && !isSeqItem(p.lines[p.i].text); p.skip() {
		l := p.lines[p.i]
		m := yamlKey.FindStringSubmatch(l.text)
		if m == nil {
			return nil, fmt.Errorf("line %d: not a key: value: %q", l.num, l.text)
		}
		key, rest := m[1], strings.TrimLeft(l.text[len(m[0]):], " ")
		if _, dup := n.Map[key]; dup {
			return nil, fmt.Errorf("line %d: duplicate key %s", l.num, key)
		}
		p.i++
		var v *yamlNode
		var err error
		switch {
		case rest == "" || strings.HasPrefix(rest, "#"):
			p.skip()
			switch {
			case p.i < len(p.lines) && p.lines[p.i].indent > ind:
				v, err = p.block(p.lines[p.i].indent)
			case p.i < len(p.lines) && p.lines[p.i].indent == ind && isSeqItem(p.lines[p.i].text):
				v, err = p.seq(ind)
			default:
				v = &yamlNode{Line: l.num, Kind: 'v'} // null
			}
		case rest[0] == '|' || rest[0] == '>':
			v, err = p.blockScalar(rest, ind, l.num)
		default:
			v, err = yamlScalar(rest, l.num)
		}
		if err != nil {
			return nil, err
		}
		n.Keys = append(n.Keys, key)
		n.Map[key] = v
	}
	if p.i < len(p.lines) && p.lines[p.i].indent > ind {
		return nil, fmt.Errorf("line %d: unexpected indentation", p.lines[p.i].num)
	}
	return n, nil
}

// blockScalar reads a literal (|) or folded (>) scalar, clipped (one
// final newline) or stripped (|-, >-: none); keep (+) and explicit
// indentation indicators are not supported.
func (p *yamlParser) blockScalar(head string, ind, num int) (*yamlNode, error) {
	if i := strings.Index(head, " #"); i >= 0 {
		head = strings.TrimRight(head[:i], " ")
	}
	if len(head) > 2 || len(head) == 2 && head[1] != '-' {
		return nil, fmt.Errorf("line %d: unsupported block scalar header %q", num, head)
	}
	var raw []yamlLine
	for ; p.i < len(p.lines) && (p.lines[p.i].text == "" || p.lines[p.i].indent > ind); p.i++ {
		raw = append(raw, p.lines[p.i])
	}
	content := -1
	for _, l := range raw {
		if l.text != "" {
			content = l.indent
			break
		}
	}
	var out []string
	for _, l := range raw {
		if l.text == "" {
			out = append(out, "")
			continue
		}
		if l.indent < content {
			return nil, fmt.Errorf("line %d: less indented than the block scalar", l.num)
		}
		out = append(out, strings.Repeat(" ", l.indent-content)+l.text)
	}
	// Trailing blank lines are not content (without keep): give them back.
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
		p.i--
	}
	var s string
	if head[0] == '|' {
		s = strings.Join(out, "\n")
	} else {
		var b strings.Builder
		// Lines fold into one with a space; each empty line is a
		// newline; more indented lines keep their line breaks.
		for i, l := range out {
			switch {
			case i == 0, out[i-1] == "" && l != "":
			case l == "" || strings.HasPrefix(l, " ") || strings.HasPrefix(out[i-1], " "):
				b.WriteString("\n")
			default:
				b.WriteString(" ")
			}
			b.WriteString(l)
		}
		s = b.String()
	}
	if len(out) > 0 && !strings.HasSuffix(head, "-") {
		s += "\n"
	}
	return &yamlNode{Line: num, Kind: 'v', Value: s}, nil
}

// yamlScalar reads a one-line scalar.
func yamlScalar(s string, num int) (*yamlNode, error) {
	n := &yamlNode{Line: num, Kind: 'v'}
	switch s[0] {
	case '"':
		end := strings.LastIndex(s, `"`)
		if end == 0 || strings.TrimSpace(s[end+1:]) != "" && !strings.HasPrefix(strings.TrimSpace(s[end+1:]), "#") {
			return nil, fmt.Errorf("line %d: unterminated or trailing text after %s", num, s)
		}
		v, err := strconv.Unquote(s[:end+1])
		if err != nil {
			return nil, fmt.Errorf("line %d: %s: %v", num, s, err)
		}
		n.Value, n.Quoted = v, true
	case '\'':
		end := strings.LastIndex(s, "'")
		if end == 0 || strings.TrimSpace(s[end+1:]) != "" && !strings.HasPrefix(strings.TrimSpace(s[end+1:]), "#") {
			return nil, fmt.Errorf("line %d: unterminated or trailing text after %s", num, s)
		}
		n.Value, n.Quoted = strings.ReplaceAll(s[1:end], "''", "'"), true
	case '[', '{', '&', '*', '!', '%', '@', '`', '|', '>':
		return nil, fmt.Errorf("line %d: unsupported YAML: %s", num, s)
	default:
		if i := strings.Index(s, " #"); i >= 0 {
			s = strings.TrimRight(s[:i], " ")
		}
		if strings.Contains(s, ": ") || strings.HasSuffix(s, ":") {
			return nil, fmt.Errorf("line %d: a plain scalar with \": \" (YAML reads a mapping; quote it): %s", num, s)
		}
		n.Value = s
	}
	return n, nil
}

func TestYAMLReader(t *testing.T) {
	doc, err := yamlParse(`# c
a: plain text # comment
b: "quo: ted\n"
c: 'it''s'
d: >
  folded
  line

  para
e: |-
  lit
    more
f:
  - x
  - k: v
    l: w
  -
    m: n
g:
- y
`)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ got, want string }{
		{doc.Get("a").Str(), "plain text"},
		{doc.Get("b").Str(), "quo: ted\n"},
		{doc.Get("c").Str(), "it's"},
		{doc.Get("d").Str(), "folded line\npara\n"},
		{doc.Get("e").Str(), "lit\n  more"},
		{doc.Get("f").Seq[0].Str(), "x"},
		{doc.Get("f").Seq[1].Get("l").Str(), "w"},
		{doc.Get("f").Seq[2].Get("m").Str(), "n"},
		{doc.Get("g").Seq[0].Str(), "y"},
		{strings.Join(doc.Keys, ","), "a,b,c,d,e,f,g"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	for _, bad := range []string{
		"a: 1\na: 2\n",             // duplicate key
		"a:\n\tb: 1\n",             // tab
		"a: b: c\n",                // a mapping in a plain scalar
		"a: [1, 2]\n",              // flow sequence
		"a: &x 1\n",                // anchor
		"a: 1\n  b: 2\n",           // bad indentation
		"a:\n  - x\n   y: 1\n",     // bad indentation in a sequence
		"a: \"open\n",              // unterminated
		"- a\nb: 1\n",              // a sequence, then a mapping
		"a: |x\n  text\n",          // bad block header
		"a: |+\n  x\n",             // keep: not supported
		"a:\n  b: 1\n c: 2\n",      // dedent to nowhere
		"a: 'x' y\n",               // trailing text
		"a:\n  b: 1\n  - c\n",      // a sequence item in a mapping
		"a: |\n    x\n  y\nb: 1\n", // less indented
	} {
		if _, err := yamlParse(bad); err == nil {
			t.Errorf("%q parses", bad)
		}
	}
}

// ---- The action ----

// knownActions are the inputs of the actions action.yml uses (from their
// action.yml), to check its `with:` keys.
var knownActions = map[string][]string{
	"actions/setup-go":                  {"go-version", "go-version-file", "check-latest", "token", "cache", "cache-dependency-path", "architecture"},
	"github/codeql-action/upload-sarif": {"sarif_file", "checkout_path", "ref", "sha", "token", "matrix", "category", "wait-for-processing"},
}

func readAction(t *testing.T) *yamlNode {
	t.Helper()
	src, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := yamlParse(string(src))
	if err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return doc
}

func keysIn(t *testing.T, what string, n *yamlNode, allowed ...string) {
	t.Helper()
	if n == nil || n.Kind != 'm' {
		t.Errorf("%s: not a mapping", what)
		return
	}
	for _, k := range n.Keys {
		if !slices.Contains(allowed, k) {
			t.Errorf("%s (line %d): unknown key %s", what, n.Map[k].Line, k)
		}
	}
}

// TestActionStructure checks action.yml against the metadata syntax of a
// composite action: a name and a description, inputs and outputs with a
// description, runs.using composite, steps that either run a script with
// a shell or use a known action with its known inputs, unique step ids,
// and expressions that name only declared inputs and step ids.
func TestActionStructure(t *testing.T) {
	doc := readAction(t)
	keysIn(t, "action.yml", doc, "name", "description", "author", "branding", "inputs", "outputs", "runs")
	for _, k := range []string{"name", "description"} {
		if strings.TrimSpace(doc.Get(k).Str()) == "" {
			t.Errorf("no %s", k)
		}
	}
	if b := doc.Get("branding"); b != nil {
		keysIn(t, "branding", b, "icon", "color")
	}
	inputs := doc.Get("inputs")
	if inputs == nil || inputs.Kind != 'm' || len(inputs.Keys) == 0 {
		t.Fatal("no inputs")
	}
	for _, name := range inputs.Keys {
		in := inputs.Map[name]
		keysIn(t, "input "+name, in, "description", "required", "default", "deprecationMessage")
		if strings.TrimSpace(in.Get("description").Str()) == "" {
			t.Errorf("input %s: no description", name)
		}
		req := in.Get("required")
		if req != nil && req.Str() != "true" && req.Str() != "false" {
			t.Errorf("input %s: required is %q", name, req.Str())
		}
		if (req == nil || req.Str() == "false") && in.Get("default") == nil {
			t.Errorf("input %s: optional, without a default", name)
		}
	}
	outputs := doc.Get("outputs")
	for _, name := range outputs.Keys {
		out := outputs.Map[name]
		keysIn(t, "output "+name, out, "description", "value")
		if strings.TrimSpace(out.Get("description").Str()) == "" || out.Get("value").Str() == "" {
			t.Errorf("output %s: a composite action's output needs a description and a value", name)
		}
	}
	runs := doc.Get("runs")
	keysIn(t, "runs", runs, "using", "steps")
	if u := runs.Get("using").Str(); u != "composite" {
		t.Fatalf("runs.using is %q, want composite", u)
	}
	steps := runs.Get("steps")
	if steps == nil || steps.Kind != 's' || len(steps.Seq) == 0 {
		t.Fatal("runs.steps: no steps")
	}
	ids := map[string]bool{}
	for i, st := range steps.Seq {
		what := fmt.Sprintf("step %d (%s, line %d)", i+1, st.Get("name").Str(), st.Line)
		keysIn(t, what, st, "name", "id", "if", "uses", "with", "run", "shell", "env", "working-directory", "continue-on-error")
		if st.Get("name").Str() == "" {
			t.Errorf("%s: no name", what)
		}
		if id := st.Get("id").Str(); id != "" {
			if ids[id] {
				t.Errorf("%s: duplicate id %s", what, id)
			}
			ids[id] = true
		}
		run, uses := st.Get("run"), st.Get("uses")
		switch {
		case (run == nil) == (uses == nil):
			t.Errorf("%s: needs run or uses, not both", what)
		case run != nil:
			if sh := st.Get("shell").Str(); sh != "bash" && sh != "sh" {
				t.Errorf("%s: a run step of a composite action needs a shell (bash here), not %q", what, sh)
			}
			if st.Get("with") != nil {
				t.Errorf("%s: with on a run step", what)
			}
		default:
			ref := uses.Str()
			action, version, ok := strings.Cut(ref, "@")
			if !ok || !regexp.MustCompile(`^v\d+$`).MatchString(version) {
				t.Errorf("%s: uses %s: pin a major version (@vN)", what, ref)
			}
			known, ok := knownActions[action]
			if !ok {
				t.Errorf("%s: uses %s, whose inputs this test does not know: add them to knownActions", what, action)
			}
			if w := st.Get("with"); w != nil {
				keysIn(t, what+" with", w, known...)
			}
			if st.Get("shell") != nil || st.Get("env") != nil || st.Get("working-directory") != nil {
				t.Errorf("%s: shell, env or working-directory on a uses step", what)
			}
		}
	}
	// Every expression parses and names declared inputs and step ids.
	ctx := &exprCtx{inputs: map[string]string{}, ids: ids, steps: map[string]map[string]string{}}
	for _, name := range inputs.Keys {
		ctx.inputs[name] = inputs.Map[name].Get("default").Str()
	}
	var walk func(n *yamlNode)
	walk = func(n *yamlNode) {
		switch n.Kind {
		case 'v':
			if _, err := ctx.subst(n.Value); err != nil {
				t.Errorf("line %d: %v", n.Line, err)
			}
		case 'm':
			for _, k := range n.Keys {
				if k == "if" && !strings.Contains(n.Map[k].Value, "${{") {
					if _, err := ctx.eval(n.Map[k].Value); err != nil {
						t.Errorf("line %d: %v", n.Map[k].Line, err)
					}
				}
				walk(n.Map[k])
			}
		case 's':
			for _, x := range n.Seq {
				walk(x)
			}
		}
	}
	walk(doc)
	// Which the negative cases check catch.
	for _, bad := range []string{"${{ inputs.sarif_file }}", "${{ steps.tests.outputs.exit-code }}", "${{ input.paths }}", "${{ inputs.paths == }}", "${{ inputs.paths"} {
		if _, err := ctx.subst(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// ---- The expressions of action.yml ----

// exprCtx evaluates the ${{ }} expressions action.yml uses: inputs.X,
// steps.ID.outputs.X, github.action_path, github.workspace, string
// literals, true/false, == != && || ! and parentheses, and the functions
// always(), success(), failure(), cancelled() and hashFiles(path). Values
// are strings or bools; comparisons follow GitHub's rules (strings
// compare case-insensitively; a bool against a string compares numbers,
// so inputs.x == true is false for the string 'true', as on GitHub).
type exprCtx struct {
	inputs     map[string]string
	ids        map[string]bool              // the step ids
	steps      map[string]map[string]string // outputs of the steps run
	actionPath string
	workspace  string
	failed     bool // a step failed
}

var exprRE = regexp.MustCompile(`\$\{\{(.*?)\}\}`)

// subst replaces each ${{ expr }} with its value.
func (c *exprCtx) subst(s string) (string, error) {
	var err error
	out := exprRE.ReplaceAllStringFunc(s, func(m string) string {
		v, e := c.eval(exprRE.FindStringSubmatch(m)[1])
		if e != nil && err == nil {
			err = e
		}
		return exprString(v)
	})
	if err == nil && strings.Contains(out, "${{") {
		err = fmt.Errorf("unterminated expression in %q", s)
	}
	return out, err
}

func exprString(v any) string {
	if b, ok := v.(bool); ok {
		return strconv.FormatBool(b)
	}
	s, _ := v.(string)
	return s
}

func exprTruthy(v any) bool {
	if b, ok := v.(bool); ok {
		return b
	}
	return v.(string) != ""
}

func exprNumber(v any) float64 {
	if b, ok := v.(bool); ok {
		if b {
			return 1
		}
		return 0
	}
	s := strings.TrimSpace(v.(string))
	if s == "" {
		return 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

func exprEqual(a, b any) bool {
	as, aok := a.(string)
	bs, bok := b.(string)
	if aok && bok {
		return strings.EqualFold(as, bs)
	}
	ab, aok := a.(bool)
	bb, bok := b.(bool)
	if aok && bok {
		return ab == bb
	}
	return exprNumber(a) == exprNumber(b) // NaN equals nothing
}

var exprToken = regexp.MustCompile(`^\s*(==|!=|&&|\|\||!|\(|\)|,|'(?:[^']|'')*'|[A-Za-z_][A-Za-z0-9_.-]*|[0-9]+)`)

func (c *exprCtx) eval(src string) (any, error) {
	var toks []string
	rest := src
	for strings.TrimSpace(rest) != "" {
		m := exprToken.FindStringSubmatch(rest)
		if m == nil {
			return nil, fmt.Errorf("expression %q: cannot read %q", src, rest)
		}
		toks = append(toks, m[1])
		rest = rest[len(m[0]):]
	}
	e := &exprEval{c: c, toks: toks, src: src}
	v, err := e.or()
	if err == nil && e.i < len(toks) {
		err = fmt.Errorf("expression %q: unexpected %q", src, toks[e.i])
	}
	return v, err
}

type exprEval struct {
	c    *exprCtx
	toks []string
	i    int
	src  string
}

func (e *exprEval) peek() string {
	if e.i < len(e.toks) {
		return e.toks[e.i]
	}
	return ""
}

func (e *exprEval) or() (any, error) {
	v, err := e.and()
	for err == nil && e.peek() == "||" {
		e.i++
		var w any
		if w, err = e.and(); exprTruthy(v) {
			continue // GitHub returns the first truthy operand
		}
		v = w
	}
	return v, err
}

func (e *exprEval) and() (any, error) {
	v, err := e.unary()
	for err == nil && e.peek() == "&&" {
		e.i++
		var w any
		if w, err = e.unary(); !exprTruthy(v) {
			continue // the first falsy operand
		}
		v = w
	}
	return v, err
}

func (e *exprEval) unary() (any, error) {
	if e.peek() == "!" {
		e.i++
		v, err := e.unary()
		if err != nil {
			return nil, err
		}
		return !exprTruthy(v), nil
	}
	v, err := e.primary()
	if err != nil {
		return nil, err
	}
	if op := e.peek(); op == "==" || op == "!=" {
		e.i++
		w, err := e.primary()
		if err != nil {
			return nil, err
		}
		return exprEqual(v, w) == (op == "=="), nil
	}
	return v, nil
}

func (e *exprEval) primary() (any, error) {
	t := e.peek()
	e.i++
	switch {
	case t == "":
		return nil, fmt.Errorf("expression %q: unexpected end", e.src)
	case t == "(":
		v, err := e.or()
		if err == nil && e.peek() != ")" {
			err = fmt.Errorf("expression %q: ) missing", e.src)
		}
		e.i++
		return v, err
	case t[0] == '\'':
		return strings.ReplaceAll(t[1:len(t)-1], "''", "'"), nil
	case t[0] >= '0' && t[0] <= '9':
		return t, nil
	case e.peek() == "(":
		e.i++
		var args []any
		for e.peek() != ")" {
			v, err := e.or()
			if err != nil {
				return nil, err
			}
			args = append(args, v)
			if e.peek() == "," {
				e.i++
			} else if e.peek() != ")" {
				return nil, fmt.Errorf("expression %q: ) missing after the arguments of %s", e.src, t)
			}
		}
		e.i++
		return e.c.call(t, args, e.src)
	}
	return e.c.name(t, e.src)
}

func (c *exprCtx) call(fn string, args []any, src string) (any, error) {
	switch fn {
	case "always", "success", "failure", "cancelled":
		if len(args) != 0 {
			return nil, fmt.Errorf("expression %q: %s takes no argument", src, fn)
		}
		return map[string]bool{"always": true, "success": !c.failed, "failure": c.failed, "cancelled": false}[fn], nil
	case "hashFiles":
		if len(args) != 1 {
			return nil, fmt.Errorf("expression %q: hashFiles takes a path here", src)
		}
		// Paths are relative to the workspace; '' when no file matches.
		data, err := os.ReadFile(filepath.Join(c.workspace, exprString(args[0])))
		if c.workspace == "" || err != nil {
			return "", nil
		}
		return fmt.Sprintf("%x", len(data)+1), nil
	}
	return nil, fmt.Errorf("expression %q: unknown function %s", src, fn)
}

func (c *exprCtx) name(n, src string) (any, error) {
	switch n {
	case "true", "false":
		return n == "true", nil
	case "null":
		return "", nil
	case "github.action_path":
		return c.actionPath, nil
	case "github.workspace":
		return c.workspace, nil
	}
	if in, ok := strings.CutPrefix(n, "inputs."); ok {
		v, ok := c.inputs[in]
		if !ok {
			return nil, fmt.Errorf("expression %q: no input %s", src, in)
		}
		return v, nil
	}
	if rest, ok := strings.CutPrefix(n, "steps."); ok {
		id, out, ok := strings.Cut(rest, ".outputs.")
		if !ok || !c.ids[id] {
			return nil, fmt.Errorf("expression %q: %s is not the output of a step with an id", src, n)
		}
		return c.steps[id][out], nil
	}
	return nil, fmt.Errorf("expression %q: unknown name %s", src, n)
}

// ---- Running the action ----

// actionResult is what a run of the composite did.
type actionResult struct {
	log      string            // the output of the steps, and a line per step
	outcomes []string          // per step: success, failure or skipped
	failed   bool              // the action failed
	outputs  map[string]string // the action's outputs
	uploaded []string          // the SARIF files upload-sarif would upload
}

// runAction runs the steps of action (the text of action.yml) as the
// runner would, in workspace ws, with the given inputs (the others take
// their defaults). The uses steps are simulated: setup-go by putting the
// test's Go on PATH (after checking that the files its inputs name
// exist), upload-sarif by validating its file against the official SARIF
// schema. Each run step runs with bash --noprofile --norc -eo pipefail,
// in its working directory, with its env and the runner's GITHUB_* files;
// then GITHUB_OUTPUT gives the step's outputs, GITHUB_PATH and GITHUB_ENV
// what the next steps get.
func runAction(t *testing.T, action, ws, gopath string, with map[string]string) actionResult {
	t.Helper()
	doc, err := yamlParse(action)
	if err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	ctx := &exprCtx{inputs: map[string]string{}, ids: map[string]bool{}, steps: map[string]map[string]string{}, actionPath: root, workspace: ws}
	inputs := doc.Get("inputs")
	for _, name := range inputs.Keys {
		ctx.inputs[name] = inputs.Map[name].Get("default").Str()
	}
	for k, v := range with {
		if _, ok := ctx.inputs[k]; !ok {
			t.Fatalf("no input %s", k)
		}
		ctx.inputs[k] = v
	}
	steps := doc.Get("runs", "steps").Seq
	for _, st := range steps {
		if id := st.Get("id").Str(); id != "" {
			ctx.ids[id] = true
		}
	}
	tmp := t.TempDir()
	summary := filepath.Join(tmp, "step_summary.md")
	if err := os.WriteFile(summary, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	env, pathDirs := runnerEnv(t)
	modcache := goEnv(t, "GOMODCACHE")
	gocache := goEnv(t, "GOCACHE")
	var res actionResult
	var log strings.Builder
	for i, st := range steps {
		name := st.Get("name").Str()
		cond := "success()"
		if c := st.Get("if"); c != nil {
			cond = strings.TrimSpace(c.Str())
			if m := regexp.MustCompile(`^\$\{\{(.*)\}\}$`).FindStringSubmatch(cond); m != nil {
				cond = m[1]
			}
			if !regexp.MustCompile(`\b(always|success|failure|cancelled)\(`).MatchString(cond) {
				cond = "success() && (" + cond + ")"
			}
		}
		ok, err := ctx.eval(cond)
		if err != nil {
			t.Fatalf("step %s: if: %v", name, err)
		}
		if !exprTruthy(ok) {
			res.outcomes = append(res.outcomes, "skipped")
			fmt.Fprintf(&log, "=== step %d %s: skipped\n", i+1, name)
			continue
		}
		fmt.Fprintf(&log, "=== step %d %s\n", i+1, name)
		with := map[string]string{}
		if w := st.Get("with"); w != nil {
			for _, k := range w.Keys {
				if with[k], err = ctx.subst(w.Map[k].Str()); err != nil {
					t.Fatalf("step %s: with %s: %v", name, k, err)
				}
			}
		}
		if uses := st.Get("uses").Str(); uses != "" {
			action, _, _ := strings.Cut(uses, "@")
			switch action {
			case "actions/setup-go":
				// The Go of the test stands for the one setup-go installs.
				for _, k := range []string{"go-version-file", "cache-dependency-path"} {
					if f := with[k]; f != "" {
						if _, err := os.Stat(f); err != nil {
							t.Errorf("step %s: %s: %v", name, k, err)
						}
					}
				}
				pathDirs = append([]string{filepath.Dir(goCmd(t))}, pathDirs...)
			case "github/codeql-action/upload-sarif":
				f := with["sarif_file"]
				if !filepath.IsAbs(f) {
					f = filepath.Join(ws, f)
				}
				data, err := os.ReadFile(f)
				if err != nil {
					t.Errorf("step %s: %v", name, err)
				} else {
					validateSARIF(t, f, data)
				}
				if with["category"] == "" {
					t.Errorf("step %s: empty category", name)
				}
				res.uploaded = append(res.uploaded, with["sarif_file"])
			default:
				t.Fatalf("step %s: cannot simulate %s", name, uses)
			}
			res.outcomes = append(res.outcomes, "success")
			continue
		}
		script, err := ctx.subst(st.Get("run").Str())
		if err != nil {
			t.Fatalf("step %s: run: %v", name, err)
		}
		dir := ws
		if wd := st.Get("working-directory"); wd != nil {
			if dir, err = ctx.subst(wd.Str()); err != nil {
				t.Fatalf("step %s: working-directory: %v", name, err)
			}
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(ws, dir)
			}
		}
		files := map[string]string{}
		for _, f := range []string{"GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_ENV"} {
			files[f] = filepath.Join(tmp, fmt.Sprintf("%s_%d", strings.ToLower(f), i))
			if err := os.WriteFile(files[f], nil, 0o666); err != nil {
				t.Fatal(err)
			}
		}
		scriptFile := filepath.Join(tmp, fmt.Sprintf("step_%d.sh", i))
		if err := os.WriteFile(scriptFile, []byte(script), 0o666); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", scriptFile)
		cmd.Dir = dir
		cmd.Env = append(append([]string{}, env...),
			"PATH="+strings.Join(pathDirs, string(os.PathListSeparator)),
			"GITHUB_ACTIONS=true", "CI=true", "RUNNER_OS=Linux", "RUNNER_TEMP="+tmp,
			"GITHUB_WORKSPACE="+ws, "GITHUB_ACTION_PATH="+root,
			"GITHUB_STEP_SUMMARY="+summary,
			"GITHUB_OUTPUT="+files["GITHUB_OUTPUT"], "GITHUB_PATH="+files["GITHUB_PATH"], "GITHUB_ENV="+files["GITHUB_ENV"],
			// go install puts the binary in a GOPATH of its own, which
			// only GITHUB_PATH brings onto PATH; the module and build
			// caches are the test's, so nothing is downloaded.
			"GOPATH="+gopath, "GOMODCACHE="+modcache, "GOCACHE="+gocache, "GOTOOLCHAIN=local", "GOFLAGS=-mod=readonly")
		if e := st.Get("env"); e != nil {
			for _, k := range e.Keys {
				v, err := ctx.subst(e.Map[k].Str())
				if err != nil {
					t.Fatalf("step %s: env %s: %v", name, k, err)
				}
				cmd.Env = append(cmd.Env, k+"="+v)
			}
		}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err = cmd.Run()
		log.Write(out.Bytes())
		if err != nil {
			fmt.Fprintf(&log, "=== step %d %s failed: %v\n", i+1, name, err)
			res.outcomes = append(res.outcomes, "failure")
			res.failed, ctx.failed = true, true
			continue
		}
		// As on GitHub, a malformed file command fails the step.
		outs, err := readKeyValues(files["GITHUB_OUTPUT"])
		envs, err2 := readKeyValues(files["GITHUB_ENV"])
		if err = errors.Join(err, err2); err != nil {
			fmt.Fprintf(&log, "=== step %d %s failed: %v\n", i+1, name, err)
			res.outcomes = append(res.outcomes, "failure")
			res.failed, ctx.failed = true, true
			continue
		}
		res.outcomes = append(res.outcomes, "success")
		if id := st.Get("id").Str(); id != "" {
			ctx.steps[id] = outs
		}
		for k, v := range envs {
			env = append(env, k+"="+v)
		}
		data, _ := os.ReadFile(files["GITHUB_PATH"])
		for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			if l != "" {
				pathDirs = append([]string{l}, pathDirs...)
			}
		}
	}
	res.outputs = map[string]string{}
	if outs := doc.Get("outputs"); outs != nil {
		for _, k := range outs.Keys {
			v, err := ctx.subst(outs.Map[k].Get("value").Str())
			if err != nil {
				t.Fatalf("output %s: %v", k, err)
			}
			res.outputs[k] = v
		}
	}
	data, _ := os.ReadFile(summary)
	res.log = log.String() + "=== GITHUB_STEP_SUMMARY\n" + string(data)
	return res
}

// readKeyValues reads a GITHUB_OUTPUT or GITHUB_ENV file: NAME=value
// lines, and NAME<<DELIMITER blocks.
func readKeyValues(file string) (map[string]string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if l == "" {
			continue
		}
		if k, delim, ok := strings.Cut(l, "<<"); ok && !strings.Contains(k, "=") {
			var v []string
			for i++; i < len(lines) && lines[i] != delim; i++ {
				v = append(v, lines[i])
			}
			if i == len(lines) {
				return nil, fmt.Errorf("%s: %s: no closing %s", file, k, delim)
			}
			out[k] = strings.Join(v, "\n")
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%s: not NAME=value: %q", file, l)
		}
		out[k] = v
	}
	return out, nil
}

// runnerEnv is the environment of the steps: the test's, without what a
// runner would not have (GITHUB_*, RUNNER_*, the Go variables the steps
// get set) and with PATH split out, without the directories that hold an
// ipicheck (the test's own, from testscript): the steps must find the one
// the action installs.
func runnerEnv(t *testing.T) (env, path []string) {
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		switch {
		case k == "PATH":
			for _, d := range filepath.SplitList(v) {
				if fi, err := os.Stat(filepath.Join(d, "ipicheck")); err == nil && !fi.IsDir() {
					continue
				}
				path = append(path, d)
			}
		case strings.HasPrefix(k, "GITHUB_"), strings.HasPrefix(k, "RUNNER_"), k == "CI",
			k == "GOPATH", k == "GOMODCACHE", k == "GOCACHE", k == "GOTOOLCHAIN", k == "GOFLAGS", k == "GOBIN":
		default:
			env = append(env, kv)
		}
	}
	return env, path
}

// goCmd is the go command of the test, which stands for the one
// actions/setup-go installs.
func goCmd(t *testing.T) string {
	t.Helper()
	g, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command: %v", err)
	}
	return g
}

func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command(goCmd(t), "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

// validateSARIF fails the test when data is not valid against the official
// SARIF 2.1.0 schema (traces/testdata/sarif-schema-2.1.0.json).
func validateSARIF(t *testing.T, name string, data []byte) {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft4
	c.AssertFormat = true
	schema, err := c.Compile("../../traces/testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	if err := schema.Validate(doc); err != nil {
		t.Errorf("%s is not valid SARIF 2.1.0: %#v", name, err)
	}
}

const actionSpecOK = `protocol dl "two CPUs wait for each other";
param CPUS = 2;
param FIX = false;
expect deadlock when !FIX;
expect verified when FIX;
matrix FIX = false, true;
var a: bool;
var b: bool;
thread t0 on cpu 0 {
    a = true;
    await b || FIX;
}
thread t1 on cpu 1 {
    b = FIX;
    await a;
}
`

const actionSpecWrong = `protocol wrong "verifies, but a deadlock is expected";
param CPUS = 1;
expect deadlock;
var flag: bool;
thread t on cpu 0 { flag = true; }
`

const actionSpecBad = `protocol bad "does not compile";
param CPUS = 1;
thread t on cpu 0 { x = 1; }
`

// TestActionRun runs action.yml's steps (see runAction) on workspaces of
// specs, with the default inputs and others, and checks the outcome of
// each step, the action's outputs, and the files it leaves: the SARIF
// report (valid against the official schema), the JUnit report, the step
// summary, the annotations. Then it breaks a shell line of action.yml and
// checks that the run fails. The first run builds ipicheck with go
// install, as the action's install step does.
func TestActionRun(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	src, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	action := string(src)
	gopath := t.TempDir()
	workspace := func(t *testing.T, files map[string]string) string {
		ws := t.TempDir()
		for name, text := range files {
			f := filepath.Join(ws, name)
			if err := os.MkdirAll(filepath.Dir(f), 0o777); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(f, []byte(text), 0o666); err != nil {
				t.Fatal(err)
			}
		}
		return ws
	}
	want := func(t *testing.T, res actionResult, outcomes ...string) {
		t.Helper()
		if !slices.Equal(res.outcomes, outcomes) {
			t.Errorf("step outcomes %v, want %v\n%s", res.outcomes, outcomes, res.log)
		}
	}
	sarifResults := func(t *testing.T, file string) []string {
		t.Helper()
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		validateSARIF(t, file, data)
		var log struct {
			Runs []struct {
				Results []struct {
					RuleID string `json:"ruleId"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(data, &log); err != nil || len(log.Runs) != 1 {
			t.Fatalf("%s: %v, %d runs", file, err, len(log.Runs))
		}
		var rules []string
		for _, r := range log.Runs[0].Results {
			rules = append(rules, r.RuleID)
		}
		return rules
	}
	exists := func(f string) bool { _, err := os.Stat(f); return err == nil }

	// Steps: setup-go, install, test, upload-sarif, fail on the verdict.
	t.Run("defaults", func(t *testing.T) {
		ws := workspace(t, map[string]string{"dl.ipi": actionSpecOK})
		res := runAction(t, action, ws, gopath, nil)
		t.Log(res.log)
		want(t, res, "success", "success", "success", "success", "skipped")
		if res.failed || res.outputs["exit-code"] != "0" || res.outputs["sarif-file"] != "ipicheck.sarif" {
			t.Errorf("failed %v, outputs %v\n%s", res.failed, res.outputs, res.log)
		}
		if rules := sarifResults(t, filepath.Join(ws, "ipicheck.sarif")); len(rules) != 0 {
			t.Errorf("SARIF results %v, want none", rules)
		}
		if !slices.Equal(res.uploaded, []string{"ipicheck.sarif"}) {
			t.Errorf("uploaded %v", res.uploaded)
		}
		junit, err := os.ReadFile(filepath.Join(ws, "ipicheck-junit.xml"))
		if err != nil || !bytes.Contains(junit, []byte(`<testsuite name="dl" tests="2" failures="0" errors="0" skipped="0"`)) {
			t.Errorf("junit: %v\n%s", err, junit)
		}
		for _, s := range []string{"ipicheck: 2 runs, 0 not ok", "=== GITHUB_STEP_SUMMARY\n### ipicheck: 2 runs, 0 not ok"} {
			if !strings.Contains(res.log, s) {
				t.Errorf("no %q in the log:\n%s", s, res.log)
			}
		}
		if !exists(filepath.Join(gopath, "bin", "ipicheck")) {
			t.Errorf("go install did not install %s", filepath.Join(gopath, "bin", "ipicheck"))
		}
	})

	t.Run("failing", func(t *testing.T) {
		ws := workspace(t, map[string]string{"dl.ipi": actionSpecOK, "sub/wrong.ipi": actionSpecWrong})
		res := runAction(t, action, ws, gopath, map[string]string{
			"paths": "dl.ipi sub", "args": "--timeout 5m -j 1", "sarif-file": "r.sarif", "junit-file": "", "category": "specs"})
		want(t, res, "success", "success", "success", "success", "failure")
		if !res.failed || res.outputs["exit-code"] != "1" || res.outputs["sarif-file"] != "r.sarif" {
			t.Errorf("failed %v, outputs %v\n%s", res.failed, res.outputs, res.log)
		}
		if rules := sarifResults(t, filepath.Join(ws, "r.sarif")); !slices.Equal(rules, []string{"unexpected-verdict"}) {
			t.Errorf("SARIF results %v", rules)
		}
		if exists(filepath.Join(ws, "ipicheck-junit.xml")) {
			t.Errorf("a junit report with junit-file empty")
		}
		for _, s := range []string{
			"\n::error file=sub/wrong.ipi,line=3,title=ipicheck%3A wrong (defaults)%3A VERIFIED::",
			"\nipicheck: 3 runs, 1 not ok\n",
			"\nipicheck test exited with 1 (",
		} {
			if !strings.Contains(res.log, s) {
				t.Errorf("no %q in the log:\n%s", s, res.log)
			}
		}
	})

	// A spec that does not compile: ipicheck test writes no report, so
	// there is nothing to upload (hashFiles is empty); fail-on-error
	// false keeps the action green.
	t.Run("spec-error-no-fail", func(t *testing.T) {
		ws := workspace(t, map[string]string{"bad.ipi": actionSpecBad})
		res := runAction(t, action, ws, gopath, map[string]string{"paths": "bad.ipi", "fail-on-error": "false"})
		// The spec error is a result of its own: annotated at its line,
		// and uploaded to code scanning.
		want(t, res, "success", "success", "success", "success", "skipped")
		if res.failed || res.outputs["exit-code"] != "2" || len(res.uploaded) != 1 {
			t.Errorf("failed %v, outputs %v, uploaded %v\n%s", res.failed, res.outputs, res.uploaded, res.log)
		}
		if !strings.Contains(res.log, "::error file=bad.ipi,line=3,col=21,") {
			t.Errorf("no annotation of the spec error in the log:\n%s", res.log)
		}
		if rules := sarifResults(t, filepath.Join(ws, "ipicheck.sarif")); !slices.Equal(rules, []string{"spec-error"}) {
			t.Errorf("SARIF results %v", rules)
		}
	})

	t.Run("no-upload", func(t *testing.T) {
		ws := workspace(t, map[string]string{"wrong.ipi": actionSpecWrong})
		res := runAction(t, action, ws, gopath, map[string]string{"upload-sarif": "false"})
		want(t, res, "success", "success", "success", "skipped", "failure")
		if !res.failed || res.outputs["exit-code"] != "1" || len(res.uploaded) != 0 {
			t.Errorf("failed %v, outputs %v, uploaded %v\n%s", res.failed, res.outputs, res.uploaded, res.log)
		}
		if rules := sarifResults(t, filepath.Join(ws, "ipicheck.sarif")); !slices.Equal(rules, []string{"unexpected-verdict"}) {
			t.Errorf("SARIF results %v", rules)
		}
	})

	// A broken line of action.yml fails the run.
	for _, tc := range []struct{ name, old, new string }{
		{"install", "go install ./cmd/ipicheck\n", "go install ./cmd/ipicheck-typo\n"},
		{"syntax", `if [ -n "$IPICHECK_JUNIT" ]; then`, `if [ -n "$IPICHECK_JUNIT" ]; them`},
		{"variable", `"sarif=$IPICHECK_SARIF"`, `"sarif=$IPICHECK_SARIFF"`},
		{"output", `echo "exit-code=$code" >> "$GITHUB_OUTPUT"`, `echo "exit-code $code" >> "$GITHUB_OUTPUT"`},
	} {
		t.Run("broken-"+tc.name, func(t *testing.T) {
			if !strings.Contains(action, tc.old) {
				t.Fatalf("action.yml has no %q to break any more: update the test", tc.old)
			}
			broken := strings.Replace(action, tc.old, tc.new, 1)
			ws := workspace(t, map[string]string{"dl.ipi": actionSpecOK})
			res := runAction(t, broken, ws, gopath, nil)
			t.Log(res.log)
			if !res.failed {
				t.Errorf("the broken action succeeds: %v\n%s", res.outcomes, res.log)
			}
		})
	}
}
