package model

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Symmetry reduction: CPUs that run the same thread (or are all idle) are
// interchangeable when the spec uses CPU ids only to name CPUs (see
// symmetry_check.go). A permutation of such CPUs maps a state to another
// with the same future up to the renaming, so the search stores one
// state per class: the canonical one, computed by Canonicalize.
//
// Permuting a state moves each CPU's block to its new place, each element
// of a [cpu] array to its new index, and renames every cpu-typed value.
// Dead locals (out of scope where their context rests) are set to their
// zero value first: a loop over CPUs leaves its variable at the last CPU
// it visited, a value that is never read again but would otherwise tell
// the orders apart.

// symSlot is what a permutation of the CPUs does to one slot.
type symSlot struct {
	dims   []cpuDim // [cpu] array indices on its path
	cpuVal bool     // holds a CPU id
	local  bool     // a thread's or handler's local
	scope  [2]int   // locals: the instructions where it is in scope
	pcOff  int      // locals: the block offset of their context's pc
	pcBias int32    // locals: the pc's value at instruction 0
	zero   int32    // the value of a dead local
}

// symmetry is the precomputed form of the permutations.
type symmetry struct {
	n, nglobals, cpuSize int
	classes              [][]int // interchangeable CPUs, ascending
	cpuOf                []int   // each slot's CPU block, -1 for globals
	slots                []symSlot
	dest                 []int   // the CPUs class after class
	special              []int   // slots holding CPU ids or in [cpu] arrays
	keyOffs              []int   // block offsets that order a class's CPUs
	locals               [][]int // per CPU: its slots holding locals
	scratch              sync.Pool
}

// maxTieOrders bounds the orders of equal CPUs Canonicalize tries. Beyond
// it the first order is kept: the state stored is then one of its
// class, not always the same one, which costs states, not correctness.
const maxTieOrders = 720

// symScratch is one caller's working memory.
type symScratch struct {
	out, best []int32
	perm      []uint8
	sorted    []int
	keys      [][]int32
}

// SymmetryProblems returns why the CPUs of the spec are not
// interchangeable, each at the place in the spec that breaks it; nil when
// symmetry reduction (explore.Options.Symmetry) may be used.
func (s *System) SymmetryProblems() ErrorList {
	s.symmetry()
	return s.symProbs
}

// SymmetryGroupOrder returns the number of permutations of the CPUs that
// symmetry reduction uses (the product of the factorials of the class
// sizes), capped at 1<<62; 1 when the spec is not symmetric.
func (s *System) SymmetryGroupOrder() int64 {
	if len(s.SymmetryProblems()) > 0 {
		return 1
	}
	order := int64(1)
	for _, cl := range s.symmetry().classes {
		for f := 2; f <= len(cl); f++ {
			order = min(order*int64(f), 1<<62)
		}
	}
	return order
}

// SymmetryClasses describes the sets of interchangeable CPUs, one line
// each, for reports: "CPUs 0-3 run flusher".
func (s *System) SymmetryClasses() []string {
	var out []string
	for _, cl := range s.symmetry().classes {
		what := "idle"
		if t := s.threads[cl[0]]; t != nil {
			what = "thread " + t.name
		}
		if len(cl) == 1 {
			out = append(out, fmt.Sprintf("CPU %d (%s) alone", cl[0], what))
			continue
		}
		out = append(out, fmt.Sprintf("CPUs %s (%s) interchangeable", cpuList(cl), what))
	}
	return out
}

func cpuList(cl []int) string {
	if cl[len(cl)-1]-cl[0] == len(cl)-1 {
		return fmt.Sprintf("%d-%d", cl[0], cl[len(cl)-1])
	}
	var parts []string
	for _, c := range cl {
		parts = append(parts, fmt.Sprint(c))
	}
	return strings.Join(parts, ",")
}

// Processes is the number of CPUs, which Canonicalize permutes. It
// implements explore.Symmetry.
func (s *System) Processes() int { return s.NCPU }

// Canonicalize rewrites st into the representative of its class of states
// equal up to a permutation of interchangeable CPUs, and sets perm to the
// permutation applied: CPU i of the state given is CPU perm[i] of the
// result. It implements explore.Symmetry; it is safe for concurrent use.
// For a spec with SymmetryProblems it leaves st alone (perm is the
// identity): a search with symmetry on is then the full search.
func (s *System) Canonicalize(st []int32, perm []uint8) {
	y := s.symmetry()
	if len(s.symProbs) > 0 {
		for i := range perm {
			perm[i] = uint8(i)
		}
		return
	}
	sc, _ := y.scratch.Get().(*symScratch)
	if sc == nil {
		sc = &symScratch{out: make([]int32, len(st)), best: make([]int32, len(st)), perm: make([]uint8, y.n), sorted: make([]int, y.n), keys: make([][]int32, y.n)}
	}
	defer y.scratch.Put(sc)
	y.canonical(st, perm, sc)
}

