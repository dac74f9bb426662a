package model_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/ipicheck/ipicheck/model"
)

// The fuzz targets check that no input makes the parser or the compiler
// panic, that diagnostics are well formed, and that a spec that compiles
// gives a system whose initial state and first successors stay inside
// their slots' domains. The seed corpus (the protocols, testdata/valid,
// the documentation's examples and the edge cases below) runs with every
// go test.

// fuzzEdgeCases are hand-written seeds: odd but legal corners and
// errors.
var fuzzEdgeCases = []string{
	"",
	"protocol",
	"protocol p",
	"protocol p;",
	"protocol p; param CPUS = 1;",
	"protocol p; param CPUS = 64; percpu var a: [cpu]bool; thread t on all { a[me][me] = true; }",
	"protocol p; param CPUS = 1; thread t on all { }",
	"protocol p; param CPUS = 1; thread t on all { return; skip; }",
	"protocol p; param CPUS = 2; thread t on all { for (c in others) { skip; } }",
	"protocol p; param CPUS = 1; thread t on all { for (c in others) { skip; } }",
	"protocol p; param CPUS = 1; var x: -3..-1; thread t on all { x = x + 1; }",
	"protocol p; param CPUS = 1; var x: 0..2147483647; thread t on all { x = 2147483647; }",
	"protocol p; param CPUS = 1; var x: 0..3; thread t on all { x = 2147483647 + 1; }",
	"protocol p; param CPUS = 1; var x: 0..3; var d: 0..1; thread t on all { x = 3 % d; }",
	"protocol p; param CPUS = 2; var x: bool; thread t on all { choose { atomic { choose { x = true; } or { x = false; } } } or { } }",
	"protocol p; param CPUS = 1; var x: bool; thread t on all { atomic { x = true; await false; } }",
	"protocol p; param CPUS = 1; thread t on all { while (true) { } }",
	"protocol p; param CPUS = 1; var x: bool; thread t on all { while (true) { x = !x; } }",
	"protocol p; param CPUS = 1; thread t on all { var i: 0..3; while (i < 3) { i = i + 1; } }",
	"protocol p; param CPUS = 2; interrupt a level 31 { local_irq_enable(); } interrupt b nmi { raise(me, a); } thread t on all { raise(1 - me, b); }",
	"protocol p; param CPUS = 2; interrupt tick timer { } thread t on cpu 0 { await in_irq(1); }",
	"protocol p; param CPUS = 2; type s = struct { a: bool; b: [2]0..1 }; var x: s; var y: s; thread t on all { x.b[1] = 1; y = x; assert x == y; }",
	"protocol p; param CPUS = 2; func f(a: ref bool): bool { a = !a; return a; } var g: bool; thread t on all { var r: bool = f(g); }",
	"protocol p; param CPUS = 2; percpu var v: cpu = me; invariant i: forall (c in cpus) v[c] == c;",
	"protocol p; param CPUS = 2; percpu var w: 0..1 = me; percpu var u: 1..2 = me + 1; thread t on all { assert w == me; }",
	"protocol p; param CPUS = 2; var a: bool = forall (i in 0..2) i < 5; thread t on all { assert a; }",
	"protocol p; param CPUS = 2; percpu var b: bool = exists (c in others) c < me; thread t on all { assert b == (me > 0); }",
	"protocol p; param CPUS = 3; param L: enum { x, y } = y; const K = L == y ? 2 : 1; var a: [K][K]bool; thread t on 0..K { a[K-1][0] = true; }",
	"protocol p \"\\u00e9\"; param CPUS = 1; invariant i \"msg\": !(false);",
	"protocol p; param CPUS = 2; var x: bool; thread t on all { if (x) { } else if (!x) { } else { } }",
	"/* */ // \nprotocol p; param CPUS = 1;",
	"protocol p; param CPUS = 1; var x: 0..3; thread t on all { x = ((((((((1)))))))); }",
	"protocol p; param CPUS = 1; thread t on all { { { { { skip; } } } } }",
	"protocol p; param CPUS = 1; thread t on all { break; continue; return 1; }",
	"protocol p; param CPUS = 1; func f() { f(); } thread t on all { f(); }",
	"protocol p; param CPUS = 1; var a: [4096]bool;",
	"protocol p; param CPUS = 0;",
	"protocol p; param CPUS = 2; var x = ; thread t on { } invariant : ;",
	"protocol p; param CPUS = 2; @ # $ \"unterminated",
	"protocol p; param CPUS = 99999999999;",
	"protocol p; /* unterminated",
	"library l; param CPUS = 2;",
	"protocol p; import \"kernel\"; import \"kernel\"; param CPUS = 1;",
	"protocol p; import \"nosuch\"; import; import x; param CPUS = 1;",
	"protocol p; param CPUS = 2; param B = false; param L: enum { a, b } = a; expect deadlock when B && L == b; expect violation \"x\" when B; expect verified; matrix L = a, b; cover c \"m\": true;",
	"protocol p; param CPUS = 2; expect nope; expect verified when CPUS; matrix CPUS = 1, 2, 65; matrix X = 1;",
	"protocol p; param CPUS = 1; var x: bool; cover never: x; cover always: !x; thread t on all { skip; }",
}

