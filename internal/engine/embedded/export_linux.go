package embedded

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/containers/image/v5/manifest"
	"github.com/containers/storage"
	"github.com/containers/storage/pkg/archive"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/dockyard-build/dockyard/internal/engine"
)

var _ engine.Exporter = (*Engine)(nil)

// Image reads ref from the store as an image whose config is the stored
// one, byte for byte (so its digest is the image's ID), and whose layers
// are the stored layers, gzip-compressed as they are read, under a Docker
// v2 schema 2 manifest. Each layer is copied out of the store once per
// engine, however many images share it, into a temporary file that is
// already removed: the store stays locked only for that copy, and nothing
// is left behind even if dockyard is killed.
func (e *Engine) Image(ctx context.Context, ref string) (v1.Image, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	img, ok, err := e.lookup(ref)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w in the embedded store: %s", engine.ErrNotFound, ref)
	}
	id := img.ID()
	m, err := e.store.ImageBigData(id, storage.ImageDigestBigDataKey)
	if err != nil {
		return nil, fmt.Errorf("reading the manifest of %s: %w", ref, err)
	}
	parsed, err := manifest.FromBlob(m, manifest.GuessMIMEType(m))
	if err != nil {
		return nil, fmt.Errorf("parsing the manifest of %s: %w", ref, err)
	}
	config, err := e.store.ImageBigData(id, parsed.ConfigInfo().Digest.String())
	if err != nil {
		return nil, fmt.Errorf("reading the config of %s: %w", ref, err)
	}
	layers, err := e.layerIDs(id)
	if err != nil {
		return nil, fmt.Errorf("reading the layers of %s: %w", ref, err)
	}
	return partial.UncompressedToImage(&storedImage{e: e, config: config, layers: layers})
}

// layerIDs maps the diff IDs of image id's layers to the store's layers.
func (e *Engine) layerIDs(id string) (map[v1.Hash]*storedLayer, error) {
	img, err := e.store.Image(id)
	if err != nil {
		return nil, err
	}
	out := map[v1.Hash]*storedLayer{}
	for layerID := img.TopLayer; layerID != ""; {
		l, err := e.store.Layer(layerID)
		if err != nil {
			return nil, err
		}
		h, err := v1.NewHash(l.UncompressedDigest.String())
		if err != nil {
			return nil, fmt.Errorf("layer %s has no usable digest: %w", l.ID, err)
		}
		sl, _ := e.layers.LoadOrStore(l.ID, &storedLayer{e: e, id: l.ID, diffID: h})
		out[h] = sl.(*storedLayer)
		layerID = l.Parent
	}
	return out, nil
}

// storedImage is an image of the store, for partial.UncompressedToImage.
type storedImage struct {
	e      *Engine
	config []byte
	layers map[v1.Hash]*storedLayer
}

func (i *storedImage) RawConfigFile() ([]byte, error) { return i.config, nil }

func (i *storedImage) MediaType() (types.MediaType, error) { return types.DockerManifestSchema2, nil }

func (i *storedImage) LayerByDiffID(h v1.Hash) (partial.UncompressedLayer, error) {
	if l, ok := i.layers[h]; ok {
		return l, nil
	}
	return nil, fmt.Errorf("the image has no layer with diff ID %s", h)
}

// storedLayer is a layer of the store, copied out on first use.
type storedLayer struct {
	e      *Engine
	id     string
	diffID v1.Hash

	once sync.Once
	file *os.File
	size int64
	err  error
}

func (l *storedLayer) DiffID() (v1.Hash, error) { return l.diffID, nil }

func (l *storedLayer) MediaType() (types.MediaType, error) { return types.DockerLayer, nil }

func (l *storedLayer) Uncompressed() (io.ReadCloser, error) {
	l.once.Do(l.copyOut)
	if l.err != nil {
		return nil, l.err
	}
	return io.NopCloser(io.NewSectionReader(l.file, 0, l.size)), nil
}

// copyOut copies the layer's tar into an unlinked temporary file.
func (l *storedLayer) copyOut() {
	f, err := os.CreateTemp(filepath.Join(l.e.root, tmpDir), "layer-*.tar")
	if err != nil {
		l.err = fmt.Errorf("copying layer %s out of the store: %w", l.id, err)
		return
	}
	os.Remove(f.Name())
	uncompressed := archive.Uncompressed
	l.e.mu.Lock()
	rc, err := l.e.store.Diff("", l.id, &storage.DiffOptions{Compression: &uncompressed})
	if err == nil {
		l.size, err = io.Copy(f, rc)
		if cerr := rc.Close(); err == nil {
			err = cerr
		}
	}
	l.e.mu.Unlock()
	if err != nil {
		f.Close()
		l.err = fmt.Errorf("copying layer %s out of the store: %w", l.id, err)
		return
	}
	l.file = f
}
