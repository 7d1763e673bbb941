// Package depcheck holds tests that keep the direction of dependencies
// between dockyard's packages, and the third-party code each may reach, as
// docs/architecture.md draws them.
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

const module = "github.com/dockyard-build/dockyard/"

// layers puts every internal package on a level: a package imports, even
// through others, only packages of lower levels. A new package must be
// placed here, or the test fails.
var layers = map[string]int{
	"layout": 0, "platform": 0, "buildcontext": 0, "procs": 0, "gitrepo": 0, "cachefile": 0,
	"graph": 1, "sched": 1, "report": 1, "progress": 1, "workspace": 1, "testenv": 1,
	"dockerfile": 1, "aside": 1, "publish/archive": 1, "engine": 1,
	"config": 2, "inputs": 2,
	"project": 3, "state": 3, "publish": 3, "engine/bkprogress": 2,
	"engine/docker": 3, "engine/embedded": 3, "engine/buildkit": 3, "engine/enginetest": 3,
	"plan":        4,
	"incremental": 5,
	"run":         6,
	"cli":         7,
}

// thirdParty limits who may import some third-party code: an import path
// prefix, and the packages allowed to import it.
var thirdParty = []struct {
	prefix  string
	allowed []string
}{
	{"github.com/containers/", []string{"engine/embedded"}},
	{"github.com/moby/moby/", []string{"engine/docker", "cli"}},
	// engine renders BuildKit's status with progressui, whose input is
	// the client's SolveStatus, as the Docker engine's trace makes it.
	{"github.com/moby/buildkit/client", []string{"engine", "engine/bkprogress", "engine/buildkit", "engine/docker"}},
	{"github.com/moby/buildkit/util/progress/progressui", []string{"engine"}},
	{"github.com/moby/buildkit/session", []string{"engine/docker", "engine/buildkit"}},
	{"github.com/moby/buildkit/frontend/dockerfile/", []string{"dockerfile"}},
	{"github.com/google/go-containerregistry/pkg/v1/remote", []string{"publish", "engine/buildkit"}},
	{"net/http", []string{"publish", "engine/docker", "engine/buildkit"}},
}

// pure packages decide from what they are given: no network, no engine.
var pure = []string{"graph", "sched", "plan"}

// imports maps each package (e.g. "internal/engine/docker", "cmd/dockyard")
// to the packages its non-test files import: internal ones as their path
// under internal/, others as they are.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, top := range []string{"../../internal", "../../cmd"} {
		err := filepath.WalkDir(top, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			pkg := strings.TrimPrefix(filepath.ToSlash(filepath.Dir(path)), "../../internal/")
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				p = strings.TrimPrefix(p, module+"internal/")
				if !slices.Contains(out[pkg], p) {
					out[pkg] = append(out[pkg], p)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestLayers(t *testing.T) {
	all := imports(t)
	for pkg, deps := range all {
		if strings.HasPrefix(pkg, "../") || pkg == "depcheck" {
			continue
		}
		level, ok := layers[pkg]
		if !ok {
			t.Errorf("package %s has no level in depcheck's layers", pkg)
			continue
		}
		for _, d := range deps {
			dl, internal := layers[d]
			switch {
			case internal && dl >= level:
				t.Errorf("%s (level %d) imports %s (level %d): imports must go down", pkg, level, d, dl)
			case internal && strings.HasPrefix(pkg, "engine/") && d != "engine" && d != "engine/bkprogress" && d != "testenv" && dl != 0:
				t.Errorf("%s imports %s: engines depend only on the engine package, bkprogress and leaves (level 0)", pkg, d)
			}
		}
	}
}

func TestThirdParty(t *testing.T) {
	all := imports(t)
	for pkg, deps := range all {
		for _, d := range deps {
			for _, rule := range thirdParty {
				if strings.HasPrefix(d, rule.prefix) && !slices.Contains(rule.allowed, pkg) {
					t.Errorf("%s imports %s: only %s may", pkg, d, strings.Join(rule.allowed, ", "))
				}
			}
		}
	}
	for _, pkg := range pure {
		for _, d := range reach(all, pkg) {
			for _, bad := range []string{"net", "net/http", "os/exec", "engine"} {
				if d == bad || strings.HasPrefix(d, "engine/") || strings.Contains(d, "go-containerregistry/pkg/v1/remote") {
					t.Errorf("%s reaches %s: it must stay pure", pkg, d)
					break
				}
			}
		}
	}
}

// reach is every package pkg imports, directly or through dockyard's own.
func reach(all map[string][]string, pkg string) []string {
	seen := map[string]bool{}
	stack := []string{pkg}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, d := range all[p] {
			if !seen[d] {
				seen[d] = true
				if _, internal := layers[d]; internal {
					stack = append(stack, d)
				}
			}
		}
	}
	var out []string
	for d := range seen {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}
