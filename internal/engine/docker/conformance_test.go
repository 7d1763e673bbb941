package docker

import (
	"context"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/dockyard-build/dockyard/internal/engine/enginetest"
)

// TestConformance runs the engines' conformance suite through both of the
// engine's builders, then removes the images it built.
func TestConformance(t *testing.T) {
	forEachBuilder(t, func(t *testing.T, e *Engine) {
		s := enginetest.New(e)
		t.Cleanup(func() { removeLabeled(e, enginetest.Label+"="+s.RunID) })
		s.Run(t)
	})
}

// removeLabeled removes the engine's images that carry label (KEY or
// KEY=VALUE).
func removeLabeled(e *Engine, label string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := e.api.ImageList(ctx, client.ImageListOptions{All: true, Filters: client.Filters{}.Add("label", label)})
	if err != nil {
		return
	}
	for _, im := range res.Items {
		e.api.ImageRemove(ctx, im.ID, client.ImageRemoveOptions{Force: true, PruneChildren: true})
	}
}
