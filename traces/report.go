// Package traces turns the result of a search into what a kernel
// developer reads: a verdict, the statistics of the run, and for a
// counterexample the trace as a table with one column per CPU, in the
// style of the CPU0/CPU1 diagrams of kernel commit messages, followed by
// what every stuck CPU waits for. The same report renders as JSON with a
// versioned schema (docs/json-schema.md) for tools.
package traces

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ipicheck/ipicheck/explore"
	"github.com/ipicheck/ipicheck/model"
)

// Schema identifies the JSON layout WriteJSON produces. It changes only
// when a field is removed or its meaning changes; fields may be added.
const Schema = "ipicheck/result/v1"

// Report is the outcome of checking one protocol with one set of params.
// Build it with New; render it with WriteText or WriteJSON.
type Report struct {
	Schema      string            `json:"schema"`
	Protocol    string            `json:"protocol"`
	File        string            `json:"file"`
	Description string            `json:"description,omitempty"`
	Params      map[string]string `json:"params"`
	// Checks are the properties the search checked, as explore names
	// them: "deadlock,safety,hang".
	Checks  string `json:"checks"`
	Verdict string `json:"verdict"`
	// Expected is the verdict the spec expects with these params (its
	// first expect declaration whose when-condition holds) and whether
	// the run gave it; absent when no expectation applies.
	Expected *Expected `json:"expected,omitempty"`
	// Failure is set for DEADLOCK and VIOLATION.
	Failure *Failure `json:"failure,omitempty"`
	// Incomplete says which limit ended an INCOMPLETE run.
	Incomplete string `json:"incomplete,omitempty"`
	// Uncovered names, for UNCOVERED, the cover conditions no reachable
	// state meets, in the spec's order: "name" or "name (message)".
	Uncovered []string `json:"uncovered,omitempty"`
	// UncoveredAt is where each cover of Uncovered is declared, in the
	// same order.
	UncoveredAt []Position `json:"uncovered_at,omitempty"`
	Stats       Stats      `json:"stats"`
	// Trace is the counterexample, steps numbered from 1; the initial
	// state is the spec's.
	Trace []Step `json:"trace,omitempty"`
	// Cycle is, for a HANG, a cycle from the last state of the trace back
	// to it that the run can go round forever; its steps are numbered on
	// from the trace's.
	Cycle []Step `json:"cycle,omitempty"`
	// Hung lists, for a HANG, the CPUs that never finish (or pass a
	// progress marker) once the run is in the cycle.
	Hung []int `json:"hung,omitempty"`
	// Explanation says, after a deadlock, what each unfinished CPU waits
	// for; after a hang, what each hung CPU waits for at the start of the
	// cycle.
	Explanation *Explanation `json:"explanation,omitempty"`
	// EndState lists the variables that differ from the initial state at
	// the end of a counterexample (before the failing transition, for one
	// that fails).
	EndState []Value `json:"end_state,omitempty"`

	// NoTimings leaves the wall time, the rate and the memory out of the
	// text and zeroes them (and the store size) in the JSON, so that the
	// output is reproducible.
	NoTimings bool `json:"-"`
	// MaxWidth caps the width of a CPU column of the text trace; longer
	// cells wrap. 0 chooses from the number of CPUs (at most 44); a
	// negative value means no cap.
	MaxWidth int `json:"-"`

	params  []model.Param // in declaration order, for the text header
	sysFile string        // the spec's file name inside the model, to tell library steps apart
	threads []string      // per CPU, "" when it has none or none is known
	ncpu    int
	verdict explore.Verdict
	checks  explore.Check
}

// Failure is the property a counterexample violates.
type Failure struct {
	// Kind is "deadlock", "hang", "invariant violated", or the kind of runtime
	// error: "assertion failed", "value out of range", "index out of
	// range", "division by zero", ...
	Kind      string `json:"kind"`
	Message   string `json:"message"`
	Invariant string `json:"invariant,omitempty"`
	File      string `json:"file,omitempty"`
	Line      int    `json:"line,omitempty"`
	Col       int    `json:"col,omitempty"`
	// Values are, for an invariant, the variables it read in the state
	// where it fails, with their values: "inside = 2".
	Values []string `json:"values,omitempty"`
}

