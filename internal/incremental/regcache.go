package incremental

import (
	"context"
	"fmt"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/publish"
)

// CacheTagPrefix starts the tags of the registry cache.
const CacheTagPrefix = "dockyard-"

// RegistryCache keeps built images in a registry under tags derived from
// their input keys, so that a run on another machine pulls an image instead
// of building it (cache: registry).
type RegistryCache struct {
	Registry config.Registry
	Keychain *publish.Keychain
	Pusher   *publish.Pusher
}

// Ref is where an image of an input key is kept:
// [domain/]namespace/name:dockyard-<the key's first 32 hex digits>.
func (c *RegistryCache) Ref(image, key string) string {
	return c.Registry.Ref(image, CacheTagPrefix+key[:32])
}

// Pull loads the image kept for an input key into the engine under ref
// and returns its ID; "" when the registry has no image of that key, or
// the engine cannot load images.
func (c *RegistryCache) Pull(ctx context.Context, eng engine.Engine, image, key, ref string) (string, error) {
	loader, ok := eng.(engine.Loader)
	if !ok {
		return "", nil
	}
	cached := c.Ref(image, key)
	img, found, err := publish.Fetch(ctx, cached, c.Keychain)
	if err != nil || !found {
		return "", err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", cached, err)
	}
	// The tag holds part of the key; the label holds all of it.
	if cfg.Config.Labels[engine.LabelInputKey] != key {
		return "", nil
	}
	id, err := img.ConfigName()
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", cached, err)
	}
	if err := loader.Load(ctx, ref, img); err != nil {
		return "", err
	}
	return id.String(), nil
}

// Has reports whether the registry keeps an image for an input key. A
// registry that does not answer has none.
func (c *RegistryCache) Has(ctx context.Context, image, key string) (bool, error) {
	return publish.Has(ctx, c.Ref(image, key), c.Keychain), nil
}

// Push keeps the engine's image id, built for image, in the registry for
// its input key.
func (c *RegistryCache) Push(ctx context.Context, eng engine.Engine, image, key, id string) error {
	exporter, ok := eng.(engine.Exporter)
	if !ok {
		return fmt.Errorf("the %s engine cannot export images", eng.Name())
	}
	img, err := exporter.Image(ctx, id)
	if err != nil {
		return err
	}
	_, err = c.Pusher.Push(ctx, img, []string{c.Ref(image, key)})
	return err
}