// symmetry builds the permutation tables once.
func (s *System) symmetry() *symmetry {
	s.symOnce.Do(func() {
		y := &symmetry{n: s.NCPU, nglobals: s.nglobals, cpuSize: s.cpuSize, slots: s.symSlots}
		byThread := map[*thread]int{}
		for cpu, t := range s.threads {
			k, ok := byThread[t]
			if !ok {
				k = len(y.classes)
				byThread[t] = k
				y.classes = append(y.classes, nil)
			}
			y.classes[k] = append(y.classes[k], cpu)
		}
		for _, cl := range y.classes {
			y.dest = append(y.dest, cl...)
		}
		y.cpuOf = make([]int, len(s.symSlots))
		for i := range y.cpuOf {
			y.cpuOf[i] = -1
			if i >= s.nglobals {
				y.cpuOf[i] = (i - s.nglobals) / s.cpuSize
			}
		}
		for i, sl := range s.symSlots {
			if sl.cpuVal || len(sl.dims) > 0 {
				y.special = append(y.special, i)
			}
		}
		y.locals = make([][]int, s.NCPU)
		for k := range s.cpuSize {
			for cpu := range s.NCPU {
				if sl := s.symSlots[s.cpuBase(cpu)+k]; sl.local {
					y.locals[cpu] = append(y.locals[cpu], k)
				}
			}
			// Blocks of one class have the same layout; the key uses
			// the slots that are data of the CPU itself in all of them.
			key := true
			for cpu := range s.NCPU {
				sl := s.symSlots[s.cpuBase(cpu)+k]
				key = key && !sl.local && !sl.cpuVal && len(sl.dims) == 0
			}
			if key {
				y.keyOffs = append(y.keyOffs, k)
			}
		}
		s.sym = y
		for _, k := range s.symConsts {
			if cl := y.classOf(int(k.val)); len(cl) > 1 {
				file := k.pos.File()
				if file == "" {
					file = s.File.Name
				}
				s.symProbs = append(s.symProbs, &Error{File: file, Pos: k.pos, line: k.line,
					Msg: fmt.Sprintf("%s with the constant %d: CPUs %s run the same code, and the constant tells CPU %d apart", k.what, k.val, cpuList(cl), k.val)})
			}
		}
		s.symProbs = append(s.symProbs, s.checkInitialSymmetry(y)...)
		sort.SliceStable(s.symProbs, func(i, j int) bool {
			a, b := s.symProbs[i], s.symProbs[j]
			if a.File != b.File {
				return a.File == s.File.Name // the spec's own first
			}
			return a.Pos.Line < b.Pos.Line || a.Pos.Line == b.Pos.Line && a.Pos.Col < b.Pos.Col
		})
	})
	return s.sym
}

// classOf returns the class of CPU c, nil if c is no CPU.
func (y *symmetry) classOf(c int) []int {
	for _, cl := range y.classes {
		if slices.Contains(cl, c) {
			return cl
		}
	}
	return nil
}

// checkInitialSymmetry reports a swap of two interchangeable CPUs that
// changes the initial state.
func (s *System) checkInitialSymmetry(y *symmetry) ErrorList {
	sc := &symScratch{out: make([]int32, len(s.init))}
	norm := slices.Clone(s.init)
	y.normalize(norm)
	perm := make([]uint8, y.n)
	for _, cl := range y.classes {
		for i := 1; i < len(cl); i++ {
			for c := range perm {
				perm[c] = uint8(c)
			}
			a, b := cl[i-1], cl[i]
			perm[a], perm[b] = uint8(b), uint8(a)
			y.apply(sc.out, norm, perm)
			for k := range norm {
				if sc.out[k] != norm[k] {
					at := Pos{Line: 1, Col: 1}
					if s.File.Protocol != nil {
						at = s.File.Protocol.At
					}
					return ErrorList{{File: s.File.Name, Pos: at, line: sourceLine(s.File.Src, at.Line),
						Msg: fmt.Sprintf("the initial state is not symmetric: swapping CPUs %d and %d changes %s (initially %s)", a, b, s.slots[k].Name, s.slots[k].Type.Format(norm[k]))}}
				}
			}
		}
	}
	return nil
}

