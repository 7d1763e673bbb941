package docker

import (
	"context"
	"fmt"
	"slices"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/dockyard-build/dockyard/internal/engine"
)

var (
	_ engine.Inspector = (*Engine)(nil)
	_ engine.Tagger    = (*Engine)(nil)
	_ engine.Lister    = (*Engine)(nil)
)

// Inspect looks an image up in the engine's store by name, reference or
// ID. The ID is the image's config digest.
func (e *Engine) Inspect(ctx context.Context, ref string) (engine.ImageInfo, bool, error) {
	img, err := e.api.ImageInspect(ctx, ref)
	switch {
	case cerrdefs.IsNotFound(err):
		return engine.ImageInfo{}, false, nil
	case err != nil && ctx.Err() != nil:
		return engine.ImageInfo{}, false, context.Cause(ctx)
	case err != nil:
		return engine.ImageInfo{}, false, fmt.Errorf("inspecting %s: %w", ref, err)
	}
	info := engine.ImageInfo{ID: img.ID, Refs: img.RepoTags, Size: img.Size}
	if img.Config != nil {
		info.Labels = img.Config.Labels
	}
	if t, err := time.Parse(time.RFC3339Nano, img.Created); err == nil {
		info.Created = t
	}
	return info, true, nil
}

// List lists the images dockyard built, those with the dev.dockyard.image
// label and the labels given, in one request.
func (e *Engine) List(ctx context.Context, labels ...string) ([]engine.ImageInfo, error) {
	res, err := e.api.ImageList(ctx, client.ImageListOptions{Filters: client.Filters{}.Add("label", append([]string{engine.LabelImage}, labels...)...)})
	if err != nil {
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		return nil, fmt.Errorf("listing images: %w", err)
	}
	out := make([]engine.ImageInfo, 0, len(res.Items))
	for _, im := range res.Items {
		// The engine writes an untagged image's tags as "<none>:<none>".
		refs := slices.DeleteFunc(im.RepoTags, func(r string) bool { return r == "<none>:<none>" })
		out = append(out, engine.ImageInfo{ID: im.ID, Refs: refs, Size: im.Size, Created: time.Unix(im.Created, 0), Labels: im.Labels})
	}
	return out, nil
}

// Tag gives the image id the references refs.
func (e *Engine) Tag(ctx context.Context, id string, refs []string) error {
	for _, ref := range refs {
		if _, err := e.api.ImageTag(ctx, client.ImageTagOptions{Source: id, Target: ref}); err != nil {
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			return fmt.Errorf("tagging %s as %s: %w", id, ref, err)
		}
	}
	return nil
}
