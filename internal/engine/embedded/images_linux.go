package embedded

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/containers/common/libimage"
	"github.com/containers/storage"

	"github.com/dockyard-build/dockyard/internal/engine"
)

var (
	_ engine.Lister    = (*Engine)(nil)
	_ engine.Inspector = (*Engine)(nil)
	_ engine.Tagger    = (*Engine)(nil)
)

// runtime is libimage's view of the store: names, lookups, labels.
func (e *Engine) runtime() (*libimage.Runtime, error) {
	rt, err := libimage.RuntimeFromStore(e.store, &libimage.RuntimeOptions{SystemContext: e.sys})
	if err != nil {
		return nil, fmt.Errorf("reading the image store: %w", err)
	}
	return rt, nil
}

// lookup finds ref in the store as buildah's FROM would: a short name means
// localhost/NAME, a name without a tag means :latest; an ID or a prefix of
// one also works. It reports false when the store has no such image.
func (e *Engine) lookup(ref string) (*libimage.Image, bool, error) {
	rt, err := e.runtime()
	if err != nil {
		return nil, false, err
	}
	img, _, err := rt.LookupImage(strings.TrimPrefix(ref, "sha256:"), nil)
	switch {
	case errors.Is(err, storage.ErrImageUnknown):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("looking up %s: %w", ref, err)
	}
	return img, true, nil
}

// List lists the images dockyard built: those with the dev.dockyard.image
// label, except intermediate ones (nameless, with children), as Docker
// lists its top-level images. The layer cache's intermediate images
// inherit their base's labels: they are not the base. Each label given
// ("key=value") must match too.
func (e *Engine) List(ctx context.Context, labels ...string) ([]engine.ImageInfo, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	rt, err := e.runtime()
	if err != nil {
		return nil, err
	}
	filters := []string{"label=" + engine.LabelImage, "intermediate=false"}
	for _, l := range labels {
		filters = append(filters, "label="+l)
	}
	imgs, err := rt.ListImages(ctx, &libimage.ListImagesOptions{Filters: filters})
	if err != nil {
		return nil, fmt.Errorf("listing images: %w", err)
	}
	out := make([]engine.ImageInfo, 0, len(imgs))
	for _, img := range imgs {
		info, err := imageInfo(ctx, img)
		if err != nil {
			return nil, err
		}
		out = append(out, info)
	}
	return out, nil
}

// Inspect looks ref up: a name, a name:tag, a name@digest or an image ID.
func (e *Engine) Inspect(ctx context.Context, ref string) (engine.ImageInfo, bool, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	img, ok, err := e.lookup(ref)
	if !ok || err != nil {
		return engine.ImageInfo{}, ok, err
	}
	info, err := imageInfo(ctx, img)
	return info, err == nil, err
}

// Tag gives the image id the references refs, moving each from the image
// that had it.
func (e *Engine) Tag(ctx context.Context, id string, refs []string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	img, ok, err := e.lookup(id)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("tagging %s: %w in the embedded store", id, engine.ErrNotFound)
	}
	for _, ref := range refs {
		if err := img.Tag(ref); err != nil {
			return fmt.Errorf("tagging %s as %s: %w", id, ref, err)
		}
	}
	return nil
}

// imageInfo describes img as the docker engine would: its config digest as
// ID, its names as Docker writes them, the creation time of its config.
func imageInfo(ctx context.Context, img *libimage.Image) (engine.ImageInfo, error) {
	data, err := img.Inspect(ctx, &libimage.InspectOptions{WithSize: true})
	if err != nil {
		return engine.ImageInfo{}, fmt.Errorf("inspecting image %s: %w", img.ID(), err)
	}
	info := engine.ImageInfo{ID: "sha256:" + img.ID(), Size: data.Size, Labels: data.Labels}
	if data.Created != nil {
		info.Created = *data.Created
	}
	for _, n := range img.Names() {
		info.Refs = append(info.Refs, dockerName(n))
	}
	return info, nil
}

// dockerName writes a stored name as Docker does: the store keeps
// "localhost/NAME:TAG" for the short NAME and "docker.io/library/NAME:TAG"
// for Docker Hub's official images.
func dockerName(n string) string {
	for _, prefix := range []string{"localhost/", "docker.io/library/", "docker.io/"} {
		if rest, ok := strings.CutPrefix(n, prefix); ok {
			return rest
		}
	}
	return n
}
