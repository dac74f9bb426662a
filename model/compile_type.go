package model

// maxArrayLen bounds array lengths: every element is a state slot.
const maxArrayLen = 4096

// resolveType resolves a written type.
func (c *compiler) resolveType(sc *scope, t TypeExpr) *Type {
	// A type written once is one type, however often the code it is in is
	// inlined: an enum's members are declared once.
	if rt, ok := c.types[t]; ok {
		return rt
	}
	rt := c.resolveTypeOnce(sc, t)
	if rt.Size > maxSlots {
		c.errorf(t.Pos(), "type %s needs %d state slots; the limit is %d", rt, rt.Size, maxSlots)
		rt = intType
	}
	if c.types == nil {
		c.types = map[TypeExpr]*Type{}
	}
	c.types[t] = rt
	return rt
}

// maxSlots bounds the slots of one type: every slot is part of every state.
const maxSlots = 1 << 16

func (c *compiler) resolveTypeOnce(sc *scope, t TypeExpr) *Type {
	switch t := t.(type) {
	case *NamedType:
		switch t.Name.Name {
		case "bool":
			return boolType
		case "cpu":
			return c.cpuType()
		case "int":
			c.errorf(t.Pos(), "int has no bounds: give a range such as 0..3")
			return intType
		}
		sym := sc.lookup(t.Name.Name)
		if sym == nil {
			c.errorf(t.Pos(), "undefined type %s", t.Name.Name)
			return intType
		}
		if sym.kind != symType {
			c.errorf(t.Pos(), "%s is not a type", t.Name.Name)
			return intType
		}
		return sym.typ
	case *RangeType:
		lo, hi := c.constExpr(sc, t.Lo), c.constExpr(sc, t.Hi)
		if !lo.t.numeric() || !hi.t.numeric() {
			c.errorf(t.Pos(), "range bounds must be integers")
			return intType
		}
		if lo.val > hi.val {
			c.errorf(t.Pos(), "empty range %d..%d", lo.val, hi.val)
			return intType
		}
		return &Type{Kind: KInt, Lo: lo.val, Hi: hi.val, Size: 1}
	case *EnumType:
		et := &Type{Kind: KEnum, Size: 1}
		for i, m := range t.Members {
			et.Enum = append(et.Enum, m.Name)
			c.declare(c.top, m, &symbol{kind: symConst, typ: et, val: int32(i)})
		}
		et.Hi = int32(len(et.Enum) - 1)
		if len(et.Enum) == 0 {
			c.errorf(t.At, "an enum needs at least one member")
			et.Hi = 0
		}
		return et
	case *ArrayType:
		at := &Type{Kind: KArray, Elem: c.resolveType(sc, t.Elem)}
		if t.Len == nil {
			at.ByCPU, at.Len = true, c.ncpu
		} else {
			n := c.intConst(sc, t.Len, "an array length")
			if n.val < 1 || n.val > maxArrayLen {
				c.errorf(t.Len.Pos(), "array length %d: lengths run from 1 to %d", n.val, maxArrayLen)
				n.val = 1
			}
			at.Len = int(n.val)
		}
		at.Size = at.Len * at.Elem.Size
		if at.Size > maxSlots {
			c.errorf(t.At, "array of %d state slots; the limit is %d", at.Size, maxSlots)
			at.Len, at.Size = 1, at.Elem.Size
		}
		return at
	case *StructType:
		st := &Type{Kind: KStruct}
		seen := map[string]bool{}
		for _, f := range t.Fields {
			if seen[f.Name.Name] {
				c.errorf(f.Name.At, "duplicate field %s", f.Name.Name)
				continue
			}
			seen[f.Name.Name] = true
			ft := c.resolveType(sc, f.Type)
			st.Fields = append(st.Fields, &FieldType{Name: f.Name.Name, Type: ft, Off: st.Size})
			st.Size += ft.Size
		}
		if st.Size == 0 {
			c.errorf(t.At, "a struct needs at least one field")
			st.Fields = []*FieldType{{Name: "_", Type: boolType}}
			st.Size = 1
		}
		return st
	}
	return intType
}

func (c *compiler) cpuType() *Type {
	return &Type{Kind: KCPU, Lo: 0, Hi: int32(c.ncpu - 1), Size: 1}
}

// intConst compiles an expression that must be an integer constant.
func (c *compiler) intConst(sc *scope, x Expr, what string) *cexpr {
	e := c.constExpr(sc, x)
	if !e.bad && !e.t.numeric() {
		c.errorf(x.Pos(), "%s must be an integer, not %s", what, e.t)
		return &cexpr{t: intType, isConst: true, bad: true}
	}
	return e
}

// constExpr compiles an expression that must be a compile-time constant.
func (c *compiler) constExpr(sc *scope, x Expr) *cexpr {
	saved := c.cur
	c.cur = &ctxBuilder{name: "constant", constOnly: true, noCPU: true}
	defer func() { c.cur = saved }()
	e := c.expr(sc, x)
	if !e.bad && !e.isConst {
		c.errorf(x.Pos(), "%s is not a constant: only literals, params, consts and enum members are allowed here", exprText(x))
		e.bad = true
	}
	if e.bad {
		return &cexpr{t: intType, isConst: true, bad: true}
	}
	return e
}
