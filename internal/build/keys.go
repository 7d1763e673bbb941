package build

import (
	"context"
	"fmt"
	"path"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/inputs"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/project"
	"github.com/dockyard-build/dockyard/internal/state"
)

// baseTimeout bounds asking a registry for an external base's digest.
const baseTimeout = 10 * time.Second

// Incremental decides from input keys which images to build: a plan uses
// it to predict, a run to decide, skip, and record what it built. Its
// methods are safe for concurrent use.
type Incremental struct {
	Project *project.Project
	// Engine is where images must still exist to be up to date; nil when
	// a plan could not reach it, and then stored images are assumed to.
	Engine  engine.Engine
	Store   *state.Store
	Scanner *inputs.Scanner
	// Registry shares results across machines; nil unless cache: registry.
	Registry *RegistryCache

	mu    sync.Mutex
	bases map[string]*baseDigest
}

type baseDigest struct {
	once   sync.Once
	digest string
}

// NewIncremental returns the incremental state of the project's builds on
// an engine (named engineName, also when eng is nil).
func NewIncremental(p *project.Project, eng engine.Engine, engineName string) *Incremental {
	return &Incremental{
		Project: p, Engine: eng,
		Store:   state.Open(p.Root, engineName),
		Scanner: inputs.NewScanner(p.Root),
		bases:   map[string]*baseDigest{},
	}
}

// platformOf is the platform an image is built for: its own, else Linux on
// dockyard's own architecture, the engine's as a rule.
func platformOf(im *plan.Image) string {
	if len(im.Platforms) > 0 {
		return im.Platforms[0]
	}
	return "linux/" + runtime.GOARCH
}

// partialInputs gathers an image's inputs for a platform but its files
// and parents.
func (inc *Incremental) partialInputs(ctx context.Context, im *plan.Image, platform string) (inputs.Inputs, error) {
	df, err := inc.Scanner.Digest(im.Dockerfile)
	if err != nil {
		return inputs.Inputs{}, fmt.Errorf("reading %s: %w", im.Dockerfile, err)
	}
	in := inputs.Inputs{Dockerfile: df, Target: im.Target, Platform: platform, Args: im.Args}
	if len(im.Bases) > 0 {
		in.Bases = map[string]string{}
		for _, b := range im.Bases {
			in.Bases[b] = inc.base(ctx, b, in.Platform)
		}
	}
	return in, nil
}

// base returns an external base's digest, once per run: the digest a
// reference pins; else the engine's image ID when it holds the image;
// else the config digest the registry gives for the platform; else
// inputs.Floating.
func (inc *Incremental) base(ctx context.Context, ref, platform string) string {
	inc.mu.Lock()
	b := inc.bases[ref+" "+platform]
	if b == nil {
		b = &baseDigest{}
		inc.bases[ref+" "+platform] = b
	}
	inc.mu.Unlock()
	b.once.Do(func() { b.digest = inc.resolve(ctx, ref, platform) })
	return b.digest
}

func (inc *Incremental) resolve(ctx context.Context, ref, platform string) string {
	if _, digest, ok := strings.Cut(ref, "@"); ok {
		return digest
	}
	if insp, ok := inc.Engine.(engine.Inspector); ok {
		if info, found, err := insp.Inspect(ctx, ref); err == nil && found {
			return info.ID
		}
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		return inputs.Floating
	}
	ctx, cancel := context.WithTimeout(ctx, baseTimeout)
	defer cancel()
	goos, arch, _ := strings.Cut(platform, "/")
	arch, variant, _ := strings.Cut(arch, "/")
	img, err := remote.Image(r, remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain),
		remote.WithPlatform(v1.Platform{OS: goos, Architecture: arch, Variant: variant}))
	if err != nil {
		return inputs.Floating
	}
	cfg, err := img.ConfigName()
	if err != nil {
		return inputs.Floating
	}
	return cfg.String()
}

// exists reports whether the engine still holds an image. Without an
// engine (a plan that could not reach it) it assumes so; an engine that
// cannot inspect its store holds nothing dockyard can reuse.
func (inc *Incremental) exists(ctx context.Context, id string) (bool, error) {
	if inc.Engine == nil {
		return true, nil
	}
	insp, ok := inc.Engine.(engine.Inspector)
	if !ok {
		return false, nil
	}
	_, found, err := insp.Inspect(ctx, id)
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
