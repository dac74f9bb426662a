package model

// Hang detection asks, of every bottom strongly connected component of the
// state graph, whether each CPU gets somewhere in it: its goal is met when
// it has finished (thread done, no handler running) in one of the
// component's states, or passes a progress marker in one of its
// transitions. These methods implement explore.Liveness.

// AllGoals has one goal per CPU.
func (s *System) AllGoals() uint64 {
	if s.NCPU >= 64 {
		return ^uint64(0)
	}
	return 1<<s.NCPU - 1
}

// StateGoals sets the bit of every CPU that has finished in st.
func (s *System) StateGoals(st []int32) uint64 {
	var g uint64
	for cpu := range s.NCPU {
		if s.finished(st, cpu) {
			g |= 1 << cpu
		}
	}
	return g
}

// AllFinished reports whether every CPU has finished in st: StateGoals(st)
// is AllGoals. It implements explore.Finisher, and is safe for concurrent
// use.
func (s *System) AllFinished(st []int32) bool {
	for cpu := range s.NCPU {
		if !s.finished(st, cpu) {
			return false
		}
	}
	return true
}

// TransitionGoals sets the bit of the CPU whose step label is, taken from
// from, a progress marker.
func (s *System) TransitionGoals(from []int32, label uint32) uint64 {
	cpu, kind, _ := splitLabel(label)
	if kind != labelStep {
		return 0
	}
	ctx, ok := s.current(from, cpu)
	if !ok {
		return 0
	}
	pc := int(from[ctx.pcAbs] - ctx.bias)
	if pc < len(ctx.code.instrs) && ctx.code.instrs[pc].progress {
		return 1 << cpu
	}
	return 0
}
