package model_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ipicheck/ipicheck/model"
)

// sx renders the shape of an expression as an S-expression, leaving out
// positions: (op X Y), (! X), (? C X Y), ([] X I), (. X f), (call f ARGS),
// (forall v RANGE BODY), (paren X).
func sx(x model.Expr) string {
	switch x := x.(type) {
	case *model.IntLit:
		return fmt.Sprint(x.Val)
	case *model.BoolLit:
		return fmt.Sprint(x.Val)
	case *model.Name:
		return x.Name
	case *model.UnaryExpr:
		return fmt.Sprintf("(%s %s)", x.Op, sx(x.X))
	case *model.BinaryExpr:
		return fmt.Sprintf("(%s %s %s)", x.Op, sx(x.X), sx(x.Y))
	case *model.CondExpr:
		return fmt.Sprintf("(? %s %s %s)", sx(x.C), sx(x.X), sx(x.Y))
	case *model.IndexExpr:
		return fmt.Sprintf("([] %s %s)", sx(x.X), sx(x.Index))
	case *model.FieldExpr:
		return fmt.Sprintf("(. %s %s)", sx(x.X), x.Field.Name)
	case *model.CallExpr:
		s := "(call " + x.Fun.Name
		for _, a := range x.Args {
			s += " " + sx(a)
		}
		return s + ")"
	case *model.QuantExpr:
		return fmt.Sprintf("(%s %s %s %s)", x.Tok, x.Var.Name, rangeSx(x.Range), sx(x.Body))
	case *model.ParenExpr:
		return fmt.Sprintf("(paren %s)", sx(x.X))
	case nil:
		return "<nil>"
	}
	return fmt.Sprintf("<%T>", x)
}

func rangeSx(r *model.RangeExpr) string {
	if r.Lo == nil {
		return r.Set
	}
	return sx(r.Lo) + ".." + sx(r.Hi)
}

// stmtSx renders the shape of a statement; blocks are [s1 s2 ...].
func stmtSx(s model.Stmt) string {
	switch s := s.(type) {
	case *model.Block:
		var parts []string
		for _, x := range s.Stmts {
			parts = append(parts, stmtSx(x))
		}
		return "[" + strings.Join(parts, " ") + "]"
	case *model.AssignStmt:
		return fmt.Sprintf("(= %s %s)", sx(s.LHS), sx(s.RHS))
	case *model.CallStmt:
		return sx(s.Call)
	case *model.IfStmt:
		if s.Else == nil {
			return fmt.Sprintf("(if %s %s)", sx(s.Cond), stmtSx(s.Then))
		}
		return fmt.Sprintf("(if %s %s %s)", sx(s.Cond), stmtSx(s.Then), stmtSx(s.Else))
	case *model.WhileStmt:
		return fmt.Sprintf("(while %s %s)", sx(s.Cond), stmtSx(s.Body))
	case *model.ForStmt:
		return fmt.Sprintf("(for %s %s %s)", s.Var.Name, rangeSx(s.Range), stmtSx(s.Body))
	case *model.AwaitStmt:
		return fmt.Sprintf("(await %s)", sx(s.Cond))
	case *model.AtomicStmt:
		return fmt.Sprintf("(atomic %s)", stmtSx(s.Body))
	case *model.ChooseStmt:
		out := "(choose"
		for _, a := range s.Alts {
			out += " " + stmtSx(a)
		}
		return out + ")"
	case *model.AssertStmt:
		return fmt.Sprintf("(assert %s %q)", sx(s.Cond), s.Msg)
	case *model.ReturnStmt:
		if s.Value == nil {
			return "(return)"
		}
		return fmt.Sprintf("(return %s)", sx(s.Value))
	case *model.BranchStmt:
		return fmt.Sprintf("(%s)", s.Tok)
	case *model.SkipStmt:
		return "(skip)"
	case *model.ProgressStmt:
		return "(progress)"
	case *model.LocalVarStmt:
		if s.Decl.Init == nil {
			return fmt.Sprintf("(var %s)", s.Decl.Name.Name)
		}
		return fmt.Sprintf("(var %s %s)", s.Decl.Name.Name, sx(s.Decl.Init))
	}
	return fmt.Sprintf("<%T>", s)
}

// mustParse parses src and fails the test on any error or panic.
func mustParse(t *testing.T, src string) *model.File {
	t.Helper()
	f, err := parseNoPanic(t, src)
	if err != nil {
		t.Fatalf("parse error:\n%v\nsource:\n%s", err, src)
	}
	return f
}

func parseNoPanic(t *testing.T, src string) (f *model.File, err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("Parse panics: %v\nsource:\n%s", r, src)
		}
	}()
	return model.Parse("t.ipi", []byte(src))
}

func loadNoPanic(t *testing.T, src string, set map[string]string) (sys *model.System, err error) {
	t.Helper()
	return loadFileNoPanic(t, "t.ipi", src, set)
}

func loadFileNoPanic(t *testing.T, name, src string, set map[string]string) (sys *model.System, err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("Load panics: %v\nsource:\n%s", r, src)
		}
	}()
	return model.Load(name, []byte(src), set)
}

