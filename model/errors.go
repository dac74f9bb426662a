package model

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// Error is a diagnostic at a position in a spec file.
type Error struct {
	File string
	Pos  Pos
	Msg  string
	line string // the source line, for the caret display
}

// Error formats the diagnostic as file:line:col: message, followed by the
// source line and a caret under the column.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:%d: %s", e.File, e.Pos.Line, e.Pos.Col, e.Msg)
	if e.line != "" {
		line := strings.ReplaceAll(e.line, "\t", " ")
		fmt.Fprintf(&b, "\n    %s\n    %s^", line, strings.Repeat(" ", max(0, e.Pos.Col-1)))
	}
	return b.String()
}

// ErrorList is a list of diagnostics, sorted by position. Duplicates (the
// same message at the same place, as inlining a function twice produces)
// are dropped.
type ErrorList []*Error

// Error formats every diagnostic, one after another.
func (l ErrorList) Error() string {
	var parts []string
	for _, e := range l {
		parts = append(parts, e.Error())
	}
	if len(l) > 10 {
		parts = append(parts[:10], fmt.Sprintf("(and %d more errors)", len(l)-10))
	}
	return strings.Join(parts, "\n")
}

// Err returns the list as an error, or nil when it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// diag collects the diagnostics of one spec file.
type diag struct {
	file string
	src  []byte
	errs ErrorList
	seen map[string]bool
}

func (d *diag) errorf(pos Pos, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	key := fmt.Sprintf("%s:%d:%d:%s", pos.File(), pos.Line, pos.Col, msg)
	if d.seen == nil {
		d.seen = make(map[string]bool)
	}
	if d.seen[key] {
		return
	}
	d.seen[key] = true
	file, src := d.file, d.src
	if pos.Src != nil { // an imported library's position
		file, src = pos.Src.Name, pos.Src.Text
	}
	d.errs = append(d.errs, &Error{File: file, Pos: pos, Msg: msg, line: sourceLine(src, pos.Line)})
}

func (d *diag) sorted() ErrorList {
	sort.SliceStable(d.errs, func(i, j int) bool {
		if d.errs[i].File != d.errs[j].File {
			return d.errs[i].File == d.file // the spec's own errors first
		}
		a, b := d.errs[i].Pos, d.errs[j].Pos
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
	return d.errs
}

// sourceLine returns line n (1-based) of src without its newline.
func sourceLine(src []byte, n int) string {
	for i := 1; i < n; i++ {
		k := bytes.IndexByte(src, '\n')
		if k < 0 {
			return ""
		}
		src = src[k+1:]
	}
	if k := bytes.IndexByte(src, '\n'); k >= 0 {
		src = src[:k]
	}
	return strings.TrimRight(string(src), "\r")
}
