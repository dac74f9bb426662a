package model

import (
	"embed"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// libraries are the libraries every spec may import by name, such as
// "kernel": the kernel primitives, written in the language itself.
//
//go:embed lib/*.ipi
var libraries embed.FS

// Libraries lists the names of the built-in libraries.
func Libraries() []string {
	entries, _ := fs.ReadDir(libraries, "lib")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".ipi"))
	}
	sort.Strings(names)
	return names
}

// LibrarySource returns a built-in library's text.
func LibrarySource(name string) ([]byte, error) {
	return libraries.ReadFile("lib/" + name + ".ipi")
}

// findImport resolves an import path: a built-in library by name, else a
// file relative to the importing file's directory.
func findImport(path string, from *Source) (*Source, error) {
	if !strings.ContainsAny(path, "/.") {
		if text, err := LibrarySource(path); err == nil {
			return &Source{Name: path + ".ipi", Text: text}, nil
		}
		return nil, errors.New("no built-in library " + path + " (built-in: " + strings.Join(Libraries(), ", ") + ")")
	}
	name := path
	if !filepath.IsAbs(name) {
		name = filepath.Join(filepath.Dir(from.Name), path)
	}
	text, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return &Source{Name: name, Text: text}, nil
}

// withImports returns the spec's declarations preceded by those of every
// library it imports, directly or not, each library once. A library's
// functions see every top-level name of the spec that imports it: they
// are compiled where they are called.
func (c *compiler) withImports(f *File) []Decl {
	var out []Decl
	seen := map[string]bool{f.Name: true}
	var visit func(f *File)
	visit = func(f *File) {
		for _, d := range f.Decls {
			imp, ok := d.(*ImportDecl)
			if !ok || imp.Path == "" {
				continue
			}
			src, err := findImport(imp.Path, f.Source)
			if err != nil {
				c.errorf(imp.At, "import %q: %v", imp.Path, err)
				continue
			}
			if seen[src.Name] {
				continue
			}
			seen[src.Name] = true
			lib, err := parseSource(src)
			if err != nil {
				var list ErrorList
				if errors.As(err, &list) {
					c.d.errs = append(c.d.errs, list...)
				}
				continue
			}
			if !lib.Library {
				c.errorf(imp.At, "import %q: %s is a protocol, not a library (a library starts with library NAME;)", imp.Path, src.Name)
				continue
			}
			visit(lib)
			out = append(out, lib.Decls...)
		}
	}
	visit(f)
	return append(out, f.Decls...)
}
