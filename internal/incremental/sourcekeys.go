package incremental

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/dockyard-build/dockyard/internal/buildcontext"
	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/inputs"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/project"
)

// Prediction is what a plan foresees for an image before a run's copies
// and hooks: the source inputs, their key (the source key) and the
// context's manifest with the copies laid over it.
type Prediction struct {
	Key      string
	Inputs   inputs.Inputs
	Manifest inputs.Manifest
	// Missing names what does not exist yet, the context or a copy-list
	// source ("context cache/x"), or is "": a script may make it before
	// the build (FATE-Builder's cache/, FATE's packaging output); a run
	// needs it by the image's turn.
	Missing string
}

// Source says where an image's files come from before a run: its context,
// its Dockerfile, and the copies a run lays over the context (component.dep
// folders, copy-list items that land in the context). What hooks make, such
// as the generated files a dependency keeps, is not a source: the run
// makes it anew.
func Source(p *project.Project, name string) inputs.Source {
	im := p.Image(name)
	src := inputs.Source{Context: im.Context, Dockerfile: im.Dockerfile}
	if c := p.Component(im.Component); c != nil && im.Kind == project.KindComponent {
		for _, d := range c.Deps {
			src.Overlays = append(src.Overlays, inputs.Overlay{Src: p.Component(d.Name).Dir, Dst: path.Join("dependency", d.Name)})
		}
	}
	for _, ci := range im.CopyList {
		if dst, ok := under(im.Context, ci.Dst); ok {
			src.Overlays = append(src.Overlays, inputs.Overlay{Src: ci.Src, Dst: dst})
		}
	}
	if im.Kind == project.KindComponent {
		src.Extra = p.Config.Hooks.Inputs[im.Component]
	}
	return src
}

// Changed lists the images whose inputs hold one of the files given (those
// git says changed since a commit, for --since): their Dockerfile, kept
// context files or copied-in folders. A change of dockyard.yaml or of an
// env file changes every image.
func Changed(p *project.Project, files []string) ([]string, error) {
	configs := append([]string{config.FileName, config.AltFileName}, p.Config.EnvFiles...)
	changed := []string{}
	scanner := inputs.NewScanner(p.Root)
	for _, im := range p.Images {
		src := Source(p, im.Name)
		for _, f := range files {
			touches, err := scanner.Touches(src, f)
			if err != nil {
				return nil, err
			}
			if touches || slices.Contains(configs, path.Clean(f)) {
				changed = append(changed, im.Name)
				break
			}
		}
	}
	return changed, nil
}

// Missing names what an image reads from the source tree that does not
// exist yet: its context, else the first copy-list source; "" when all is
// there. at is where the image, or the copy-list entry, is declared.
func Missing(p *project.Project, name string) (what string, at project.Pos) {
	im := p.Image(name)
	if !p.Exists(im.Context) {
		return "context " + im.Context, im.Declared
	}
	for _, c := range im.CopyList {
		if !p.Exists(c.Src) {
			return "copy-list src " + c.Src, project.Pos{File: im.Declared.File, Line: c.Line}
		}
	}
	return "", project.Pos{}
}

// under returns p relative to dir when p is inside it.
func under(dir, p string) (string, bool) {
	if dir == "." {
		return p, true
	}
	return strings.CutPrefix(p, dir+"/")
}

// staged reports whether a run changes the image's context before its
// build, with copies or a pre-build hook, so that its input key is only
// known then.
func staged(p *project.Project, name string) bool {
	im := p.Image(name)
	c := p.Component(im.Component)
	return len(Source(p, name).Overlays) > 0 || im.PreHook != "" || (c != nil && im.Kind == project.KindComponent && c.PreHook != "")
}

// predictKeys takes every image's source key: manifests and Dockerfiles
// are read in parallel, each context once; keys then follow in plan order,
// parents first.
func (inc *Incremental) predictKeys(ctx context.Context, pl *plan.Plan) (map[string]*Prediction, error) {
	trees := &trees{byID: map[string]*tree{}}
	preds := make([]*Prediction, len(pl.Images))
	errs := make([]error, len(pl.Images))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4*runtime.GOMAXPROCS(0))
	for i := range pl.Images {
		im := &pl.Images[i]
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			t := trees.of(inc, Source(inc.Project, im.Name))
			in, err := inc.partialInputs(ctx, im, platformOf(im))
			missing, _ := Missing(inc.Project, im.Name)
			if err == nil && (missing == "" || !errors.Is(t.err, fs.ErrNotExist)) {
				err = t.err
			}
			if err != nil {
				errs[i] = fmt.Errorf("image %s: %w", im.Name, err)
				return
			}
			in.Files = t.digest
			preds[i] = &Prediction{Inputs: in, Manifest: t.manifest, Missing: missing}
		})
	}
	wg.Wait()
	out := map[string]*Prediction{}
	for i, im := range pl.Images {
		if errs[i] != nil {
			return nil, errs[i]
		}
		p := preds[i]
		for _, par := range im.Parents {
			if p.Inputs.Parents == nil {
				p.Inputs.Parents = map[string]string{}
			}
			p.Inputs.Parents[par.Name] = out[par.Name].Key
		}
		p.Key = p.Inputs.Key()
		out[im.Name] = p
	}
	return out, nil
}

// trees are the manifests of the sources' trees, each read once however
// many images share it.
type trees struct {
	mu   sync.Mutex
	byID map[string]*tree
}

type tree struct {
	once     sync.Once
	manifest inputs.Manifest
	digest   string
	err      error
}

// of returns the manifest of a source's tree, reading it on the first call.
func (ts *trees) of(inc *Incremental, src inputs.Source) *tree {
	id := fmt.Sprintf("%s %v", src.Context, src.Overlays)
	if own := buildcontext.DockerfileIgnore(src.Dockerfile); inc.Project.Exists(own) {
		id += " " + own // its own ignore file makes its own tree
	}
	ts.mu.Lock()
	t := ts.byID[id]
	if t == nil {
		t = &tree{}
		ts.byID[id] = t
	}
	ts.mu.Unlock()
	t.once.Do(func() {
		t.manifest, t.err = inc.Scanner.Manifest(src.Context, src.Dockerfile, src.Overlays)
		t.digest = t.manifest.Digest()
	})
	return t
}
