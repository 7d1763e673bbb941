package cli

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/dockyard-build/dockyard/internal/build"
	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/engine/buildkit"
	"github.com/dockyard-build/dockyard/internal/inputs"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/project"
	"github.com/dockyard-build/dockyard/internal/publish"
)

// changedImages lists the images whose inputs changed since the commit
// ref (--since): those whose Dockerfile, kept context files or copied-in
// folders hold a changed file. A change of dockyard.yaml or of an env file
// changes every image.
func changedImages(ctx context.Context, p *project.Project, ref string) ([]string, error) {
	files, err := inputs.ChangedSince(ctx, p.Root, ref)
	if err != nil {
		return nil, usageErrorf("--since: %w", err)
	}
	configs := append([]string{config.FileName, config.AltFileName}, p.Config.EnvFiles...)
	changed := []string{}
	scanner := inputs.NewScanner(p.Root)
	for _, im := range p.Images {
		src := build.Source(p, im.Name)
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

// newIncremental returns what decides from input keys which images to
// build on an engine, by the project's cache setting: nil for cache: off;
// with cache: registry, a registry cache too. eng may be nil when plan
// could not reach the engine. pull asks registries for every base's digest
// (--pull).
func newIncremental(p *project.Project, eng engine.Engine, engineName string, pull bool) (*build.Incremental, error) {
	cfg := p.Config
	switch cfg.Cache {
	case "off":
		return nil, nil
	case "registry":
		if !cfg.Registry.Configured() {
			return nil, usageErrorf("cache: registry needs a registry to keep images in: set registry.domain and registry.namespace in %s, or use -c", config.FileName)
		}
	}
	inc := build.NewIncremental(p, eng, engineName)
	keys := keychain(cfg)
	inc.Keychain = keys
	inc.Pull = pull
	if cfg.Cache == "registry" {
		pusher, err := publish.New(publish.Options{Keychain: keys})
		if err != nil {
			return nil, err
		}
		inc.Registry = &build.RegistryCache{Registry: cfg.Registry, Keychain: keys, Pusher: pusher}
		if bk, ok := eng.(*buildkit.Engine); ok {
			// BuildKit keeps its layer cache there too, so that another
			// machine reuses layers even of images whose key changed.
			bk.SetRegistry(&buildkit.LayerCache{Repository: func(image string) string {
				return strings.TrimSuffix(cfg.Registry.Ref(image, "x"), ":x")
			}}, keys)
		}
	}
	return inc, nil
}

// predict fills in the plan's statuses: what a build would do with each
// image, and why, on the engine chosen. Without an engine, stored images
// are assumed to exist; a note says so when that decided anything. A store
// of dockyard's that does not exist yet is not created: it holds nothing.
func predict(ctx context.Context, opts *planOptions, p *project.Project, pl *plan.Plan, c engineChoice) error {
	if p.Config.Cache == "off" {
		for i := range pl.Images {
			pl.Images[i].Status, pl.Images[i].Reason = plan.StatusBuild, build.ReasonOff
		}
		return nil
	}
	var eng engine.Engine
	var err error
	empty := opts.storeMissing(c)
	if !empty {
		if eng, err = opts.openChosen(ctx, c); err == nil && c.docker == nil {
			defer eng.Close()
		}
	}
	inc, ierr := newIncremental(p, eng, engineName(c.name), opts.pull)
	if ierr != nil {
		return ierr
	}
	inc.Empty = empty
	if _, err := inc.Predict(ctx, pl); err != nil {
		return err
	}
	for i := range pl.Images {
		im := &pl.Images[i]
		if eng == nil && !empty && im.Status == plan.StatusUpToDate {
			fmt.Fprintf(opts.stderr, "note: %v; up-to-date images were not checked against the engine\n", err)
			break
		}
	}
	for i := range pl.Images {
		if im := &pl.Images[i]; im.NeedsKey() && im.Key != "" {
			if err := im.AddKeyRefs(im.Key); err != nil {
				return err
			}
		}
	}
	if floating := inc.Floating(); len(floating) > 0 {
		fmt.Fprintf(opts.stderr, "note: the digest of %s is unknown (not in the engine, and its registry did not answer): the input keys take it as it is named, and a build may not see it move\n", strings.Join(floating, ", "))
	}
	return errors.Join(inc.Scanner.Save(), inc.SaveBases())
}

// engineName is the name the state keeps an engine's builds under: auto
// means docker until the embedded engine can be chosen automatically.
func engineName(name string) string {
	if name == "auto" {
		return "docker"
	}
	return name
}