func TestParseExprShapes(t *testing.T) {
	tests := []struct{ expr, want string }{
		// Precedence, loosest first: ?: || && ==/!= relational +/- */%.
		{"a || b && c", "(|| a (&& b c))"},
		{"a && b || c", "(|| (&& a b) c)"},
		{"a == b < c", "(== a (< b c))"},
		{"a < b == c < d", "(== (< a b) (< c d))"},
		{"a != b && c >= d || e <= f", "(|| (&& (!= a b) (>= c d)) (<= e f))"},
		{"a + b * c - d", "(- (+ a (* b c)) d)"},
		{"a % b / c * d", "(* (/ (% a b) c) d)"},
		{"a > b + 1", "(> a (+ b 1))"},
		// Left associativity.
		{"a - b - c", "(- (- a b) c)"},
		{"a < b < c", "(< (< a b) c)"},
		{"a == b == c", "(== (== a b) c)"},
		// Unary and postfix operators.
		{"-a * b", "(* (- a) b)"},
		{"!a && !!b", "(&& (! a) (! (! b)))"},
		{"- -a", "(- (- a))"},
		{"-x[1].f", "(- (. ([] x 1) f))"},
		{"a[i][j].f.g[k]", "([] (. (. ([] ([] a i) j) f) g) k)"},
		{"f(a, b + 1,)", "(call f a (+ b 1))"},
		{"f()", "(call f)"},
		{"pending(me, ipi) && !in_irq()", "(&& (call pending me ipi) (! (call in_irq)))"},
		// ?: is the loosest and right associative.
		{"a ? b : c ? d : e", "(? a b (? c d e))"},
		{"a || b ? c + 1 : d", "(? (|| a b) (+ c 1) d)"},
		{"a ? b ? c : d : e", "(? a (? b c d) e)"},
		// A quantifier's body extends as far as possible.
		{"forall (c in cpus) x[c] && y || z", "(forall c cpus (|| (&& ([] x c) y) z))"},
		{"a && forall (c in others) p || q", "(&& a (forall c others (|| p q)))"},
		{"(forall (i in 0..N-1) p) || q", "(|| (paren (forall i 0..(- N 1) p)) q)"},
		{"exists (c in cpus) forall (d in cpus) a[c][d] ? b : c", "(exists c cpus (forall d cpus (? ([] ([] a c) d) b c)))"},
		{"forall (i in -1..1) i != 0", "(forall i (- 1)..1 (!= i 0))"},
		// Literals.
		{"0x1f + 010 + 1_000 + 0b11 + 0o7", "(+ (+ (+ (+ 31 8) 1000) 3) 7)"},
		{"true != false", "(!= true false)"},
		{"((a))", "(paren (paren a))"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			f := mustParse(t, "protocol p; invariant i: "+tc.expr+";")
			got := sx(f.Decls[0].(*model.InvariantDecl).Cond)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("shape of %s (-want +got):\n%s", tc.expr, diff)
			}
		})
	}
}

func TestParseStmtShapes(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"else-if chain",
			`if (a) { x = 1; } else if (b) { x = 2; } else if (c) { x = 3; } else { x = 4; }`,
			"[(if a [(= x 1)] (if b [(= x 2)] (if c [(= x 3)] [(= x 4)])))]"},
		{"if without else", `if (a) { } x = 1;`, "[(if a []) (= x 1)]"},
		{"loops",
			`while (i < 3) { i = i + 1; continue; } for (c in others) { break; } for (k in 0..N-1) { }`,
			"[(while (< i 3) [(= i (+ i 1)) (continue)]) (for c others [(break)]) (for k 0..(- N 1) [])]"},
		{"choose", `choose { a = 1; } or { } or { skip; }`, "[(choose [(= a 1)] [] [(skip)])]"},
		{"atomic and await", `atomic { await !l; l = true; }`, "[(atomic [(await (! l)) (= l true)])]"},
		{"assert", `assert x == 1 "x is one"; assert y;`, `[(assert (== x 1) "x is one") (assert y "")]`},
		{"return", `return; return x + 1;`, "[(return) (return (+ x 1))]"},
		{"locals", `var a: bool; var b: 0..3 = c; var r: bool = f(x);`, "[(var a) (var b c) (var r (call f x))]"},
		{"calls", `f(); x = g(1, y); raise(c, ipi);`, "[(call f) (= x (call g 1 y)) (call raise c ipi)]"},
		{"empty statements and blocks", `; { ; skip; } ;`, "[[(skip)]]"},
		{"progress", `progress;`, "[(progress)]"},
		{"lvalues", `a[i].f = b; x[me][c] = !x[me][c];`, "[(= (. ([] a i) f) b) (= ([] ([] x me) c) (! ([] ([] x me) c)))]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := mustParse(t, "protocol p; thread t on all {\n"+tc.body+"\n}")
			got := stmtSx(f.Decls[0].(*model.ThreadDecl).Body)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("shape (-want +got):\n%s", diff)
			}
		})
	}
}

