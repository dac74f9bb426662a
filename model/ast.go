package model

// File is a parsed spec.
type File struct {
	Name     string // file name used in diagnostics
	Src      []byte
	Source   *Source
	Protocol *Ident
	Library  bool   // the file starts with library NAME;, for import
	Doc      string // the optional description after the protocol name
	Decls    []Decl
}

// Node is implemented by every syntax tree node.
type Node interface {
	Pos() Pos
}

// Decl is a top-level declaration.
type Decl interface {
	Node
	declNode()
}

// Stmt is a statement.
type Stmt interface {
	Node
	stmtNode()
}

// Expr is an expression.
type Expr interface {
	Node
	exprNode()
}

// TypeExpr is a written type.
type TypeExpr interface {
	Node
	typeNode()
}

// Ident is a name and where it was written.
type Ident struct {
	At   Pos
	Name string
}

// Pos returns where the identifier was written.
func (x *Ident) Pos() Pos { return x.At }

// Declarations.
type (
	// ParamDecl is `param NAME [: TYPE] = VALUE;`: a constant the command
	// line may override.
	ParamDecl struct {
		Name    *Ident
		Type    TypeExpr // nil: inferred from the default
		Default Expr
	}
	// ConstDecl is `const NAME = VALUE;`.
	ConstDecl struct {
		Name  *Ident
		Value Expr
	}
	// TypeDecl is `type NAME = TYPE;`.
	TypeDecl struct {
		Name *Ident
		Type TypeExpr
	}
	// VarDecl is `[percpu] var NAME : TYPE [= INIT];`, at top level or as a
	// statement declaring a local.
	VarDecl struct {
		At     Pos
		PerCPU bool
		Name   *Ident
		Type   TypeExpr
		Init   Expr // nil: the type's zero value
		End    int  // byte offset just past the declaration, for statement text
		Off    int
	}
	// InterruptDecl is `interrupt NAME [level N] [timer|nmi] { ... }`.
	InterruptDecl struct {
		At    Pos
		Name  *Ident
		Level Expr // nil: level 1
		Kind  LineKind
		Body  *Block
	}
	// FuncDecl is `func NAME(PARAMS) [: TYPE] { ... }`.
	FuncDecl struct {
		At     Pos
		Name   *Ident
		Params []*FuncParam
		Result TypeExpr // nil: no result
		Body   *Block
	}
	// ThreadDecl is `thread NAME on CPUS { ... }`.
	ThreadDecl struct {
		At   Pos
		Name *Ident
		On   CPUSet
		Body *Block
	}
	// InvariantDecl is `invariant NAME ["message"]: EXPR;`, or with
	// Cover set `cover NAME ["message"]: EXPR;`: a condition that some
	// reachable state must satisfy.
	InvariantDecl struct {
		At    Pos
		Cover bool
		Name  *Ident
		Msg   string
		Cond  Expr
	}
	// ImportDecl is `import "PATH";`: a library's declarations.
	ImportDecl struct {
		At   Pos
		Path string
	}
	// ExpectDecl is `expect VERDICT ["detail"] [when COND];`: the verdict
	// the spec expects under the params COND (over params only) selects.
	ExpectDecl struct {
		At      Pos
		Verdict *Ident
		Detail  string
		When    Expr // nil: otherwise
	}
	// MatrixDecl is `matrix NAME = V, ...;`: the values ipicheck test
	// tries for a param.
	MatrixDecl struct {
		At     Pos
		Name   *Ident
		Values []Expr
	}
)

// LineKind says how an interrupt line is raised and masked.
type LineKind int

// The kinds of interrupt line.
const (
	LineNormal LineKind = iota // raised by raise(), masked by irqs off
	LineTimer                  // always raised: may fire at any unmasked moment
	LineNMI                    // raised by raise(), never masked
)

// FuncParam is a function parameter; Ref parameters name the caller's
// storage (the kernel's pointer arguments) instead of copying a value.
type FuncParam struct {
	Name *Ident
	Ref  bool
	Type TypeExpr
}

// CPUSet says which CPUs run a thread: all, one CPU, or a range.
type CPUSet struct {
	At     Pos
	All    bool
	Lo, Hi Expr // One CPU: Lo == Hi
}

