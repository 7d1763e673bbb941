package buildkit

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/moby/buildkit/client"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// Remote reads and writes the images of a registry: the registry store's
// images live there (see UseRegistry). publish implements it.
type Remote interface {
	// Image reads ref (name@digest); found is false, without an error,
	// when the registry has no such image.
	Image(ctx context.Context, ref string) (img v1.Image, found bool, err error)
	// Write pushes img to ref.
	Write(ctx context.Context, ref string, img v1.Image) error
}

// registryStore is where the registry store keeps images: the references
// under prefix (registry/namespace/) are pushed there.
type registryStore struct {
	prefix string
	remote Remote
}

// UseRegistry makes the project's registry the engine's image store:
// buildkitd pushes each image it builds straight to the request's
// references under prefix ("registry/namespace/"), and a child gets its
// parents as docker-image://ref@sha256:... named contexts, which buildkitd
// resolves in the registry by digest, with the layers it already holds.
// The layout keeps only the index (names, IDs, and where each image is);
// reading an image (ls, push, save, incremental checks) reads the
// registry through r, with the credentials keys holds (buildkitd's too).
func (e *Engine) UseRegistry(prefix string, r Remote, keys authn.Keychain) {
	e.registry = &registryStore{prefix: prefix, remote: r}
	e.keys = keys
}

// pushed are the references of tags that live in the registry store.
func (r *registryStore) pushed(tags []string) []string {
	var out []string
	for _, t := range tags {
		if strings.HasPrefix(t, r.prefix) {
			out = append(out, t)
		}
	}
	return out
}

// export is the exporter of req's image: the image exporter pushing to the
// registry, or the OCI exporter writing into the layout.
func (e *Engine) export(req engine.Request) (client.ExportEntry, error) {
	if e.registry == nil {
		return client.ExportEntry{Type: client.ExporterOCI, Attrs: map[string]string{"tar": "false"}, OutputStore: e.store.content}, nil
	}
	refs := e.registry.pushed(req.Tags)
	if len(refs) == 0 {
		return client.ExportEntry{}, fmt.Errorf("the image has no reference in the registry %s that the store pushes to", strings.TrimSuffix(e.registry.prefix, "/"))
	}
	return client.ExportEntry{Type: client.ExporterImage, Attrs: map[string]string{"name": strings.Join(refs, ","), "push": "true"}}, nil
}

// remoteOf is where the registry store keeps the image desc that a build
// pushed to tags; "" for the layout.
func (e *Engine) remoteOf(desc ocispecs.Descriptor, tags []string) string {
	if e.registry == nil {
		return ""
	}
	return repoOf(e.registry.pushed(tags)[0]) + "@" + desc.Digest.String()
}

// remoteImage reads an image of the registry store.
func (e *Engine) remoteImage(ctx context.Context, ref string) (v1.Image, error) {
	if e.registry == nil {
		return nil, fmt.Errorf("%s is in a registry, and the engine has no registry store (buildkit.store: registry)", ref)
	}
	img, found, err := e.registry.remote.Image(ctx, ref)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("%s: %w", ref, engine.ErrNotFound)
	}
	return img, nil
}

// tagRemote gives the registry store's image desc the references of refs
// under the store's prefix, in the registry.
func (e *Engine) tagRemote(ctx context.Context, desc ocispecs.Descriptor, refs []string) error {
	r := desc.Annotations[annotationRemote]
	if r == "" || e.registry == nil {
		return nil
	}
	img, err := e.remoteImage(ctx, r)
	if err != nil {
		return err
	}
	for _, ref := range e.registry.pushed(refs) {
		if err := e.registry.remote.Write(ctx, ref, img); err != nil {
			return err
		}
	}
	return nil
}

// loadRemote pushes img to ref when ref lives in the registry store, and
// returns where it is then; "" when the layout keeps it.
func (e *Engine) loadRemote(ctx context.Context, ref string, img v1.Image) (string, error) {
	if e.registry == nil || len(e.registry.pushed([]string{ref})) == 0 {
		return "", nil
	}
	if err := e.registry.remote.Write(ctx, ref, img); err != nil {
		return "", fmt.Errorf("loading %s into the registry: %w", ref, err)
	}
	d, err := img.Digest()
	if err != nil {
		return "", err
	}
	return repoOf(ref) + "@" + d.String(), nil
}

// contextValue is the named context of the store's image desc: its
// manifest in the registry, or in the layout served through the session.
func contextValue(desc ocispecs.Descriptor) string {
	if r := desc.Annotations[annotationRemote]; r != "" {
		return "docker-image://" + r
	}
	return "oci-layout://" + storeID + "@" + desc.Digest.String()
}

// repoOf is ref without its tag or digest.
func repoOf(ref string) string {
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
		ref = ref[:i]
	}
	return ref
}
