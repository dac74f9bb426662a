package model

import "strings"

// Parse parses a spec file. It returns the tree built so far together with
// every syntax error found; the tree is only meaningful when err is nil.
func Parse(filename string, src []byte) (*File, error) {
	return parseSource(&Source{Name: filename, Text: src})
}

func parseSource(file *Source) (*File, error) {
	p := &parser{d: &diag{file: file.Name, src: file.Text}}
	p.lex = newLexer(file, p.d.errorf)
	p.next()
	f := p.parseFile()
	f.Name, f.Src, f.Source = file.Name, file.Text, file
	return f, p.d.sorted().Err()
}

// bailout stops the parse when a spec has so many errors that more
// would only be noise.
type bailout struct{}

type parser struct {
	d     *diag
	lex   *lexer
	tok   item // current token
	prev  item // previous token, for statement ends
	depth int  // nesting of blocks and expressions, bounded by maxDepth
}

// maxDepth bounds nesting so that a pathological input cannot exhaust the
// parser's stack.
const maxDepth = 500

// nest enters one level of nesting; the caller defers the returned func.
func (p *parser) nest() func() {
	p.depth++
	if p.depth > maxDepth {
		p.errorf(p.tok.pos, "nesting deeper than %d levels", maxDepth)
		panic(bailout{})
	}
	return func() { p.depth-- }
}

func (p *parser) next() {
	p.prev = p.tok
	p.tok = p.lex.next()
}

func (p *parser) errorf(pos Pos, format string, args ...any) {
	p.d.errorf(pos, format, args...)
	if len(p.d.errs) > 50 {
		panic(bailout{})
	}
}

func (p *parser) expect(t Token, context string) item {
	it := p.tok
	if it.tok != t {
		p.errorf(it.pos, "expected %s %s, found %s", t, context, it)
		return it
	}
	p.next()
	return it
}

func (p *parser) got(t Token) bool {
	if p.tok.tok == t {
		p.next()
		return true
	}
	return false
}

func (p *parser) ident(context string) *Ident {
	it := p.tok
	if it.tok != IDENT {
		p.errorf(it.pos, "expected a name %s, found %s", context, it)
		return &Ident{At: it.pos, Name: "_"}
	}
	p.next()
	return &Ident{At: it.pos, Name: it.lit}
}

// isWord reports whether the current token is the contextual word w
// (level, timer, nmi, all, cpu, enum, struct are not reserved).
func (p *parser) isWord(w string) bool { return p.tok.tok == IDENT && p.tok.lit == w }

func (p *parser) parseFile() (f *File) {
	f = &File{}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
		}
	}()
	if p.tok.tok != PROTOCOL && p.tok.tok != LIBRARY {
		p.errorf(p.tok.pos, "a spec starts with 'protocol NAME;' (a library with 'library NAME;'), found %s", p.tok)
	} else {
		f.Library = p.tok.tok == LIBRARY
		head := "after '" + p.tok.tok.String() + "'"
		p.next()
		f.Protocol = p.ident(head)
		if p.tok.tok == STRING {
			f.Doc = p.tok.lit
			p.next()
		}
		p.expect(SEMI, "after the protocol name")
	}
	for p.tok.tok != EOF {
		if d := p.parseDecl(); d != nil {
			f.Decls = append(f.Decls, d)
		}
	}
	return f
}

// syncDecl skips to the start of the next top-level declaration.
func (p *parser) syncDecl() {
	depth := 0
	for p.tok.tok != EOF {
		switch p.tok.tok {
		case LBRACE:
			depth++
		case RBRACE:
			depth--
			if depth <= 0 {
				p.next()
				return
			}
		case SEMI:
			if depth == 0 {
				p.next()
				return
			}
		case PARAM, CONST, TYPE, VAR, PERCPU, FUNC, THREAD, INTERRUPT, INVARIANT, IMPORT, EXPECT, MATRIX, COVER:
			if depth == 0 {
				return
			}
		}
		p.next()
	}
}

