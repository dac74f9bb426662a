package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ipicheck/ipicheck/explore"
	"github.com/ipicheck/ipicheck/model"
	"github.com/ipicheck/ipicheck/traces"
)

// chartFlags are check's --html and --svg: the counterexample drawn as a
// message-sequence chart.
type chartFlags struct {
	HTML string `name:"html" placeholder:"FILE" type:"path" help:"Write the counterexample as an interactive chart, one self-contained HTML page (one lane per CPU; click a step to see the whole state)."`
	SVG  string `name:"svg" placeholder:"FILE" type:"path" help:"Write the counterexample as a message-sequence chart in SVG."`
}

// write writes the charts of one checked spec; with several specs, each
// file name gets the protocol's name: trace.html → trace-NAME.html.
func (f *chartFlags) write(e *env, sys *model.System, res explore.Result, rep *traces.Report, several bool) error {
	if f.HTML == "" && f.SVG == "" {
		return nil
	}
	if len(res.Trace) == 0 {
		fmt.Fprintf(e.stderr, "ipicheck: %s: %s, no counterexample to draw; --html/--svg not written\n", rep.Protocol, rep.Verdict)
		return nil
	}
	ch := traces.NewChart(rep, sys, res)
	for _, out := range []struct {
		path  string
		write func(io.Writer) error
	}{{f.HTML, ch.WriteHTML}, {f.SVG, ch.WriteSVG}} {
		if out.path == "" {
			continue
		}
		path := out.path
		if several {
			ext := ""
			if i := strings.LastIndex(path, "."); i > strings.LastIndex(path, "/") {
				path, ext = path[:i], path[i:]
			}
			path += "-" + rep.Protocol + ext
		}
		if err := writeFile(path, out.write); err != nil {
			return err
		}
	}
	return nil
}

// writeFile creates path and writes it with write.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	err = write(bw)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// graphCmd is `ipicheck graph`.
type graphCmd struct {
	Spec      string   `arg:"" name:"spec" help:"A spec file (.ipi), or the name of a built-in protocol."`
	Set       []string `short:"s" placeholder:"NAME=VALUE" sep:"none" help:"Override params of the spec, as for check."`
	Dot       bool     `required:"" help:"Print the graph in Graphviz DOT (the only format for now): ipicheck graph SPEC --dot | dot -Tsvg > graph.svg."`
	MaxStates int      `placeholder:"N" default:"2000" help:"Refuse to draw graphs of more than N states."`
}

// Help is the detailed help of the graph command.
func (c *graphCmd) Help() string {
	return `Prints the reachable state graph of a small protocol: a node per state
(labelled with the line each unfinished CPU is at, and the variables that
differ from the initial state), an edge per
step (labelled CPUk and the statement). The counterexample check would report
is drawn red and bold; states where no CPU can step but some have not
finished are red, final states are double circles, failing steps lead to a
red box. Graphs of more than --max-states states are refused: use fewer CPUs
or smaller params (--set CPUS=2).`
}

// graphNode is a state of the graph.
type graphNode struct {
	st   []int32
	id   int
	edge []graphEdge
}

type graphEdge struct {
	label uint32
	to    int // -1 for a failing transition
	fail  error
}

func (c *graphCmd) run(e *env) int {
	set, err := parseSets(c.Set)
	if err != nil {
		fmt.Fprintf(e.stderr, "ipicheck: %v\n", err)
		return exitUsage
	}
	sys, _, _, err := loadSystem(e, c.Spec, set)
	if err != nil {
		return exitUsage
	}
	limit := c.MaxStates
	if limit <= 0 {
		limit = 2000
	}
	nodes, ok := reachable(sys, limit)
	if !ok {
		n, _ := countStates(sys, 1_000_000)
		what := fmt.Sprintf("%d", n)
		if n >= 1_000_000 {
			what = "over 1000000"
		}
		fmt.Fprintf(e.stderr, "ipicheck: %s has %s reachable states, too many to draw (limit %d).\n"+
			"Reduce it with fewer CPUs or smaller params, e.g. --set CPUS=2, or raise --max-states.\n", sys.Name, what, limit)
		return exitUsage
	}
	res := explore.Run(e.ctx, sys, explore.Options{})
	if err := writeDot(e.stdout, sys, nodes, res); err != nil {
		fmt.Fprintf(e.stderr, "ipicheck: %v\n", err)
		return exitInternal
	}
	return exitVerified
}

func stateKey(st []int32) string {
	var b strings.Builder
	for _, v := range st {
		fmt.Fprintf(&b, "%d,", v)
	}
	return b.String()
}

// reachable explores sys breadth first; ok is false when it has more
// than limit states.
func reachable(sys *model.System, limit int) (nodes []*graphNode, ok bool) {
	index := map[string]int{}
	add := func(st []int32) int {
		k := stateKey(st)
		if i, ok := index[k]; ok {
			return i
		}
		n := &graphNode{st: append([]int32(nil), st...), id: len(nodes)}
		index[k] = n.id
		nodes = append(nodes, n)
		return n.id
	}
	add(sys.Initial())
	for i := 0; i < len(nodes); i++ {
		n := nodes[i]
		sys.Successors(n.st, func(label uint32, next []int32, fail error) bool {
			if fail != nil || next == nil {
				n.edge = append(n.edge, graphEdge{label: label, to: -1, fail: fail})
				return true
			}
			n.edge = append(n.edge, graphEdge{label: label, to: add(next)})
			return len(nodes) <= limit
		})
		if len(nodes) > limit {
			return nodes, false
		}
	}
	return nodes, true
}