// Stats are the statistics of the run.
type Stats struct {
	States       int64   `json:"states"`
	Transitions  int64   `json:"transitions"`
	Depth        int     `json:"depth"`
	Seconds      float64 `json:"seconds"`
	StatesPerSec float64 `json:"states_per_sec"`
	PeakMemBytes uint64  `json:"peak_mem_bytes"`
	StoreBytes   int64   `json:"store_bytes"`
	// HangCheckSeconds is the part of Seconds the hang check took (0 when
	// it did not run); HangBytes the most memory it held beside the
	// store.
	HangCheckSeconds float64 `json:"hang_check_seconds"`
	HangBytes        int64   `json:"hang_bytes"`
	// MissProbability, in fingerprint mode, estimates the probability
	// that a state was taken for another and not explored (0 otherwise).
	MissProbability float64 `json:"miss_probability,omitempty"`
	// PORReduced is the number of states partial-order reduction
	// expanded by a single private step (absent without --por).
	PORReduced int64 `json:"por_reduced,omitempty"`
	// hangChecked says the hang check ran, for the text.
	hangChecked bool
}

// Step is one transition of a trace.
type Step struct {
	N       int    `json:"n"`
	CPU     int    `json:"cpu"`
	Thread  string `json:"thread,omitempty"`
	Context string `json:"context"` // "task" or the handler's name
	Kind    string `json:"kind"`    // "step", "irq-enter" or "irq-exit"
	// Nesting is the number of handlers active on the CPU around the
	// step (not counting the one an irq-enter or irq-exit enters or
	// leaves).
	Nesting    int    `json:"nesting"`
	File       string `json:"file"`
	Line       int    `json:"line"`
	Col        int    `json:"col"`
	Text       string `json:"text"`
	Function   string `json:"function"` // inlined functions, outermost first: "a > b"
	Outcome    string `json:"outcome,omitempty"`
	IRQsBefore bool   `json:"irqs_before"`
	IRQsAfter  bool   `json:"irqs_after"`
	// Reads are, for a condition (await, if, while) or an atomic block,
	// the shared variables it read with their values before the step:
	// "cfd[0][1] = false".
	Reads   []string `json:"reads,omitempty"`
	Changes []Change `json:"changes"`
	// Finished is set on the step that finishes the CPU's thread.
	Finished bool `json:"finished,omitempty"`
	// Failed marks the last step of a VIOLATION whose transition fails.
	// The transition has no effect: its changes are the stores it made
	// before the error, which the state does not keep.
	Failed bool `json:"failed,omitempty"`
}

