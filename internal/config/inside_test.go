package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInside resolves paths through chains of symlinks, relative and
// absolute, existing or not, with one Paths, so that remembered folders
// are used too.
func TestInside(t *testing.T) {
	out := t.TempDir()
	root := writeFiles(t, map[string]string{"real/ctx/file": "x", "docs/a": "a"})
	for name, target := range map[string]string{
		"ctx":         "real/ctx",                  // inside, relative
		"abs":         filepath.Join(root, "docs"), // inside, absolute
		"chain1":      "chain2",
		"chain2":      out, // out, through a chain
		"dangling":    filepath.Join(out, "not-yet"),
		"real/up":     "../docs", // inside, up a folder
		"real/escape": "../../" + filepath.Base(out),
		"loop":        "loop",
	} {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	ps, err := NewPaths(root)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ rel, want string }{
		{"ctx/file", ""},
		{"ctx/missing/deeper", ""},
		{"abs/a", ""},
		{"real/up/a", ""},
		{"not/there/at/all", ""},
		{"chain1/x", `path "chain1/x" leads out of the repository through a symlink, to ` + filepath.Join(out, "x")},
		{"chain1", `path "chain1" leads out`},
		{"dangling/Dockerfile", `path "dangling/Dockerfile" leads out`},
		{"loop/x", "resolving loop/x: "},
		{"../x", `path "../x" escapes the repository`},
		{"/etc", `path "/etc" escapes the repository`},
	}
	for _, tt := range tests {
		for range 2 { // again, from what Paths remembers
			err := ps.Inside(tt.rel)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)) {
				t.Errorf("Inside(%q) = %v, want %q", tt.rel, err, tt.want)
			}
		}
	}
	if err := ps.Inside("real/escape/x"); err == nil {
		t.Errorf("Inside(real/escape/x) = nil, want out of the repository")
	}
}
