package inputs

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// writeTree writes files (slash path -> content) under root; a content
// starting with "->" makes a symlink to the rest.
func writeTree(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		if target, ok := strings.CutPrefix(content, "->"); ok {
			err = os.Symlink(target, p)
		} else {
			err = os.WriteFile(p, []byte(content), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

var tree = map[string]string{
	"ctx/.dockerignore":      "*.log\n!keep.log\nignored/\n",
	"ctx/a.txt":              "a",
	"ctx/sub/b.txt":          "b",
	"ctx/link":               "->sub/b.txt",
	"ctx/debug.log":          "noise",
	"ctx/keep.log":           "kept",
	"ctx/ignored/big.bin":    "never read",
	"ctx/.git/HEAD":          "ref: refs/heads/main",
	"ctx/build/x.dockerfile": "FROM scratch",
	"lib/lib.txt":            "lib",
	"lib/.git/HEAD":          "ref",
}

func digestOf(t *testing.T, s *Scanner, overlays ...Overlay) string {
	t.Helper()
	m, err := s.Manifest("ctx", "", overlays)
	if err != nil {
		t.Fatal(err)
	}
	return m.Digest()
}

// TestManifestChanges checks that every change of a kept file changes
// the manifest, and that nothing else does.
func TestManifestChanges(t *testing.T) {
	tests := []struct {
		name    string
		change  func(t *testing.T, root string)
		changes bool
	}{
		{"content", write("ctx/a.txt", "A"), true},
		{"nested content", write("ctx/sub/b.txt", "B"), true},
		{"new file", write("ctx/new.txt", ""), true},
		{"removed file", remove("ctx/a.txt"), true},
		{"renamed file", rename("ctx/a.txt", "ctx/a2.txt"), true},
		{"mode", chmod("ctx/a.txt", 0o755), true},
		{"new empty folder", mkdir("ctx/empty"), true},
		{"symlink target", relink("ctx/link", "a.txt"), true},
		{"kept by an exception", write("ctx/keep.log", "changed"), true},
		{".dockerignore", write("ctx/.dockerignore", "*.log\n"), true},
		{"Dockerfile in the context", write("ctx/build/x.dockerfile", "FROM busybox"), true},
		{"ignored file", write("ctx/debug.log", "more noise"), false},
		{"ignored folder", write("ctx/ignored/big.bin", "still never read"), false},
		{"new ignored file", write("ctx/other.log", "x"), false},
		{"git folder", write("ctx/.git/HEAD", "ref: refs/heads/other"), false},
		{"timestamps", touch("ctx/a.txt", "ctx/sub", "ctx/sub/b.txt"), false},
		{"same content rewritten", write("ctx/a.txt", "a"), false},
		{"outside the context", write("lib/lib.txt", "LIB"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writeTree(t, root, tree)
			before := digestOf(t, NewScanner(root))
			tt.change(t, root)
			after := digestOf(t, NewScanner(root))
			if (before != after) != tt.changes {
				t.Errorf("manifest changed: %v, want %v", before != after, tt.changes)
			}
		})
	}
}

func write(rel, content string) func(*testing.T, string) {
	return func(t *testing.T, root string) {
		if err := os.WriteFile(filepath.Join(root, rel), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func remove(rel string) func(*testing.T, string) {
	return func(t *testing.T, root string) {
		if err := os.Remove(filepath.Join(root, rel)); err != nil {
			t.Fatal(err)
		}
	}
}

func rename(from, to string) func(*testing.T, string) {
	return func(t *testing.T, root string) {
		if err := os.Rename(filepath.Join(root, from), filepath.Join(root, to)); err != nil {
			t.Fatal(err)
		}
	}
}

func chmod(rel string, mode os.FileMode) func(*testing.T, string) {
	return func(t *testing.T, root string) {
		if err := os.Chmod(filepath.Join(root, rel), mode); err != nil {
			t.Fatal(err)
		}
	}
}

func mkdir(rel string) func(*testing.T, string) {
	return func(t *testing.T, root string) {
		if err := os.Mkdir(filepath.Join(root, rel), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func relink(rel, target string) func(*testing.T, string) {
	return func(t *testing.T, root string) {
		remove(rel)(t, root)
		if err := os.Symlink(target, filepath.Join(root, rel)); err != nil {
			t.Fatal(err)
		}
	}
}

func touch(rels ...string) func(*testing.T, string) {
	return func(t *testing.T, root string) {
		later := time.Now().Add(time.Hour)
		for _, rel := range rels {
			if err := os.Chtimes(filepath.Join(root, rel), later, later); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestManifestOrder checks that the order files were made in does not
// matter.
func TestManifestOrder(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	names := []string{"ctx/z", "ctx/a", "ctx/m/x", "ctx/m/b", "ctx/0"}
	for i := range names {
		writeTree(t, a, map[string]string{names[i]: names[i]})
		writeTree(t, b, map[string]string{names[len(names)-1-i]: names[len(names)-1-i]})
	}
	if digestOf(t, NewScanner(a)) != digestOf(t, NewScanner(b)) {
		t.Errorf("the same files made in another order give another manifest")
	}
}

// TestOverlays checks copies laid over a context: they count, under their
// destination, with .dockerignore applied to them and .git left out.
func TestOverlays(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, tree)
	writeTree(t, root, map[string]string{"lib/sub/c.txt": "c", "lib/skip/d.txt": "d"})
	write("ctx/.dockerignore", "dependency/*/skip\n")(t, root)
	s := NewScanner(root)
	m, err := s.Manifest("ctx", "", []Overlay{{Src: "lib", Dst: "dependency/lib"}, {Src: "missing", Dst: "dependency/missing"}})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range m {
		if strings.HasPrefix(e.Path, "dependency") {
			paths = append(paths, e.Path)
		}
	}
	want := "dependency dependency/lib dependency/lib/lib.txt dependency/lib/sub dependency/lib/sub/c.txt"
	if got := strings.Join(paths, " "); got != want {
		t.Errorf("overlay paths = %s\nwant %s", got, want)
	}
	before := m.Digest()
	write("lib/lib.txt", "LIB")(t, root)
	if digestOf(t, s, Overlay{Src: "lib", Dst: "dependency/lib"}) == before {
		t.Errorf("a change in an overlay's source did not change the manifest")
	}
}

// TestStatCache checks that an unchanged file is not read again, that a
// changed stat makes it read, that a file changed just now is not
// remembered, and that files .dockerignore drops are never read.
func TestStatCache(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, tree)
	s := NewScanner(root)
	s.now = func() time.Time { return time.Now().Add(time.Minute) }
	digestOf(t, s)
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.cache.entries["ctx/ignored/big.bin"]; ok {
		t.Errorf("an ignored file was hashed")
	}
	if _, ok := s.cache.entries["ctx/debug.log"]; ok {
		t.Errorf("an ignored file was hashed")
	}

	// A fresh scanner finds the cache; a forged digest shows it is used.
	s2 := NewScanner(root)
	s2.cache.once.Do(s2.cache.load)
	e := s2.cache.entries["ctx/a.txt"]
	if e == nil {
		t.Fatalf("ctx/a.txt is not in the saved stat cache")
	}
	e.Digest = "forged"
	m, err := s2.Manifest("ctx", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := find(m, "a.txt").Digest; got != "forged" {
		t.Errorf("an unchanged file was read again (digest %s)", got)
	}
	touch("ctx/a.txt")(t, root)
	m, _ = s2.Manifest("ctx", "", nil)
	if got := find(m, "a.txt").Digest; got == "forged" {
		t.Errorf("a file with a new stat was not read again")
	}

	// Racy: a file changed within the racy window is not remembered.
	s3 := NewScanner(root)
	write("ctx/a.txt", "now")(t, root)
	digestOf(t, s3)
	if e := s3.cache.entries["ctx/a.txt"]; e != nil && e.Digest == find(mustManifest(t, s3), "a.txt").Digest {
		t.Errorf("a file changed just now was remembered")
	}
}

func mustManifest(t *testing.T, s *Scanner) Manifest {
	t.Helper()
	m, err := s.Manifest("ctx", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func find(m Manifest, path string) Entry {
	for _, e := range m {
		if e.Path == path {
			return e
		}
	}
	return Entry{}
}

// TestManifestOwnIgnoreFile checks that the Dockerfile's own ignore file
// replaces the context's .dockerignore, in the manifest and in Touches.
func TestManifestOwnIgnoreFile(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, tree)
	writeTree(t, root, map[string]string{"ctx/build/x.dockerfile.dockerignore": "*\n!sub\n!*.log\n"})
	s := NewScanner(root)
	src := Source{Context: "ctx", Dockerfile: "ctx/build/x.dockerfile"}
	m, err := s.Manifest(src.Context, src.Dockerfile, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range m {
		got = append(got, e.Path)
	}
	if want := []string{"debug.log", "keep.log", "sub", "sub/b.txt"}; !slices.Equal(got, want) {
		t.Errorf("manifest lists %v, want %v", got, want)
	}
	for file, want := range map[string]bool{
		"ctx/build/x.dockerfile.dockerignore": true,
		"ctx/.dockerignore":                   true,
		"ctx/sub/b.txt":                       true,
		"ctx/debug.log":                       true,
		"ctx/a.txt":                           false,
		"ctx/ignored/big.bin":                 false,
	} {
		if got, err := s.Touches(src, file); err != nil || got != want {
			t.Errorf("Touches(%s) = %v, %v; want %v", file, got, err, want)
		}
	}
}