// declShape summarises a declaration for comparison.
type declShape struct {
	Kind   string
	Name   string
	Detail string
}

func shapeOf(d model.Decl) declShape {
	switch d := d.(type) {
	case *model.ParamDecl:
		return declShape{"param", d.Name.Name, fmt.Sprintf("type=%v default=%s", d.Type != nil, sx(d.Default))}
	case *model.ConstDecl:
		return declShape{"const", d.Name.Name, sx(d.Value)}
	case *model.TypeDecl:
		return declShape{"type", d.Name.Name, typeSx(d.Type)}
	case *model.VarDecl:
		init := "-"
		if d.Init != nil {
			init = sx(d.Init)
		}
		return declShape{"var", d.Name.Name, fmt.Sprintf("percpu=%v %s init=%s", d.PerCPU, typeSx(d.Type), init)}
	case *model.InterruptDecl:
		lvl := "-"
		if d.Level != nil {
			lvl = sx(d.Level)
		}
		return declShape{"interrupt", d.Name.Name, fmt.Sprintf("level=%s kind=%d", lvl, d.Kind)}
	case *model.FuncDecl:
		var ps []string
		for _, p := range d.Params {
			ref := ""
			if p.Ref {
				ref = "ref "
			}
			ps = append(ps, p.Name.Name+":"+ref+typeSx(p.Type))
		}
		res := "-"
		if d.Result != nil {
			res = typeSx(d.Result)
		}
		return declShape{"func", d.Name.Name, fmt.Sprintf("(%s) %s", strings.Join(ps, ", "), res)}
	case *model.ThreadDecl:
		on := "all"
		if !d.On.All {
			on = sx(d.On.Lo) + ".." + sx(d.On.Hi)
		}
		return declShape{"thread", d.Name.Name, on}
	case *model.InvariantDecl:
		kind := "invariant"
		if d.Cover {
			kind = "cover"
		}
		return declShape{kind, d.Name.Name, fmt.Sprintf("%q %s", d.Msg, sx(d.Cond))}
	case *model.ImportDecl:
		return declShape{"import", d.Path, ""}
	case *model.ExpectDecl:
		when := "-"
		if d.When != nil {
			when = sx(d.When)
		}
		return declShape{"expect", d.Verdict.Name, fmt.Sprintf("%q when %s", d.Detail, when)}
	case *model.MatrixDecl:
		var vs []string
		for _, v := range d.Values {
			vs = append(vs, sx(v))
		}
		return declShape{"matrix", d.Name.Name, strings.Join(vs, " ")}
	}
	return declShape{Kind: fmt.Sprintf("%T", d)}
}

func typeSx(t model.TypeExpr) string {
	switch t := t.(type) {
	case *model.NamedType:
		return t.Name.Name
	case *model.RangeType:
		return sx(t.Lo) + ".." + sx(t.Hi)
	case *model.EnumType:
		var ms []string
		for _, m := range t.Members {
			ms = append(ms, m.Name)
		}
		return "enum{" + strings.Join(ms, ",") + "}"
	case *model.ArrayType:
		if t.Len == nil {
			return "[cpu]" + typeSx(t.Elem)
		}
		return "[" + sx(t.Len) + "]" + typeSx(t.Elem)
	case *model.StructType:
		var fs []string
		for _, f := range t.Fields {
			fs = append(fs, f.Name.Name+":"+typeSx(f.Type))
		}
		return "struct{" + strings.Join(fs, ";") + "}"
	}
	return fmt.Sprintf("<%T>", t)
}

