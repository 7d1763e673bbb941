package buildcontext

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tonistiigi/fsutil"
	fstypes "github.com/tonistiigi/fsutil/types"

	"github.com/dockyard-build/dockyard/internal/testenv"
)

// walk lists what fsys serves, failing the test on a file not owned by
// root.
func walk(t *testing.T, fsys fsutil.FS) []string {
	t.Helper()
	var got []string
	err := fsys.Walk(t.Context(), "", func(path string, entry fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := entry.Info()
		if err != nil {
			return err
		}
		if st := fi.Sys().(*fstypes.Stat); st.Uid != 0 || st.Gid != 0 {
			t.Errorf("%s is owned by %d:%d, want root", path, st.Uid, st.Gid)
		}
		got = append(got, filepath.ToSlash(path))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		wantFile string // relative to the root; "" for none
		want     []string
	}{{
		name:  "no ignore file",
		files: map[string]string{"a.txt": "a", ".git/HEAD": "h", "sub/.dockyard/x": "x"},
		want:  []string{"Dockerfile", "a.txt", "sub"},
	}, {
		name:     "context's .dockerignore",
		files:    map[string]string{".dockerignore": "*.txt\n!keep.txt\n**/*.tmp\n", "a.txt": "a", "keep.txt": "k", "sub/b.txt": "b", "sub/c.tmp": "c"},
		wantFile: ".dockerignore",
		want:     []string{".dockerignore", "Dockerfile", "keep.txt", "sub", "sub/b.txt"},
	}, {
		name:     "the Dockerfile's own ignore file first",
		files:    map[string]string{".dockerignore": "a.txt\n", "Dockerfile.dockerignore": "*\n!a.txt\n", "a.txt": "a", "keep.txt": "k"},
		wantFile: "Dockerfile.dockerignore",
		want:     []string{"a.txt"},
	}, {
		name:     "an exception does not bring git's folder back",
		files:    map[string]string{".dockerignore": "!.git\n", ".git/HEAD": "h"},
		wantFile: ".dockerignore",
		want:     []string{".dockerignore", "Dockerfile"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.files["Dockerfile"] = "FROM x"
			root := testenv.WriteFiles(t, tt.files)
			r, err := Load(root, filepath.Join(root, "Dockerfile"))
			if err != nil {
				t.Fatal(err)
			}
			wantFile := ""
			if tt.wantFile != "" {
				wantFile = filepath.Join(root, tt.wantFile)
			}
			if r.File != wantFile {
				t.Errorf("File = %q, want %q", r.File, wantFile)
			}
			fsys, err := r.FS(root)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, walk(t, fsys)); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
			// The key's walk keeps the same, with the system's lstat.
			var walked []string
			err = r.Walk(root, func(rel string, fi fs.FileInfo) error {
				if _, ok := fi.Sys().(*syscall.Stat_t); !ok || fi.Name() != filepath.Base(rel) {
					t.Errorf("%s: stat %v, want the system's", rel, fi)
				}
				walked = append(walked, rel)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, walked); diff != "" {
				t.Errorf("Walk (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadBadPattern(t *testing.T) {
	root := testenv.WriteFiles(t, map[string]string{"x.dockerfile.dockerignore": "a[\n"})
	_, err := Load(root, filepath.Join(root, "x.dockerfile"))
	if err == nil || !strings.Contains(err.Error(), "x.dockerfile.dockerignore") {
		t.Errorf("err = %v, want one naming the ignore file", err)
	}
}

func TestLocals(t *testing.T) {
	root := testenv.WriteFiles(t, map[string]string{
		"src/c/.dockerignore":      "secret.txt\nbuild\n",
		"src/c/keep.txt":           "k",
		"src/c/secret.txt":         "s",
		"src/c/build/x.dockerfile": "FROM x",
	})
	ctxDir := filepath.Join(root, "src", "c")
	// Owned by someone else, if the test may give files away.
	_ = os.Chown(filepath.Join(ctxDir, "keep.txt"), 1000, 1000)
	dockerfile := filepath.Join(ctxDir, "build", "x.dockerfile")
	r, err := Load(ctxDir, dockerfile)
	if err != nil {
		t.Fatal(err)
	}
	dirs, filter, err := r.Locals(ctxDir, dockerfile)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		dir      string
		excludes []string // the frontend's
		want     []string
	}{
		{"context", LocalContext, nil, []string{".dockerignore", "keep.txt"}},
		{"the frontend's excludes are dropped", LocalContext, []string{"keep.txt"}, []string{".dockerignore", "keep.txt"}},
		{"dockerfile directory", LocalDockerfile, nil, []string{"x.dockerfile"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := &fsutil.FilterOpt{ExcludePatterns: tt.excludes}
			if err := filter(tt.dir, opt); err != nil {
				t.Fatal(err)
			}
			dir, err := fsutil.NewFilterFS(dirs[tt.dir], opt)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, walk(t, dir)); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLiteral(t *testing.T) {
	root := testenv.WriteFiles(t, map[string]string{
		".dockerignore":  "docs\n!**/README.md\n*.log\n",
		"docs/README.md": "kept by a wildcard exception",
		"docs/guide.txt": "dropped",
		"docs/img/a.png": "dropped",
		"a.log":          "dropped",
		"[x]*.log":       "dropped, with pattern characters in its name",
		"keep.txt":       "kept",
		"logs/b.log":     "kept: *.log is for the top only",
		".git/HEAD":      "dropped",
	})
	r, err := Load(root, "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Literal(root)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{".git", `\[x\]\*.log`, "a.log", "docs/guide.txt", "docs/img", "**/.git", "**/.dockyard"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Literal (-want +got):\n%s", diff)
	}
	// The literal patterns keep what the rules keep.
	lit, err := newRules("", got)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := r.FS(root)
	b, _ := lit.FS(root)
	if diff := cmp.Diff(walk(t, a), walk(t, b)); diff != "" {
		t.Errorf("literal rules keep other files (-rules +literal):\n%s", diff)
	}
}

// TestRulesPerGoroutine checks, under -race, that rules loaded by
// goroutines at once share nothing, also when no ignore file applies.
func TestRulesPerGoroutine(t *testing.T) {
	root := t.TempDir()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			r, err := Load(root, "")
			if err == nil {
				_, err = r.Excluded("a/.git/HEAD")
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}
