package cachefile

import (
	"encoding/gob"
	"os"
	"path/filepath"
	"testing"
)

// TestSaveReplacesWhole checks that Save replaces the file with the new
// value and leaves no temporary file behind, also when encoding fails.
func TestSaveReplacesWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cache")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Save(path, map[string]int{"a": 1}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got map[string]int
	if err := gob.NewDecoder(f).Decode(&got); err != nil || got["a"] != 1 {
		t.Errorf("read back %v, %v; want a=1", got, err)
	}
	if err := Save(path, func() {}); err == nil {
		t.Error("saving a func, which gob cannot encode, succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the folder holds %d files, want only the cache", len(entries))
	}
}
