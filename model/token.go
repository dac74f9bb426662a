package model

import "fmt"

// Source is a spec or library file's name and text.
type Source struct {
	Name string
	Text []byte
}

// Pos is a position in a spec or library file: 1-based line and column,
// and the file.
type Pos struct {
	Line, Col int
	Src       *Source
}

// String formats the position as line:col.
func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// File is the name of the position's file ("" if unknown).
func (p Pos) File() string {
	if p.Src == nil {
		return ""
	}
	return p.Src.Name
}

// text returns the position's file text.
func (p Pos) text() []byte {
	if p.Src == nil {
		return nil
	}
	return p.Src.Text
}

// IsValid reports whether the position is set.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Token is the kind of a lexical token.
type Token int

// The token kinds.
const (
	EOF Token = iota
	IDENT
	INT
	STRING

	// Operators and punctuation.
	LPAREN   // (
	RPAREN   // )
	LBRACE   // {
	RBRACE   // }
	LBRACK   // [
	RBRACK   // ]
	SEMI     // ;
	COLON    // :
	COMMA    // ,
	DOT      // .
	DOTDOT   // ..
	ASSIGN   // =
	EQ       // ==
	NEQ      // !=
	LT       // <
	LE       // <=
	GT       // >
	GE       // >=
	PLUS     // +
	MINUS    // -
	STAR     // *
	SLASH    // /
	PERCENT  // %
	NOT      // !
	ANDAND   // &&
	OROR     // ||
	QUESTION // ?

	keywordBeg
	PROTOCOL
	PARAM
	CONST
	TYPE
	VAR
	PERCPU
	FUNC
	THREAD
	INTERRUPT
	INVARIANT
	ON
	IF
	ELSE
	WHILE
	FOR
	IN
	AWAIT
	ATOMIC
	CHOOSE
	OR
	ASSERT
	RETURN
	BREAK
	CONTINUE
	SKIP
	TRUE
	FALSE
	FORALL
	EXISTS
	REF
	PROGRESS
	IMPORT
	LIBRARY
	EXPECT
	WHEN
	MATRIX
	COVER
	keywordEnd
)

var tokenNames = [...]string{
	EOF: "end of file", IDENT: "identifier", INT: "integer", STRING: "string",
	LPAREN: "(", RPAREN: ")", LBRACE: "{", RBRACE: "}", LBRACK: "[", RBRACK: "]",
	SEMI: ";", COLON: ":", COMMA: ",", DOT: ".", DOTDOT: "..", ASSIGN: "=",
	EQ: "==", NEQ: "!=", LT: "<", LE: "<=", GT: ">", GE: ">=", PLUS: "+",
	MINUS: "-", STAR: "*", SLASH: "/", PERCENT: "%", NOT: "!", ANDAND: "&&",
	OROR: "||", QUESTION: "?",
	PROTOCOL: "protocol", PARAM: "param", CONST: "const", TYPE: "type",
	VAR: "var", PERCPU: "percpu", FUNC: "func", THREAD: "thread",
	INTERRUPT: "interrupt", INVARIANT: "invariant", ON: "on", IF: "if",
	ELSE: "else", WHILE: "while", FOR: "for", IN: "in", AWAIT: "await",
	ATOMIC: "atomic", CHOOSE: "choose", OR: "or", ASSERT: "assert",
	RETURN: "return", BREAK: "break", CONTINUE: "continue", SKIP: "skip",
	TRUE: "true", FALSE: "false", FORALL: "forall", EXISTS: "exists", REF: "ref",
	PROGRESS: "progress", IMPORT: "import", LIBRARY: "library", EXPECT: "expect",
	WHEN: "when", MATRIX: "matrix", COVER: "cover",
}

// String returns the token's spelling, or a description for literals.
func (t Token) String() string {
	if t >= 0 && int(t) < len(tokenNames) && tokenNames[t] != "" {
		return tokenNames[t]
	}
	return fmt.Sprintf("token(%d)", int(t))
}

var keywords = func() map[string]Token {
	m := make(map[string]Token)
	for t := keywordBeg + 1; t < keywordEnd; t++ {
		m[tokenNames[t]] = t
	}
	return m
}()