func (p *parser) parseDecl() Decl {
	switch p.tok.tok {
	case PARAM:
		p.next()
		d := &ParamDecl{Name: p.ident("after 'param'")}
		if p.got(COLON) {
			d.Type = p.parseType()
		}
		p.expect(ASSIGN, "and a default value after the param name")
		d.Default = p.parseExpr()
		p.expect(SEMI, "after the param declaration")
		return d
	case CONST:
		p.next()
		d := &ConstDecl{Name: p.ident("after 'const'")}
		p.expect(ASSIGN, "after the const name")
		d.Value = p.parseExpr()
		p.expect(SEMI, "after the const declaration")
		return d
	case TYPE:
		p.next()
		d := &TypeDecl{Name: p.ident("after 'type'")}
		p.expect(ASSIGN, "after the type name")
		d.Type = p.parseType()
		p.expect(SEMI, "after the type declaration")
		return d
	case VAR, PERCPU:
		return p.parseVarDecl(true)
	case INTERRUPT:
		d := &InterruptDecl{At: p.tok.pos}
		p.next()
		d.Name = p.ident("after 'interrupt'")
		for {
			switch {
			case p.isWord("level"):
				p.next()
				d.Level = p.parseUnary()
				continue
			case p.isWord("timer"):
				p.next()
				d.Kind = LineTimer
				continue
			case p.isWord("nmi"):
				p.next()
				d.Kind = LineNMI
				continue
			}
			break
		}
		d.Body = p.parseBlock("of the interrupt handler")
		return d
	case FUNC:
		d := &FuncDecl{At: p.tok.pos}
		p.next()
		d.Name = p.ident("after 'func'")
		p.expect(LPAREN, "after the function name")
		for p.tok.tok != RPAREN && p.tok.tok != EOF {
			fp := &FuncParam{Name: p.ident("of a parameter")}
			p.expect(COLON, "after the parameter name")
			fp.Ref = p.got(REF)
			fp.Type = p.parseType()
			d.Params = append(d.Params, fp)
			if !p.got(COMMA) {
				break
			}
		}
		p.expect(RPAREN, "after the parameters")
		if p.got(COLON) {
			d.Result = p.parseType()
		}
		d.Body = p.parseBlock("of the function")
		return d
	case THREAD:
		d := &ThreadDecl{At: p.tok.pos}
		p.next()
		d.Name = p.ident("after 'thread'")
		p.expect(ON, "and the CPUs it runs on (on all, on cpu N, on LO..HI)")
		d.On = p.parseCPUSet()
		d.Body = p.parseBlock("of the thread")
		return d
	case INVARIANT, COVER:
		what := p.tok.tok.String()
		d := &InvariantDecl{At: p.tok.pos, Cover: p.tok.tok == COVER}
		p.next()
		d.Name = p.ident("after '" + what + "'")
		if p.tok.tok == STRING {
			d.Msg = p.tok.lit
			p.next()
		}
		p.expect(COLON, "after the "+what+" name")
		d.Cond = p.parseExpr()
		p.expect(SEMI, "after the "+what)
		return d
	case IMPORT:
		d := &ImportDecl{At: p.tok.pos}
		p.next()
		if p.tok.tok != STRING {
			p.errorf(p.tok.pos, "expected a library name or path in quotes after 'import', found %s", p.tok)
		} else {
			d.Path = p.tok.lit
			p.next()
		}
		p.expect(SEMI, "after the import")
		return d
	case EXPECT:
		d := &ExpectDecl{At: p.tok.pos}
		p.next()
		d.Verdict = p.ident("of a verdict after 'expect' (verified, deadlock, hang, violation, uncovered)")
		if p.tok.tok == STRING {
			d.Detail = p.tok.lit
			p.next()
		}
		if p.got(WHEN) {
			d.When = p.parseExpr()
		}
		p.expect(SEMI, "after the expectation")
		return d
	case MATRIX:
		d := &MatrixDecl{At: p.tok.pos}
		p.next()
		d.Name = p.ident("of a param after 'matrix'")
		p.expect(ASSIGN, "after the param name (matrix NAME = V1, V2, ...;)")
		for {
			d.Values = append(d.Values, p.parseExpr())
			if !p.got(COMMA) {
				break
			}
		}
		p.expect(SEMI, "after the matrix values")
		return d
	}
	p.errorf(p.tok.pos, "expected a declaration (param, const, type, var, percpu var, func, interrupt, thread, invariant, cover, import, expect, matrix), found %s", p.tok)
	p.next()
	p.syncDecl()
	return nil
}

func (p *parser) parseCPUSet() CPUSet {
	s := CPUSet{At: p.tok.pos}
	switch {
	case p.isWord("all"):
		p.next()
		s.All = true
	case p.isWord("cpu"):
		p.next()
		s.Lo = p.parseBinary(1)
		s.Hi = s.Lo
	default:
		s.Lo = p.parseBinary(1)
		p.expect(DOTDOT, "in a CPU range LO..HI")
		s.Hi = p.parseBinary(1)
	}
	return s
}

