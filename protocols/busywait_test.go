package protocols_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/ipicheck/ipicheck/explore"
	"github.com/ipicheck/ipicheck/model"
)

// standaloneAwait matches an await statement alone on its line (awaits
// inside one-line atomic blocks are left alone: a loop cannot spin there).
var standaloneAwait = regexp.MustCompile(`(?m)^(\s*)await (.*);(.*)$`)

// busyWait rewrites every standalone `await E;` into `while (!(E)) { }`.
func busyWait(src []byte) []byte {
	return standaloneAwait.ReplaceAll(src, []byte("${1}while (!(${2})) { }${3}"))
}

// TestBusyWaitSameVerdict checks that the built-in protocols fail the
// same way whether their waits are written as await or as busy loops: a
// blocked await is a deadlock, a loop spinning on the same condition is a
// hang, and a protocol that verifies one way verifies the other.
func TestBusyWaitSameVerdict(t *testing.T) {
	for _, tc := range verdictCases {
		if tc.set["CPUS"] == "3" {
			continue // the 2-CPU cases cover every verdict; keep the test quick
		}
		t.Run(tc.file+" "+params(tc.set), func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			// The kernel library is rewritten too, into a file the spec
			// imports instead of the built-in one.
			dir := t.TempDir()
			lib, err := model.LibrarySource("kernel")
			if err != nil {
				t.Fatal(err)
			}
			busyLib := busyWait(lib)
			if err := os.WriteFile(filepath.Join(dir, "kernel.ipi"), busyLib, 0o644); err != nil {
				t.Fatal(err)
			}
			src = bytes.ReplaceAll(src, []byte(`import "kernel";`), []byte(`import "./kernel.ipi";`))
			busy := busyWait(src)
			if bytes.Equal(busy, src) && bytes.Equal(busyLib, lib) {
				t.Fatal("no await was rewritten")
			}
			sys, err := model.Load(filepath.Join(dir, tc.file), busy, tc.set)
			if err != nil {
				t.Fatal(err)
			}
			r := explore.Run(context.Background(), sys, explore.Options{})
			if failed(r.Verdict) != failed(tc.want) {
				t.Fatalf("with busy loops: %v, with await: %v", r.Verdict, tc.want)
			}
			if tc.want == explore.Deadlock && r.Verdict != explore.Hang {
				t.Errorf("a spinning CPU is not deadlocked: got %v, want HANG", r.Verdict)
			}
		})
	}
}

func failed(v explore.Verdict) bool { return v == explore.Deadlock || v == explore.Hang }
