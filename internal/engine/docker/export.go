package docker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/moby/moby/api/types/jsonstream"

	"github.com/dockyard-build/dockyard/internal/engine"
)

var (
	_ engine.Exporter = (*Engine)(nil)
	_ engine.Loader   = (*Engine)(nil)
)

// Image reads ref from the engine's store (see Images).
func (e *Engine) Image(ctx context.Context, ref string) (v1.Image, error) {
	imgs, err := e.Images(ctx, []string{ref})
	if err != nil {
		return nil, err
	}
	return imgs[0], nil
}

// Images reads images from the engine's store, all at once so that the
// layers they share are read once. The engine saves them, as docker save
// does, into a temporary file that is removed at once: the images read the
// open file, which closes when they are no longer used, so nothing is left
// behind even if dockyard is killed.
func (e *Engine) Images(ctx context.Context, refs []string) ([]v1.Image, error) {
	for _, ref := range refs {
		if _, err := e.api.ImageInspect(ctx, ref); err != nil {
			if cerrdefs.IsNotFound(err) {
				return nil, fmt.Errorf("%w in the docker engine: %s", engine.ErrNotFound, ref)
			}
			return nil, fmt.Errorf("inspecting %s: %w", ref, e.cause(ctx, err))
		}
	}
	f, err := os.CreateTemp("", "dockyard-images-*.tar")
	if err != nil {
		return nil, fmt.Errorf("saving images from the docker engine: %w", err)
	}
	os.Remove(f.Name())
	t, err := e.save(ctx, refs, f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("saving images from the docker engine: %w", err)
	}
	imgs := make([]v1.Image, len(refs))
	for i, ref := range refs {
		if imgs[i], err = t.image(ref); err != nil {
			f.Close()
			return nil, fmt.Errorf("reading %s as the docker engine saved it: %w", ref, err)
		}
	}
	return imgs, nil
}

// save writes the engine's tar of refs to f and indexes it.
func (e *Engine) save(ctx context.Context, refs []string, f *os.File) (*savedTar, error) {
	rc, err := e.api.ImageSave(ctx, refs)
	if err != nil {
		return nil, e.cause(ctx, err)
	}
	defer rc.Close()
	n, err := io.Copy(f, rc)
	if err != nil {
		return nil, e.cause(ctx, err)
	}
	return indexTar(f, n)
}

// Load puts img into the engine's store under ref, as docker load does.
func (e *Engine) Load(ctx context.Context, ref string, img v1.Image) error {
	tag, err := name.NewTag(ref)
	if err != nil {
		return fmt.Errorf("loading %s: %w", ref, err)
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(tarball.Write(tag, img, pw)) }()
	defer pr.Close()
	resp, err := e.api.ImageLoad(ctx, pr)
	if err != nil {
		return fmt.Errorf("loading %s into the docker engine: %w", ref, e.cause(ctx, err))
	}
	defer resp.Close()
	if err := loadOutcome(resp); err != nil {
		return fmt.Errorf("loading %s into the docker engine: %w", ref, e.cause(ctx, err))
	}
	return nil
}

// loadOutcome reads the engine's JSON messages about a load and returns
// the error one of them reports.
func loadOutcome(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var m jsonstream.Message
		err := dec.Decode(&m)
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return err
		case m.Error != nil:
			return errors.New(m.Error.Message)
		}
	}
}

// cause prefers the context's reason over the error it caused.
func (e *Engine) cause(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return err
}