func (d *ParamDecl) Pos() Pos     { return d.Name.At }
func (d *ConstDecl) Pos() Pos     { return d.Name.At }
func (d *TypeDecl) Pos() Pos      { return d.Name.At }
func (d *VarDecl) Pos() Pos       { return d.At }
func (d *InterruptDecl) Pos() Pos { return d.At }
func (d *FuncDecl) Pos() Pos      { return d.At }
func (d *ThreadDecl) Pos() Pos    { return d.At }
func (d *InvariantDecl) Pos() Pos { return d.At }
func (d *ImportDecl) Pos() Pos    { return d.At }
func (d *ExpectDecl) Pos() Pos    { return d.At }
func (d *MatrixDecl) Pos() Pos    { return d.At }

func (*ParamDecl) declNode()     {}
func (*ConstDecl) declNode()     {}
func (*TypeDecl) declNode()      {}
func (*VarDecl) declNode()       {}
func (*InterruptDecl) declNode() {}
func (*FuncDecl) declNode()      {}
func (*ThreadDecl) declNode()    {}
func (*InvariantDecl) declNode() {}
func (*ImportDecl) declNode()    {}
func (*ExpectDecl) declNode()    {}
func (*MatrixDecl) declNode()    {}

// Types as written.
type (
	// NamedType is bool, cpu, or a declared type name.
	NamedType struct{ Name *Ident }
	// RangeType is LO..HI.
	RangeType struct{ Lo, Hi Expr }
	// EnumType is enum { A, B, ... }.
	EnumType struct {
		At      Pos
		Members []*Ident
	}
	// ArrayType is [LEN]ELEM or [cpu]ELEM.
	ArrayType struct {
		At   Pos
		Len  Expr // nil for [cpu]
		Elem TypeExpr
	}
	// StructType is struct { f: T; ... }.
	StructType struct {
		At     Pos
		Fields []*Field
	}
)

// Field is a record field.
type Field struct {
	Name *Ident
	Type TypeExpr
}

func (t *NamedType) Pos() Pos  { return t.Name.At }
func (t *RangeType) Pos() Pos  { return t.Lo.Pos() }
func (t *EnumType) Pos() Pos   { return t.At }
func (t *ArrayType) Pos() Pos  { return t.At }
func (t *StructType) Pos() Pos { return t.At }

func (*NamedType) typeNode()  {}
func (*RangeType) typeNode()  {}
func (*EnumType) typeNode()   {}
func (*ArrayType) typeNode()  {}
func (*StructType) typeNode() {}

// Statements. Every statement records the byte span of its head (for a
// compound statement, up to the opening brace) so traces can quote it.
type (
	// Block is { STMTS }.
	Block struct {
		At    Pos
		Stmts []Stmt
		Close Pos
	}
	// AssignStmt is LHS = RHS;.
	AssignStmt struct {
		Span
		LHS, RHS Expr
	}
	// CallStmt is a call used as a statement: f(args); or a builtin.
	CallStmt struct {
		Span
		Call *CallExpr
	}
	// IfStmt is if (COND) THEN [else ELSE].
	IfStmt struct {
		Span
		Cond Expr
		Then *Block
		Else Stmt // nil, *Block or *IfStmt
	}
	// WhileStmt is while (COND) BODY.
	WhileStmt struct {
		Span
		Cond Expr
		Body *Block
	}
	// ForStmt is for (VAR in RANGE) BODY.
	ForStmt struct {
		Span
		Var   *Ident
		Range *RangeExpr
		Body  *Block
	}
	// AwaitStmt is await COND;.
	AwaitStmt struct {
		Span
		Cond Expr
	}
	// AtomicStmt is atomic { ... }.
	AtomicStmt struct {
		Span
		Body *Block
	}
	// ChooseStmt is choose { ... } or { ... } ...
	ChooseStmt struct {
		Span
		Alts []*Block
	}
	// AssertStmt is assert COND ["message"];.
	AssertStmt struct {
		Span
		Cond Expr
		Msg  string
	}
	// ReturnStmt is return [VALUE];.
	ReturnStmt struct {
		Span
		Value Expr
	}
	// BranchStmt is break; or continue;.
	BranchStmt struct {
		Span
		Tok Token
	}
	// SkipStmt is skip;: a step that changes nothing.
	SkipStmt struct {
		Span
	}
	// ProgressStmt is progress;: a step that changes nothing and marks
	// that its CPU made progress (for hang detection in endless loops).
	ProgressStmt struct {
		Span
	}
	// LocalVarStmt declares a local variable.
	LocalVarStmt struct {
		Span
		Decl *VarDecl
	}
)

