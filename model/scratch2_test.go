package model_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/ipicheck/ipicheck/explore"
	"github.com/ipicheck/ipicheck/model"
)

func TestScratch2(t *testing.T) {
	src, _ := os.ReadFile("../protocols/alpha_sync_ipi.ipi")
	sys, err := model.Load("alpha_sync_ipi.ipi", src, map[string]string{"LOCK": os.Getenv("LOCK")})
	if err != nil {
		t.Fatal(err)
	}
	r := explore.Run(context.Background(), sys, explore.Options{})
	for i := 1; i < len(r.Trace); i++ {
		in := sys.Describe(r.Trace[i-1].State, r.Trace[i].Label, r.Trace[i].State)
		fmt.Printf("%2d CPU%d d%d %-40s %-8s %s %v->%v %v\n", i, in.CPU, in.Depth, in.Text, in.Outcome, in.Func, in.IRQsBefore, in.IRQsAfter, in.Changes)
	}
	fmt.Printf("%+v\n", sys.Explain(r.Trace[len(r.Trace)-1].State))
}
