package enginetest

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// testStoreAccess checks what the engine offers beyond builds, when it
// offers it: listing, inspecting, tagging, and loading an exported image.
func testStoreAccess(t *testing.T, s *Suite) {
	dir := t.TempDir()
	WriteFiles(t, dir, map[string]string{"Dockerfile": "FROM " + s.Base + "\nRUN echo one > /one\n"})
	name, other, loaded := s.Name(t, "image"), s.Name(t, "other"), s.Name(t, "loaded")
	res := s.MustBuild(t, engine.Request{
		Image: "listed", Dockerfile: filepath.Join(dir, "Dockerfile"), Tags: []string{name},
		Labels: map[string]string{"dev.dockyard.image": name, engine.LabelRepository: name},
	})
	ctx := t.Context()
	if l, ok := s.Engine.(engine.Lister); ok {
		images, err := l.List(ctx, engine.LabelRepository+"="+name)
		if err != nil {
			t.Fatal(err)
		}
		if len(images) != 1 {
			t.Errorf("List of the checkout %s has %d images, want 1 (%s)", name, len(images), res.ID)
		}
		others, err := l.List(ctx, engine.LabelRepository+"="+name+"-other")
		if err != nil || slices.ContainsFunc(others, func(im engine.ImageInfo) bool { return im.ID == res.ID }) {
			t.Errorf("List of another checkout = %v, %v; want it without %s", others, err, res.ID)
		}
		i := slices.IndexFunc(images, func(im engine.ImageInfo) bool { return im.ID == res.ID })
		switch {
		case i < 0:
			t.Errorf("List does not have %s (%s)", name, res.ID)
		case !slices.Contains(images[i].Refs, name+":latest") || images[i].Size <= 0 || images[i].Created.IsZero() ||
			images[i].Labels["dev.dockyard.image"] != name:
			t.Errorf("List has %+v, want refs with %s:latest, a size, a creation time and the label", images[i], name)
		}
	}
	in, canInspect := s.Engine.(engine.Inspector)
	if canInspect {
		info, ok, err := in.Inspect(ctx, name)
		if err != nil || !ok || info.ID != res.ID {
			t.Errorf("Inspect(%s) = %+v, %t, %v; want ID %s", name, info, ok, err, res.ID)
		}
		if _, ok, err := in.Inspect(ctx, s.Name(t, "missing")); ok || err != nil {
			t.Errorf("Inspect of a missing image = %t, %v; want false, nil", ok, err)
		}
	}
	if tg, ok := s.Engine.(engine.Tagger); ok {
		if err := tg.Tag(ctx, res.ID, []string{other}); err != nil {
			t.Fatal(err)
		}
		if d := Inspect(t, s.Engine, other).Digest; d != res.ID {
			t.Errorf("after Tag, %s is %s, want %s", other, d, res.ID)
		}
	}
	if ld, ok := s.Engine.(engine.Loader); ok {
		img, err := exporter(t, s.Engine).Image(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if err := ld.Load(ctx, loaded, img); err != nil {
			t.Fatal(err)
		}
		im := Inspect(t, s.Engine, loaded)
		if im.Digest != res.ID || im.Content(t, "/one") != "one\n" {
			t.Errorf("the loaded image is %s with /one %q, want %s with \"one\\n\"", im.Digest, im.Content(t, "/one"), res.ID)
		}
	}
}