func (p *parser) parseVarDecl(top bool) *VarDecl {
	d := &VarDecl{At: p.tok.pos, Off: p.tok.off}
	if p.got(PERCPU) {
		d.PerCPU = true
		if !top {
			p.errorf(d.At, "percpu variables are declared at top level")
		}
	}
	p.expect(VAR, "in a variable declaration")
	d.Name = p.ident("after 'var'")
	p.expect(COLON, "and a type after the variable name (var x: T)")
	d.Type = p.parseType()
	if p.got(ASSIGN) {
		d.Init = p.parseExpr()
	}
	d.End = p.tok.off
	p.expect(SEMI, "after the variable declaration")
	return d
}

func (p *parser) parseType() TypeExpr {
	switch {
	case p.isWord("enum"):
		t := &EnumType{At: p.tok.pos}
		p.next()
		p.expect(LBRACE, "after 'enum'")
		for p.tok.tok != RBRACE && p.tok.tok != EOF {
			t.Members = append(t.Members, p.ident("of an enum member"))
			if !p.got(COMMA) {
				break
			}
		}
		p.expect(RBRACE, "after the enum members")
		return t
	case p.isWord("struct"):
		t := &StructType{At: p.tok.pos}
		p.next()
		p.expect(LBRACE, "after 'struct'")
		for p.tok.tok == IDENT {
			f := &Field{Name: p.ident("of a field")}
			p.expect(COLON, "after the field name")
			f.Type = p.parseType()
			t.Fields = append(t.Fields, f)
			if !p.got(SEMI) && !p.got(COMMA) {
				break
			}
		}
		p.expect(RBRACE, "after the struct fields")
		return t
	case p.tok.tok == LBRACK:
		t := &ArrayType{At: p.tok.pos}
		p.next()
		if p.isWord("cpu") {
			p.next()
		} else {
			t.Len = p.parseExpr()
		}
		p.expect(RBRACK, "after the array length")
		t.Elem = p.parseType()
		return t
	}
	lo := p.parseBinary(1)
	if p.got(DOTDOT) {
		return &RangeType{Lo: lo, Hi: p.parseBinary(1)}
	}
	if n, ok := lo.(*Name); ok {
		return &NamedType{Name: &n.Ident}
	}
	p.errorf(lo.Pos(), "expected a type (bool, cpu, LO..HI, enum {...}, [N]T, struct {...} or a type name)")
	return &NamedType{Name: &Ident{At: lo.Pos(), Name: "_"}}
}

func (p *parser) parseBlock(context string) *Block {
	defer p.nest()()
	b := &Block{At: p.tok.pos}
	if p.tok.tok != LBRACE {
		p.errorf(p.tok.pos, "expected { to open the body %s, found %s", context, p.tok)
		p.syncDecl()
		return b
	}
	p.next()
	for p.tok.tok != RBRACE && p.tok.tok != EOF {
		if s := p.parseStmt(); s != nil {
			b.Stmts = append(b.Stmts, s)
		}
	}
	b.Close = p.tok.pos
	p.expect(RBRACE, "to close the block")
	return b
}

// span starts a statement span at the current token.
func (p *parser) span() Span { return Span{At: p.tok.pos, Off: p.tok.off} }

// endSpan closes a statement head at the previous token.
func (p *parser) endSpan(s *Span) { s.End = p.prev.end }

// syncStmt skips past the end of a broken statement.
func (p *parser) syncStmt() {
	for p.tok.tok != EOF && p.tok.tok != RBRACE {
		if p.tok.tok == SEMI {
			p.next()
			return
		}
		if p.tok.tok == LBRACE {
			p.parseBlock("")
			return
		}
		p.next()
	}
}

