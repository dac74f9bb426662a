package model

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/exp/ebnf"
)

// The tests of this file keep docs/grammar.ebnf and the parser in step:
// the grammar must be well formed, name every keyword and operator the
// lexer knows, accept every spec the parser accepts (the protocols, the
// documentation's examples, testdata/valid) and generate only sentences
// the parser accepts.

const grammarPath = "../docs/grammar.ebnf"

// grammarContextualWords are the identifiers the parser treats as words
// in some places (isWord). The grammar writes them as terminals.
var grammarContextualWords = []string{"level", "timer", "nmi", "all", "cpu", "enum", "struct", "cpus", "others"}

// grammarLexical are the lexical productions syntactic ones may use, and
// the token each stands for.
var grammarLexical = map[string]Token{"ident": IDENT, "int": INT, "string": STRING}

func loadGrammar(t testing.TB) ebnf.Grammar {
	t.Helper()
	src, err := os.ReadFile(grammarPath)
	if err != nil {
		t.Fatal(err)
	}
	g, err := ebnf.Parse(grammarPath, bytes.NewReader(src))
	if err != nil {
		t.Fatalf("parse %s: %v", grammarPath, err)
	}
	return g
}

func isLexicalName(name string) bool { return name != "" && !('A' <= name[0] && name[0] <= 'Z') }

func TestGrammarVerifies(t *testing.T) {
	g := loadGrammar(t)
	if err := ebnf.Verify(g, "Spec"); err != nil {
		t.Fatalf("verify %s: %v", grammarPath, err)
	}
	// Syntactic productions may use only the lexical productions that
	// stand for a token.
	for name, p := range g {
		if isLexicalName(name) {
			continue
		}
		walkGrammar(p.Expr, func(x ebnf.Expression) {
			if n, ok := x.(*ebnf.Name); ok && isLexicalName(n.String) {
				if _, ok := grammarLexical[n.String]; !ok {
					t.Errorf("%s: production %s uses lexical production %s, which is no token", n.Pos(), name, n.String)
				}
			}
		})
	}
}

// walkGrammar calls fn for x and every expression inside it.
func walkGrammar(x ebnf.Expression, fn func(ebnf.Expression)) {
	if x == nil {
		return
	}
	fn(x)
	switch x := x.(type) {
	case ebnf.Alternative:
		for _, e := range x {
			walkGrammar(e, fn)
		}
	case ebnf.Sequence:
		for _, e := range x {
			walkGrammar(e, fn)
		}
	case *ebnf.Group:
		walkGrammar(x.Body, fn)
	case *ebnf.Option:
		walkGrammar(x.Body, fn)
	case *ebnf.Repetition:
		walkGrammar(x.Body, fn)
	case *ebnf.Range:
		walkGrammar(x.Begin, fn)
		walkGrammar(x.End, fn)
	}
}

// syntacticTerminals returns the terminals of the syntactic productions.
func syntacticTerminals(g ebnf.Grammar) map[string]bool {
	terms := map[string]bool{}
	for name, p := range g {
		if isLexicalName(name) {
			continue
		}
		walkGrammar(p.Expr, func(x ebnf.Expression) {
			if tok, ok := x.(*ebnf.Token); ok {
				terms[tok.String] = true
			}
		})
	}
	return terms
}

func TestGrammarTerminals(t *testing.T) {
	terms := syntacticTerminals(loadGrammar(t))
	// Every keyword is a terminal, and every word terminal is a keyword
	// or a contextual word.
	for kw := range keywords {
		if !terms[kw] {
			t.Errorf("keyword %q (token.go) does not appear in the grammar", kw)
		}
	}
	for _, w := range grammarContextualWords {
		if _, ok := keywords[w]; ok {
			t.Errorf("contextual word %q is a keyword in token.go: the grammar comment and the parser's isWord disagree", w)
		}
		if !terms[w] {
			t.Errorf("contextual word %q does not appear in the grammar", w)
		}
	}
	// Every operator is a terminal, and every other terminal is one.
	ops := map[string]bool{}
	for tok := LPAREN; tok <= QUESTION; tok++ {
		ops[tok.String()] = true
	}
	for op := range twoCharOps {
		ops[op] = true
	}
	for op := range oneCharOps {
		ops[string(op)] = true
	}
	for op := range ops {
		if !terms[op] {
			t.Errorf("operator %q does not appear in the grammar", op)
		}
	}
	for term := range terms {
		_, kw := keywords[term]
		switch {
		case kw, ops[term], slices.Contains(grammarContextualWords, term):
		case isWordTerm(term):
			t.Errorf("grammar terminal %q is neither a keyword (token.go) nor a contextual word", term)
		default:
			t.Errorf("grammar terminal %q is not an operator the lexer knows", term)
		}
	}
}