// fuzzSetSeed is the seed tried with each of fuzzSets as --set.
const fuzzSetSeed = `protocol p; param CPUS = 2; param L: enum { x, y } = x; param B = false; param N: 1..3 = 1;
var v: [N]bool; thread t on all { if (L == y && B) { v[N-1] = true; } }`

var fuzzSets = []string{"", "CPUS=3", "CPUS=1", "CPUS=0", "CPUS=x", "L=y,B=true", "L=z", "NOPE=1", "CPUS=2,L=y,N=3", "N=4", "B=1"}

// fuzzSeeds returns the seed specs: the protocols, testdata/valid, the
// ipi blocks of the documentation and the edge cases.
func fuzzSeeds(f *testing.F) [][]byte {
	var seeds [][]byte
	for _, pat := range []string{"../protocols/*.ipi", "testdata/valid/*.ipi", "testdata/lib/*.ipi", "lib/*.ipi"} {
		files, err := filepath.Glob(pat)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			seeds = append(seeds, src)
		}
	}
	for _, file := range []string{"../docs/language.md", "../README.md"} {
		md, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		seeds = append(seeds, markdownIPIBlocks(md)...)
	}
	for _, s := range fuzzEdgeCases {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

var fenceRE = regexp.MustCompile("^\\s*(`{3,})\\s*(ipi\\S*)?")

// markdownIPIBlocks returns the contents of a document's fenced ipi,
// ipi-error and ipi-fragment blocks.
func markdownIPIBlocks(md []byte) [][]byte {
	var out [][]byte
	var cur *bytes.Buffer
	fence := ""
	sc := bufio.NewScanner(bytes.NewReader(md))
	for sc.Scan() {
		line := sc.Text()
		m := fenceRE.FindStringSubmatch(line)
		switch {
		case fence == "" && m != nil:
			fence = m[1]
			if m[2] != "" {
				cur = new(bytes.Buffer)
			}
		case fence != "" && m != nil && m[1] == fence && m[2] == "" && strings.TrimSpace(line) == fence:
			if cur != nil {
				out = append(out, cur.Bytes())
			}
			fence, cur = "", nil
		case cur != nil:
			cur.WriteString(line + "\n")
		}
	}
	return out
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := model.Parse("fuzz.ipi", src)
		if file == nil {
			t.Fatal("Parse returned a nil file")
		}
		if err == nil {
			if file.Protocol == nil {
				t.Fatal("Parse succeeded without a protocol name")
			}
			return
		}
		checkErrorList(t, "fuzz.ipi", err)
	})
}

func FuzzCompile(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s, "")
	}
	for _, set := range fuzzSets {
		f.Add([]byte(fuzzSetSeed), set)
	}
	f.Fuzz(func(t *testing.T, src []byte, set string) {
		overrides := map[string]string{}
		for _, kv := range strings.Split(set, ",") {
			if k, v, ok := strings.Cut(kv, "="); ok {
				overrides[k] = v
			}
		}
		if importsFiles(src) {
			return // the fuzzer is not to read arbitrary files (/dev/zero...)
		}
		sys, err := loadWithin(t, src, overrides, loadTimeout)
		if err != nil {
			var list model.ErrorList
			if errors.As(err, &list) {
				checkErrorList(t, "fuzz.ipi", err)
			} else if !strings.HasPrefix(err.Error(), "--set ") {
				t.Fatalf("Load error is neither an ErrorList nor about --set: %v", err)
			}
			return
		}
		if sys == nil {
			t.Fatal("Load returned neither a system nor an error")
		}
		checkSystem(t, sys, 300)
	})
}

