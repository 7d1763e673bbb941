package docker

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/moby/moby/client"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// pinRepo is the repository of the references Pin makes. Its domain is
// reserved (RFC 2606) so that a missing pin is never pulled from anywhere.
const pinRepo = "dockyard-pin.invalid/image"

var _ engine.Pinner = (*Engine)(nil)

// pinCounts counts the builds using each pin reference.
type pinCounts struct {
	mu sync.Mutex
	n  map[string]int
}

// Pin tags the image id with a reference whose tag is the ID itself, so
// that it names that image and no other: the engine's BuildKit takes no
// image ID in FROM, and a pin cannot be taken over by another checkout's
// tag as a project reference can. The reference is removed when the last
// build using it releases it, unless it is all that names the image.
func (e *Engine) Pin(ctx context.Context, id string) (string, func(), error) {
	hex, ok := strings.CutPrefix(id, "sha256:")
	if !ok || len(hex) != 64 {
		return "", nil, fmt.Errorf("pinning %q: not an image ID", id)
	}
	ref := pinRepo + ":" + hex
	e.pins.mu.Lock()
	defer e.pins.mu.Unlock()
	if e.pins.n == nil {
		e.pins.n = map[string]int{}
	}
	if e.pins.n[ref] == 0 {
		if _, err := e.api.ImageTag(ctx, client.ImageTagOptions{Source: id, Target: ref}); err != nil {
			return "", nil, fmt.Errorf("tagging %s as %s: %w", id, ref, err)
		}
	}
	e.pins.n[ref]++
	return ref, func() { e.unpin(ref) }, nil
}

// unpin drops a build's use of a pin, and the reference after the last.
func (e *Engine) unpin(ref string) {
	e.pins.mu.Lock()
	defer e.pins.mu.Unlock()
	if e.pins.n[ref]--; e.pins.n[ref] > 0 {
		return
	}
	delete(e.pins.n, ref)
	ctx := context.Background()
	img, err := e.api.ImageInspect(ctx, ref)
	if err != nil || !slices.ContainsFunc(img.RepoTags, func(t string) bool { return t != ref }) {
		return
	}
	_, _ = e.api.ImageRemove(ctx, ref, client.ImageRemoveOptions{})
}
