package model

import "fmt"

// RuntimeError is a property violated while executing a step: a failed
// assertion, a value outside its variable's domain, an array index out of
// range, a division by zero, an atomic block that blocks after an effect.
type RuntimeError struct {
	File string
	Pos  Pos
	Kind string // "assertion failed", "value out of range", ...
	Msg  string
}

func (e *RuntimeError) Error() string {
	if e.Msg == "" {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Pos.Line, e.Pos.Col, e.Kind)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", e.File, e.Pos.Line, e.Pos.Col, e.Kind, e.Msg)
}

// InvariantError is a declared invariant that does not hold in a state.
type InvariantError struct {
	Name string
	Msg  string
	File string
	Pos  Pos
	// Cond is the invariant's condition as written.
	Cond string
	// Values are the variables the invariant read in the failing state,
	// with their values: "queued[1][0] = true".
	Values []string
}

func (e *InvariantError) Error() string {
	s := fmt.Sprintf("%s:%d:%d: invariant %s violated", e.File, e.Pos.Line, e.Pos.Col, e.Name)
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	return s
}
