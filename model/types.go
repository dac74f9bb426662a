package model

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind is the kind of a type.
type Kind int

// The kinds of type.
const (
	KBool Kind = iota
	KInt       // a bounded integer range; unbounded for untyped constants
	KEnum
	KCPU // a CPU id, 0..CPUS-1
	KArray
	KStruct
)

// Type is a resolved type. Scalars occupy one state slot; arrays and
// records are flattened into consecutive slots.
type Type struct {
	Kind   Kind
	Name   string // the declared name, if any, for messages
	Lo, Hi int32  // the domain of a scalar
	Enum   []string
	Len    int // array length
	ByCPU  bool
	Elem   *Type
	Fields []*FieldType
	Size   int // slots
}

// FieldType is a record field and its slot offset inside the record.
type FieldType struct {
	Name string
	Type *Type
	Off  int
}

var (
	boolType = &Type{Kind: KBool, Lo: 0, Hi: 1, Size: 1}
	// intType is the type of integer expressions: any value an int32 holds.
	intType = &Type{Kind: KInt, Lo: -1 << 31, Hi: 1<<31 - 1, Size: 1}
)

// Scalar reports whether t occupies a single slot.
func (t *Type) Scalar() bool { return t.Kind != KArray && t.Kind != KStruct }

func (t *Type) numeric() bool { return t.Kind == KInt || t.Kind == KCPU }

// String describes the type as a spec would write it.
func (t *Type) String() string {
	if t.Name != "" {
		return t.Name
	}
	switch t.Kind {
	case KBool:
		return "bool"
	case KInt:
		if t == intType {
			return "int"
		}
		return fmt.Sprintf("%d..%d", t.Lo, t.Hi)
	case KEnum:
		return "enum { " + strings.Join(t.Enum, ", ") + " }"
	case KCPU:
		return "cpu"
	case KArray:
		if t.ByCPU {
			return "[cpu]" + t.Elem.String()
		}
		return fmt.Sprintf("[%d]%s", t.Len, t.Elem)
	case KStruct:
		var fs []string
		for _, f := range t.Fields {
			fs = append(fs, f.Name+": "+f.Type.String())
		}
		return "struct { " + strings.Join(fs, "; ") + " }"
	}
	return "?"
}

// assignable reports whether a value of type v may be stored in type t.
// Integers and CPU ids mix freely (their domains are checked when a value
// is stored); enums only take their own members.
func assignable(t, v *Type) bool {
	switch {
	case t.numeric():
		return v.numeric()
	case t.Kind == KBool:
		return v.Kind == KBool
	case t.Kind == KEnum:
		return v == t
	case t.Kind == KArray:
		return v.Kind == KArray && v.Len == t.Len && assignable(t.Elem, v.Elem) && assignable(v.Elem, t.Elem)
	case t.Kind == KStruct:
		return v == t
	}
	return false
}

// zero is the value a slot of type t starts with when no initialiser is
// given: 0 (false, the first enum member, CPU 0) when in the domain, else
// the lowest value.
func (t *Type) zero() int32 {
	if t.Lo <= 0 && 0 <= t.Hi {
		return 0
	}
	return t.Lo
}

// Format renders a scalar value of type t as a spec would write it.
func (t *Type) Format(v int32) string {
	switch t.Kind {
	case KBool:
		if v != 0 {
			return "true"
		}
		return "false"
	case KEnum:
		if v >= 0 && int(v) < len(t.Enum) {
			return t.Enum[v]
		}
	}
	return strconv.Itoa(int(v))
}
