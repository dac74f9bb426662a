package traces

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/ipicheck/ipicheck/explore"
	"github.com/ipicheck/ipicheck/model"
)

func TestZZScratch(t *testing.T) {
	src, _ := os.ReadFile("../protocols/alpha_sync_ipi.ipi")
	set := map[string]string{"LOCK": os.Getenv("LOCK"), "CPUS": os.Getenv("CPUS")}
	sys, err := model.Load("alpha_sync_ipi.ipi", src, set)
	if err != nil {
		t.Fatal(err)
	}
	r := explore.Run(context.Background(), sys, explore.Options{})
	fmt.Println(r.Verdict, r.Stats)
	for i := 1; i < len(r.Trace); i++ {
		in := sys.Describe(r.Trace[i-1].State, r.Trace[i].Label, r.Trace[i].State)
		fmt.Printf("%+v\n", in)
	}
	fmt.Printf("%+v\n", sys.Explain(r.Trace[len(r.Trace)-1].State))
	for i, s := range sys.Slots() {
		fmt.Printf("%d %+v %v\n", i, s, r.Trace[len(r.Trace)-1].State[i])
	}
}
