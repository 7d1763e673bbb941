package project

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockyard-build/dockyard/internal/config"
)

// FuzzReadDeps feeds the component.dep reader anything: it must never
// panic, every dependency it accepts is a plain lower-case name at a line
// of the file, and every problem names the file and a line (the file alone
// when it cannot be read, as with a line longer than 64 KiB). The seeds are
// the bundled examples' files and testdata/fuzz/FuzzReadDeps.
func FuzzReadDeps(f *testing.F) {
	seeds, _ := filepath.Glob("../../examples/*/src/*/build/component*.dep")
	if len(seeds) == 0 {
		f.Fatal("no example component.dep to seed from")
	}
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		abs := filepath.Join(t.TempDir(), "component.dep")
		if err := os.WriteFile(abs, data, 0o644); err != nil {
			t.Fatal(err)
		}
		deps, err := readDeps(abs, "component.dep")
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range joined.Unwrap() {
				p, ok := e.(*config.Problem)
				if ok && (p.File != "component.dep" || p.Line < 1) || !ok && !strings.HasPrefix(e.Error(), "reading component.dep: ") {
					t.Fatalf("problem %q names neither the file and line nor the file", e)
				}
			}
		}
		last := 0
		for _, d := range deps {
			if d.Name == "" || d.Name != strings.ToLower(strings.TrimSpace(d.Name)) || strings.ContainsAny(d.Name, `/\#`) || d.Name == "." || d.Name == ".." {
				t.Fatalf("accepted dependency %q", d.Name)
			}
			if d.At.File != "component.dep" || d.At.Line <= last {
				t.Fatalf("dependency %q at %s after line %d", d.Name, d.At, last)
			}
			last = d.At.Line
		}
	})
}
