package main

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"ipicheck": main,
	})
}

// TestScripts runs testdata/script/*.txtar. Besides the standard commands
// they may use:
//
//	jsonok FILE           FILE holds one or more JSON values
//	jsonhas FILE KEY VAL  the first value's KEY (a dotted path, with numbers
//	                      indexing arrays: 0.verdict) is VAL
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			// The built-in protocols change as they are refined; the
			// scripts that depend on their verdicts and traces use the
			// copies frozen in testdata/frozen.
			wd, err := os.Getwd()
			if err != nil {
				return err
			}
			env.Setenv("FROZEN", wd+"/testdata/frozen")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"jsonok":  cmdJSONOK,
			"jsonhas": cmdJSONHas,
		},
	})
}

func decodeAll(ts *testscript.TestScript, file string) []any {
	dec := json.NewDecoder(strings.NewReader(ts.ReadFile(file)))
	var out []any
	for dec.More() {
		var v any
		if err := dec.Decode(&v); err != nil {
			ts.Fatalf("%s: %v", file, err)
		}
		out = append(out, v)
	}
	return out
}

func cmdJSONOK(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: jsonok FILE")
	}
	if len(decodeAll(ts, args[0])) == 0 {
		ts.Fatalf("%s: no JSON value", args[0])
	}
}

func cmdJSONHas(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: jsonhas FILE KEY VALUE")
	}
	vals := decodeAll(ts, args[0])
	if len(vals) == 0 {
		ts.Fatalf("%s: no JSON value", args[0])
	}
	var v any = vals[0]
	for _, k := range strings.Split(args[1], ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) {
				ts.Fatalf("%s: %s: no element %q in an array of %d", args[0], args[1], k, len(x))
			}
			v = x[i]
		default:
			ts.Fatalf("%s: %s: not an object or an array at %q", args[0], args[1], k)
		}
	}
	got, _ := json.Marshal(v)
	s := strings.Trim(string(got), `"`)
	if (s == args[2]) == neg {
		ts.Fatalf("%s: %s = %s, want %s%s", args[0], args[1], s, map[bool]string{true: "not ", false: ""}[neg], args[2])
	}
}
