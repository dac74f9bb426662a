// Command ipicheck checks Linux kernel inter-processor-interrupt protocols
// exhaustively: it explores every interleaving of the CPUs and interrupt
// handlers a spec describes and reports either VERIFIED or the shortest
// counterexample, as a table with one column per CPU.
//
//	ipicheck check protocols/alpha_sync_ipi.ipi
//	ipicheck check alpha_sync_ipi --set CPUS=3 --set LOCK=drain
//	ipicheck test protocols/
//	ipicheck list
//
// Exit codes: 0 verified, 1 property violated (for test: a verdict not
// the expected one), 2 usage or spec error, 3 incomplete, 4 internal
// error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"

	"github.com/alecthomas/kong"
)

// version is set at link time: go build -ldflags "-X main.version=v1.0.0".
var version = ""

// Exit codes.
const (
	exitVerified   = 0
	exitViolated   = 1
	exitUsage      = 2
	exitIncomplete = 3
	exitInternal   = 4
)

// severity orders exit codes for a run over several specs: the worst
// one is the exit code of the run.
func severity(code int) int {
	switch code {
	case exitVerified:
		return 0
	case exitIncomplete:
		return 1
	case exitViolated:
		return 2
	case exitUsage:
		return 3
	}
	return 4
}

// worst returns the more severe of two exit codes.
func worst(a, b int) int {
	if severity(b) > severity(a) {
		return b
	}
	return a
}

const description = `Exhaustive model checker for Linux kernel inter-processor-interrupt
(IPI) protocols. A spec (a .ipi file) describes the code each CPU runs, its
interrupt handlers and the shared data; ipicheck explores every interleaving
and reports VERIFIED, or the shortest trace to a DEADLOCK, a VIOLATION
(failed assertion, value or index out of range, invariant) or a HANG (a CPU
that can spin forever while interrupts keep coming), as a table with one
column per CPU; UNCOVERED if nothing fails but a state the spec declares
reachable (cover) never is.

ipicheck test runs specs with every param combination of their matrix and
compares each verdict with the one their expect declarations give.

Examples:

    ipicheck check protocols/alpha_sync_ipi.ipi
    ipicheck check alpha_sync_ipi --set CPUS=3 --set LOCK=drain
    ipicheck check my.ipi --max-states 1000000 --timeout 5m --format json
    ipicheck test protocols/ my.ipi
    ipicheck list
    ipicheck show alpha_sync_ipi > my.ipi

Exit codes (with several specs or runs, the worst: 4, 2, 1, 3, 0 in that
order):

    0  verified: no deadlock, hang, assertion, range or invariant failure;
       for test: every verdict as expected
    1  a property is violated: deadlock, assertion, out of range,
       invariant, hang; or a cover is never met (uncovered); for test: a
       verdict not as expected, or a run with no expectation
    2  usage error, or an error in a spec (file:line:col: message)
    3  incomplete: a limit (--max-states, --max-depth, --timeout) or
       Ctrl-C ended the search before it was exhaustive
    4  internal error`

// cli is the command line.
type cli struct {
	Version kong.VersionFlag `help:"Print the version and exit."`

	Check checkCmd `cmd:"" help:"Check protocol specs."`
	Test  testCmd  `cmd:"" help:"Check specs with every param combination of their matrix and compare the verdicts with their expectations."`
	List  listCmd  `cmd:"" help:"List the built-in protocols."`
	Show  showCmd  `cmd:"" help:"Print the source of a built-in protocol."`
	Graph graphCmd `cmd:"" help:"Print the reachable state graph of a small protocol in Graphviz DOT."`

	Replay replayCmd `cmd:"" help:"Re-execute a saved counterexample (JSON) on a possibly patched spec: does it still reproduce?"`
}

// env is what the commands run with: the output streams and the context
// that Ctrl-C cancels.
type env struct {
	ctx            context.Context
	stdout, stderr io.Writer
}

// exitPanic carries the exit code of kong's help and version flags out
// of the parser.
type exitPanic struct{ code int }

func main() {
	// Ctrl-C cancels the search, which then reports INCOMPLETE; once it
	// has, a second Ctrl-C kills the process as usual.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run parses the arguments and runs the command, returning the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	var c cli
	parser, err := kong.New(&c,
		kong.Name("ipicheck"),
		kong.Description(description),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { panic(exitPanic{code}) }),
		kong.Vars{"version": versionString()},
		kong.ConfigureHelp(kong.HelpOptions{Compact: true, NoAppDescFormat: true}),
	)
	if err != nil {
		fmt.Fprintf(stderr, "ipicheck: internal error: %v\n", err)
		return exitInternal
	}
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(exitPanic)
			if !ok {
				panic(r)
			}
			code = e.code
			if code != 0 {
				code = exitUsage
			}
		}
	}()
	kctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintf(stderr, "ipicheck: %v\n", err)
		var perr *kong.ParseError
		if errors.As(err, &perr) && perr.Context != nil {
			if sel := perr.Context.Selected(); sel != nil {
				fmt.Fprintf(stderr, "Run \"ipicheck %s --help\" for usage.\n", sel.Name)
				return exitUsage
			}
		}
		fmt.Fprintln(stderr, `Run "ipicheck --help" for usage.`)
		return exitUsage
	}
	e := &env{ctx: ctx, stdout: stdout, stderr: stderr}
	switch cmd := kctx.Selected().Name; cmd {
	case "check":
		return c.Check.run(e)
	case "test":
		return c.Test.run(e)
	case "list":
		return c.List.run(e)
	case "show":
		return c.Show.run(e)
	case "replay":
		return c.Replay.run(e)
	case "graph":
		return c.Graph.run(e)
	default:
		fmt.Fprintf(stderr, "ipicheck: internal error: unknown command %q\n", cmd)
		return exitInternal
	}
}

// versionString is the version set at link time, else the module
// version a go install records, else "devel"; with the VCS revision and
// the Go version when the build info has them.
func versionString() string {
	v := version
	bi, ok := debug.ReadBuildInfo()
	if v == "" {
		v = "devel"
		if ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
	}
	if !ok {
		return "ipicheck " + v
	}
	var extra []string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			extra = append(extra, "rev "+s.Value[:min(12, len(s.Value))])
		case "vcs.modified":
			if s.Value == "true" {
				extra = append(extra, "modified")
			}
		}
	}
	extra = append(extra, bi.GoVersion)
	return "ipicheck " + v + " (" + strings.Join(extra, ", ") + ")"
}
