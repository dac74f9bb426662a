// Package protocols holds the built-in protocol specs, embedded in the
// binary: each *.ipi file of this directory models one kernel IPI
// protocol (or bug), and `ipicheck list` / `ipicheck show` print them.
package protocols

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/ipicheck/ipicheck/model"
)

//go:embed *.ipi
var files embed.FS

// Protocol describes a built-in protocol.
type Protocol struct {
	Name   string  // the protocol name the spec declares
	File   string  // its file name, e.g. alpha_sync_ipi.ipi
	Doc    string  // the one-line description the spec declares
	Params []Param // in declaration order, with their defaults
}

// Param is a param of a built-in protocol and its default value.
type Param struct {
	Name    string
	Type    string // as a spec writes it: bool, 1..4, enum { none, spin }
	Default string // as a spec writes it: 2, true, none
}

// String renders the param as NAME=DEFAULT.
func (p Param) String() string { return p.Name + "=" + p.Default }

// List returns the built-in protocols sorted by name. Every embedded spec
// is compiled with its defaults; one that does not compile is an error
// (the tests keep that from shipping).
func List() ([]Protocol, error) {
	names, err := fs.Glob(files, "*.ipi")
	if err != nil {
		return nil, err
	}
	var out []Protocol
	for _, file := range names {
		p, err := describe(file)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// describe compiles one embedded spec with its defaults.
func describe(file string) (Protocol, error) {
	src, err := files.ReadFile(file)
	if err != nil {
		return Protocol{}, err
	}
	sys, err := model.Load(file, src, nil)
	if err != nil {
		return Protocol{}, fmt.Errorf("built-in protocol %s: %w", file, err)
	}
	p := Protocol{Name: sys.Name, File: file, Doc: sys.Doc}
	if p.Name == "" {
		p.Name = strings.TrimSuffix(file, ".ipi")
	}
	for _, prm := range sys.Params {
		p.Params = append(p.Params, Param{Name: prm.Name, Type: prm.Type.String(), Default: prm.Type.Format(prm.Default)})
	}
	return p, nil
}

// Source returns the source of the built-in protocol with the given
// protocol name or file name (with or without .ipi), and its file name.
func Source(name string) ([]byte, string, error) {
	names, err := fs.Glob(files, "*.ipi")
	if err != nil {
		return nil, "", err
	}
	for _, file := range names {
		if name == file || name+".ipi" == file {
			src, err := files.ReadFile(file)
			return src, file, err
		}
	}
	// By declared protocol name: parse only the header of each file.
	for _, file := range names {
		src, err := files.ReadFile(file)
		if err != nil {
			return nil, "", err
		}
		f, _ := model.Parse(file, src)
		if f != nil && f.Protocol != nil && f.Protocol.Name == name {
			return src, file, nil
		}
	}
	return nil, "", fmt.Errorf("no built-in protocol %q (see ipicheck list)", name)
}