func isWordTerm(s string) bool {
	for i := range len(s) {
		if !isLetter(s[i]) && !(i > 0 && isDigit(s[i])) {
			return false
		}
	}
	return s != ""
}

// grammarCorpus returns specs the parser accepts: the protocols, the
// built-in libraries, the documentation's complete examples (fragments
// wrapped as the docs test wraps them), testdata/valid and testdata/lib.
func grammarCorpus(t *testing.T) map[string][]byte {
	t.Helper()
	corpus := map[string][]byte{}
	for _, pat := range []string{"../protocols/*.ipi", "testdata/valid/*.ipi", "testdata/lib/*.ipi", "lib/*.ipi"} {
		files, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			corpus[f] = src
		}
	}
	for _, b := range docBlocks(t) {
		switch b.Kind {
		case "ipi":
			corpus[b.Name()] = []byte(b.Src)
		case "ipi-fragment":
			if src, ok := wrapFragment(b.Src); ok {
				corpus[b.Name()] = src
			}
		}
	}
	if len(corpus) < 3 {
		t.Fatalf("grammar corpus has only %d specs", len(corpus))
	}
	return corpus
}

func TestGrammarAcceptsCorpus(t *testing.T) {
	g := loadGrammar(t)
	for name, src := range grammarCorpus(t) {
		if _, err := Parse(name, src); err != nil {
			t.Errorf("%s does not parse:\n%v", name, err)
			continue
		}
		r := newRecognizer(t, g, src)
		if !slices.Contains(r.match(g["Spec"].Expr, 0), len(r.toks)) {
			t.Errorf("%s parses, but the grammar does not derive it (it matches up to %s)", name, r.farthest())
		}
	}
}

// recognizer decides whether a token sequence derives from a production:
// a memoising backtracking matcher that returns every end position.
type recognizer struct {
	t    *testing.T
	g    ebnf.Grammar
	toks []item
	memo map[recKey][]int
	busy map[recKey]bool
	max  int // farthest token matched
}

type recKey struct {
	name string
	pos  int
}

func newRecognizer(t *testing.T, g ebnf.Grammar, src []byte) *recognizer {
	r := &recognizer{t: t, g: g, memo: map[recKey][]int{}, busy: map[recKey]bool{}}
	lx := newLexer(&Source{Name: "grammar", Text: src}, func(pos Pos, format string, args ...any) {
		t.Fatalf("lexer error at %s: %s", pos, fmt.Sprintf(format, args...))
	})
	for {
		it := lx.next()
		if it.tok == EOF {
			break
		}
		r.toks = append(r.toks, it)
	}
	return r
}

func (r *recognizer) farthest() string {
	if r.max >= len(r.toks) {
		return "the end"
	}
	it := r.toks[r.max]
	return fmt.Sprintf("%s at %s", it, it.pos)
}

// termMatches reports whether terminal term (as the grammar writes it)
// is the token it: a keyword or operator by its spelling, a contextual
// word by an identifier's text.
func termMatches(term string, it item) bool {
	switch it.tok {
	case IDENT:
		return it.lit == term
	case INT, STRING, EOF:
		return false
	}
	return it.tok.String() == term
}

func (r *recognizer) ok(pos int) {
	r.max = max(r.max, pos)
}

// match returns the sorted end positions of every way x matches the
// tokens from pos.
func (r *recognizer) match(x ebnf.Expression, pos int) []int {
	switch x := x.(type) {
	case nil:
		return []int{pos}
	case *ebnf.Token:
		if pos < len(r.toks) && termMatches(x.String, r.toks[pos]) {
			r.ok(pos + 1)
			return []int{pos + 1}
		}
		return nil
	case *ebnf.Name:
		if tok, ok := grammarLexical[x.String]; ok {
			if pos < len(r.toks) && r.toks[pos].tok == tok {
				r.ok(pos + 1)
				return []int{pos + 1}
			}
			return nil
		}
		p := r.g[x.String]
		if p == nil {
			r.t.Fatalf("no production %s", x.String)
		}
		k := recKey{x.String, pos}
		if ends, ok := r.memo[k]; ok {
			return ends
		}
		if r.busy[k] {
			r.t.Fatalf("production %s is left recursive at token %d", x.String, pos)
		}
		r.busy[k] = true
		ends := r.match(p.Expr, pos)
		delete(r.busy, k)
		r.memo[k] = ends
		return ends
	case ebnf.Sequence:
		cur := []int{pos}
		for _, e := range x {
			var next []int
			for _, p := range cur {
				next = append(next, r.match(e, p)...)
			}
			cur = uniqInts(next)
			if len(cur) == 0 {
				return nil
			}
		}
		return cur
	case ebnf.Alternative:
		var all []int
		for _, e := range x {
			all = append(all, r.match(e, pos)...)
		}
		return uniqInts(all)
	case *ebnf.Group:
		return r.match(x.Body, pos)
	case *ebnf.Option:
		return uniqInts(append([]int{pos}, r.match(x.Body, pos)...))
	case *ebnf.Repetition:
		seen := map[int]bool{pos: true}
		todo := []int{pos}
		for len(todo) > 0 {
			p := todo[len(todo)-1]
			todo = todo[:len(todo)-1]
			for _, e := range r.match(x.Body, p) {
				if !seen[e] {
					seen[e] = true
					todo = append(todo, e)
				}
			}
		}
		var out []int
		for p := range seen {
			out = append(out, p)
		}
		sort.Ints(out)
		return out
	}
	r.t.Fatalf("unexpected grammar expression %T in a syntactic production", x)
	return nil
}

