package protocols_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/ipicheck/ipicheck/explore"
	"github.com/ipicheck/ipicheck/model"
)

// verdictCases pin every variant of the built-in protocols: the verdict
// and, for counterexamples, the length of the shortest trace.
var verdictCases = []struct {
	file  string
	set   map[string]string
	want  explore.Verdict
	steps int
}{
	// Seed 000: callers with IRQs on take each other's IPIs while they wait.
	{"alpha_sync_ipi.ipi", map[string]string{"IRQS_OFF": "false"}, explore.Verified, 0},
	{"alpha_sync_ipi.ipi", map[string]string{"IRQS_OFF": "false", "CPUS": "3"}, explore.Verified, 0},
	// IRQs off and no lock: two CPUs in csd_lock_wait, neither takes the IPI.
	{"alpha_sync_ipi.ipi", map[string]string{"LOCK": "none"}, explore.Deadlock, 12},
	{"alpha_sync_ipi.ipi", map[string]string{"LOCK": "none", "CPUS": "3"}, explore.Deadlock, 27},
	// A plain spin_lock: the loser spins with IRQs off.
	{"alpha_sync_ipi.ipi", map[string]string{"LOCK": "spin"}, explore.Deadlock, 8},
	{"alpha_sync_ipi.ipi", map[string]string{"LOCK": "spin", "CPUS": "3"}, explore.Deadlock, 14},
	// The patch: spin_trylock + alpha_drain_ipi().
	{"alpha_sync_ipi.ipi", map[string]string{"LOCK": "drain"}, explore.Verified, 0},
	{"alpha_sync_ipi.ipi", map[string]string{"LOCK": "drain", "CPUS": "3"}, explore.Verified, 0},
	// Seed 001, review point 1: a synchronous caller the lock does not wrap
	// never drains, so it and the lock holder deadlock as before (at 3 CPUs
	// once the other wrapped caller is done).
	{"alpha_sync_ipi.ipi", map[string]string{"LOCK": "drain", "UNWRAPPED": "true"}, explore.Deadlock, 13},
	{"alpha_sync_ipi.ipi", map[string]string{"LOCK": "drain", "UNWRAPPED": "true", "CPUS": "3"}, explore.Deadlock, 57},
	// Seed 001, review point 2: reading the mailbox after local_irq_save()
	// verifies too.
	{"alpha_sync_ipi.ipi", map[string]string{"LOCK": "drain", "DRAIN": "review"}, explore.Verified, 0},
	{"alpha_sync_ipi.ipi", map[string]string{"LOCK": "drain", "DRAIN": "review", "CPUS": "3"}, explore.Verified, 0},
	// Seeds 000/001: the IPI edge lost at IPL 7 leaves the sender spinning
	// while the target keeps taking device interrupts: a hang, not a
	// deadlock. Without lost edges there is nothing to rescue. The RTC poll
	// rescues it, also with every CPU sending with IRQs off under patch 1's
	// trylock+drain lock (ALL_SEND's defaults), which alone does not.
	{"alpha_lost_edge.ipi", nil, explore.Hang, 6},
	{"alpha_lost_edge.ipi", map[string]string{"EV7_LOST_EDGE": "false"}, explore.Verified, 0},
	{"alpha_lost_edge.ipi", map[string]string{"RESCUE": "true"}, explore.Verified, 0},
	{"alpha_lost_edge.ipi", map[string]string{"RESCUE": "true", "CPUS": "3"}, explore.Verified, 0},
	{"alpha_lost_edge.ipi", map[string]string{"ALL_SEND": "true", "IRQS_OFF": "true", "LOCK": "drain"}, explore.Hang, 24},
	{"alpha_lost_edge.ipi", map[string]string{"RESCUE": "true", "ALL_SEND": "true", "IRQS_OFF": "true", "LOCK": "drain"}, explore.Verified, 0},
	{"alpha_lost_edge.ipi", map[string]string{"RESCUE": "true", "ALL_SEND": "true", "IRQS_OFF": "true", "LOCK": "drain", "CPUS": "3"}, explore.Verified, 0},
	// Seed 003: under CSD_LOCK_WAIT_DEBUG two senders take the destination's
	// csd_data with the two-step csd_lock() and queue it twice, linking it to
	// itself; without the invariants, CPU0 walks its queue forever. The
	// try_cmpxchg_acquire() fix verifies, also with three senders; so does
	// the single-writer case without the debug option.
	{"csd_lock_debug.ipi", nil, explore.Violation, 8},
	{"csd_lock_debug.ipi", map[string]string{"CHECK": "self_link"}, explore.Violation, 8},
	{"csd_lock_debug.ipi", map[string]string{"CHECK": "none"}, explore.Hang, 15},
	{"csd_lock_debug.ipi", map[string]string{"CSD_LOCK_ATOMIC": "true"}, explore.Verified, 0},
	{"csd_lock_debug.ipi", map[string]string{"CSD_LOCK_ATOMIC": "true", "CPUS": "4"}, explore.Verified, 0},
	{"csd_lock_debug.ipi", map[string]string{"CSD_LOCK_WAIT_DEBUG": "false"}, explore.Verified, 0},
	// Seed 002, generic helpers: callers with IRQs on verify; with IRQs
	// off both spin in csd_flag_wait() on IPIs they cannot take.
	{"smp_call_irqs_off_2008.ipi", map[string]string{"IRQS_OFF": "false"}, explore.Verified, 0},
	{"smp_call_irqs_off_2008.ipi", map[string]string{"IRQS_OFF": "false", "CPUS": "3"}, explore.Verified, 0},
	{"smp_call_irqs_off_2008.ipi", nil, explore.Deadlock, 10},
	{"smp_call_irqs_off_2008.ipi", map[string]string{"CPUS": "3"}, explore.Deadlock, 15},
	// Catalin's csd_flag_wait() poll fixes it; James's IRQs-on lock spin
	// does not: the wait is on the ack, not on the lock.
	{"smp_call_irqs_off_2008.ipi", map[string]string{"FIX": "poll"}, explore.Verified, 0},
	{"smp_call_irqs_off_2008.ipi", map[string]string{"FIX": "poll", "CPUS": "3"}, explore.Verified, 0},
	{"smp_call_irqs_off_2008.ipi", map[string]string{"FIX": "irq_spin"}, explore.Deadlock, 12},
	{"smp_call_irqs_off_2008.ipi", map[string]string{"FIX": "irq_spin", "CPUS": "3"}, explore.Deadlock, 18},
	// x86's call_lock held across the ack wait: James's scenario. The poll
	// leaves the holder polling forever (a hang); the IRQs-on spin fixes it.
	{"smp_call_irqs_off_2008.ipi", map[string]string{"IMPL": "x86"}, explore.Deadlock, 5},
	{"smp_call_irqs_off_2008.ipi", map[string]string{"IMPL": "x86", "CPUS": "3"}, explore.Deadlock, 6},
	{"smp_call_irqs_off_2008.ipi", map[string]string{"IMPL": "x86", "FIX": "poll"}, explore.Hang, 5},
	{"smp_call_irqs_off_2008.ipi", map[string]string{"IMPL": "x86", "FIX": "poll", "CPUS": "3"}, explore.Hang, 6},
	{"smp_call_irqs_off_2008.ipi", map[string]string{"IMPL": "x86", "FIX": "irq_spin"}, explore.Verified, 0},
	{"smp_call_irqs_off_2008.ipi", map[string]string{"IMPL": "x86", "FIX": "irq_spin", "CPUS": "3"}, explore.Verified, 0},
	// Both fixes run callbacks inside the caller's IRQs-off section.
	{"smp_call_irqs_off_2008.ipi", map[string]string{"FIX": "poll", "SECTION": "true"}, explore.Violation, 14},
	{"smp_call_irqs_off_2008.ipi", map[string]string{"FIX": "poll", "SECTION": "true", "CPUS": "3"}, explore.Violation, 12},
	{"smp_call_irqs_off_2008.ipi", map[string]string{"FIX": "irq_spin", "SECTION": "true", "CPUS": "3"}, explore.Violation, 13},
	{"smp_call_irqs_off_2008.ipi", map[string]string{"IMPL": "x86", "FIX": "irq_spin", "SECTION": "true"}, explore.Violation, 10},
	// Seed 004: kmalloc fails, the on-stack csd forces a wait for mtrr's
	// ipi_handler(), which waits for set_mtrr() to open the gate.
	{"onstack_csd_mtrr_2009.ipi", map[string]string{"ALLOC_CAN_FAIL": "false"}, explore.Verified, 0},
	{"onstack_csd_mtrr_2009.ipi", map[string]string{"ALLOC_CAN_FAIL": "false", "CPUS": "3"}, explore.Verified, 0},
	{"onstack_csd_mtrr_2009.ipi", nil, explore.Deadlock, 7},
	{"onstack_csd_mtrr_2009.ipi", map[string]string{"CPUS": "3"}, explore.Deadlock, 8},
	// Not waiting at all: the handler reads a dead stack frame.
	{"onstack_csd_mtrr_2009.ipi", map[string]string{"FIX": "nowait"}, explore.Violation, 7},
	{"onstack_csd_mtrr_2009.ipi", map[string]string{"FIX": "nowait", "CPUS": "3"}, explore.Violation, 8},
	// CSD_FLAG_RELEASE: wait only until the handler has copied the csd.
	{"onstack_csd_mtrr_2009.ipi", map[string]string{"FIX": "release"}, explore.Verified, 0},
	{"onstack_csd_mtrr_2009.ipi", map[string]string{"FIX": "release", "CPUS": "3"}, explore.Verified, 0},
}

func TestVerdicts(t *testing.T) {
	for _, tc := range verdictCases {
		t.Run(tc.file+" "+params(tc.set), func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			sys, err := model.Load(tc.file, src, tc.set)
			if err != nil {
				t.Fatal(err)
			}
			r := explore.Run(context.Background(), sys, explore.Options{})
			if r.Verdict != tc.want {
				t.Fatalf("verdict %v (%v), want %v", r.Verdict, r.Failure, tc.want)
			}
			if tc.want == explore.Hang && len(r.Cycle) == 0 {
				t.Errorf("hang without a cycle")
			}
			if tc.want != explore.Verified {
				steps := len(r.Trace) - 1
				if r.HasFailLabel {
					steps++
				}
				if steps != tc.steps {
					t.Errorf("shortest trace: %d steps, want %d", steps, tc.steps)
				}
			}
		})
	}
}

func params(set map[string]string) string {
	var kv []string
	for k, v := range set {
		kv = append(kv, fmt.Sprintf("%s=%s", k, v))
	}
	sort.Strings(kv)
	return strings.Join(kv, " ")
}
