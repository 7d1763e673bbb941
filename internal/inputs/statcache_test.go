package inputs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// saved returns a repository root whose stat cache holds the digests of
// the context of tree, as a scanner a minute later saves it.
func saved(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	writeTree(t, root, tree)
	s := NewScanner(root)
	s.now = func() time.Time { return time.Now().Add(time.Minute) }
	digestOf(t, s)
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, StatCacheFile)); err != nil {
		t.Fatal(err)
	}
	return root
}

// TestRepairStatCache puts damage in the stat cache's place and checks
// that RepairStatCache moves it aside, keeping it, and that a scanner then
// hashes and saves as on a fresh repository.
func TestRepairStatCache(t *testing.T) {
	damages := map[string]func(path string) error{
		"folder": func(path string) error {
			if err := os.Remove(path); err != nil {
				return err
			}
			return os.MkdirAll(filepath.Join(path, "sub"), 0o755)
		},
		"garbage": func(path string) error { return os.WriteFile(path, []byte("no gob here"), 0o644) },
		"truncated": func(path string) error {
			fi, err := os.Stat(path)
			if err != nil {
				return err
			}
			return os.Truncate(path, fi.Size()/2)
		},
	}
	for name, damage := range damages {
		t.Run(name, func(t *testing.T) {
			root := saved(t)
			want := digestOf(t, NewScanner(root))
			if err := damage(filepath.Join(root, StatCacheFile)); err != nil {
				t.Fatal(err)
			}
			moved, err := RepairStatCache(root)
			if err != nil {
				t.Fatalf("RepairStatCache: %v", err)
			}
			if moved == nil || moved.From != StatCacheFile || !strings.HasPrefix(moved.To, StatCacheFile+".damaged-") {
				t.Fatalf("RepairStatCache = %+v, want the cache moved aside", moved)
			}
			if _, err := os.Lstat(filepath.Join(root, moved.To)); err != nil {
				t.Errorf("the damaged cache is not kept: %v", err)
			}
			s := NewScanner(root)
			if got := digestOf(t, s); got != want {
				t.Errorf("digest after repair = %s, want %s", got, want)
			}
			if err := s.Save(); err != nil {
				t.Errorf("Save after repair: %v", err)
			}
		})
	}
}

// TestRepairStatCacheSound leaves a sound cache and a missing one alone.
func TestRepairStatCacheSound(t *testing.T) {
	root := saved(t)
	if moved, err := RepairStatCache(root); moved != nil || err != nil {
		t.Errorf("RepairStatCache of a sound cache = %+v, %v", moved, err)
	}
	if moved, err := RepairStatCache(t.TempDir()); moved != nil || err != nil {
		t.Errorf("RepairStatCache without a cache = %+v, %v", moved, err)
	}
}
