package buildkit

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/containerd/containerd/v2/core/content"
	contentlocal "github.com/containerd/containerd/v2/plugins/content/local"
	"github.com/distribution/reference"
	"github.com/gofrs/flock"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/sirupsen/logrus"
)

// Annotations of the store's index entries.
const (
	// annotationName is a reference of the image, in the familiar form
	// with a tag ("name:latest"), as containerd names its images.
	annotationName = "io.containerd.image.name"
	// annotationConfig is the image's config digest: its ID.
	annotationConfig = "dev.dockyard.config"
	// annotationRemote is, for an image of the registry store, where its
	// blobs are: ref@sha256:... in the project's registry (see Remote).
	annotationRemote = "dev.dockyard.remote"
)

// store is the OCI image layout where the engine keeps the images it
// builds: BuildKit's OCI exporter writes their blobs into it through the
// build's session, sending only those it lacks, and dockyard keeps its
// index.json: one entry per reference, and one without a name for an
// image that has none, so that no image a state records is unreachable.
// Prune removes the older builds and the blobs no entry reaches.
type store struct {
	dir     string
	content content.Store
	// mu serializes this process's changes; a lock file those of others.
	mu sync.Mutex
}

// openStore opens, creating it if need be, the layout in dir.
func openStore(dir string) (*store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating the image store %s: %w", dir, err)
	}
	layout := filepath.Join(dir, ocispecs.ImageLayoutFile)
	if _, err := os.Stat(layout); errors.Is(err, fs.ErrNotExist) {
		data, _ := json.Marshal(ocispecs.ImageLayout{Version: ocispecs.ImageLayoutVersion})
		if err := os.WriteFile(layout, data, 0o644); err != nil {
			return nil, fmt.Errorf("creating the image store %s: %w", dir, err)
		}
	}
	// The content store warns, through logrus, that the filesystem lacks
	// fs-verity: noise on dockyard's stderr.
	level := logrus.GetLevel()
	logrus.SetLevel(min(level, logrus.ErrorLevel))
	cs, err := contentlocal.NewStore(dir)
	logrus.SetLevel(level)
	if err != nil {
		return nil, fmt.Errorf("opening the image store %s: %w", dir, err)
	}
	return &store{dir: dir, content: cs}, nil
}

// entries returns the index's entries.
func (s *store) entries() ([]ocispecs.Descriptor, error) {
	data, err := os.ReadFile(filepath.Join(s.dir, ocispecs.ImageIndexFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the image store's index: %w", err)
	}
	var idx ocispecs.Index
	if err := json.Unmarshal(data, &idx); err != nil {
		return nil, fmt.Errorf("reading the image store's index %s: %w", s.dir, err)
	}
	return idx.Manifests, nil
}

// update changes the index's entries under the store's locks.
func (s *store) update(change func([]ocispecs.Descriptor) []ocispecs.Descriptor) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	lock := flock.New(filepath.Join(s.dir, "dockyard.lock"))
	if err := lock.Lock(); err != nil {
		return fmt.Errorf("locking the image store: %w", err)
	}
	defer lock.Unlock()
	list, err := s.entries()
	if err != nil {
		return err
	}
	idx := ocispecs.Index{MediaType: ocispecs.MediaTypeImageIndex, Manifests: change(list)}
	idx.SchemaVersion = 2
	data, err := json.Marshal(idx)
	if err != nil {
		return err
	}
	tmp := filepath.Join(s.dir, ".index.json.tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("writing the image store's index: %w", err)
	}
	return os.Rename(tmp, filepath.Join(s.dir, ocispecs.ImageIndexFile))
}

// put records the image desc (a manifest, with its annotations: its config
// digest, and where it lives when it is in a registry) under refs, moving
// each from the image that had it; without refs the image gets an entry
// without a name unless it has one already.
func (s *store) put(desc ocispecs.Descriptor, annotations map[string]string, refs []string) error {
	names := make([]string, 0, len(refs))
	for _, r := range refs {
		n, err := familiar(r)
		if err != nil {
			return err
		}
		names = append(names, n)
	}
	entry := ocispecs.Descriptor{MediaType: desc.MediaType, Digest: desc.Digest, Size: desc.Size, Platform: desc.Platform}
	return s.update(func(list []ocispecs.Descriptor) []ocispecs.Descriptor {
		var out []ocispecs.Descriptor
		moved := map[string]ocispecs.Descriptor{}
		for _, d := range list {
			switch {
			case slices.Contains(names, d.Annotations[annotationName]):
				moved[d.Digest.String()] = d
			case d.Digest == desc.Digest && d.Annotations[annotationName] == "" && len(names) > 0:
				// The image gets a name: its unnamed entry goes.
			default:
				out = append(out, d)
			}
		}
		// An image that lost its last name keeps an entry without one.
		for dgst, d := range moved {
			if d.Digest != desc.Digest && !slices.ContainsFunc(out, func(o ocispecs.Descriptor) bool { return o.Digest.String() == dgst }) {
				delete(d.Annotations, annotationName)
				out = append(out, d)
			}
		}
		if len(names) == 0 && !slices.ContainsFunc(out, func(o ocispecs.Descriptor) bool { return o.Digest == desc.Digest }) {
			names = []string{""}
		}
		for _, n := range names {
			e := entry
			e.Annotations = map[string]string{annotationConfig: annotations[annotationConfig]}
			if r := annotations[annotationRemote]; r != "" {
				e.Annotations[annotationRemote] = r
			}
			if n != "" {
				e.Annotations[annotationName] = n
			}
			out = append(out, e)
		}
		return out
	})
}

// find returns the entry of the image ref names: a reference, an image ID
// (its config digest) or a manifest digest; false when there is none.
func (s *store) find(ref string) (ocispecs.Descriptor, bool, error) {
	list, err := s.entries()
	if err != nil {
		return ocispecs.Descriptor{}, false, err
	}
	name, nerr := familiar(ref)
	for _, d := range list {
		if d.Annotations[annotationConfig] == ref || d.Digest.String() == ref ||
			nerr == nil && d.Annotations[annotationName] == name {
			return d, true, nil
		}
	}
	return ocispecs.Descriptor{}, false, nil
}

// familiar writes a reference as the store names images: the familiar
// form, with ":latest" when it has no tag nor digest.
func familiar(ref string) (string, error) {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return "", fmt.Errorf("invalid reference %q: %w", ref, err)
	}
	return reference.FamiliarString(reference.TagNameOnly(named)), nil
}
