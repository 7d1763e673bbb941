package run

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/dockyard-build/dockyard/internal/dockerfile"
	"github.com/dockyard-build/dockyard/internal/engine"
)

// runImages is what a run knows of the images it built or reused: the ID
// each project image is, for its children to build on.
type runImages struct {
	mu  sync.Mutex
	ids map[string]string
}

func (ri *runImages) set(name, id string) {
	ri.mu.Lock()
	defer ri.mu.Unlock()
	if ri.ids == nil {
		ri.ids = map[string]string{}
	}
	ri.ids[name] = id
}

func (ri *runImages) id(name string) string {
	ri.mu.Lock()
	defer ri.mu.Unlock()
	return ri.ids[name]
}

// pinnedDockerfile returns the Dockerfile to give the engine: the image's
// own when it names no project image, else a copy, in a folder of its own
// outside the repository, whose FROM, COPY --from and RUN --mount from=
// references to project images name the exact images this run built or
// reused for them. done removes the copy and drops the pins.
func (t *task) pinnedDockerfile(ctx context.Context) (path string, done func(), err error) {
	r, im := t.r, t.image
	path = r.Project.Abs(im.Dockerfile)
	pins := r.Project.Image(im.Name).Pins
	if len(pins) == 0 {
		return path, func() {}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", nil, fmt.Errorf("reading %s: %w", im.Dockerfile, err)
	}
	f, err := dockerfile.Parse(im.Dockerfile, data, im.Args, im.Target)
	if err != nil {
		return "", nil, err
	}
	refs := map[string]string{}
	var releases []func()
	done = func() {
		for _, rel := range releases {
			rel()
		}
	}
	for ref, parent := range pins {
		id := r.images.id(t.parents[parent])
		if id == "" {
			done()
			return "", nil, fmt.Errorf("%s names %s, which this run has not built", ref, parent)
		}
		pinned, release, err := r.pin(ctx, id)
		if err != nil {
			done()
			return "", nil, fmt.Errorf("pinning parent %s (%s): %w", parent, id, err)
		}
		refs[ref], releases = pinned, append(releases, release)
	}
	out, err := dockerfile.Pin(data, f, func(ref string) (string, bool) {
		to, ok := refs[ref]
		return to, ok
	})
	var dir string
	if err == nil {
		dir, err = r.writeTemp(filepath.Base(path), out)
	}
	if err != nil {
		done()
		return "", nil, err
	}
	pinsDone := done
	return filepath.Join(dir, filepath.Base(path)), func() { r.releaseTemp(dir); pinsDone() }, nil
}

// pin names an image exactly for the engine's builds.
func (r *Runner) pin(ctx context.Context, id string) (string, func(), error) {
	if p, ok := r.Engine.(engine.Pinner); ok {
		return p.Pin(ctx, id)
	}
	return id, func() {}, nil
}

// writeTemp writes data as name in a new folder of the workspace's
// temporary ones, which a run that dies leaves for the next run or clean
// to remove, and returns the folder.
func (r *Runner) writeTemp(name string, data []byte) (string, error) {
	dir, err := r.Workspace.TempDir("dockerfile-")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		r.releaseTemp(dir)
		return "", err
	}
	return dir, nil
}

// releaseTemp removes a folder writeTemp made; what it cannot remove goes
// when the run ends.
func (r *Runner) releaseTemp(dir string) {
	if rel, err := filepath.Rel(r.Project.Root, dir); err == nil {
		_ = r.Workspace.Release(filepath.ToSlash(rel))
	}
}