func (p *parser) parseStmt() Stmt {
	sp := p.span()
	switch p.tok.tok {
	case LBRACE:
		return p.parseBlock("")
	case VAR:
		d := p.parseVarDecl(false)
		sp.End = d.End
		return &LocalVarStmt{Span: sp, Decl: d}
	case PERCPU:
		p.parseVarDecl(false)
		return nil
	case IF:
		p.next()
		s := &IfStmt{}
		s.Cond = p.parseParenCond("if")
		s.Span = sp
		p.endSpan(&s.Span)
		s.Then = p.parseBlock("of the if")
		if p.got(ELSE) {
			if p.tok.tok == IF {
				s.Else = p.parseStmt()
			} else {
				s.Else = p.parseBlock("of the else")
			}
		}
		return s
	case WHILE:
		p.next()
		s := &WhileStmt{Cond: p.parseParenCond("while")}
		s.Span = sp
		p.endSpan(&s.Span)
		s.Body = p.parseBlock("of the while loop")
		return s
	case FOR:
		p.next()
		s := &ForStmt{}
		p.expect(LPAREN, "after 'for'")
		s.Var = p.ident("of the loop variable")
		p.expect(IN, "after the loop variable (for (i in 0..N-1), for (c in cpus), for (c in others))")
		s.Range = p.parseRange()
		p.expect(RPAREN, "after the loop range")
		s.Span = sp
		p.endSpan(&s.Span)
		s.Body = p.parseBlock("of the for loop")
		return s
	case AWAIT:
		p.next()
		s := &AwaitStmt{Cond: p.parseExpr()}
		s.Span = sp
		p.endSpan(&s.Span)
		p.expect(SEMI, "after the await condition")
		return s
	case ATOMIC:
		p.next()
		s := &AtomicStmt{Span: sp}
		p.endSpan(&s.Span)
		s.Body = p.parseBlock("of the atomic block")
		return s
	case CHOOSE:
		p.next()
		s := &ChooseStmt{Span: sp}
		p.endSpan(&s.Span)
		s.Alts = append(s.Alts, p.parseBlock("of the first alternative"))
		for p.got(OR) {
			s.Alts = append(s.Alts, p.parseBlock("of the alternative"))
		}
		if len(s.Alts) < 2 {
			p.errorf(sp.At, "choose needs at least two alternatives: choose { ... } or { ... }")
		}
		return s
	case ASSERT:
		p.next()
		s := &AssertStmt{Cond: p.parseExpr()}
		if p.tok.tok == STRING {
			s.Msg = p.tok.lit
			p.next()
		}
		s.Span = sp
		p.endSpan(&s.Span)
		p.expect(SEMI, "after the assertion")
		return s
	case RETURN:
		p.next()
		s := &ReturnStmt{}
		if p.tok.tok != SEMI {
			s.Value = p.parseExpr()
		}
		s.Span = sp
		p.endSpan(&s.Span)
		p.expect(SEMI, "after return")
		return s
	case BREAK, CONTINUE:
		s := &BranchStmt{Tok: p.tok.tok}
		p.next()
		s.Span = sp
		p.endSpan(&s.Span)
		p.expect(SEMI, "after "+s.Tok.String())
		return s
	case SKIP:
		p.next()
		s := &SkipStmt{Span: sp}
		p.endSpan(&s.Span)
		p.expect(SEMI, "after skip")
		return s
	case PROGRESS:
		p.next()
		s := &ProgressStmt{Span: sp}
		p.endSpan(&s.Span)
		p.expect(SEMI, "after progress")
		return s
	case SEMI:
		p.next()
		return nil
	}
	x := p.parseExpr()
	if p.got(ASSIGN) {
		s := &AssignStmt{LHS: x, RHS: p.parseExpr()}
		s.Span = sp
		p.endSpan(&s.Span)
		p.expect(SEMI, "after the assignment")
		return s
	}
	if c, ok := x.(*CallExpr); ok {
		s := &CallStmt{Span: sp, Call: c}
		p.endSpan(&s.Span)
		p.expect(SEMI, "after the call")
		return s
	}
	if b, ok := x.(*BinaryExpr); ok && b.Op == EQ && p.tok.tok == SEMI {
		p.errorf(b.At, "'==' compares; use '=' to assign")
	} else {
		p.errorf(x.Pos(), "expected a statement (assignment, call, if, while, for, await, atomic, choose, assert, return, var), found an expression")
	}
	p.syncStmt()
	return nil
}

func (p *parser) parseParenCond(what string) Expr {
	p.expect(LPAREN, "after '"+what+"'")
	x := p.parseExpr()
	p.expect(RPAREN, "after the "+what+" condition")
	return x
}

func (p *parser) parseRange() *RangeExpr {
	r := &RangeExpr{At: p.tok.pos}
	if p.isWord("cpus") || p.isWord("others") {
		r.Set = p.tok.lit
		p.next()
		return r
	}
	r.Lo = p.parseBinary(1)
	p.expect(DOTDOT, "in a range LO..HI (or cpus, others)")
	r.Hi = p.parseBinary(1)
	return r
}

