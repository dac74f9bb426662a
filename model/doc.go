// Package model implements the ipicheck protocol language: its lexer,
// parser and syntax tree, the checker that resolves names and types, and
// the compiler that turns a checked spec into the transition system the
// explorer searches (System).
//
// The phases are kept in files of their own: token.go and lexer.go scan,
// ast.go and parser.go build the tree, errors.go formats diagnostics,
// types.go and check*.go resolve and type names, compile*.go lower
// statements to per-context instruction lists, layout.go assigns state
// slots, system.go, exec.go and explain.go run and describe states, and
// por.go finds the private steps partial-order reduction takes alone.
package model