// apply writes perm applied to in into out, then zeroes its dead locals.
// Blocks move whole; the special slots, which hold CPU ids or sit in
// [cpu] arrays, are then written where they belong.
func (y *symmetry) apply(out, in []int32, perm []uint8) {
	copy(out[:y.nglobals], in[:y.nglobals])
	for c := range y.n {
		from, to := y.nglobals+c*y.cpuSize, y.nglobals+int(perm[c])*y.cpuSize
		copy(out[to:to+y.cpuSize], in[from:from+y.cpuSize])
	}
	n := int32(y.n)
	for _, i := range y.special {
		v := in[i]
		d := i
		if c := y.cpuOf[i]; c >= 0 {
			d += (int(perm[c]) - c) * y.cpuSize
		}
		sl := &y.slots[i]
		for _, dm := range sl.dims {
			d += (int(perm[dm.index]) - dm.index) * dm.stride
		}
		if sl.cpuVal && v >= 0 && v < n {
			v = int32(perm[v])
		}
		out[d] = v
	}
	y.normalize(out)
}

// normalize sets the locals that are out of scope where their context
// rests to their zero values.
func (y *symmetry) normalize(st []int32) {
	for cpu, offs := range y.locals {
		base := y.nglobals + cpu*y.cpuSize
		for _, k := range offs {
			sl := &y.slots[base+k]
			pc := int(st[base+sl.pcOff] - sl.pcBias)
			if pc < sl.scope[0] || pc >= sl.scope[1] {
				st[base+k] = sl.zero
			}
		}
	}
}

// canonical computes the representative of st's class into st and the
// permutation into perm. The CPUs of each class are ordered by their key
// slots (data that does not name CPUs, which a permutation leaves
// alone), so every state of a class orders them alike up to CPUs with
// equal keys; among the orders of those, the least vector wins.
func (y *symmetry) canonical(st []int32, perm []uint8, sc *symScratch) {
	base := func(c int) int { return y.nglobals + c*y.cpuSize }
	less := func(a, b int) int {
		pa, pb := base(a), base(b)
		for _, k := range y.keyOffs {
			if d := st[pa+k] - st[pb+k]; d != 0 {
				if d < 0 {
					return -1
				}
				return 1
			}
		}
		return 0
	}
	orders := 1
	// srt lists, class after class, the CPUs in key order; the j-th CPU
	// of a class in key order goes to the class's j-th CPU.
	srt := sc.sorted[:0]
	var groups [][2]int // runs of equal keys in srt
	for _, cl := range y.classes {
		from := len(srt)
		srt = append(srt, cl...)
		part := srt[from:]
		slices.SortStableFunc(part, less)
		for i := 0; i < len(part); {
			j := i + 1
			for j < len(part) && less(part[i], part[j]) == 0 {
				j++
			}
			if j-i > 1 {
				groups = append(groups, [2]int{from + i, from + j})
				for f := 2; f <= j-i; f++ {
					orders *= f
					if orders > maxTieOrders {
						orders = maxTieOrders + 1
					}
				}
			}
			i = j
		}
	}
	setPerm := func(p []uint8) {
		for j, c := range srt {
			p[c] = uint8(y.dest[j])
		}
	}
	if len(groups) == 0 || orders > maxTieOrders {
		setPerm(perm)
		identity := true
		for i, p := range perm {
			identity = identity && int(p) == i
		}
		if identity { // already in order: only the dead locals change
			y.normalize(st)
			return
		}
		y.apply(sc.out, st, perm)
		copy(st, sc.out)
		return
	}
	have := false
	var try func(g int)
	try = func(g int) {
		if g == len(groups) {
			setPerm(sc.perm)
			y.apply(sc.out, st, sc.perm)
			if !have || slices.Compare(sc.out, sc.best) < 0 {
				copy(sc.best, sc.out)
				copy(perm, sc.perm)
				have = true
			}
			return
		}
		lo, hi := groups[g][0], groups[g][1]
		permuteRange(srt[lo:hi], 0, func() { try(g + 1) })
	}
	try(0)
	copy(st, sc.best)
}

// permuteRange calls visit with a in each order of its elements from k on,
// restoring a's order before it returns.
func permuteRange(a []int, k int, visit func()) {
	if k >= len(a)-1 {
		visit()
		return
	}
	for i := k; i < len(a); i++ {
		a[k], a[i] = a[i], a[k]
		permuteRange(a, k+1, visit)
		a[k], a[i] = a[i], a[k]
	}
}
