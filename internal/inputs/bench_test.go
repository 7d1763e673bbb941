package inputs

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkManifest lists and hashes a context of 10,000 files in 100
// folders with a warm stat cache, as a no-op build or a plan does.
func BenchmarkManifest(b *testing.B) {
	root := b.TempDir()
	files := map[string]string{"ctx/.dockerignore": "**/*.log\n!keep.log\n"}
	for i := range 10_000 {
		files[fmt.Sprintf("ctx/d%02d/f%04d.txt", i/100, i)] = fmt.Sprint(i)
	}
	writeTree(b, root, files)
	s := NewScanner(root)
	// The files are new: a scanner of an hour later remembers them.
	s.now = func() time.Time { return time.Now().Add(time.Hour) }
	if _, err := s.Manifest("ctx", "", nil); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Manifest("ctx", "", nil); err != nil {
			b.Fatal(err)
		}
	}
}
