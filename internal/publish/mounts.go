package publish

import (
	"sync"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// mounts remembers, per registry, a repository holding each layer pushed
// so far. Every image of a project is its own repository, and most share
// their base layers: pushing such a layer to the next repository asks the
// registry to mount it from the first instead of uploading it again.
type mounts struct {
	mu    sync.Mutex
	repos map[string]map[v1.Hash]name.Reference // registry -> layer digest -> a reference holding it
}

// record notes that ref's repository holds every layer of img.
func (m *mounts) record(img v1.Image, ref name.Reference) {
	man, err := img.Manifest()
	if err != nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.repos == nil {
		m.repos = map[string]map[v1.Hash]name.Reference{}
	}
	host := ref.Context().RegistryStr()
	if m.repos[host] == nil {
		m.repos[host] = map[v1.Hash]name.Reference{}
	}
	for _, l := range man.Layers {
		if _, ok := m.repos[host][l.Digest]; !ok {
			m.repos[host][l.Digest] = ref
		}
	}
}

// wrap returns img with the layers that another repository of ref's
// registry holds marked as mountable from there. It reads the layers'
// digests from the manifest, which computes them once.
func (m *mounts) wrap(img v1.Image, ref name.Reference) v1.Image {
	man, err := img.Manifest()
	if err != nil {
		return img
	}
	layers, err := img.Layers()
	if err != nil || len(layers) != len(man.Layers) {
		return img
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	known := m.repos[ref.Context().RegistryStr()]
	found := false
	for i, desc := range man.Layers {
		if from, ok := known[desc.Digest]; ok && from.Context() != ref.Context() {
			layers[i] = &remote.MountableLayer{Layer: layers[i], Reference: from}
			found = true
		}
	}
	if !found {
		return img
	}
	return &mountingImage{Image: img, layers: layers}
}

// mountingImage is an image whose layers may be mounted.
type mountingImage struct {
	v1.Image
	layers []v1.Layer
}

func (i *mountingImage) Layers() ([]v1.Layer, error) { return i.layers, nil }
