package buildkit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gofrs/flock"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// gcLock is the layout's lock file that keeps a prune from removing blobs
// under another dockyard: every engine holds it shared while it is open,
// and Prune exclusively.
const gcLock = "gc.lock"

// Prune removes from the layout the images that checkout's builds left
// without a name (an older build of an image, whose references moved to
// the new one) and that keep does not hold, then every blob that no image
// left in the layout uses: never one an image of the layout still needs,
// named or not, of any checkout. It returns what it removed, nothing when
// another dockyard has the layout open, which may be writing blobs that no
// image names yet (engine.ErrBusy).
func (e *Engine) Prune(ctx context.Context, checkout string, keep func(id string) bool) (engine.Pruned, error) {
	var out engine.Pruned
	if checkout == "" {
		return out, nil
	}
	if err := e.gc.Unlock(); err != nil {
		return out, err
	}
	ok, err := e.gc.TryLock()
	defer func() { _ = e.gc.RLock() }()
	if err != nil {
		return out, fmt.Errorf("locking the image store %s: %w", e.store.dir, err)
	}
	if !ok {
		return out, engine.ErrBusy
	}
	defer e.gc.Unlock()
	list, err := e.store.entries()
	if err != nil {
		return out, err
	}
	drop := map[digest.Digest]bool{}
	for _, d := range list {
		if d.Annotations[annotationName] != "" || keep(d.Annotations[annotationConfig]) ||
			d.Annotations[annotationRemote] != "" && e.registry == nil {
			continue
		}
		info, err := e.info(ctx, d, list)
		if err != nil {
			return out, err
		}
		if info.Labels[engine.LabelRepository] == checkout {
			drop[d.Digest] = true
			out.Images = append(out.Images, info.ID)
		}
	}
	if len(drop) > 0 {
		err := e.store.update(func(list []ocispecs.Descriptor) []ocispecs.Descriptor {
			var kept []ocispecs.Descriptor
			for _, d := range list {
				if d.Annotations[annotationName] != "" || !drop[d.Digest] {
					kept = append(kept, d)
				}
			}
			return kept
		})
		if err != nil {
			return out, err
		}
	}
	out.Blobs, out.Bytes, err = e.store.sweep()
	return out, err
}

// sweep removes the blobs that no entry of the index reaches, and returns
// how many and their bytes.
func (s *store) sweep() (int, int64, error) {
	list, err := s.entries()
	if err != nil {
		return 0, 0, err
	}
	used := map[digest.Digest]bool{}
	for _, d := range list {
		if d.Annotations[annotationRemote] != "" {
			continue // its blobs are in the registry
		}
		if err := s.mark(d, used); err != nil {
			return 0, 0, err
		}
	}
	dir := filepath.Join(s.dir, ocispecs.ImageBlobsDir, string(digest.SHA256))
	files, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("reading the image store's blobs: %w", err)
	}
	n, size := 0, int64(0)
	for _, f := range files {
		if used[digest.NewDigestFromEncoded(digest.SHA256, f.Name())] {
			continue
		}
		fi, err := f.Info()
		if err != nil {
			return n, size, err
		}
		if err := os.Remove(filepath.Join(dir, f.Name())); err != nil {
			return n, size, fmt.Errorf("removing a blob of the image store: %w", err)
		}
		n, size = n+1, size+fi.Size()
	}
	return n, size, nil
}

// mark adds d and every blob it reaches (an index's manifests, a
// manifest's config and layers) to used.
func (s *store) mark(d ocispecs.Descriptor, used map[digest.Digest]bool) error {
	if used[d.Digest] {
		return nil
	}
	used[d.Digest] = true
	switch d.MediaType {
	case ocispecs.MediaTypeImageIndex, ocispecs.MediaTypeImageManifest,
		"application/vnd.docker.distribution.manifest.list.v2+json",
		"application/vnd.docker.distribution.manifest.v2+json":
	default:
		return nil
	}
	data, err := os.ReadFile(filepath.Join(s.dir, ocispecs.ImageBlobsDir, d.Digest.Algorithm().String(), d.Digest.Encoded()))
	if errors.Is(err, fs.ErrNotExist) {
		// A damaged entry (its manifest lost, by a crash or another
		// tool): no image can be read through it, so what it would reach
		// keeps nothing, and the prune goes on.
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading %s from the image store: %w", d.Digest, err)
	}
	var m struct {
		Manifests []ocispecs.Descriptor `json:"manifests"`
		Config    *ocispecs.Descriptor  `json:"config"`
		Layers    []ocispecs.Descriptor `json:"layers"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("reading %s from the image store: %w", d.Digest, err)
	}
	children := append(m.Manifests, m.Layers...)
	if m.Config != nil {
		children = append(children, *m.Config)
	}
	for _, c := range children {
		if err := s.mark(c, used); err != nil {
			return err
		}
	}
	return nil
}

// PruneStore prunes, as Engine.Prune does, the image layout of the engine
// whose data directory is root, without a buildkitd; there is nothing to
// prune when the layout does not exist.
func PruneStore(ctx context.Context, root, checkout string, keep func(id string) bool) (engine.Pruned, error) {
	dir := filepath.Join(root, "buildkit")
	if _, err := os.Stat(filepath.Join(dir, ocispecs.ImageIndexFile)); errors.Is(err, fs.ErrNotExist) {
		return engine.Pruned{}, nil
	}
	st, err := openStore(dir)
	if err != nil {
		return engine.Pruned{}, err
	}
	gc := flock.New(filepath.Join(dir, gcLock))
	if err := gc.RLock(); err != nil {
		return engine.Pruned{}, fmt.Errorf("locking the image store %s: %w", dir, err)
	}
	defer gc.Close()
	e := &Engine{store: st, gc: gc}
	return e.Prune(ctx, checkout, keep)
}
