package workspace

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// crash leaves w as a process that died would: nothing removed, the
// journal on disk, the lock released (by closing its file, as the system
// does).
func (w *Workspace) crash() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	w.j.close()
	w.lock.Close()
	w.root.Close()
}

// writeFiles creates files (path -> content) under root.
func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		name := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// treeHash hashes a tree's paths, kinds, modes, contents and link targets,
// ignoring .dockyard.
func treeHash(t *testing.T, root string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.Name() == stateDir && d.IsDir() {
			return filepath.SkipDir
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %v\n", filepath.ToSlash(rel), info.Mode())
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			fmt.Fprintf(h, "-> %s\n", target)
			return err
		case d.Type().IsRegular():
			b, err := os.ReadFile(p)
			h.Write(b)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// listTree lists a tree's paths, sorted, without .dockyard.
func listTree(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, p)
		if d.Name() == stateDir {
			return filepath.SkipDir
		}
		if rel != "." {
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

func open(t *testing.T, root string) *Workspace {
	t.Helper()
	w, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func TestCloseRemovesExactlyWhatItMade(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"src/lib/lib.go":        "package lib",
		"src/web/Dockerfile":    "FROM lib",
		"src/web/notes.txt":     "mine",
		"src/web/vendor/x.txt":  "mine too",
		"src/web/build/pre.sh":  "mkdir generated",
		"src/web/build/list.md": "copy-list",
	})
	before := listTree(t, root)
	hash := treeHash(t, root)
	w := open(t, root)
	if err := w.CopyDir("src/lib", "src/web/dependency/lib"); err != nil {
		t.Fatal(err)
	}
	if err := w.Copy("src/web/build/list.md", "src/web/vendor/list.md"); err != nil {
		t.Fatal(err)
	}
	if err := w.Claim("src/web/generated"); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, root, map[string]string{"src/web/generated/out.bin": "made by the hook"})
	tmp, err := w.TempDir("ctx-")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tmp, filepath.Join(root, ".dockyard", "tmp")) {
		t.Errorf("TempDir = %s, want it under .dockyard/tmp", tmp)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, listTree(t, root)); diff != "" {
		t.Errorf("tree after Close (-before +after):\n%s", diff)
	}
	if got := treeHash(t, root); got != hash {
		t.Error("Close changed the user's files")
	}
	for _, p := range []string{".dockyard/journal", ".dockyard/tmp"} {
		if _, err := os.Lstat(filepath.Join(root, p)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s still exists after Close: %v", p, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func mustLstat(t *testing.T, root, p string) fs.FileInfo {
	t.Helper()
	fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(p)))
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

func TestConcurrentComponents(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"src/base/a.txt": "a", "src/base/sub/b.txt": "b"})
	before := listTree(t, root)
	w := open(t, root)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 8 {
		wg.Go(func() {
			c := fmt.Sprintf("src/c%d", i)
			for _, dep := range []string{"base", "again"} {
				if err := w.CopyDir("src/base", c+"/dependency/"+dep); err != nil {
					errs <- err
				}
			}
			if err := w.Claim(c + "/generated"); err != nil {
				errs <- err
			}
			if _, err := w.TempDir("t"); err != nil {
				errs <- err
			}
			if err := w.Release(c + "/dependency/again"); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, listTree(t, root)); diff != "" {
		t.Errorf("tree after Close (-before +after):\n%s", diff)
	}
}
