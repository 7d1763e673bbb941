package publish

import (
	"context"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sync/errgroup"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// Reading the images to push or save out of an engine.

// batchExporter reads many images at once: the docker engine saves them
// in one go, each shared layer once.
type batchExporter interface {
	Images(ctx context.Context, refs []string) ([]v1.Image, error)
}

// imageReaders is how many images are read at once from an engine that
// reads them one by one.
const imageReaders = 4

// Exporter returns the engine's means of reading images.
func Exporter(eng engine.Engine) (engine.Exporter, error) {
	if x, ok := eng.(engine.Exporter); ok {
		return x, nil
	}
	return nil, fmt.Errorf("the %s engine cannot read images out of its store", eng.Name())
}

// ReadImages reads images by reference from the engine, as a batch when
// the engine can.
func ReadImages(ctx context.Context, src engine.Exporter, refs []string) ([]v1.Image, error) {
	if b, ok := src.(batchExporter); ok {
		return b.Images(ctx, refs)
	}
	imgs := make([]v1.Image, len(refs))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(imageReaders)
	for i, ref := range refs {
		g.Go(func() (err error) {
			imgs[i], err = src.Image(ctx, ref)
			return err
		})
	}
	return imgs, g.Wait()
}

// ImageSet serves images already read, by name, to a Pusher.
type ImageSet map[string]v1.Image

// Image returns the image of that name.
func (s ImageSet) Image(_ context.Context, ref string) (v1.Image, error) { return s[ref], nil }

// ReadIndex reads each platform's image of a multi-platform image from
// the engine and joins them into one index.
func ReadIndex(ctx context.Context, src engine.Exporter, ids []string) (v1.ImageIndex, error) {
	imgs, err := ReadImages(ctx, src, ids)
	if err != nil {
		return nil, err
	}
	return Index(imgs)
}

// PushPlatforms pushes a multi-platform image, its platforms' images (ids
// in the engine) joined into one index, to the job's references.
func (p *Pusher) PushPlatforms(ctx context.Context, src engine.Exporter, j Job, ids []string) ([]Pushed, error) {
	idx, err := ReadIndex(ctx, src, ids)
	if err != nil {
		return nil, fmt.Errorf("reading the platforms of %s: %w", j.Image, err)
	}
	pushed, err := p.PushIndex(ctx, idx, j.Refs)
	if err != nil {
		return pushed, fmt.Errorf("pushing %s: %w", j.Image, err)
	}
	return pushed, nil
}
