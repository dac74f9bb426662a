package explore

import (
	"fmt"
	"strings"
)

// Check is a set of the properties a Run checks, as a bitmask.
type Check uint8

// The properties a Run can check. Options.Checks zero means CheckAll.
const (
	// CheckDeadlock reports a reachable state that has no transition and
	// is not Done. Without it such a state is not reported, by the search
	// or by the hang check.
	CheckDeadlock Check = 1 << iota
	// CheckSafety reports invariants that fail (System.Check) and
	// transitions that fail. Without it both are ignored: the state is
	// still stored and counted, and a failing transition still counts as
	// a transition.
	CheckSafety
	// CheckHang reports a hang: a reachable state from which the goals of
	// a System that implements Liveness can no longer all be met. It runs
	// after a search that explored every state and found nothing else.
	CheckHang

	// CheckAll is every check; it is what Options.Checks zero means.
	CheckAll = CheckDeadlock | CheckSafety | CheckHang
)

// checkNames are the names ParseChecks takes and String prints, in bit
// order.
var checkNames = []struct {
	name  string
	check Check
}{
	{"deadlock", CheckDeadlock},
	{"safety", CheckSafety},
	{"hang", CheckHang},
}

// String returns the checks in c by name, comma-separated in the order
// deadlock, safety, hang: "deadlock,hang". The empty set is "none".
func (c Check) String() string {
	var names []string
	for _, n := range checkNames {
		if c&n.check != 0 {
			names = append(names, n.name)
		}
	}
	if rest := c &^ CheckAll; rest != 0 {
		names = append(names, fmt.Sprintf("Check(%#x)", uint8(rest)))
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ",")
}

// ParseChecks parses a comma-separated list of check names, as the CLI's
// --check flag takes them: "deadlock", "safety", "hang", or "all" for
// every one. Spaces around names are ignored and names may repeat. An
// empty list is an error: no check at all is not a useful run, and Check
// zero would mean all of them.
func ParseChecks(s string) (Check, error) {
	var c Check
	for name := range strings.SplitSeq(s, ",") {
		name = strings.TrimSpace(name)
		if name == "all" {
			c |= CheckAll
			continue
		}
		found := false
		for _, n := range checkNames {
			if name == n.name {
				c |= n.check
				found = true
			}
		}
		if !found {
			if name == "" && strings.TrimSpace(s) == "" {
				return 0, fmt.Errorf("no checks named (want deadlock, safety, hang or all)")
			}
			return 0, fmt.Errorf("unknown check %q (want deadlock, safety, hang or all)", name)
		}
	}
	return c, nil
}
