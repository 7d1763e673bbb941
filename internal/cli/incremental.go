package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/engine/docker"
	"github.com/dockyard-build/dockyard/internal/incremental"
	"github.com/dockyard-build/dockyard/internal/inputs"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/project"
)

// changedImages lists the images whose inputs changed since the commit
// ref (--since).
func changedImages(ctx context.Context, p *project.Project, ref string) ([]string, error) {
	files, err := inputs.ChangedSince(ctx, p.Root, ref)
	if err != nil {
		return nil, usageErrorf("--since: %w", err)
	}
	return incremental.Changed(p, files)
}

// newIncremental returns what decides from input keys which images to
// build on an engine, by the project's cache setting (see
// incremental.Open), with the project's keychain; with cache: registry,
// the buildkit engine keeps its layer cache in the registry too.
func newIncremental(p *project.Project, eng engine.Engine, engineName string, pull bool) (*incremental.Incremental, error) {
	cfg := p.Config
	if cfg.Cache == "registry" && !cfg.Registry.Configured() {
		return nil, usageErrorf("cache: registry needs a registry to keep images in: set registry.domain and registry.namespace in %s, or use -c", config.FileName)
	}
	keys := keychain(cfg)
	inc, err := incremental.Open(p, eng, engineName, pull, keys)
	if err == nil && inc != nil && inc.Registry != nil {
		shareLayerCache(eng, cfg, keys)
	}
	return inc, err
}

// predict fills in the plan's statuses: what a build would do with each
// image, and why, on the engine chosen. Without an engine, stored images
// are assumed to exist; a note says so when that decided anything. A store
// of dockyard's that does not exist yet is not created: it holds nothing.
func predict(ctx context.Context, opts *planOptions, p *project.Project, pl *plan.Plan, c engineChoice) error {
	if p.Config.Cache == "off" {
		incremental.Off(pl)
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
	if _, ok := eng.(*docker.Engine); ok {
		inc.Listed = opts.listed
	}
	if _, err := inc.Predict(ctx, pl); err != nil {
		return err
	}
	for i := range pl.Images {
		if eng == nil && !empty && pl.Images[i].Status == plan.StatusUpToDate {
			fmt.Fprintf(opts.stderr, "note: %v; up-to-date images were not checked against the engine\n", err)
			break
		}
	}
	if err := pl.AddKnownKeyRefs(); err != nil {
		return err
	}
	if floating := inc.Floating(); len(floating) > 0 {
		fmt.Fprintf(opts.stderr, "note: the digest of %s is unknown (not in the engine, and its registry did not answer): the input keys take it as it is named, and a build may not see it move\n", strings.Join(floating, ", "))
	}
	return inc.Save(false)
}

// engineName is the name the state keeps an engine's builds under: auto
// means docker until the embedded engine can be chosen automatically.
func engineName(name string) string {
	if name == "auto" {
		return "docker"
	}
	return name
}