// Span is a statement's position and the byte range of its head.
type Span struct {
	At       Pos
	Off, End int
}

// Pos returns where the statement starts.
func (s *Span) Pos() Pos { return s.At }

func (s *Span) span() Span { return *s }

// Pos returns the opening brace's position.
func (b *Block) Pos() Pos { return b.At }

func (*Block) stmtNode()        {}
func (*AssignStmt) stmtNode()   {}
func (*CallStmt) stmtNode()     {}
func (*IfStmt) stmtNode()       {}
func (*WhileStmt) stmtNode()    {}
func (*ForStmt) stmtNode()      {}
func (*AwaitStmt) stmtNode()    {}
func (*AtomicStmt) stmtNode()   {}
func (*ChooseStmt) stmtNode()   {}
func (*AssertStmt) stmtNode()   {}
func (*ReturnStmt) stmtNode()   {}
func (*BranchStmt) stmtNode()   {}
func (*SkipStmt) stmtNode()     {}
func (*ProgressStmt) stmtNode() {}
func (*LocalVarStmt) stmtNode() {}

// Expressions.
type (
	// IntLit is an integer literal.
	IntLit struct {
		At  Pos
		Val int64
	}
	// BoolLit is true or false.
	BoolLit struct {
		At  Pos
		Val bool
	}
	// Name is a use of a declared name (variable, constant, enum member, me).
	Name struct{ Ident }
	// UnaryExpr is !X or -X.
	UnaryExpr struct {
		At Pos
		Op Token
		X  Expr
	}
	// BinaryExpr is X OP Y.
	BinaryExpr struct {
		X  Expr
		Op Token
		At Pos // the operator
		Y  Expr
	}
	// CondExpr is C ? X : Y.
	CondExpr struct {
		C, X, Y Expr
	}
	// IndexExpr is X[I].
	IndexExpr struct {
		X     Expr
		Index Expr
		At    Pos // the bracket
	}
	// FieldExpr is X.F.
	FieldExpr struct {
		X     Expr
		Field *Ident
	}
	// CallExpr is F(ARGS): a function or a builtin.
	CallExpr struct {
		Fun    *Ident
		Args   []Expr
		Rparen Pos
	}
	// QuantExpr is forall (V in RANGE) BODY or exists (V in RANGE) BODY.
	QuantExpr struct {
		At    Pos
		Tok   Token // FORALL or EXISTS
		Var   *Ident
		Range *RangeExpr
		Body  Expr
	}
	// ParenExpr is (X), kept so statement text stays as written.
	ParenExpr struct {
		At Pos
		X  Expr
	}
)

// RangeExpr is what a for loop or quantifier ranges over: LO..HI, cpus
// (every CPU) or others (every CPU but this one).
type RangeExpr struct {
	At     Pos
	Lo, Hi Expr   // for LO..HI
	Set    string // "cpus" or "others" when Lo is nil
}

func (x *IntLit) Pos() Pos     { return x.At }
func (x *BoolLit) Pos() Pos    { return x.At }
func (x *UnaryExpr) Pos() Pos  { return x.At }
func (x *BinaryExpr) Pos() Pos { return x.X.Pos() }
func (x *CondExpr) Pos() Pos   { return x.C.Pos() }
func (x *IndexExpr) Pos() Pos  { return x.X.Pos() }
func (x *FieldExpr) Pos() Pos  { return x.X.Pos() }
func (x *CallExpr) Pos() Pos   { return x.Fun.At }
func (x *QuantExpr) Pos() Pos  { return x.At }
func (x *ParenExpr) Pos() Pos  { return x.At }

func (*IntLit) exprNode()     {}
func (*BoolLit) exprNode()    {}
func (*Name) exprNode()       {}
func (*UnaryExpr) exprNode()  {}
func (*BinaryExpr) exprNode() {}
func (*CondExpr) exprNode()   {}
func (*IndexExpr) exprNode()  {}
func (*FieldExpr) exprNode()  {}
func (*CallExpr) exprNode()   {}
func (*QuantExpr) exprNode()  {}
func (*ParenExpr) exprNode()  {}
