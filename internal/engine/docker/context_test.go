package docker

import (
	"archive/tar"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/engine/enginetest"
)

func TestContextTar(t *testing.T) {
	tests := []struct {
		name           string
		files          map[string]string
		dockerfile     string // relative to the context directory
		wantDockerfile string
		wantFiles      []string
		wantIgnore     string // .dockerignore in the tar, if not as written
	}{{
		name:           "no dockerignore",
		files:          map[string]string{"Dockerfile": "FROM x", "a/b.txt": "b"},
		dockerfile:     "Dockerfile",
		wantDockerfile: "Dockerfile",
		wantFiles:      []string{"Dockerfile", "a/", "a/b.txt"},
	}, {
		name: "dockerignore keeps the dockerfile and itself",
		files: map[string]string{
			".dockerignore":      "*\n!keep.txt\n",
			"build/x.dockerfile": "FROM x",
			"keep.txt":           "k",
			"drop.txt":           "d",
		},
		dockerfile:     "build/x.dockerfile",
		wantDockerfile: "build/x.dockerfile",
		wantFiles:      []string{".dockerignore", "build/", "build/x.dockerfile", "keep.txt"},
	}, {
		name: "the dockerfile's own ignore file",
		files: map[string]string{
			".dockerignore":                   "keep.txt\n",
			"build/x.dockerfile":              "FROM x",
			"build/x.dockerfile.dockerignore": "*\n!keep.txt\n",
			"keep.txt":                        "k",
			"drop.txt":                        "d",
		},
		dockerfile:     "build/x.dockerfile",
		wantDockerfile: ".dockyard-dockerfile-",
		wantFiles:      []string{".dockerignore", "<generated>", "keep.txt"},
		wantIgnore:     ".dockerignore\n.dockyard-dockerfile-",
	}, {
		name:           "dockerfile outside the context",
		files:          map[string]string{"ctx/a.txt": "a", "other/Dockerfile": "FROM outside"},
		dockerfile:     "../other/Dockerfile",
		wantDockerfile: ".dockyard-dockerfile-",
		wantFiles:      []string{".dockerignore", "<generated>", "a.txt"},
		wantIgnore:     ".dockerignore\n.dockyard-dockerfile-",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			enginetest.WriteFiles(t, root, tt.files)
			ctxDir := root
			if strings.HasPrefix(tt.dockerfile, "../") {
				ctxDir = filepath.Join(root, "ctx")
			}
			tarball, name, err := contextTar(engine.Request{ContextDir: ctxDir, Dockerfile: filepath.Join(ctxDir, tt.dockerfile)})
			if err != nil {
				t.Fatal(err)
			}
			defer tarball.Close()
			if !strings.HasPrefix(name, tt.wantDockerfile) {
				t.Errorf("dockerfile name = %q, want %q", name, tt.wantDockerfile)
			}
			files := readTar(t, tarball)
			var names []string
			for n := range files {
				if n == name && n != tt.dockerfile {
					n = "<generated>"
				}
				names = append(names, n)
			}
			slices.Sort(names)
			if diff := cmp.Diff(tt.wantFiles, names); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
			if got := files[name]; !strings.HasPrefix(got, "FROM") {
				t.Errorf("dockerfile content = %q", got)
			}
			if tt.wantIgnore != "" && !strings.HasPrefix(files[".dockerignore"], tt.wantIgnore) {
				t.Errorf(".dockerignore = %q, want it to start with %q", files[".dockerignore"], tt.wantIgnore)
			}
		})
	}
}

// readTar returns the entries of a tar stream: name to content.
func readTar(t *testing.T, r io.Reader) map[string]string {
	t.Helper()
	files := map[string]string{}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Uid != 0 || h.Gid != 0 {
			t.Errorf("%s is owned by %d:%d, want root", h.Name, h.Uid, h.Gid)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files[h.Name] = string(b)
	}
}
