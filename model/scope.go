package model

// symKind says what a name denotes.
type symKind int

const (
	symConst  symKind = iota // a param, const or enum member: a compile-time value
	symType                  // a type name
	symGlobal                // a global variable: absolute slot
	symPerCPU                // a per-CPU variable: offset in each CPU's block
	symLocal                 // a local: offset in the running CPU's block
	symReg                   // a quantifier variable: a machine register
	symRef                   // a ref parameter: the caller's storage, by name
	symLine                  // an interrupt line (its handler)
	symFunc                  // a function
	symMe                    // me: the running CPU
)

// symbol is what a name resolves to.
type symbol struct {
	kind symKind
	name string
	pos  Pos
	typ  *Type
	val  int32 // symConst
	off  int   // symGlobal, symPerCPU, symLocal, symReg
	// symRef: the argument expression and the scope it is compiled in.
	arg      Expr
	argScope *scope
	line     *handler  // symLine
	fn       *FuncDecl // symFunc
	isParam  bool
}

// scope maps names to symbols, with a parent chain for nested blocks.
type scope struct {
	parent *scope
	names  map[string]*symbol
}

func newScope(parent *scope) *scope {
	return &scope{parent: parent, names: make(map[string]*symbol)}
}

func (s *scope) lookup(name string) *symbol {
	for ; s != nil; s = s.parent {
		if sym, ok := s.names[name]; ok {
			return sym
		}
	}
	return nil
}
