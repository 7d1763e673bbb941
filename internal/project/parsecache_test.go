package project

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dockyard-build/dockyard/internal/layout"
)

// TestParseCache checks that a second load takes its parses from the
// cache, and that the cache never serves a Dockerfile, an arg or a binary
// it was not made for.
func TestParseCache(t *testing.T) {
	dir := repo(t, map[string]string{
		"dockyard.yaml":                        "version: 1\nargs:\n  BASE: base-image\n",
		"src/base/build/base-image.dockerfile": "FROM scratch\n",
		"src/app/build/app.dockerfile":         "ARG BASE=busybox\nFROM ${BASE}\n",
	})
	cachePath := filepath.Join(dir, filepath.FromSlash(layout.ParseCache))
	os.MkdirAll(filepath.Dir(cachePath), 0o755)
	loadSaved := func() *Project {
		t.Helper()
		p, err := load(t, dir, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := p.SaveParses(); err != nil {
			t.Fatal(err)
		}
		return p
	}
	parentOf := func(p *Project) string {
		im := p.Image("app")
		if len(im.Parents) > 0 {
			return im.Parents[0].Name
		}
		return "base:" + im.Bases[0]
	}
	if got := parentOf(loadSaved()); got != "base-image" {
		t.Fatalf("first load: app's parent %s, want base-image", got)
	}
	c := openParseCache(dir)
	if len(c.old) != 2 {
		t.Fatalf("the cache holds %d parses, want 2", len(c.old))
	}

	// A hit: the cached parse of app, made to say something else, is what
	// the next load sees.
	for _, f := range c.old {
		if f.Stages[0].BaseRaw == "${BASE}" {
			f.Stages[0].Base = "base-image-from-cache"
		}
	}
	c.used, c.changed = c.old, true
	if err := c.save(); err != nil {
		t.Fatal(err)
	}
	p, err := load(t, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := parentOf(p); got != "base:base-image-from-cache" {
		t.Fatalf("with the cache: app's parent %s, want the cached base-image-from-cache", got)
	}

	// Another arg value or another content is another key.
	write(t, dir, "dockyard.yaml", "version: 1\nargs:\n  BASE: other\n")
	if got := parentOf(loadSaved()); got != "base:other" {
		t.Fatalf("after the arg changed: app's parent %s, want base:other", got)
	}
	write(t, dir, "src/app/build/app.dockerfile", "FROM base-image\n")
	if got := parentOf(loadSaved()); got != "base-image" {
		t.Fatalf("after the Dockerfile changed: app's parent %s, want base-image", got)
	}
	if c := openParseCache(dir); len(c.old) != 2 {
		t.Fatalf("the cache holds %d parses, want this run's 2", len(c.old))
	}

	// A cache of another binary, or a damaged one, is not used.
	c = openParseCache(dir)
	c.binary, c.used, c.changed = "another build", c.old, true
	if err := c.save(); err != nil {
		t.Fatal(err)
	}
	if c := openParseCache(dir); len(c.old) != 0 {
		t.Errorf("another binary's cache served %d parses", len(c.old))
	}
	if err := os.WriteFile(cachePath, []byte("not a cache"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := parentOf(loadSaved()); got != "base-image" {
		t.Fatalf("with a damaged cache: app's parent %s, want base-image", got)
	}
	if c := openParseCache(dir); len(c.old) != 2 {
		t.Errorf("the damaged cache was not replaced: %d parses", len(c.old))
	}
}

func write(t *testing.T, dir, rel, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(rel)), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
