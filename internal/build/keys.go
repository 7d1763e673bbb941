package build

import (
	"cmp"
	"context"
	"fmt"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/inputs"
	"github.com/dockyard-build/dockyard/internal/plan"
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

	// records are the state's image records as the run found them, set
	// before any task runs.
	records map[[2]string]*state.Record
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
		asked:   map[string]state.Base{},
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
			m, merr := inc.Scanner.Manifest(p, nil)
			if merr != nil {
				return nil, fmt.Errorf("hooks.inputs of %s: reading %s: %w", im.Component, p, err)
			}
			d = m.Digest()
		}
		out[p] = d
	}
	return out, nil
}

// base returns an external base's digest, once per run: the digest a
// reference pins; else the engine's image ID when it holds the image;
// else the config digest the registry gives for the platform, as
// recorded in the state within baseTTL or asked now; else
// inputs.Floating. With Pull the registry is asked first, and the engine
// and the state are only fallbacks for a registry that does not answer.
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

// How long what a registry said of a base's digest is believed: a tag may
// move, and a registry that did not answer may answer again.
const (
	baseTTL        = time.Hour
	unansweredTTL  = 10 * time.Minute
	baseAskTimeout = 3 * time.Second
)

func (inc *Incremental) resolve(ctx context.Context, ref, platform string) string {
	if _, digest, ok := strings.Cut(ref, "@"); ok {
		return digest
	}
	if inc.Pull {
		if digest, err := inc.ask(ctx, ref, platform); err == nil {
			return digest
		}
	}
	if insp, ok := inc.Engine.(engine.Inspector); ok {
		if info, found, err := insp.Inspect(ctx, ref); err == nil && found {
			return info.ID
		}
	}
	if b, ok := inc.recordedBase(ref + " " + platform); ok {
		return cmp.Or(b.Digest, inputs.Floating)
	}
	if inc.Pull {
		return inputs.Floating
	}
	digest, err := inc.ask(ctx, ref, platform)
	if err != nil {
		return inputs.Floating
	}
	return digest
}

// ask asks the registry for a base's config digest and notes the answer,
// or that there was none, for the state.
func (inc *Incremental) ask(ctx context.Context, ref, platform string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, baseAskTimeout)
	defer cancel()
	digest, err := publish.ConfigDigest(ctx, ref, platform, inc.Keychain)
	inc.mu.Lock()
	inc.asked[ref+" "+platform] = state.Base{Digest: digest, At: time.Now().UTC()}
	inc.mu.Unlock()
	return digest, err
}

// recordedBase returns what the state says of a base, when it is recent.
func (inc *Incremental) recordedBase(key string) (state.Base, bool) {
	inc.recordedOnce.Do(func() {
		inc.recorded, _ = inc.Store.Bases()
	})
	b, ok := inc.recorded[key]
	ttl := baseTTL
	if b.Digest == "" {
		ttl = unansweredTTL
	}
	return b, ok && time.Since(b.At) < ttl
}

// Floating lists the external bases whose digest could not be had: no
// engine copy, and no answer from the registry, now or recently.
func (inc *Incremental) Floating() []string {
	inc.mu.Lock()
	defer inc.mu.Unlock()
	var refs []string
	for key, b := range inc.bases {
		if b.digest == inputs.Floating {
			ref, _, _ := strings.Cut(key, " ")
			refs = append(refs, ref)
		}
	}
	slices.Sort(refs)
	return slices.Compact(refs)
}

// SaveBases records what registries said of bases' digests in this run.
func (inc *Incremental) SaveBases() error {
	inc.mu.Lock()
	defer inc.mu.Unlock()
	return inc.Store.PutBases(inc.asked)
}

// exists reports whether the engine still holds an image. Without an
// engine (a plan that could not reach it) it assumes so; an engine that
// cannot inspect its store holds nothing dockyard can reuse.
func (inc *Incremental) exists(ctx context.Context, id string) (bool, error) {
	if inc.Engine == nil {
		return !inc.Empty, nil
	}
	_, found, err := inc.inspect(ctx, id)
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
