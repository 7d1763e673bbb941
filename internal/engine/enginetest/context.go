package enginetest

import (
	"archive/tar"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// contextTree is a context that exercises the ignore rules: an exception
// (!), a pattern for any folder (**), an excluded folder with a wildcard
// exception inside it, a pattern that matches at the top only (*.log
// leaves logs/a.log), git's folder, a symlink, and app/, which only the
// Dockerfile's own ignore file keeps.
var contextTree = map[string]string{
	".dockerignore":       "*.log\n!keep.log\n**/*.tmp\ndocs\n!**/README.md\napp\n",
	"keep.txt":            "kept",
	"keep.log":            "kept log",
	"debug.log":           "dropped",
	"logs/a.log":          "kept: *.log is for the top only",
	"sub/deep/x.tmp":      "dropped",
	"sub/deep/y.txt":      "kept",
	"docs/guide.txt":      "dropped",
	"docs/README.md":      "kept by the exception",
	".git/HEAD":           "dropped: git's folder",
	"app/main.txt":        "kept only by the Dockerfile's own ignore file",
	"build/app.docker.sh": "dropped by the Dockerfile's own ignore file",
}

// testContextRules checks that the engine receives exactly what
// buildcontext keeps, the files input keys list: with the context's
// .dockerignore, with the Dockerfile's own <name>.dockerignore, and with a
// rewritten copy of the Dockerfile elsewhere (Request.Original), whose
// original's ignore file still applies.
func testContextRules(t *testing.T, s *Suite) {
	dockerfile := "FROM " + s.Base + "\nCOPY . /ctx/\n"
	tests := []struct {
		name string
		own  string // build/app.docker.dockerignore; "" for none
		copy bool   // build from a copy of the Dockerfile outside the context
		want []string
	}{{
		name: "context's .dockerignore",
		want: []string{".dockerignore", "build/app.docker", "build/app.docker.sh", "docs/README.md", "keep.log", "keep.txt", "link", "logs/a.log", "sub/deep/y.txt"},
	}, {
		name: "Dockerfile's own ignore file",
		own:  "*\n!app\n!link\n",
		want: []string{"app/main.txt", "link"},
	}, {
		name: "copy of a Dockerfile with its own ignore file",
		own:  "*\n!app\n!keep.txt\n",
		copy: true,
		want: []string{"app/main.txt", "keep.txt"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			files := maps.Clone(contextTree)
			files["build/app.docker"] = dockerfile
			if tt.own != "" {
				files["build/app.docker.dockerignore"] = tt.own
			}
			WriteFiles(t, dir, files)
			if err := os.Symlink("keep.txt", filepath.Join(dir, "link")); err != nil {
				t.Fatal(err)
			}
			req := engine.Request{Image: "rules", ContextDir: dir, Dockerfile: filepath.Join(dir, "build", "app.docker")}
			if tt.copy {
				req.Original, req.Dockerfile = req.Dockerfile, filepath.Join(t.TempDir(), "app.docker")
				WriteFiles(t, filepath.Dir(req.Dockerfile), map[string]string{"app.docker": dockerfile})
			}
			if got := listed(t, req); !slices.Equal(got, tt.want) {
				t.Errorf("buildcontext keeps %v, want %v", got, tt.want)
			}
			req.Tags = []string{s.Name(t, "image")}
			s.MustBuild(t, req)
			im := Inspect(t, s.Engine, req.Tags[0])
			var got []string
			for p, f := range im.Files {
				if rel, ok := strings.CutPrefix(p, "ctx/"); ok && f.Type != tar.TypeDir {
					got = append(got, rel)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("the engine sent %v, want %v", got, tt.want)
			}
		})
	}
}

// listed returns the files and symlinks the request's context keeps, as
// buildcontext walks it for input keys.
func listed(t *testing.T, req engine.Request) []string {
	t.Helper()
	rules, err := req.Rules()
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := rules.FS(req.ContextDir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	err = fsys.Walk(t.Context(), "", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, filepath.ToSlash(p))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
