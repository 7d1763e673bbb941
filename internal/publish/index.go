package publish

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Index joins the images of a multi-platform image, one per platform,
// into one image index, each entry with the platform its config says: an
// OCI index of OCI images, a Docker manifest list of Docker images.
func Index(imgs []v1.Image) (v1.ImageIndex, error) {
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for i, img := range imgs {
		mt, err := img.MediaType()
		if err != nil {
			return nil, fmt.Errorf("reading a manifest: %w", err)
		}
		if i == 0 && mt == types.DockerManifestSchema2 {
			idx = mutate.IndexMediaType(empty.Index, types.DockerManifestList)
		}
		cfg, err := img.ConfigFile()
		if err != nil {
			return nil, fmt.Errorf("reading a config: %w", err)
		}
		p := v1.Platform{OS: cfg.OS, Architecture: cfg.Architecture, Variant: cfg.Variant}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{MediaType: mt, Platform: &p}})
	}
	return idx, nil
}

// PushIndex pushes an image index, with its images, to each ref in turn
// and returns what it pushed.
func (p *Pusher) PushIndex(ctx context.Context, idx v1.ImageIndex, refs []string) ([]Pushed, error) {
	digest, err := idx.Digest()
	if err != nil {
		return nil, fmt.Errorf("computing the index's digest: %w", err)
	}
	return p.eachRef(ctx, refs, digest, func(ref name.Reference) error {
		return p.remote.Push(ctx, ref, idx)
	})
}