// countStates counts the reachable states, up to limit.
func countStates(sys *model.System, limit int) (int, bool) {
	seen := map[string]bool{stateKey(sys.Initial()): true}
	queue := [][]int32{sys.Initial()}
	for len(queue) > 0 && len(seen) < limit {
		st := queue[0]
		queue = queue[1:]
		sys.Successors(st, func(_ uint32, next []int32, fail error) bool {
			if next != nil && fail == nil {
				if k := stateKey(next); !seen[k] {
					seen[k] = true
					queue = append(queue, append([]int32(nil), next...))
				}
			}
			return len(seen) < limit
		})
	}
	return len(seen), len(seen) < limit
}

// dotQuote quotes s as a DOT string.
func dotQuote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	s = strings.ReplaceAll(s, "\n", `\n`)
	return `"` + s + `"`
}

// writeDot prints the graph, the counterexample of res highlighted.
func writeDot(w io.Writer, sys *model.System, nodes []*graphNode, res explore.Result) error {
	bw := bufio.NewWriter(w)
	index := map[string]int{}
	for _, n := range nodes {
		index[stateKey(n.st)] = n.id
	}
	// The counterexample's edges and states.
	type edgeKey struct {
		from  int
		label uint32
	}
	hot := map[edgeKey]bool{}
	hotNode := map[int]bool{}
	path := append(append([]explore.Step{}, res.Trace...), res.Cycle...)
	prev := -1
	for _, s := range path {
		id, ok := index[stateKey(s.State)]
		if !ok {
			break
		}
		hotNode[id] = true
		if prev >= 0 {
			hot[edgeKey{prev, s.Label}] = true
		}
		prev = id
	}
	if res.HasFailLabel && prev >= 0 {
		hot[edgeKey{prev, res.FailLabel}] = true
	}
	init := nodes[0].st
	fmt.Fprintf(bw, "digraph %s {\n", dotQuote(sys.Name))
	fmt.Fprintf(bw, "  label=%s;\n  labelloc=t;\n", dotQuote(fmt.Sprintf("%s: %d states; %s (counterexample in red)", sys.Name, len(nodes), res.Verdict)))
	bw.WriteString("  node [shape=ellipse, fontname=\"monospace\", fontsize=10];\n  edge [fontname=\"monospace\", fontsize=9];\n")
	for _, n := range nodes {
		var lines []string
		if n.id == 0 {
			lines = append(lines, "initial")
		} else {
			lines = append(lines, fmt.Sprintf("s%d", n.id))
		}
		// Where each unfinished CPU is.
		var at []string
		for _, k := range sys.Explain(n.st).Stuck {
			w := fmt.Sprintf("CPU%d:%d", k.CPU, k.Pos.Line)
			if k.Pos.Line == 0 {
				w = fmt.Sprintf("CPU%d:return", k.CPU)
			}
			if k.Handler != "" {
				w += "(" + k.Handler + ")"
			}
			at = append(at, w)
		}
		if len(at) > 0 {
			lines = append(lines, strings.Join(at, " "))
		}
		diff := sys.Diff(init, n.st)
		for i, ch := range diff {
			if i == 4 {
				lines = append(lines, fmt.Sprintf("… %d more", len(diff)-4))
				break
			}
			name := ch.Name
			if ch.Kind == model.SlotPending {
				name = fmt.Sprintf("CPU%d %s", ch.CPU, ch.Short)
			}
			lines = append(lines, name+"="+ch.New)
		}
		attrs := []string{"label=" + dotQuote(strings.Join(lines, "\n"))}
		switch {
		case sys.Done(n.st):
			attrs = append(attrs, "shape=doublecircle")
		case len(n.edge) == 0:
			attrs = append(attrs, "style=filled", `fillcolor="#f8c8cf"`)
		}
		if hotNode[n.id] {
			attrs = append(attrs, "color=red", "penwidth=2.5")
		}
		fmt.Fprintf(bw, "  n%d [%s];\n", n.id, strings.Join(attrs, ", "))
	}
	nfail := 0
	for _, n := range nodes {
		for _, ed := range n.edge {
			var info model.StepInfo
			to := fmt.Sprintf("n%d", ed.to)
			if ed.to < 0 {
				info = sys.Describe(n.st, ed.label, nil)
				to = fmt.Sprintf("fail%d", nfail)
				nfail++
				fmt.Fprintf(bw, "  %s [shape=box, color=red, fontcolor=red, label=%s];\n", to, dotQuote("✗ "+ed.fail.Error()))
			} else {
				info = sys.Describe(n.st, ed.label, nodes[ed.to].st)
			}
			text := info.Text
			if len([]rune(text)) > 32 {
				text = string([]rune(text)[:31]) + "…"
			}
			attrs := []string{"label=" + dotQuote(fmt.Sprintf("CPU%d %s", info.CPU, text))}
			if hot[edgeKey{n.id, ed.label}] {
				attrs = append(attrs, "color=red", "fontcolor=red", "penwidth=3", "style=bold")
			}
			fmt.Fprintf(bw, "  n%d -> %s [%s];\n", n.id, to, strings.Join(attrs, ", "))
		}
	}
	bw.WriteString("}\n")
	return bw.Flush()
}
