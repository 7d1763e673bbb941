package docker

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/moby/moby/client"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/testenv"
)

func TestExportAndLoad(t *testing.T) {
	testenv.NeedDocker(t)
	e, err := New(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	base := baseImage(t, e)

	// Reading an image gives the engine's image: same ID, same layers.
	img, err := e.Image(t.Context(), base)
	if err != nil {
		t.Fatal(err)
	}
	id, err := img.ConfigName()
	if err != nil {
		t.Fatal(err)
	}
	info, err := e.api.ImageInspect(t.Context(), base)
	if err != nil {
		t.Fatal(err)
	}
	if id.String() != info.ID {
		t.Errorf("read image %s, the engine has %s", id, info.ID)
	}
	if layers, err := img.Layers(); err != nil || len(layers) != 2 {
		t.Errorf("%d layers, %v; want 2", len(layers), err)
	}

	// An image the engine does not have.
	if _, err := e.Image(t.Context(), uniqueName(t)+"-never-built"); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("missing image: %v, want ErrNotFound", err)
	}

	// Loading a changed image under a new name; it runs.
	layer, err := random.Layer(256, types.DockerLayer)
	if err != nil {
		t.Fatal(err)
	}
	changed, err := mutate.AppendLayers(img, layer)
	if err != nil {
		t.Fatal(err)
	}
	ref := uniqueName(t) + "-loaded:1"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		e.api.ImageRemove(ctx, ref, client.ImageRemoveOptions{Force: true})
	})
	if err := e.Load(t.Context(), ref, changed); err != nil {
		t.Fatal(err)
	}
	if out := run(t, ref, "echo", "loaded"); out != "loaded\n" {
		t.Errorf("the loaded image said %q", out)
	}
	if err := e.Load(t.Context(), "Not A Ref", changed); err == nil {
		t.Error("loading under a bad reference: no error")
	}
}
