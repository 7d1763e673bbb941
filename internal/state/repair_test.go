package state

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// damages are ways state.db gets damaged: each writes over the database
// of a store that holds some records.
var damages = map[string]func(t *testing.T, path string){
	"garbage": func(t *testing.T, path string) {
		write(t, path, bytes.Repeat([]byte("not a database "), 3000))
	},
	"empty": func(t *testing.T, path string) { write(t, path, nil) },
	"truncated": func(t *testing.T, path string) {
		if err := os.Truncate(path, 6000); err != nil {
			t.Fatal(err)
		}
	},
	"folder": func(t *testing.T, path string) {
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(path, 0o755); err != nil {
			t.Fatal(err)
		}
	},
	// Pages after the two meta pages overwritten: the meta pages still
	// check out, the tree they point at does not.
	"pages": func(t *testing.T, path string) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		page := os.Getpagesize()
		for i := 2 * page; i < len(data); i++ {
			data[i] = byte(i*7 + 3)
		}
		write(t, path, data)
	},
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// filled returns a repository root whose state holds some records.
func filled(t *testing.T) string {
	root := t.TempDir()
	s := Open(root, "docker")
	for i := range 40 {
		name := fmt.Sprintf("image-%02d", i)
		if err := s.Put(record(name, "key-"+name, "src-"+name, strings.Repeat("f", 200))); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// TestRepair damages the database in each way and checks that Repair
// moves it aside, keeping it, and that the store then works from scratch.
func TestRepair(t *testing.T) {
	for name, damage := range damages {
		t.Run(name, func(t *testing.T) {
			root := filled(t)
			path := filepath.Join(root, File)
			damage(t, path)
			rep, err := Repair(root)
			if err != nil {
				t.Fatalf("Repair: %v", err)
			}
			if rep == nil || rep.From != File || !strings.HasPrefix(rep.To, File+".damaged-") || rep.Cause == nil {
				t.Fatalf("Repair = %+v, want the file moved aside with a cause", rep)
			}
			if _, err := os.Lstat(filepath.Join(root, rep.To)); err != nil {
				t.Errorf("the damaged file is not kept: %v", err)
			}
			s := Open(root, "docker")
			if err := s.Put(record("app", "k1", "s1", "f")); err != nil {
				t.Fatalf("Put after Repair: %v", err)
			}
			recs, err := s.Records()
			if err != nil || len(recs) != 1 {
				t.Errorf("Records after Repair = %d records, %v; want 1", len(recs), err)
			}
		})
	}
}

// TestRepairSound leaves a sound database and a missing one alone.
func TestRepairSound(t *testing.T) {
	root := filled(t)
	if rep, err := Repair(root); rep != nil || err != nil {
		t.Fatalf("Repair of a sound database = %+v, %v", rep, err)
	}
	if recs, err := Open(root, "docker").Records(); err != nil || len(recs) != 40 {
		t.Errorf("after Repair: %d records, %v; want 40", len(recs), err)
	}
	if rep, err := Repair(t.TempDir()); rep != nil || err != nil {
		t.Errorf("Repair without a database = %+v, %v", rep, err)
	}
}

// TestRepairKeepsEarlierAside moves a second damaged database aside
// without overwriting the first one moved aside.
func TestRepairKeepsEarlierAside(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, File)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i := range 3 {
		write(t, path, []byte(fmt.Sprintf("damaged %d", i)))
		rep, err := Repair(root)
		if err != nil || rep == nil {
			t.Fatalf("Repair = %+v, %v", rep, err)
		}
		if seen[rep.To] {
			t.Fatalf("moved aside twice to %s", rep.To)
		}
		seen[rep.To] = true
		if data, _ := os.ReadFile(filepath.Join(root, rep.To)); string(data) != fmt.Sprintf("damaged %d", i) {
			t.Errorf("%s holds %q", rep.To, data)
		}
	}
}