func TestParseDeclShapes(t *testing.T) {
	src := `protocol shapes "the description";
param CPUS = 2;
param LOCK: enum { none, spin, } = none;
const N = CPUS * 2;
type s_t = struct { a: bool, b: [N]0..3; c: [cpu]s2 };
percpu var v: [cpu]bool = false;
var w: -1..N-1;
interrupt i1 { }
interrupt i2 level 2 timer { }
interrupt i3 nmi level 3 { }
interrupt level { }
func f(a: cpu, b: ref [2]bool,): 0..3 { return 0; }
func g() { }
thread t1 on all { }
thread t2 on cpu 1 { }
thread t3 on 0..CPUS-1 { }
invariant inv "msg": true;
invariant inv2: forall (c in cpus) v[c][c];
cover cov "seen": w == 1;
import "kernel";
expect violation "msg" when LOCK == spin && CPUS > 2;
expect deadlock when LOCK == none;
expect verified;
matrix LOCK = none, spin;
matrix CPUS = 2;
`
	f := mustParse(t, src)
	if f.Protocol.Name != "shapes" || f.Doc != "the description" {
		t.Errorf("protocol %q doc %q", f.Protocol.Name, f.Doc)
	}
	var got []declShape
	for _, d := range f.Decls {
		got = append(got, shapeOf(d))
	}
	want := []declShape{
		{"param", "CPUS", "type=false default=2"},
		{"param", "LOCK", "type=true default=none"},
		{"const", "N", "(* CPUS 2)"},
		{"type", "s_t", "struct{a:bool;b:[N]0..3;c:[cpu]s2}"},
		{"var", "v", "percpu=true [cpu]bool init=false"},
		{"var", "w", "percpu=false (- 1)..(- N 1) init=-"},
		{"interrupt", "i1", fmt.Sprintf("level=- kind=%d", model.LineNormal)},
		{"interrupt", "i2", fmt.Sprintf("level=2 kind=%d", model.LineTimer)},
		{"interrupt", "i3", fmt.Sprintf("level=3 kind=%d", model.LineNMI)},
		{"interrupt", "level", fmt.Sprintf("level=- kind=%d", model.LineNormal)},
		{"func", "f", "(a:cpu, b:ref [2]bool) 0..3"},
		{"func", "g", "() -"},
		{"thread", "t1", "all"},
		{"thread", "t2", "1..1"},
		{"thread", "t3", "0..(- CPUS 1)"},
		{"invariant", "inv", `"msg" true`},
		{"invariant", "inv2", `"" (forall c cpus ([] ([] v c) c))`},
		{"cover", "cov", `"seen" (== w 1)`},
		{"import", "kernel", ""},
		{"expect", "violation", `"msg" when (&& (== LOCK spin) (> CPUS 2))`},
		{"expect", "deadlock", `"" when (== LOCK none)`},
		{"expect", "verified", `"" when -`},
		{"matrix", "LOCK", "none spin"},
		{"matrix", "CPUS", "2"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("declarations (-want +got):\n%s", diff)
	}
}

// TestLoadValid loads every spec of testdata/valid and the protocols.
func TestLoadValid(t *testing.T) {
	var files []string
	for _, pat := range []string{"testdata/valid/*.ipi", "../protocols/*.ipi"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no valid specs found")
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := loadFileNoPanic(t, file, string(src), nil); err != nil {
			t.Errorf("%s:\n%v", file, err)
		}
	}
}

// hdr is the start of most invalid specs: their own lines start at 3.
const hdr = "protocol p;\nparam CPUS = 2;\n"

var invalidCases = []struct {
	name string
	src  string
	set  map[string]string
	// want are the first lines of the first errors, in order. With
	// exact they are all the errors; otherwise more may follow (errors
	// that follow from the first ones).
	want  []string
	exact bool
}{
	// Lexical errors.
	{name: "bad character",
		src:  hdr + "var x: bool;\nthread t on all { x = true # false; }\n",
		want: []string{"t.ipi:4:28: unexpected character '#'", "t.ipi:4:30: expected ; after the assignment, found keyword false", "t.ipi:4:30: expected a statement (assignment, call, if, while, for, await, atomic, choose, assert, return, var), found an expression"}, exact: true},
	{name: "non-ascii character",
		src:  hdr + "var é: bool;\n",
		want: []string{"t.ipi:3:5: unexpected character 'é'", "t.ipi:3:6: expected a name after 'var', found ':'"}},
	{name: "unterminated string",
		src:  "protocol p \"oops;\nparam CPUS = 2;\n",
		want: []string{"t.ipi:1:12: string not terminated", "t.ipi:2:1: expected ; after the protocol name, found keyword param"}},
	{name: "unterminated comment",
		src:  hdr + "/* never closed\nvar x: bool;\n",
		want: []string{"t.ipi:3:1: comment not terminated"}},
	{name: "huge integer",
		src:  hdr + "const BIG = 4294967296;\n",
		want: []string{"t.ipi:3:13: bad integer literal 4294967296 (integers are 32-bit)"}},
	{name: "bad octal",
		src:  hdr + "const B = 08;\n",
		want: []string{"t.ipi:3:11: bad integer literal 08 (integers are 32-bit)"}},
	{name: "digits then letters",
		src:  hdr + "const B = 3x;\n",
		want: []string{"t.ipi:3:11: bad integer literal 3x (integers are 32-bit)"}},
	{name: "bad escape",
		src:  "protocol p \"a\\qb\";\nparam CPUS = 2;\n",
		want: []string{"t.ipi:1:12: bad string literal"}},

	// Syntax errors.
	{name: "no protocol",
		src:  "param CPUS = 2;\n",
		want: []string{"t.ipi:1:1: a spec starts with 'protocol NAME;' (a library with 'library NAME;'), found keyword param"}},
	{name: "empty file",
		src:  "",
		want: []string{"t.ipi:1:1: a spec starts with 'protocol NAME;' (a library with 'library NAME;'), found end of file"}},
	{name: "comparison as a statement",
		src:  hdr + "var x: 0..3;\nthread t on all { x == 1; }\n",
		want: []string{"t.ipi:4:21: '==' compares; use '=' to assign"}},
	{name: "choose with one alternative",
		src:  hdr + "thread t on all { choose { skip; } }\n",
		want: []string{"t.ipi:3:19: choose needs at least two alternatives: choose { ... } or { ... }"}},
	{name: "percpu var in a body",
		src:  hdr + "thread t on all { percpu var x: bool; }\n",
		want: []string{"t.ipi:3:19: percpu variables are declared at top level"}},
	{name: "missing type",
		src: hdr + "var x = 1;\n",
		want: []string{
			"t.ipi:3:7: expected : and a type after the variable name (var x: T), found '='",
			"t.ipi:3:7: expected an expression, found '='",
			"t.ipi:3:7: expected a type (bool, cpu, LO..HI, enum {...}, [N]T, struct {...} or a type name)",
			"t.ipi:3:9: expected ; after the variable declaration, found integer 1",
			"t.ipi:3:9: expected a declaration (param, const, type, var, percpu var, func, interrupt, thread, invariant, cover, import, expect, matrix), found integer 1",
		}},
	{name: "thread on a bare CPU number",
		src:  hdr + "thread t on 1 { }\n",
		want: []string{"t.ipi:3:15: expected .. in a CPU range LO..HI, found '{'"}},
	{name: "if without braces",
		src:  hdr + "var x: bool;\nthread t on all { if (x) x = false; }\n",
		want: []string{"t.ipi:4:26: expected { to open the body of the if, found identifier x"}},
	{name: "keyword as a name",
		src:  hdr + "var func: bool;\n",
		want: []string{"t.ipi:3:5: expected a name after 'var', found keyword func"}},
	{name: "independent syntax errors are all reported",
		src:  hdr + "var x: bool;\nthread a on cpu 0 { x = ; }\nthread b on cpu 1 { x = true }\ninvariant i x;\n",
		want: []string{"t.ipi:4:25: expected an expression, found ';'", "t.ipi:5:30: expected ; after the assignment, found '}'", "t.ipi:6:13: expected : after the invariant name, found identifier x"}, exact: true},

	// Type and name errors.
	{name: "bool assigned to an integer",
		src:  hdr + "var x: 0..3;\nthread t on all { x = true; }\n",
		want: []string{"t.ipi:4:23: cannot assign a value of type bool to 0..3"}},
	{name: "integer assigned to a bool",
		src:  hdr + "var x: bool;\nthread t on all { x = 1; }\n",
		want: []string{"t.ipi:4:23: cannot assign a value of type int to bool"}},
	{name: "undefined names",
		src:  hdr + "thread t on all { y = 1; await z; }\ninvariant i: w;\n",
		want: []string{"t.ipi:3:19: undefined: y", "t.ipi:3:32: undefined: z", "t.ipi:4:14: undefined: w"}, exact: true},
	{name: "undefined type",
		src:  hdr + "var x: later;\ntype later = bool;\n",
		want: []string{"t.ipi:3:8: undefined type later"}},
	{name: "int is not a type",
		src:  hdr + "var x: int;\n",
		want: []string{"t.ipi:3:8: int has no bounds: give a range such as 0..3"}},
	{name: "wrong argument counts",
		src:  hdr + "func f(a: bool, b: bool) { }\nthread t on all { f(true); local_irq_disable(1); raise(0); }\n",
		want: []string{"t.ipi:4:19: f takes 2 argument(s), not 1", "t.ipi:4:28: local_irq_disable takes 0 argument(s), not 1", "t.ipi:4:50: raise takes 2 argument(s), not 1"}, exact: true},
	{name: "per-CPU variable without a CPU in an invariant",
		src:  hdr + "percpu var busy: bool;\ninvariant i: !busy;\n",
		want: []string{"t.ipi:4:15: busy is per-CPU and there is no running CPU here: name a CPU's copy, busy[c]"}},
	{name: "me and others in an invariant",
		src:  hdr + "percpu var busy: bool;\ninvariant i: busy[me] && forall (c in others) busy[c];\n",
		want: []string{"t.ipi:4:19: me is the running CPU; there is none here (use forall (c in cpus) ...)", "t.ipi:4:39: others means every CPU but this one; there is no running CPU here"}},
	{name: "query builtin without a CPU in an invariant",
		src:  hdr + "invariant i: !in_irq();\n",
		want: []string{"t.ipi:3:15: in_irq needs a CPU argument here: there is no running CPU"}},
	{name: "ref parameter given a value",
		src:  hdr + "func f(l: ref bool) { l = true; }\nthread t on all { f(true); }\n",
		want: []string{"t.ipi:3:23: undefined: l", "t.ipi:4:21: f: ref parameter l needs a variable, not a value"}},
	{name: "ref parameter of another type",
		src:  hdr + "var x: bool;\nfunc f(l: ref 0..3) { l = 1; }\nthread t on all { f(x); }\n",
		want: []string{"t.ipi:4:23: undefined: l", "t.ipi:5:21: f: ref parameter l is 0..3, the argument is bool"}},
	{name: "recursion",
		src:  hdr + "func f() { g(); }\nfunc g() { f(); }\nthread t on all { f(); }\n",
		want: []string{"t.ipi:4:12: recursive call of f: functions are inlined and cannot recurse"}},
	{name: "function in an expression",
		src:  hdr + "var x: 0..3;\nfunc f(): 0..3 { return 1; }\nthread t on all { x = f() + 1; }\n",
		want: []string{"t.ipi:5:23: f is a function: call it as a statement, x = f(...);"}},
	{name: "result of a function without one",
		src:  hdr + "var x: 0..3;\nfunc f() { }\nthread t on all { x = f(); }\n",
		want: []string{"t.ipi:5:23: f returns no value"}},
	{name: "break outside a loop",
		src:  hdr + "thread t on all { break; }\n",
		want: []string{"t.ipi:3:19: break outside a loop"}},
	{name: "continue out of a function",
		src:  hdr + "func f() { continue; }\nthread t on all { while (true) { f(); } }\n",
		want: []string{"t.ipi:3:12: continue outside a loop"}},
	{name: "break out of an atomic block",
		src:  hdr + "var x: bool;\nthread t on all { while (x) { atomic { break; } } }\n",
		want: []string{"t.ipi:4:40: break cannot leave an atomic block"}},
	{name: "return with a value in a thread",
		src:  hdr + "thread t on all { return 1; }\n",
		want: []string{"t.ipi:3:26: a thread or handler returns no value"}},
	{name: "return without a value in a function with a result",
		src:  hdr + "func f(): bool { return; }\nthread t on all { var b: bool = f(); }\n",
		want: []string{"t.ipi:3:18: f must return a value of type bool"}},
	{name: "redeclaration",
		src:  hdr + "var x: bool;\nconst x = 1;\n",
		want: []string{"t.ipi:4:7: x redeclared (first declared at 3:5)"}},
	{name: "enum member clashes",
		src:  hdr + "type a = enum { on_, off };\ntype b = enum { off, other };\n",
		want: []string{"t.ipi:4:17: off redeclared (first declared at 3:22)"}},
	{name: "predeclared name",
		src:  hdr + "var me: bool;\nvar pending: bool;\n",
		want: []string{"t.ipi:3:5: me is predeclared and cannot be redeclared", "t.ipi:4:5: pending is predeclared and cannot be redeclared"}, exact: true},
	{name: "condition not a bool",
		src:  hdr + "var x: 0..3;\nthread t on all { if (x) { } await x + 1; }\n",
		want: []string{"t.ipi:4:23: if needs a condition (bool), not 0..3", "t.ipi:4:36: await needs a condition (bool), not int"}, exact: true},
	{name: "enum compared with an integer",
		src:  hdr + "type s = enum { A, B };\nvar v: s;\ninvariant i: v == 0 && v < B;\n",
		want: []string{"t.ipi:5:16: cannot compare s with int", "t.ipi:5:26: < needs integer operands, not s and s"}, exact: true},
	{name: "constant index out of range",
		src:  hdr + "var a: [3]bool;\nthread t on all { a[3] = true; }\n",
		want: []string{"t.ipi:4:21: index 3 out of range [0..2]"}},
	{name: "division by constant zero",
		src:  hdr + "const Z = 1 / 0;\n",
		want: []string{"t.ipi:3:13: division by zero"}},
	{name: "not a constant",
		src:  hdr + "var x: 0..3;\nconst C = x;\nvar a: [x]bool;\n",
		want: []string{"t.ipi:4:11: x is a variable; only constants are allowed here", "t.ipi:5:9: x is a variable; only constants are allowed here"}},
	{name: "interrupt level out of range",
		src:  hdr + "interrupt i level 32 { }\n",
		want: []string{"t.ipi:3:19: interrupt level 32: levels run from 1 to 31 (an nmi line is above them all)"}},
	{name: "timer raised",
		src:  hdr + "interrupt tick timer { }\nthread t on all { raise(0, tick); }\n",
		want: []string{"t.ipi:4:28: tick is a timer: it fires by itself and cannot be raised"}},
	{name: "query builtin as a statement, state builtin in an expression",
		src:  hdr + "var b: bool;\nthread t on all { irqs_enabled(); b = local_irq_enable(); }\n",
		want: []string{"t.ipi:4:19: irqs_enabled only reads the state: use it in an expression", "t.ipi:4:39: local_irq_enable changes state: use it as a statement"}, exact: true},
	{name: "two threads on one CPU",
		src:  hdr + "thread a on all { }\nthread b on cpu 1 { }\n",
		want: []string{"t.ipi:4:13: CPU 1 already runs thread a (declared at 3:1)"}},
	{name: "thread outside the CPUs",
		src:  hdr + "thread a on 1..2 { }\n",
		want: []string{"t.ipi:3:13: thread a runs on CPUs 1..2, but the CPUs are 0..1"}},
	{name: "progress inside atomic",
		src:  hdr + "thread a on all { atomic { progress; } }\n",
		want: []string{"t.ipi:3:28: progress marks a step of its own; it cannot be inside an atomic block"}},
	{name: "aggregate initialiser of a global",
		src:  hdr + "var a: [2]bool;\nvar b: [2]bool = a;\n",
		want: []string{"t.ipi:4:18: a is a variable; only constants are allowed here"}},
	{name: "several independent compile errors",
		src:  hdr + "var x: 0..3;\nthread a on cpu 0 { x = true; }\nthread b on cpu 1 { y = 1; }\ninvariant i: x;\n",
		want: []string{"t.ipi:4:25: cannot assign a value of type bool to 0..3", "t.ipi:5:21: undefined: y", "t.ipi:6:14: invariant i must be a condition (bool), not 0..3"}, exact: true},

	// Libraries, imports, expectations, matrices and covers.
	{name: "a library is not checked",
		src:  "library l;\nparam CPUS = 2;\n",
		want: []string{"t.ipi:1:9: this is a library: import it from a protocol (import \"l\";) and check that"}},
	{name: "import without quotes",
		src:  hdr + "import kernel;\n",
		want: []string{"t.ipi:3:8: expected a library name or path in quotes after 'import', found identifier kernel"}},
	{name: "import of a protocol",
		src:  hdr + "import \"testdata/valid/syntax_tour.ipi\";\n",
		want: []string{"t.ipi:3:1: import \"testdata/valid/syntax_tour.ipi\": testdata/valid/syntax_tour.ipi is a protocol, not a library (a library starts with library NAME;)"}},
	{name: "import name clash",
		src:  hdr + "import \"testdata/lib/spin.ipi\";\nvar spin_lock: bool;\n",
		want: []string{"t.ipi:4:5: spin_lock redeclared (first declared at testdata/lib/spin.ipi:4:6)"}},
	{name: "unknown verdict",
		src:  hdr + "expect done;\n",
		want: []string{"t.ipi:3:8: unknown verdict done: expect one of verified, deadlock, hang, violation, uncovered"}},
	{name: "expect detail on a verdict other than violation",
		src:  hdr + "expect deadlock \"stuck\";\n",
		want: []string{"t.ipi:3:1: only expect violation takes a message to match"}},
	{name: "expect condition over a variable",
		src:  hdr + "var x: bool;\nexpect verified when x;\nexpect deadlock when 1;\n",
		want: []string{"t.ipi:4:22: x is a variable; only constants are allowed here", "t.ipi:5:22: the condition after when must be a bool over params, not int"}, exact: true},
	{name: "matrix of a non-param",
		src:  hdr + "const N = 2;\nmatrix N = 1, 2;\nparam B = true;\nmatrix B = true;\nmatrix B = false;\nparam M: 1..3 = 1;\nmatrix M = 2, 4, true;\n",
		want: []string{"t.ipi:4:8: matrix N: N is not a param", "t.ipi:7:8: matrix B declared twice", "t.ipi:9:15: matrix M: 4 does not fit the param's type 1..3", "t.ipi:9:18: matrix M: true does not fit the param's type 1..3"}, exact: true},
	{name: "cover not a condition",
		src:  hdr + "var x: 0..3;\ncover c: x;\n",
		want: []string{"t.ipi:4:10: cover c must be a condition (bool), not 0..3"}},

	// Params, --set and initial values.
	{name: "no CPUS",
		src:  "protocol p;\nvar x: bool;\n",
		want: []string{"t.ipi:1:10: the spec must declare the number of CPUs: param CPUS = 2;"}},
	{name: "too many CPUS",
		src:  "protocol p;\nparam CPUS = 65;\n",
		want: []string{"t.ipi:2:7: CPUS = 65: the number of CPUs must be between 1 and 64"}},
	{name: "initial value outside the domain",
		src:  hdr + "var x: 1..3;\nvar y: 0..3 = 4;\npercpu var z: bool = 1;\n",
		want: []string{"t.ipi:4:15: initial value 4 of y is outside 0..3", "t.ipi:5:22: cannot initialise z of type bool with a value of type int"}},
	{name: "param default outside its type",
		src:  hdr + "param N: 1..3 = 0;\nparam B: bool = 1;\n",
		want: []string{"t.ipi:3:17: default value 0 of param N is outside 1..3", "t.ipi:4:17: default value of type int does not fit param B of type bool"}},
	{name: "param of a non-scalar type",
		src:  hdr + "param A: [2]bool = 1;\n",
		want: []string{"t.ipi:3:7: param A must have a scalar type (bool, integer or enum)", "t.ipi:3:20: default value of type int does not fit param A of type [2]bool"}},
	{name: "param using a const",
		src:  hdr + "const N = 2;\nparam M: 0..N = 1;\n",
		want: []string{"t.ipi:4:13: undefined: N", "t.ipi:4:17: default value 1 of param M is outside 0..0"}},
	{name: "--set with a bad boolean",
		src:  hdr + "param B = true;\n",
		set:  map[string]string{"B": "maybe"},
		want: []string{"t.ipi:3:7: --set B=maybe: want true or false"}},
	{name: "--set with a bad enum member",
		src:  hdr + "param L: enum { none, spin } = none;\n",
		set:  map[string]string{"L": "drain"},
		want: []string{"t.ipi:3:7: --set L=drain: want one of none, spin"}},
	{name: "--set outside the type",
		src:  hdr + "param N: 1..3 = 1;\n",
		set:  map[string]string{"N": "4"},
		want: []string{"t.ipi:3:7: --set N=4: outside 1..3"}},
	{name: "--set CPUS not a number",
		src:  hdr,
		set:  map[string]string{"CPUS": "two"},
		want: []string{"t.ipi:2:7: --set CPUS=two: want an integer", "t.ipi:2:7: CPUS = 0: the number of CPUs must be between 1 and 64"}},
	{name: "--set CPUS too large",
		src:  hdr,
		set:  map[string]string{"CPUS": "100"},
		want: []string{"t.ipi:2:7: CPUS = 100: the number of CPUs must be between 1 and 64"}},
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range invalidCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadNoPanic(t, tc.src, tc.set)
			if err == nil {
				t.Fatalf("loads without error:\n%s", tc.src)
			}
			var list model.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error is a %T, not an ErrorList: %v", err, err)
			}
			var got []string
			for _, e := range list {
				got = append(got, strings.SplitN(e.Error(), "\n", 2)[0])
			}
			cmpWith := got
			if !tc.exact && len(got) > len(tc.want) {
				cmpWith = got[:len(tc.want)]
			}
			if diff := cmp.Diff(tc.want, cmpWith); diff != "" {
				t.Errorf("errors (-want +got):\n%s\nall errors:\n%s\nsource:\n%s", diff, strings.Join(got, "\n"), tc.src)
			}
			for _, e := range list {
				checkCaret(t, tc.src, e)
			}
		})
	}
}