func uniqInts(xs []int) []int {
	sort.Ints(xs)
	return slices.Compact(xs)
}

// TestGrammarSentencesParse generates random specs from the grammar and
// checks that the parser accepts every one: the grammar allows nothing
// the parser rejects. Every terminal must turn up in some sentence.
func TestGrammarSentencesParse(t *testing.T) {
	g := loadGrammar(t)
	gen := newSentenceGen(g, 1)
	n := 400
	if testing.Short() {
		n = 100
	}
	seen := map[string]bool{}
	tokens := 0
	for i := range n {
		toks := gen.sentence("Spec", 12+i%12)
		if toks == nil {
			continue // too long
		}
		src := strings.Join(toks, " ")
		if _, err := Parse("generated.ipi", []byte(src)); err != nil {
			t.Fatalf("the grammar derives a spec the parser rejects:\n%s\n%v", src, err)
		}
		tokens += len(toks)
		for _, tok := range toks {
			seen[tok] = true
		}
	}
	t.Logf("%d sentences, %d tokens", n, tokens)
	for term := range syntacticTerminals(g) {
		if !seen[term] {
			t.Errorf("no generated sentence uses %q: raise the depth or the count", term)
		}
	}
}

// sentenceGen derives random sentences from the syntactic productions.
// Identifiers, integers and strings are drawn from fixed samples that are
// neither keywords nor contextual words.
type sentenceGen struct {
	g    ebnf.Grammar
	rnd  *rand.Rand
	cost map[string]int // fewest tokens a production derives
	out  []string
}

var (
	sampleIdents  = []string{"a", "b", "x1", "flag", "_t", "Q"}
	sampleInts    = []string{"0", "1", "7", "0x1f", "1_000", "0b10"}
	sampleStrings = []string{`"s"`, `"two words"`, `"esc\n\"q\""`}
)

func newSentenceGen(g ebnf.Grammar, seed int64) *sentenceGen {
	s := &sentenceGen{g: g, rnd: rand.New(rand.NewSource(seed)), cost: map[string]int{}}
	const inf = 1 << 30
	for name := range g {
		s.cost[name] = inf
	}
	for name := range grammarLexical {
		s.cost[name] = 1
	}
	for changed := true; changed; {
		changed = false
		for name, p := range g {
			if isLexicalName(name) {
				continue
			}
			if c := s.exprCost(p.Expr); c < s.cost[name] {
				s.cost[name], changed = c, true
			}
		}
	}
	return s
}

func (s *sentenceGen) exprCost(x ebnf.Expression) int {
	const inf = 1 << 30
	switch x := x.(type) {
	case nil, *ebnf.Option, *ebnf.Repetition:
		return 0
	case *ebnf.Token:
		return 1
	case *ebnf.Name:
		return s.cost[x.String]
	case *ebnf.Group:
		return s.exprCost(x.Body)
	case ebnf.Sequence:
		sum := 0
		for _, e := range x {
			sum = min(inf, sum+s.exprCost(e))
		}
		return sum
	case ebnf.Alternative:
		best := inf
		for _, e := range x {
			best = min(best, s.exprCost(e))
		}
		return best
	}
	return inf
}

// maxSentence bounds a generated sentence, in tokens.
const maxSentence = 5000

// sentence derives a sentence from start, or returns nil when it grows
// longer than maxSentence tokens.
func (s *sentenceGen) sentence(start string, depth int) []string {
	s.out = nil
	s.gen(&ebnf.Name{String: start}, depth)
	if len(s.out) > maxSentence {
		return nil
	}
	return s.out
}