// Change is a variable a step stored to. Old and New are equal for a
// store of the value the variable already had.
type Change struct {
	// Var names it: as the spec does for globals and per-CPU data
	// ("cfd[0][1]", the CPU first), uniquely for a local ("CPU0
	// smp_call_function_wait.c#2": its CPU, the handler and functions it
	// is in, and which inlining) and as "LINE pending" for an interrupt
	// line.
	Var string `json:"var"`
	// Short is, for a local, its name as the spec writes it: "c".
	Short string `json:"short,omitempty"`
	Kind  string `json:"kind"` // "global", "percpu", "local" or "pending"
	CPU   int    `json:"cpu"`  // the CPU whose copy it is; -1 for a global
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Explanation is model.Explanation with positions spelled out.
type Explanation struct {
	Stuck    []Stuck   `json:"stuck"`
	Finished []int     `json:"finished"`
	Pending  []Pending `json:"pending"`
}

// Pending is a raised interrupt line that is not being taken.
type Pending struct {
	CPU    int    `json:"cpu"`
	Line   string `json:"line"`
	Reason string `json:"reason"` // "masked (IRQs off)", "can be taken"
}

// Stuck is a CPU that has not finished when the search stops.
type Stuck struct {
	CPU      int    `json:"cpu"`
	Thread   string `json:"thread,omitempty"`
	Context  string `json:"context"` // "task" or the handler's name
	Level    int32  `json:"level"`
	IRQsOn   bool   `json:"irqs_on"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Text     string `json:"text"`
	Function string `json:"function"`
	// Values are the shared variables the blocked statement reads, with
	// their values: "cfd[0][1] = true".
	Values []string `json:"values"`
	// Writers are the contexts that could change one of them, and what
	// each does instead.
	Writers []Writer `json:"writers"`
}

// Writer is a thread or handler that may write a variable a stuck CPU
// reads.
type Writer struct {
	Var string `json:"var"` // as in Stuck.Values: "cfd[0][1]"
	// CPU is the writer's CPU; -1 when nothing but the stuck context
	// writes Var (Context and Status are then empty).
	CPU     int    `json:"cpu"`
	Context string `json:"context"` // the thread's or the handler's name
	Handler bool   `json:"handler"`
	// Status says what it does instead: "blocked at line 134: await
	// !cfd[me][c]", "ipi raised, masked (IRQs off)", "ipi not raised".
	Status string `json:"status"`
}

// Value is a variable and its value in a state.
type Value struct {
	Var   string `json:"var"`             // as in Change
	Short string `json:"short,omitempty"` // as in Change
	Kind  string `json:"kind"`            // as in Change, or "irqs" for a CPU's IRQ flag
	CPU   int    `json:"cpu"`
	Value string `json:"value"`
}

// New builds the report of a run of sys with every check. file is the
// spec as the user named it (a path, or the file name of a built-in
// protocol).
func New(sys *model.System, res explore.Result, file string) *Report {
	return NewChecked(sys, res, file, explore.CheckAll)
}

// NewChecked is New for a run that checked only some properties
// (explore.Options.Checks; zero means all).
func NewChecked(sys *model.System, res explore.Result, file string, checks explore.Check) *Report {
	if checks == 0 {
		checks = explore.CheckAll
	}
	r := &Report{
		Schema:      Schema,
		Protocol:    sys.Name,
		File:        file,
		Description: sys.Doc,
		Params:      map[string]string{},
		Checks:      checks.String(),
		Verdict:     res.Verdict.String(),
		Incomplete:  res.Incomplete,
		Uncovered:   res.Uncovered,
		params:      sys.Params,
		sysFile:     sys.File.Name,
		threads:     make([]string, sys.NCPU),
		ncpu:        sys.NCPU,
		verdict:     res.Verdict,
		checks:      checks,
	}
	for _, p := range sys.Params {
		r.Params[p.Name] = p.String()
	}
	r.UncoveredAt = coverPositions(sys, res.Uncovered, file, r.sysFile)
	st := res.Stats
	r.Stats = Stats{
		States:       st.States,
		Transitions:  st.Transitions,
		Depth:        st.MaxDepth,
		Seconds:      st.Elapsed.Seconds(),
		StatesPerSec: st.StatesPerSec,
		PeakMemBytes: st.PeakHeapBytes,
		StoreBytes:   st.StoreBytes,

		HangCheckSeconds: st.HangCheck.Seconds(),
		HangBytes:        st.HangBytes,
		MissProbability:  st.MissProbability,
		PORReduced:       st.Reduced,
		hangChecked:      checks&explore.CheckHang != 0 && st.HangCheck > 0,
	}
	defer r.expect(sys.Expected(), file)
	if len(res.Trace) == 0 {
		if res.Verdict == explore.Violation && res.Failure != nil {
			r.Failure = failure(res.Failure, file)
		}
		return r
	}
	// The column titles name each CPU's thread: those unfinished at the
	// start, and those of the CPUs that take a step (a thread may have
	// finished before its first step, having nothing to do).
	for _, k := range sys.Explain(res.Trace[0].State).Stuck {
		r.threads[k.CPU] = k.Thread
	}
	for i := 1; i < len(res.Trace); i++ {
		prev, next := res.Trace[i-1].State, res.Trace[i].State
		r.Trace = append(r.Trace, r.step(i, sys.Describe(prev, res.Trace[i].Label, next), file))
	}
	last := res.Trace[len(res.Trace)-1].State
	if res.Verdict == explore.Hang {
		prev := last
		for i, c := range res.Cycle {
			info := sys.Describe(prev, c.Label, c.State)
			r.Cycle = append(r.Cycle, r.step(len(res.Trace)+i, info, file))
			prev = c.State
		}
	}
	if res.Verdict == explore.Violation && res.HasFailLabel {
		s := r.step(len(res.Trace), sys.Describe(last, res.FailLabel, nil), file)
		s.Failed = true
		r.Trace = append(r.Trace, s)
	}
	switch res.Verdict {
	case explore.Deadlock:
		e := sys.Explain(last)
		r.Explanation = explanation(e, file, r.sysFile)
		var cpus []string
		for _, k := range e.Stuck {
			cpus = append(cpus, fmt.Sprintf("CPU%d", k.CPU))
		}
		r.Failure = &Failure{Kind: "deadlock", Message: joinAnd(cpus) + " cannot finish, and no CPU can take a step"}
	case explore.Hang:
		e := sys.Explain(last)
		var cpus []string
		for c := range sys.NCPU {
			if res.UnmetGoals&(1<<c) != 0 {
				r.Hung = append(r.Hung, c)
				cpus = append(cpus, fmt.Sprintf("CPU%d", c))
			}
		}
		stuck := e.Stuck[:0:0]
		for _, k := range e.Stuck {
			if res.UnmetGoals&(1<<k.CPU) != 0 {
				stuck = append(stuck, k)
			}
		}
		e.Stuck = stuck
		r.Explanation = explanation(e, file, r.sysFile)
		verb := "never finishes"
		if len(cpus) > 1 {
			verb = "never finish"
		}
		r.Failure = &Failure{Kind: "hang", Message: joinAnd(cpus) + " " + verb + ": the run can go round a cycle of steps forever"}
	case explore.Violation:
		r.Failure = failure(res.Failure, file)
	}
	r.EndState = endState(sys, res.Trace[0].State, last)
	return r
}

// step converts the description of trace step n.
func (r *Report) step(n int, info model.StepInfo, file string) Step {
	file = fileOf(info.Pos, file, r.sysFile)
	s := Step{
		N:          n,
		CPU:        info.CPU,
		Thread:     info.Thread,
		Context:    "task",
		Kind:       "step",
		Nesting:    info.Depth,
		File:       file,
		Line:       info.Pos.Line,
		Col:        info.Pos.Col,
		Text:       info.Text,
		Function:   info.Func,
		Outcome:    info.Outcome,
		IRQsBefore: info.IRQsBefore,
		IRQsAfter:  info.IRQsAfter,
		Reads:      info.Reads,
		Changes:    []Change{},
		Finished:   info.Finished,
	}
	if info.Handler != "" {
		s.Context = info.Handler
	}
	if info.Thread != "" {
		r.threads[info.CPU] = info.Thread
	}
	switch info.Kind {
	case model.StepIRQEnter:
		s.Kind = "irq-enter"
	case model.StepIRQExit:
		s.Kind = "irq-exit"
	}
	for _, c := range info.Changes {
		v, short := varName(c.Kind, c.Name, c.Short)
		s.Changes = append(s.Changes, Change{Var: v, Short: short, Kind: kindName(c.Kind), CPU: c.CPU, Old: c.Old, New: c.New})
	}
	return s
}

// varName names a slot as reports store it: a local by its unique name
// (with its CPU) and its name as the spec writes it, a pending line or an
// IRQ flag by its short name (the CPU is given beside it), the rest as
// the spec names them.
func varName(kind model.SlotKind, name, short string) (v, shortName string) {
	switch kind {
	case model.SlotLocal:
		return name, short
	case model.SlotPending, model.SlotIRQ:
		if short != "" {
			return short, ""
		}
	}
	return name, ""
}

// display is the name the text shows a variable by: a local's short name,
// since it appears in its CPU's column.
func display(v, short string) string {
	if short != "" {
		return short
	}
	return v
}

func kindName(k model.SlotKind) string {
	switch k {
	case model.SlotGlobal:
		return "global"
	case model.SlotPerCPU:
		return "percpu"
	case model.SlotLocal:
		return "local"
	case model.SlotPending:
		return "pending"
	case model.SlotIRQ:
		return "irqs"
	case model.SlotPC:
		return "pc"
	case model.SlotSaved:
		return "saved"
	}
	return fmt.Sprint(int(k))
}

// failure describes a violation.
func failure(err error, file string) *Failure {
	var rt *model.RuntimeError
	var inv *model.InvariantError
	switch {
	case errors.As(err, &rt):
		return &Failure{Kind: rt.Kind, Message: rt.Msg, File: file, Line: rt.Pos.Line, Col: rt.Pos.Col}
	case errors.As(err, &inv):
		return &Failure{Kind: "invariant violated", Message: inv.Msg, Invariant: inv.Name, File: file, Line: inv.Pos.Line, Col: inv.Pos.Col,
			Values: inv.Values}
	}
	return &Failure{Kind: "error", Message: err.Error()}
}

func explanation(e model.Explanation, file, sysFile string) *Explanation {
	x := &Explanation{Stuck: []Stuck{}, Finished: []int{}, Pending: []Pending{}}
	for _, k := range e.Stuck {
		s := Stuck{
			CPU:      k.CPU,
			Thread:   k.Thread,
			Context:  "task",
			Level:    k.Level,
			IRQsOn:   k.IRQsOn,
			File:     fileOf(k.Pos, file, sysFile),
			Line:     k.Pos.Line,
			Col:      k.Pos.Col,
			Text:     k.Text,
			Function: k.Func,
			Values:   append([]string{}, k.Values...),
			Writers:  []Writer{},
		}
		if k.Handler != "" {
			s.Context = k.Handler
		}
		for _, w := range k.Writers {
			s.Writers = append(s.Writers, Writer{Var: w.Var, CPU: w.CPU, Context: w.Context, Handler: w.Handler, Status: w.Status})
		}
		x.Stuck = append(x.Stuck, s)
	}
	x.Finished = append(x.Finished, e.Finished...)
	for _, p := range e.Pending {
		x.Pending = append(x.Pending, Pending{CPU: p.CPU, Line: p.Line, Reason: p.Reason})
	}
	return x
}

// endState lists the globals, per-CPU data, IRQ flags, pending lines and
// locals of last that differ from the initial state.
func endState(sys *model.System, init, last []int32) []Value {
	var out []Value
	for i, sl := range sys.Slots() {
		switch sl.Kind {
		case model.SlotGlobal, model.SlotPerCPU, model.SlotPending, model.SlotLocal, model.SlotIRQ:
		default:
			continue
		}
		if init[i] == last[i] {
			continue
		}
		v, short := varName(sl.Kind, sl.Name, sl.Short)
		out = append(out, Value{Var: v, Short: short, Kind: kindName(sl.Kind), CPU: sl.CPU, Value: sl.Type.Format(last[i])})
	}
	// Globals first, then by CPU; within those, slot order.
	slices.SortStableFunc(out, func(a, b Value) int { return a.CPU - b.CPU })
	return out
}

// joinAnd joins "a", "b" and "c" as "a, b and c".
func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return "no CPU"
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// fileOf names a position's file: an imported library's own name, else
// the spec as the user named it (sysFile is the spec's name in the model).
func fileOf(p model.Pos, file, sysFile string) string {
	if f := p.File(); f != "" && f != sysFile {
		return f
	}
	return file
}

// Position is a place in a spec file (or a library it imports).
type Position struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

// coverPositions is where each of the uncovered conditions is declared:
// they are names from sys.Covers(), in its order.
func coverPositions(sys *model.System, uncovered []string, file, sysFile string) []Position {
	if len(uncovered) == 0 {
		return nil
	}
	names, pos := sys.Covers(), sys.CoverPositions()
	var out []Position
	j := 0
	for _, u := range uncovered {
		for j < len(names) && names[j] != u {
			j++
		}
		if j == len(names) || j >= len(pos) {
			return nil // not the spec's covers: no positions rather than wrong ones
		}
		out = append(out, Position{File: fileOf(pos[j], file, sysFile), Line: pos[j].Line, Col: pos[j].Col})
		j++
	}
	return out
}