// checkCaret checks that an error shows its source line and a caret
// under its column.
func checkCaret(t *testing.T, src string, e *model.Error) {
	t.Helper()
	lines := strings.Split(e.Error(), "\n")
	srcLines := strings.Split(src, "\n")
	if e.Pos.Line < 1 || e.Pos.Line > len(srcLines) {
		t.Errorf("%v: line outside the source", e.Pos)
		return
	}
	srcLine := strings.ReplaceAll(srcLines[e.Pos.Line-1], "\t", " ")
	if srcLine == "" {
		return // an empty line is not shown
	}
	if len(lines) != 3 {
		t.Errorf("error %q: want 3 lines (message, source, caret), got %d", lines[0], len(lines))
		return
	}
	if want := "    " + srcLine; lines[1] != want {
		t.Errorf("error %q: source line\n%q, want\n%q", lines[0], lines[1], want)
	}
	if want := "    " + strings.Repeat(" ", e.Pos.Col-1) + "^"; lines[2] != want {
		t.Errorf("error %q: caret line\n%q, want\n%q", lines[0], lines[2], want)
	}
}

func TestUnknownSetParam(t *testing.T) {
	_, err := loadNoPanic(t, hdr+"param LOCK = true;\n", map[string]string{"NOPE": "1", "ALSO": "2"})
	want := "--set ALSO: p declares no such param (params: CPUS, LOCK)"
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %q", err, want)
	}
	var list model.ErrorList
	if errors.As(err, &list) {
		t.Errorf("an unknown --set param is not a spec error, but got an ErrorList")
	}
}