// Operator precedence, loosest first.
var binaryPrec = map[Token]int{
	OROR: 1, ANDAND: 2, EQ: 3, NEQ: 3, LT: 4, LE: 4, GT: 4, GE: 4,
	PLUS: 5, MINUS: 5, STAR: 6, SLASH: 6, PERCENT: 6,
}

func (p *parser) parseExpr() Expr {
	x := p.parseBinary(1)
	if p.tok.tok == QUESTION {
		p.next()
		c := &CondExpr{C: x, X: p.parseExpr()}
		p.expect(COLON, "in a conditional expression C ? X : Y")
		c.Y = p.parseExpr()
		return c
	}
	return x
}

func (p *parser) parseBinary(prec int) Expr {
	x := p.parseUnary()
	for {
		op := p.tok.tok
		q, ok := binaryPrec[op]
		if !ok || q < prec {
			return x
		}
		at := p.tok.pos
		p.next()
		x = &BinaryExpr{X: x, Op: op, At: at, Y: p.parseBinary(q + 1)}
	}
}

func (p *parser) parseUnary() Expr {
	defer p.nest()()
	switch p.tok.tok {
	case NOT, MINUS:
		at, op := p.tok.pos, p.tok.tok
		p.next()
		return &UnaryExpr{At: at, Op: op, X: p.parseUnary()}
	case FORALL, EXISTS:
		q := &QuantExpr{At: p.tok.pos, Tok: p.tok.tok}
		p.next()
		p.expect(LPAREN, "after "+q.Tok.String())
		q.Var = p.ident("of the bound variable")
		p.expect(IN, "after the bound variable")
		q.Range = p.parseRange()
		p.expect(RPAREN, "after the range")
		q.Body = p.parseExpr()
		return q
	}
	return p.parsePostfix(p.parseOperand())
}

func (p *parser) parseOperand() Expr {
	it := p.tok
	switch it.tok {
	case INT:
		p.next()
		return &IntLit{At: it.pos, Val: it.val}
	case TRUE, FALSE:
		p.next()
		return &BoolLit{At: it.pos, Val: it.tok == TRUE}
	case IDENT:
		p.next()
		id := &Ident{At: it.pos, Name: it.lit}
		if p.tok.tok == LPAREN {
			p.next()
			c := &CallExpr{Fun: id}
			for p.tok.tok != RPAREN && p.tok.tok != EOF {
				c.Args = append(c.Args, p.parseExpr())
				if !p.got(COMMA) {
					break
				}
			}
			c.Rparen = p.tok.pos
			p.expect(RPAREN, "after the call arguments")
			return c
		}
		return &Name{Ident: *id}
	case LPAREN:
		p.next()
		x := p.parseExpr()
		p.expect(RPAREN, "to close the parenthesis")
		return &ParenExpr{At: it.pos, X: x}
	}
	p.errorf(it.pos, "expected an expression, found %s", it)
	if it.tok != EOF && it.tok != SEMI && it.tok != RBRACE && it.tok != RPAREN {
		p.next()
	}
	return &BoolLit{At: it.pos}
}

func (p *parser) parsePostfix(x Expr) Expr {
	for {
		switch p.tok.tok {
		case LBRACK:
			at := p.tok.pos
			p.next()
			i := p.parseExpr()
			p.expect(RBRACK, "after the index")
			x = &IndexExpr{X: x, Index: i, At: at}
		case DOT:
			p.next()
			x = &FieldExpr{X: x, Field: p.ident("after '.'")}
		default:
			return x
		}
	}
}

// stmtText returns the source text of a statement head with runs of
// white space folded, as traces quote it.
func stmtText(s Span) string {
	src := s.At.text()
	if s.Off < 0 || s.End > len(src) || s.Off >= s.End {
		return ""
	}
	return strings.Join(strings.Fields(stripComments(src[s.Off:s.End])), " ")
}

// stripComments drops the comments from a piece of source, leaving
// strings alone.
func stripComments(b []byte) string {
	var out strings.Builder
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '"':
			j := i + 1
			for j < len(b) && b[j] != '"' && b[j] != '\n' {
				if b[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j+1, len(b))
			out.Write(b[i:j])
			i = j - 1
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '/':
			for i < len(b) && b[i] != '\n' {
				i++
			}
			out.WriteByte(' ')
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '*':
			i += 2
			for i+1 < len(b) && !(b[i] == '*' && b[i+1] == '/') {
				i++
			}
			i++
			out.WriteByte(' ')
		default:
			out.WriteByte(b[i])
		}
	}
	return out.String()
}
