package dockerfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds the Dockerfile reader anything: it must never panic, its
// errors are *Error in the file it was given, and a Dockerfile it accepts
// has stages that each start from something. The seeds are the bundled
// examples' Dockerfiles and testdata/fuzz/FuzzParse; go test runs them,
// go test -fuzz=FuzzParse explores from them.
func FuzzParse(f *testing.F) {
	var seeds []string
	for _, pattern := range []string{"*/src/*/build/*.dockerfile", "*/docker/*/Dockerfile", "*/docker/*/*/Dockerfile"} {
		found, _ := filepath.Glob(filepath.Join("../../examples", pattern))
		seeds = append(seeds, found...)
	}
	if len(seeds) == 0 {
		f.Fatal("no example Dockerfiles to seed from")
	}
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "")
	}
	f.Fuzz(func(t *testing.T, data []byte, target string) {
		file, err := Parse("Dockerfile", data, map[string]string{"TAG": "1", "TARGETARCH": "amd64"}, target)
		ArgLine(data, "TAG")
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.File != "Dockerfile" || e.Msg == "" {
				t.Fatalf("error %q (%T) is not an *Error of Dockerfile with a message", err, err)
			}
			return
		}
		if len(file.Stages) == 0 || file.Args == nil {
			t.Fatalf("accepted with %d stages, args %v", len(file.Stages), file.Args)
		}
		for _, s := range file.Stages {
			if s.Base == "" {
				t.Fatalf("stage %d at line %d has no base", s.Index, s.Line)
			}
		}
	})
}