// gen derives x; once depth is used up it takes the cheapest way out.
func (s *sentenceGen) gen(x ebnf.Expression, depth int) {
	if len(s.out) > maxSentence {
		return
	}
	cheap := depth <= 0
	switch x := x.(type) {
	case nil:
	case *ebnf.Token:
		s.out = append(s.out, x.String)
	case *ebnf.Name:
		switch x.String {
		case "ident":
			s.out = append(s.out, sampleIdents[s.rnd.Intn(len(sampleIdents))])
		case "int":
			s.out = append(s.out, sampleInts[s.rnd.Intn(len(sampleInts))])
		case "string":
			s.out = append(s.out, sampleStrings[s.rnd.Intn(len(sampleStrings))])
		default:
			s.gen(s.g[x.String].Expr, depth-1)
		}
	case *ebnf.Group:
		s.gen(x.Body, depth)
	case ebnf.Sequence:
		for _, e := range x {
			s.gen(e, depth)
		}
	case ebnf.Alternative:
		if cheap {
			best, bc := x[0], s.exprCost(x[0])
			for _, e := range x[1:] {
				if c := s.exprCost(e); c < bc {
					best, bc = e, c
				}
			}
			s.gen(best, depth)
			return
		}
		s.gen(x[s.rnd.Intn(len(x))], depth)
	case *ebnf.Option:
		if !cheap && s.rnd.Intn(2) == 0 {
			s.gen(x.Body, depth)
		}
	case *ebnf.Repetition:
		if !cheap {
			for range s.rnd.Intn(3) {
				s.gen(x.Body, depth)
			}
		}
	}
}

// TestGrammarLexical derives identifiers, integers and strings from the
// grammar's lexical productions and checks that the lexer scans each as
// one token of the right kind, without error.
func TestGrammarLexical(t *testing.T) {
	g := loadGrammar(t)
	rnd := rand.New(rand.NewSource(2))
	var derive func(x ebnf.Expression, b *strings.Builder)
	derive = func(x ebnf.Expression, b *strings.Builder) {
		switch x := x.(type) {
		case nil:
		case *ebnf.Token:
			b.WriteString(x.String)
		case *ebnf.Range:
			lo, hi := []rune(x.Begin.String)[0], []rune(x.End.String)[0]
			b.WriteRune(lo + rune(rnd.Intn(int(hi-lo)+1)))
		case *ebnf.Name:
			if x.String == "string_char" { // defined in prose
				b.WriteString([]string{"a", " ", "é", "'", "#"}[rnd.Intn(5)])
				return
			}
			derive(g[x.String].Expr, b)
		case *ebnf.Group:
			derive(x.Body, b)
		case ebnf.Sequence:
			for _, e := range x {
				derive(e, b)
			}
		case ebnf.Alternative:
			derive(x[rnd.Intn(len(x))], b)
		case *ebnf.Option:
			if rnd.Intn(2) == 0 {
				derive(x.Body, b)
			}
		case *ebnf.Repetition:
			for range rnd.Intn(3) {
				derive(x.Body, b)
			}
		}
	}
	for name, want := range grammarLexical {
		for range 300 {
			var b strings.Builder
			derive(g[name].Expr, &b)
			text := b.String()
			var errs []string
			lx := newLexer(&Source{Name: "doc", Text: []byte(text)}, func(pos Pos, format string, args ...any) {
				errs = append(errs, fmt.Sprintf(format, args...))
			})
			it := lx.next()
			if it.tok > keywordBeg && it.tok < keywordEnd && want == IDENT {
				continue // the grammar excludes keywords in prose
			}
			if want == STRING && !escapesInRange(text) {
				continue // the grammar bounds escape values in prose
			}
			if len(errs) > 0 || it.tok != want || lx.next().tok != EOF {
				t.Errorf("%s derives %s, which the lexer scans as %v (errors %q)", name, strconv.Quote(text), it, errs)
			}
		}
	}
}

// escapesInRange reports whether the escapes of a string literal have
// values Go accepts: octal ones at most \377, \u and \U ones valid code
// points (no surrogate halves, at most \U0010FFFF).
func escapesInRange(lit string) bool {
	for i := 0; i < len(lit); i++ {
		if lit[i] != '\\' || i+1 >= len(lit) {
			continue
		}
		i++
		n, base := 0, 16
		switch c := lit[i]; {
		case c == 'u':
			n = 4
		case c == 'U':
			n = 8
		case '0' <= c && c <= '7':
			n, base = 3, 8
			i--
		default:
			continue
		}
		if i+1+n > len(lit) {
			return false
		}
		v, err := strconv.ParseUint(lit[i+1:i+1+n], base, 32)
		if err != nil {
			return false
		}
		if base == 8 && v > 0377 || base == 16 && !utf8.ValidRune(rune(v)) {
			return false
		}
		i += n
	}
	return true
}
