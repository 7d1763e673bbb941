// Package incremental decides from input keys which images to build: it
// takes an image's key, finds an image of the same key in the engine or the
// registry cache, says why an image is built, predicts all of it for plan
// before anything runs, tells which components' copies and hooks a run can
// skip, and records what a run made.
package incremental

import (
	"context"
	"fmt"
	"path"
	"sync"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/inputs"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/platform"
	"github.com/dockyard-build/dockyard/internal/project"
	"github.com/dockyard-build/dockyard/internal/publish"
	"github.com/dockyard-build/dockyard/internal/state"
)

// Incremental decides from input keys which images to build: a plan uses
// it to predict, a run to decide, skip, and record what it built. Its
// methods are safe for concurrent use.
type Incremental struct {
	Project *project.Project
	// Engine is where images must still exist to be up to date; nil when
	// a plan could not reach it, and then stored images are assumed to,
	// unless Empty says that the engine's store does not exist yet.
	Engine  engine.Engine
	Empty   bool
	Store   *state.Store
	Scanner *inputs.Scanner
	// Registry shares results across machines; nil unless cache: registry.
	Registry *RegistryCache
	// Keychain gives the credentials for asking registries about bases.
	Keychain *publish.Keychain
	// Pull asks the registry for every base's digest, trusting neither
	// the engine's copy nor what a registry said earlier (build --pull).
	Pull bool

	mu    sync.Mutex
	bases map[string]*baseDigest
	asked map[string]state.Base // what registries said in this run

	recordedOnce sync.Once
	recorded     map[string]state.Base

	heldOnce sync.Once
	held     map[string]engine.ImageInfo // the engine's dockyard images, by ID
	// Listed, when set, waits for a list of this checkout's images in the
	// engine that the caller started early, and says whether it has one;
	// without one, the engine is asked (see listed).
	Listed func() ([]engine.ImageInfo, bool)

	// records are the state's image records as the run found them, set
	// before any task runs.
	records map[[2]string]*state.Record
}

// New returns the incremental state of the project's builds on an engine
// (named engineName, also when eng is nil).
func New(p *project.Project, eng engine.Engine, engineName string) *Incremental {
	return &Incremental{
		Project: p, Engine: eng,
		Store:   state.Open(p.Root, engineName),
		Scanner: inputs.NewScanner(p.Root),
		bases:   map[string]*baseDigest{},
		asked:   map[string]state.Base{},
	}
}

// Open returns what decides from input keys which images to build on an
// engine, by the project's cache setting: nil for cache: off; with cache:
// registry, a registry cache too, reached with keys. eng may be nil when
// plan could not reach the engine. pull asks registries for every base's
// digest (--pull).
func Open(p *project.Project, eng engine.Engine, engineName string, pull bool, keys *publish.Keychain) (*Incremental, error) {
	if p.Config.Cache == "off" {
		return nil, nil
	}
	inc := New(p, eng, engineName)
	inc.Keychain, inc.Pull = keys, pull
	if p.Config.Cache == "registry" {
		pusher, err := publish.New(publish.Options{Keychain: keys})
		if err != nil {
			return nil, err
		}
		inc.Registry = &RegistryCache{Registry: p.Config.Registry, Keychain: keys, Pusher: pusher}
	}
	return inc, nil
}

// platformOf is the platform an image is built for: its own, else the
// default one.
func platformOf(im *plan.Image) string {
	if len(im.Platforms) > 0 {
		return im.Platforms[0]
	}
	return platform.Default()
}

// partialInputs gathers an image's inputs for a platform but its files
// and parents.
func (inc *Incremental) partialInputs(ctx context.Context, im *plan.Image, platform string) (inputs.Inputs, error) {
	df, err := inc.Scanner.Digest(im.Dockerfile)
	if err != nil {
		return inputs.Inputs{}, fmt.Errorf("reading %s: %w", im.Dockerfile, err)
	}
	in := inputs.Inputs{Dockerfile: df, Target: im.Target, Platform: platform, Args: im.Args}
	if in.Extra, err = inc.extra(im); err != nil {
		return inputs.Inputs{}, err
	}
	if len(im.Bases) > 0 {
		in.Bases = map[string]string{}
		for _, b := range im.Bases {
			in.Bases[b] = inc.base(ctx, b, in.Platform)
		}
	}
	return in, nil
}

// extra digests what the image's component's hooks read from outside it
// (hooks.inputs): each file's content, each folder's manifest.
func (inc *Incremental) extra(im *plan.Image) (map[string]string, error) {
	if im.Kind != project.KindComponent {
		return nil, nil
	}
	paths := inc.Project.Config.Hooks.Inputs[im.Component]
	if len(paths) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, p := range paths {
		d, err := inc.Scanner.Digest(p)
		if err != nil {
			m, merr := inc.Scanner.Manifest(p, "", nil)
			if merr != nil {
				return nil, fmt.Errorf("hooks.inputs of %s: reading %s: %w", im.Component, p, err)
			}
			d = m.Digest()
		}
		out[p] = d
	}
	return out, nil
}

// exists reports whether the engine still holds an image. Without an
// engine (a plan that could not reach it) it assumes so; an engine that
// cannot inspect its store holds nothing dockyard can reuse.
func (inc *Incremental) exists(ctx context.Context, id string) (bool, error) {
	if inc.Engine == nil {
		return !inc.Empty, nil
	}
	_, found, err := inc.Inspect(ctx, id)
	return found, err
}

// why explains how cur differs from old, the inputs of the image's last
// build; curFiles is cur's manifest, rebuilt says whether a parent is built
// in this run.
func (inc *Incremental) why(im *plan.Image, old, cur *inputs.Inputs, curFiles inputs.Manifest, rebuilt func(string) bool) string {
	part, ok := inputs.FirstChange(old, cur)
	if !ok {
		return "inputs changed"
	}
	switch part.Kind {
	case "dockerfile":
		return "Dockerfile changed"
	case "arg":
		return fmt.Sprintf("build arg %s changed", part.Name)
	case "parent":
		if rebuilt(part.Name) {
			return fmt.Sprintf("parent %s rebuilt", part.Name)
		}
		return fmt.Sprintf("parent %s changed", part.Name)
	case "base":
		if cur.Bases[part.Name] == inputs.Floating {
			return fmt.Sprintf("base %s moved (its digest cannot be resolved)", part.Name)
		}
		return fmt.Sprintf("base %s moved", part.Name)
	case "extra":
		return fmt.Sprintf("hook input %s changed", part.Name)
	case "files":
		old, err := inc.Store.Manifest(old.Files)
		if err != nil || old == nil {
			return "context files changed"
		}
		if c, ok := inputs.Diff(old, curFiles); ok {
			return fmt.Sprintf("file %s %s", path.Join(im.Context, c.Path), c.What)
		}
		return "context files changed"
	}
	return part.Kind + " changed"
}