// importsFiles reports whether a spec imports a file rather than a
// built-in library.
func importsFiles(src []byte) bool {
	f, _ := model.Parse("fuzz.ipi", src)
	for _, d := range f.Decls {
		if imp, ok := d.(*model.ImportDecl); ok && strings.ContainsAny(imp.Path, "/.\\") {
			return true
		}
	}
	return false
}

// loadTimeout bounds one Load: a spec the compiler cannot finish in this
// time (an enormous array, say) is a bug the fuzzer should report rather
// than hang on.
const loadTimeout = 10 * time.Second

// loadWithin runs model.Load, failing the test if it panics or takes
// longer than d.
func loadWithin(t *testing.T, src []byte, set map[string]string, d time.Duration) (*model.System, error) {
	t.Helper()
	type result struct {
		sys   *model.System
		err   error
		panic any
		stack string
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r.panic, r.stack = p, string(debug.Stack())
			}
			done <- r
		}()
		r.sys, r.err = model.Load("fuzz.ipi", src, set)
	}()
	select {
	case r := <-done:
		if r.panic != nil {
			t.Fatalf("Load panics: %v\n%s", r.panic, r.stack)
		}
		return r.sys, r.err
	case <-time.After(d):
		t.Fatalf("Load takes more than %v", d)
	}
	return nil, nil
}

var diagRE = regexp.MustCompile(`^[^\n]+:([0-9]+):([0-9]+): \S`)

// checkErrorList checks that err is a non-empty ErrorList of well-formed
// diagnostics: those of the spec itself first, sorted by position, then
// those of imported libraries.
func checkErrorList(t *testing.T, file string, err error) {
	t.Helper()
	var list model.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error is a %T, not an ErrorList: %v", err, err)
	}
	if len(list) == 0 {
		t.Fatal("an empty ErrorList is returned as an error")
	}
	for i, e := range list {
		if e.File == "" || e.Pos.Line < 1 || e.Pos.Col < 1 || e.Msg == "" {
			t.Fatalf("malformed diagnostic %+v", e)
		}
		if !diagRE.MatchString(e.Error()) || !strings.HasPrefix(e.Error(), e.File+":") {
			t.Fatalf("diagnostic does not start with file:line:col: message: %q", e.Error())
		}
		if i == 0 {
			continue
		}
		prev := list[i-1]
		if prev.File != file && e.File == file {
			t.Fatalf("an error of %s comes after one of the library %s", file, prev.File)
		}
		if prev.File == file && e.File == file {
			p, q := prev.Pos, e.Pos
			if q.Line < p.Line || q.Line == p.Line && q.Col < p.Col {
				t.Fatalf("diagnostics out of order: %v before %v", p, q)
			}
		}
	}
	if !strings.HasPrefix(err.Error(), list[0].Error()) {
		t.Fatalf("the list's text does not start with its first error")
	}
}

// checkSystem explores up to limit states breadth first and checks that
// every state the system produces stays inside its layout's domains, and
// that the System's methods do not panic on them.
func checkSystem(t *testing.T, sys *model.System, limit int) {
	t.Helper()
	layout := sys.Layout()
	init := sys.Initial()
	if len(init) != layout.NumSlots() || len(sys.Slots()) != layout.NumSlots() {
		t.Fatalf("initial state has %d slots, layout %d, slot infos %d", len(init), layout.NumSlots(), len(sys.Slots()))
	}
	inDomain := func(st []int32, what string) {
		for i, v := range st {
			if !layout.InDomain(i, v) {
				sl := layout.Slots()[i]
				t.Fatalf("%s: slot %d (%s) = %d, outside %d..%d", what, i, sl.Name, v, sl.Min, sl.Max)
			}
		}
	}
	inDomain(init, "initial state")
	if len(init) > 5000 {
		return // big enough to make exploring slow; the domains are checked
	}
	budget := 20000 // transitions
	seen := map[string]bool{fmt.Sprint(init): true}
	queue := [][]int32{init}
	for len(queue) > 0 && len(seen) < limit && budget > 0 {
		cur := queue[0]
		queue = queue[1:]
		_ = sys.Check(cur)
		_ = sys.Done(cur)
		sys.Successors(cur, func(label uint32, next []int32, fail error) bool {
			budget--
			if fail != nil {
				if next != nil {
					t.Fatalf("a failing transition comes with a successor")
				}
				return true
			}
			inDomain(next, "successor")
			key := fmt.Sprint(next)
			if !seen[key] && len(seen) < limit {
				seen[key] = true
				queue = append(queue, append([]int32(nil), next...))
			}
			return true
		})
	}
}