func TestManyErrors(t *testing.T) {
	// The parser gives up after about 50 errors; the list prints 10.
	var b strings.Builder
	b.WriteString(hdr)
	for i := range 200 {
		fmt.Fprintf(&b, "var v%d = %d;\n", i, i)
	}
	_, err := parseNoPanic(t, b.String())
	var list model.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error %v, want an ErrorList", err)
	}
	if len(list) < 40 || len(list) > 60 {
		t.Errorf("%d errors, want the parser to stop at about 50", len(list))
	}
	text := err.Error()
	if !strings.HasSuffix(text, fmt.Sprintf("(and %d more errors)", len(list)-10)) {
		t.Errorf("the error text does not end with the count of the errors left out:\n%s", text[max(0, len(text)-200):])
	}
	// Many lexical errors do not stop the lexer and never panic.
	_, err = parseNoPanic(t, "protocol p;"+strings.Repeat("@", 5000))
	if err == nil {
		t.Errorf("5000 bad characters give no error")
	}
}

func TestErrorsSortedAndDeduplicated(t *testing.T) {
	// Inlining a function twice reports its errors once.
	src := hdr + "func f() { y = 1; }\nthread t on all { f(); f(); }\n"
	_, err := loadNoPanic(t, src, nil)
	var list model.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error %v, want an ErrorList", err)
	}
	if len(list) != 1 || list[0].Error() != "t.ipi:3:12: undefined: y\n    func f() { y = 1; }\n               ^" {
		t.Errorf("errors:\n%v", err)
	}
}

func TestUnknownLibrary(t *testing.T) {
	_, err := loadNoPanic(t, hdr+"import \"nosuch\";\n", nil)
	want := fmt.Sprintf("t.ipi:3:1: import \"nosuch\": no built-in library nosuch (built-in: %s)", strings.Join(model.Libraries(), ", "))
	if err == nil || strings.SplitN(err.Error(), "\n", 2)[0] != want {
		t.Fatalf("error %v, want %q", err, want)
	}
}
