package buildkit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// What the engine offers beyond builds, all on the image layout.

// Image reads an image of the layout: by reference, ID or manifest digest.
func (e *Engine) Image(ctx context.Context, ref string) (v1.Image, error) {
	desc, ok, err := e.store.find(ref)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%s in the buildkit engine's store %s: %w", ref, e.store.dir, engine.ErrNotFound)
	}
	return e.image(ctx, desc)
}

// image reads the image of desc: from the layout, or from the registry
// for an image of the registry store.
func (e *Engine) image(ctx context.Context, desc ocispecs.Descriptor) (v1.Image, error) {
	if r := desc.Annotations[annotationRemote]; r != "" {
		return e.remoteImage(ctx, r)
	}
	h, err := v1.NewHash(desc.Digest.String())
	if err != nil {
		return nil, err
	}
	img, err := layout.Path(e.store.dir).Image(h)
	if err != nil {
		return nil, fmt.Errorf("reading %s from the store %s: %w", desc.Digest, e.store.dir, err)
	}
	return img, nil
}

// Inspect finds an image of the layout.
func (e *Engine) Inspect(ctx context.Context, ref string) (engine.ImageInfo, bool, error) {
	desc, ok, err := e.store.find(ref)
	if err != nil || !ok {
		return engine.ImageInfo{}, false, err
	}
	list, err := e.store.entries()
	if err != nil {
		return engine.ImageInfo{}, false, err
	}
	info, err := e.info(ctx, desc, list)
	if errors.Is(err, engine.ErrNotFound) {
		// The registry lost it: the store does not hold it any more.
		return engine.ImageInfo{}, false, nil
	}
	return info, err == nil, err
}

// List lists the layout's images that carry dockyard's image label.
func (e *Engine) List(ctx context.Context, labels ...string) ([]engine.ImageInfo, error) {
	list, err := e.store.entries()
	if err != nil {
		return nil, err
	}
	var out []engine.ImageInfo
	seen := map[string]bool{}
	for _, d := range list {
		if seen[d.Digest.String()] {
			continue
		}
		seen[d.Digest.String()] = true
		info, err := e.info(ctx, d, list)
		if errors.Is(err, engine.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if _, ok := info.Labels[engine.LabelImage]; ok && hasLabels(info.Labels, labels) {
			out = append(out, info)
		}
	}
	return out, nil
}

// info describes the image of desc, with its names among list.
func (e *Engine) info(ctx context.Context, desc ocispecs.Descriptor, list []ocispecs.Descriptor) (engine.ImageInfo, error) {
	img, err := e.image(ctx, desc)
	if err != nil {
		return engine.ImageInfo{}, err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return engine.ImageInfo{}, fmt.Errorf("reading the config of %s: %w", desc.Digest, err)
	}
	size, err := imageSize(img)
	if err != nil {
		return engine.ImageInfo{}, err
	}
	info := engine.ImageInfo{ID: desc.Annotations[annotationConfig], Size: size, Created: cfg.Created.Time, Labels: cfg.Config.Labels}
	for _, d := range list {
		if n := d.Annotations[annotationName]; d.Digest == desc.Digest && n != "" && !slices.Contains(info.Refs, n) {
			info.Refs = append(info.Refs, n)
		}
	}
	return info, nil
}

// Tag gives the image id more references, moving each from the image
// that had it.
func (e *Engine) Tag(ctx context.Context, id string, refs []string) error {
	desc, ok, err := e.store.find(id)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("tagging %s: %w", id, engine.ErrNotFound)
	}
	if err := e.tagRemote(ctx, desc, refs); err != nil {
		return err
	}
	return e.store.put(desc, desc.Annotations, refs)
}

// Load writes img into the layout under ref; into the registry, of the
// registry store.
func (e *Engine) Load(ctx context.Context, ref string, img v1.Image) error {
	remote, err := e.loadRemote(ctx, ref, img)
	if err != nil {
		return err
	}
	if remote == "" {
		if err := layout.Path(e.store.dir).WriteImage(img); err != nil {
			return fmt.Errorf("loading %s into the store %s: %w", ref, e.store.dir, err)
		}
	}
	mt, err := img.MediaType()
	if err != nil {
		return err
	}
	d, err := img.Digest()
	if err != nil {
		return err
	}
	size, err := img.Size()
	if err != nil {
		return err
	}
	cfg, err := img.ConfigName()
	if err != nil {
		return err
	}
	desc := ocispecs.Descriptor{MediaType: string(mt), Digest: digest.Digest(d.String()), Size: size}
	return e.store.put(desc, map[string]string{annotationConfig: cfg.String(), annotationRemote: remote}, []string{ref})
}

// size is the size of the image of desc: its config and its layers, as
// stored.
func (e *Engine) size(ctx context.Context, desc ocispecs.Descriptor) (int64, error) {
	img, err := e.image(ctx, desc)
	if err != nil {
		return 0, err
	}
	return imageSize(img)
}

func imageSize(img v1.Image) (int64, error) {
	m, err := img.Manifest()
	if err != nil {
		return 0, fmt.Errorf("reading a manifest: %w", err)
	}
	n := m.Config.Size
	for _, l := range m.Layers {
		n += l.Size
	}
	return n, nil
}

// hasLabels reports whether labels has every "key=value" of want.
func hasLabels(labels map[string]string, want []string) bool {
	for _, kv := range want {
		k, v, _ := strings.Cut(kv, "=")
		if labels[k] != v {
			return false
		}
	}
	return true
}
