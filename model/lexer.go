package model

import (
	"fmt"
	"strconv"
)

// lexer turns spec source into tokens. It never fails: bad characters are
// reported through errf and skipped, so the parser can go on and report
// further independent errors.
type lexer struct {
	file *Source
	src  []byte
	off  int
	line int
	col  int
	errf func(pos Pos, format string, args ...any)
}

// item is one scanned token with its position, literal text and end.
type item struct {
	tok Token
	pos Pos
	end int // byte offset just past the token
	off int // byte offset of the token
	lit string
	val int64 // value of an INT
}

func newLexer(file *Source, errf func(Pos, string, ...any)) *lexer {
	return &lexer{file: file, src: file.Text, line: 1, col: 1, errf: errf}
}

func (l *lexer) pos() Pos { return Pos{Line: l.line, Col: l.col, Src: l.file} }

func (l *lexer) advance() {
	if l.src[l.off] == '\n' {
		l.line++
		l.col = 1
	} else if l.src[l.off]&0xC0 != 0x80 { // count runes, not bytes
		l.col++
	}
	l.off++
}

func (l *lexer) peekByte(k int) byte {
	if l.off+k < len(l.src) {
		return l.src[l.off+k]
	}
	return 0
}

func (l *lexer) skipSpaceAndComments() {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			l.advance()
		case c == '/' && l.peekByte(1) == '/':
			for l.off < len(l.src) && l.src[l.off] != '\n' {
				l.advance()
			}
		case c == '/' && l.peekByte(1) == '*':
			start := l.pos()
			l.advance()
			l.advance()
			for {
				if l.off >= len(l.src) {
					l.errf(start, "comment not terminated")
					return
				}
				if l.src[l.off] == '*' && l.peekByte(1) == '/' {
					l.advance()
					l.advance()
					break
				}
				l.advance()
			}
		default:
			return
		}
	}
}

func isLetter(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// next scans the next token.
func (l *lexer) next() item {
	for {
		l.skipSpaceAndComments()
		it := item{pos: l.pos(), off: l.off}
		if l.off >= len(l.src) {
			it.tok = EOF
			it.end = l.off
			return it
		}
		c := l.src[l.off]
		switch {
		case isLetter(c):
			for l.off < len(l.src) && (isLetter(l.src[l.off]) || isDigit(l.src[l.off])) {
				l.advance()
			}
			it.lit = string(l.src[it.off:l.off])
			if k, ok := keywords[it.lit]; ok {
				it.tok = k
			} else {
				it.tok = IDENT
			}
		case isDigit(c):
			for l.off < len(l.src) && (isDigit(l.src[l.off]) || isLetter(l.src[l.off])) {
				l.advance()
			}
			it.lit = string(l.src[it.off:l.off])
			it.tok = INT
			v, err := strconv.ParseInt(it.lit, 0, 32)
			if err != nil {
				l.errf(it.pos, "bad integer literal %s (integers are 32-bit)", it.lit)
			}
			it.val = v
		case c == '"':
			l.advance()
			for l.off < len(l.src) && l.src[l.off] != '"' && l.src[l.off] != '\n' {
				if l.src[l.off] == '\\' && l.off+1 < len(l.src) && l.src[l.off+1] != '\n' {
					l.advance()
				}
				l.advance()
			}
			if l.off >= len(l.src) || l.src[l.off] != '"' {
				l.errf(it.pos, "string not terminated")
				it.lit = string(l.src[it.off+1 : l.off])
			} else {
				l.advance()
				s, err := strconv.Unquote(string(l.src[it.off:l.off]))
				if err != nil {
					l.errf(it.pos, "bad string literal")
					s = string(l.src[it.off+1 : l.off-1])
				}
				it.lit = s
			}
			it.tok = STRING
		default:
			if !l.operator(&it) {
				l.errf(it.pos, "unexpected character %s", quoteChar(l.src[l.off:]))
				l.advance()
				for l.off < len(l.src) && l.src[l.off]&0xC0 == 0x80 {
					l.off++
				}
				continue
			}
		}
		it.end = l.off
		return it
	}
}

func quoteChar(b []byte) string {
	r := []rune(string(b[:min(len(b), 4)]))
	if len(r) == 0 {
		return "''"
	}
	return strconv.QuoteRune(r[0])
}

var twoCharOps = map[string]Token{
	"..": DOTDOT, "==": EQ, "!=": NEQ, "<=": LE, ">=": GE, "&&": ANDAND, "||": OROR,
}

var oneCharOps = map[byte]Token{
	'(': LPAREN, ')': RPAREN, '{': LBRACE, '}': RBRACE, '[': LBRACK, ']': RBRACK,
	';': SEMI, ':': COLON, ',': COMMA, '.': DOT, '=': ASSIGN, '<': LT, '>': GT,
	'+': PLUS, '-': MINUS, '*': STAR, '/': SLASH, '%': PERCENT, '!': NOT, '?': QUESTION,
}

func (l *lexer) operator(it *item) bool {
	if l.off+1 < len(l.src) {
		if t, ok := twoCharOps[string(l.src[l.off:l.off+2])]; ok {
			l.advance()
			l.advance()
			it.tok = t
			return true
		}
	}
	if t, ok := oneCharOps[l.src[l.off]]; ok {
		l.advance()
		it.tok = t
		return true
	}
	return false
}

func (it item) String() string {
	switch it.tok {
	case IDENT:
		return fmt.Sprintf("identifier %s", it.lit)
	case INT:
		return fmt.Sprintf("integer %s", it.lit)
	case STRING:
		return fmt.Sprintf("string %q", it.lit)
	case EOF:
		return "end of file"
	}
	if it.tok > keywordBeg && it.tok < keywordEnd {
		return fmt.Sprintf("keyword %s", it.tok)
	}
	return fmt.Sprintf("'%s'", it.tok)
}
