package model

import (
	"fmt"
	"strings"
)

// Expectation is the verdict a spec expects under the params it was
// compiled with: the first `expect` whose when-condition holds.
type Expectation struct {
	Verdict string // verified, deadlock, hang, violation or uncovered
	Detail  string // for violation: a substring of the failure message
	Pos     Pos
}

// verdictWords are the verdicts an expect declaration may name.
var verdictWords = []string{"verified", "deadlock", "hang", "violation", "uncovered"}

// MatrixParam is a param and the values `ipicheck test` tries for it.
type MatrixParam struct {
	Name   string
	Values []string
}

// Expected returns the expectation that applies to this compilation, or
// nil when the spec declares none (or none applies).
func (s *System) Expected() *Expectation { return s.expected }

// HasExpectations reports whether the spec declares any expect.
func (s *System) HasExpectations() bool { return s.expects > 0 }

// Matrix returns the param values `ipicheck test` runs the spec with: the
// declared matrix, else every value of each bool or enum param that an
// expect condition names. Params not listed keep their defaults.
func (s *System) Matrix() []MatrixParam { return s.matrix }

// expectations compiles the expect and matrix declarations.
func (c *compiler) expectations() {
	declared := map[string]bool{}
	named := map[string]bool{}
	for _, d := range c.file.Decls {
		switch d := d.(type) {
		case *ExpectDecl:
			c.sys.expects++
			ok := false
			for _, w := range verdictWords {
				ok = ok || d.Verdict.Name == w
			}
			if !ok {
				c.errorf(d.Verdict.At, "unknown verdict %s: expect one of %s", d.Verdict.Name, strings.Join(verdictWords, ", "))
				continue
			}
			if d.Detail != "" && d.Verdict.Name != "violation" {
				c.errorf(d.At, "only expect violation takes a message to match")
			}
			holds := true
			if d.When != nil {
				paramNames(d.When, c.top, named)
				x := c.constExpr(c.top, d.When)
				if x.bad {
					continue
				}
				if x.t.Kind != KBool {
					c.errorf(d.When.Pos(), "the condition after when must be a bool over params, not %s", x.t)
					continue
				}
				holds = x.val != 0
			}
			if holds && c.sys.expected == nil {
				c.sys.expected = &Expectation{Verdict: d.Verdict.Name, Detail: d.Detail, Pos: d.At}
			}
		case *MatrixDecl:
			sym := c.top.lookup(d.Name.Name)
			if sym == nil || !sym.isParam {
				c.errorf(d.Name.At, "matrix %s: %s is not a param", d.Name.Name, d.Name.Name)
				continue
			}
			if declared[d.Name.Name] {
				c.errorf(d.Name.At, "matrix %s declared twice", d.Name.Name)
				continue
			}
			declared[d.Name.Name] = true
			mp := MatrixParam{Name: d.Name.Name}
			for _, v := range d.Values {
				x := c.constExpr(c.top, v)
				if x.bad {
					continue
				}
				if !assignable(sym.typ, x.t) || x.val < sym.typ.Lo || x.val > sym.typ.Hi {
					c.errorf(v.Pos(), "matrix %s: %s does not fit the param's type %s", d.Name.Name, exprText(v), sym.typ)
					continue
				}
				mp.Values = append(mp.Values, sym.typ.Format(x.val))
			}
			c.sys.matrix = append(c.sys.matrix, mp)
		}
	}
	if len(declared) > 0 {
		return
	}
	for _, p := range c.sys.Params {
		if !named[p.Name] || (p.Type.Kind != KBool && p.Type.Kind != KEnum) {
			continue
		}
		mp := MatrixParam{Name: p.Name}
		for v := p.Type.Lo; v <= p.Type.Hi; v++ {
			mp.Values = append(mp.Values, p.Type.Format(v))
		}
		c.sys.matrix = append(c.sys.matrix, mp)
	}
}

// paramNames adds the params an expression names to set.
func paramNames(x Expr, sc *scope, set map[string]bool) {
	switch x := x.(type) {
	case *Name:
		if sym := sc.lookup(x.Name); sym != nil && sym.isParam {
			set[x.Name] = true
		}
	case *UnaryExpr:
		paramNames(x.X, sc, set)
	case *BinaryExpr:
		paramNames(x.X, sc, set)
		paramNames(x.Y, sc, set)
	case *ParenExpr:
		paramNames(x.X, sc, set)
	case *CondExpr:
		paramNames(x.C, sc, set)
		paramNames(x.X, sc, set)
		paramNames(x.Y, sc, set)
	}
}

// cover compiles a cover declaration.
func (c *compiler) cover(d *InvariantDecl) {
	saved := c.cur
	c.cur = &ctxBuilder{name: "cover " + d.Name.Name, noCPU: true}
	defer func() { c.cur = saved }()
	x := c.expr(c.top, d.Cond)
	if x.bad {
		return
	}
	if x.t.Kind != KBool {
		c.errorf(d.Cond.Pos(), "cover %s must be a condition (bool), not %s", d.Name.Name, x.t)
		return
	}
	c.sys.covers = append(c.sys.covers, &invariant{name: d.Name.Name, msg: d.Msg, pos: d.At, cond: x.eval, text: exprText(d.Cond)})
}

// Covers names the spec's cover conditions, with their messages.
func (s *System) Covers() []string {
	var out []string
	for _, cv := range s.covers {
		n := cv.name
		if cv.msg != "" {
			n = fmt.Sprintf("%s (%s)", cv.name, cv.msg)
		}
		out = append(out, n)
	}
	return out
}

// CoverPositions returns where each cover condition is declared, in the
// order of Covers.
func (s *System) CoverPositions() []Pos {
	var out []Pos
	for _, cv := range s.covers {
		out = append(out, cv.pos)
	}
	return out
}

// Cover marks the cover conditions st meets.
func (s *System) Cover(st []int32, hit []bool) {
	m := s.machine(st, -1)
	defer s.machines.Put(m)
	for i, cv := range s.covers {
		if !hit[i] && cv.cond(m) != 0 && m.err == nil {
			hit[i] = true
		}
		m.err = nil
	}
}
