package main

import (
	"fmt"
	"strings"

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
	}
	return exitVerified
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
