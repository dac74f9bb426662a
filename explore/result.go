package explore

import (
	"fmt"
	"time"
)

// Verdict is the outcome of a Run.
type Verdict int

const (
	// Verified: every reachable state was explored and no property fails.
	Verified Verdict = iota
	// Deadlock: a reachable state has no transition and is not Done.
	Deadlock
	// Violation: an invariant fails in a reachable state, or a transition
	// fails when taken.
	Violation
	// Incomplete: a limit or an interruption ended the run before the
	// state space was exhausted, or before the hang check was done, with
	// no counterexample found.
	Incomplete
	// Hang: a reachable state from which the System's liveness goals can
	// never all be met again, though transitions stay enabled: the run
	// can only go round a bottom strongly connected component that misses
	// a goal, such as a CPU spinning on a lock while a timer ticks.
	Hang
	// Uncovered: the search found nothing wrong, but a condition the
	// System declares must be reachable (Coverage) never held: the spec
	// may verify only because its interesting states are never reached.
	Uncovered
)

// String returns the verdict in capitals, as reports print it.
func (v Verdict) String() string {
	switch v {
	case Verified:
		return "VERIFIED"
	case Deadlock:
		return "DEADLOCK"
	case Violation:
		return "VIOLATION"
	case Incomplete:
		return "INCOMPLETE"
	case Hang:
		return "HANG"
	case Uncovered:
		return "UNCOVERED"
	}
	return fmt.Sprintf("Verdict(%d)", int(v))
}

// A Step is one state of a trace and the label of the transition that
// led to it. The first step is the initial state, with Label 0.
type Step struct {
	Label uint32
	State []int32
}

// Stats describe the work a Run did.
type Stats struct {
	States      int64 // states stored
	Transitions int64 // transitions taken (successors yielded)
	MaxDepth    int   // depth of the deepest state stored
	// Reduced is the number of states partial-order reduction expanded by
	// their private step alone (Options.POR); 0 without it.
	Reduced int64
	Elapsed time.Duration
	// StatesPerSec is States over the time of the search, Elapsed less
	// HangCheck.
	StatesPerSec float64
	// PeakHeapBytes is the largest HeapInuse seen at progress ticks and at
	// the end of the run.
	PeakHeapBytes uint64
	// StoreBytes is the memory of the visited states and their parent
	// links; BytesPerState is StoreBytes over States.
	StoreBytes    int64
	BytesPerState float64
	// QueueBytes is the most memory the level-synchronous search held
	// beside the store for the states of a level and the next, and for
	// the successors found in a level before they are stored; 0 for the
	// sequential searches, whose queue is the store.
	QueueBytes int64
	// Workers is the number of goroutines that expanded states.
	Workers int
	// MissProbability estimates, in fingerprint mode, the probability
	// that the search missed a state because two states had one
	// fingerprint: n(n-1)/2^65 for n States (state.MissProbability). It
	// is 0 in exact mode.
	MissProbability float64
	// HangCheck is the part of Elapsed the hang check took, 0 if it did
	// not run. HangBytes is the most memory it held beside the store, for
	// its SCC pass (with the edges the search recorded for it, which the
	// search held too) and then for the lasso; HangBytesPerState is
	// HangBytes over States.
	HangCheck         time.Duration
	HangBytes         int64
	HangBytesPerState float64
	// HangSweeps is the number of sweeps the hang check's reach pass took
	// to show that every state reaches an end or a state where every
	// goal is met, which proves that there is no hang (see Finisher); 0
	// when the SCC pass decided.
	HangSweeps int
}

// A Result is the outcome of a Run.
type Result struct {
	Verdict Verdict
	// Failure is the violation (failed assertion, runtime error, invariant)
	// for Violation; nil otherwise.
	Failure error
	// FailLabel is the label of the failing transition when the violation
	// happened while taking one; HasFailLabel says whether it is set. The
	// trace then ends in the state the failing transition started from.
	// An invariant failure is a property of the last state of the trace
	// and has no fail label.
	FailLabel    uint32
	HasFailLabel bool
	// Trace is the path from the initial state to the counterexample, for
	// Deadlock, Violation and Hang. For Hang it ends in the first state of
	// the region the run is stuck in, a nearest one: with BFS the trace
	// is a shortest path to a state that can no longer meet every goal.
	Trace []Step
	// Cycle, for Hang, is a shortest cycle from the last state of Trace
	// back to it, inside the stuck region: Trace then Cycle repeated is
	// an infinite run that never again meets the goals in UnmetGoals.
	// Each step's Label is that of the transition from the step before
	// (the last of Trace for the first step), and the last step's State
	// is the last state of Trace.
	Cycle []Step
	// Uncovered, for Uncovered, names the coverage conditions no
	// reachable state met, in the System's order.
	Uncovered []string
	// UnmetGoals, for Hang, are the goals of Liveness.AllGoals that no
	// state or transition of the stuck region meets.
	UnmetGoals uint64
	// Incomplete says which limit ended the run, for Incomplete.
	Incomplete string
	Stats      Stats
}
