// Package depcheck holds a test that keeps the direction of dependencies
// between dockyard's packages as docs/architecture.md draws it.
package depcheck

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/dockyard-build/dockyard/internal/"

// imports maps each internal package (e.g. "engine/docker") to the internal
// packages its non-test files import.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(strings.TrimPrefix(path, "../")))
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if dep, ok := strings.CutPrefix(p, module); ok && !slices.Contains(out[pkg], dep) {
				out[pkg] = append(out[pkg], dep)
			}
		}
		if _, ok := out[pkg]; !ok {
			out[pkg] = nil
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDependencyDirection(t *testing.T) {
	all := imports(t)
	if len(all) < 10 {
		t.Fatalf("found only %d packages", len(all))
	}
	// allowed lists, for the packages the architecture constrains, every
	// internal package they may import; prefix "engine" allows sub-packages.
	allowed := map[string][]string{
		"graph":      {},
		"sched":      {},
		"dockerfile": {},
		"report":     {},
		"progress":   {},
		"workspace":  {},
		"testenv":    {},
		"config":     {"graph"},
		"project":    {"config", "dockerfile", "graph"},
		"plan":       {"config", "project", "graph"},

		"publish":         {"config"},
		"publish/archive": {},
	}
	for pkg, deps := range all {
		if slices.Contains(deps, "cli") {
			t.Errorf("%s imports cli: only cmd/dockyard may", pkg)
		}
		ok, constrained := allowed[pkg]
		if !constrained {
			continue
		}
		for _, d := range deps {
			if !slices.Contains(ok, d) {
				t.Errorf("%s imports %s; it may import only %v", pkg, d, ok)
			}
		}
	}
	for pkg, deps := range all {
		if strings.HasPrefix(pkg, "engine/") {
			for _, d := range deps {
				if d != "engine" && !strings.HasPrefix(d, "engine/") && d != "testenv" {
					t.Errorf("%s imports %s: engines depend only on the engine package", pkg, d)
				}
			}
		}
	}
}
