package main

import (
	"fmt"
	"strings"

	"github.com/ipicheck/ipicheck/model"
	"github.com/ipicheck/ipicheck/protocols"
)

// listCmd is `ipicheck list`.
type listCmd struct{}

func (listCmd) run(e *env) int {
	list, err := protocols.List()
	if err != nil {
		fmt.Fprintf(e.stderr, "ipicheck: %v\n", err)
		return exitInternal
	}
	w := 0
	for _, p := range list {
		w = max(w, len(p.Name))
	}
	for _, p := range list {
		fmt.Fprintf(e.stdout, "%-*s  %s\n", w, p.Name, p.Doc)
		var ps []string
		for _, prm := range p.Params {
			s := prm.Name + "=" + prm.Default
			if strings.HasPrefix(prm.Type, "enum") {
				alts := strings.Trim(strings.TrimPrefix(prm.Type, "enum"), " {}")
				s += " [" + strings.ReplaceAll(alts, ", ", "|") + "]"
			}
			ps = append(ps, s)
		}
		fmt.Fprintf(e.stdout, "%-*s  params: %s\n", w, "", strings.Join(ps, "  "))
		if t := testLine(p.File); t != "" {
			fmt.Fprintf(e.stdout, "%-*s  test:   %s\n", w, "", t)
		}
	}
	return exitVerified
}

// testLine says what ipicheck test does with a built-in protocol: how
// many runs its matrix makes and how many expect declarations it has.
func testLine(file string) string {
	src, _, err := protocols.Source(file)
	if err != nil {
		return ""
	}
	f, err := model.Parse(file, src)
	if err != nil {
		return ""
	}
	sys, err := model.Compile(f, nil)
	if err != nil {
		return ""
	}
	runs := 1
	var dims []string
	for _, m := range sys.Matrix() {
		runs *= len(m.Values)
		dims = append(dims, m.Name+"="+strings.Join(m.Values, ","))
	}
	s := fmt.Sprintf("%d %s", runs, plural(runs, "run", "runs"))
	if len(dims) > 0 {
		s += " (" + strings.Join(dims, " × ") + ")"
	} else {
		s += " (defaults)"
	}
	n := 0
	for _, d := range f.Decls {
		if _, ok := d.(*model.ExpectDecl); ok {
			n++
		}
	}
	if n == 0 {
		return s + ", no expect declaration"
	}
	return s + fmt.Sprintf(", %d expect %s", n, plural(n, "declaration", "declarations"))
}

// showCmd is `ipicheck show`.
type showCmd struct {
	Name string `arg:"" help:"A built-in protocol's name or file name (see ipicheck list)."`
}

func (c showCmd) run(e *env) int {
	src, _, err := protocols.Source(c.Name)
	if err != nil {
		fmt.Fprintf(e.stderr, "ipicheck: %v\n", err)
		return exitUsage
	}
	e.stdout.Write(src)
	return exitVerified
}
