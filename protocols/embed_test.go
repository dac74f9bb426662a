package protocols

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestListCoversFiles checks that List describes every .ipi file of the
// directory, with the name, description and params the spec declares.
func TestListCoversFiles(t *testing.T) {
	list, err := List()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("*.ipi")
	if len(list) != len(files) {
		t.Errorf("List has %d protocols, the directory %d files", len(list), len(files))
	}
	for i, p := range list {
		if i > 0 && list[i-1].Name >= p.Name {
			t.Errorf("List not sorted by name: %s before %s", list[i-1].Name, p.Name)
		}
		if p.Name == "" || p.Doc == "" || !strings.HasSuffix(p.File, ".ipi") {
			t.Errorf("%+v: want a name, a description and a file", p)
		}
		if len(p.Params) == 0 || p.Params[0].Name != "CPUS" {
			t.Errorf("%s: params %v, want CPUS first", p.Name, p.Params)
		}
	}
}

func TestAlpha(t *testing.T) {
	list, err := List()
	if err != nil {
		t.Fatal(err)
	}
	var got *Protocol
	for i := range list {
		if list[i].Name == "alpha_sync_ipi" {
			got = &list[i]
		}
	}
	if got == nil {
		t.Fatal("alpha_sync_ipi not listed")
	}
	var ps []string
	for _, p := range got.Params {
		ps = append(ps, p.String())
	}
	if s := strings.Join(ps, " "); s != "CPUS=2 IRQS_OFF=true LOCK=none UNWRAPPED=false DRAIN=patch" {
		t.Errorf("params %s", s)
	}
	if got.Params[2].Type != "enum { none, spin, drain }" {
		t.Errorf("LOCK type %q", got.Params[2].Type)
	}
}

func TestSource(t *testing.T) {
	want, err := os.ReadFile("alpha_sync_ipi.ipi")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"alpha_sync_ipi", "alpha_sync_ipi.ipi"} {
		src, file, err := Source(name)
		if err != nil {
			t.Fatalf("Source(%q): %v", name, err)
		}
		if file != "alpha_sync_ipi.ipi" || string(src) != string(want) {
			t.Errorf("Source(%q) = %d bytes of %s", name, len(src), file)
		}
	}
	if _, _, err := Source("no_such_protocol"); err == nil || !strings.Contains(err.Error(), "ipicheck list") {
		t.Errorf("Source of an unknown name: %v", err)
	}
}
