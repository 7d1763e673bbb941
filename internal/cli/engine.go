package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/engine/buildkit"
	"github.com/dockyard-build/dockyard/internal/engine/docker"
	"github.com/dockyard-build/dockyard/internal/engine/embedded"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/publish"
)

// dockerPingTimeout bounds how long auto waits for a Docker engine.
const dockerPingTimeout = 5 * time.Second

// whyRequested is why an engine named by --engine or engine: is chosen,
// as plan, build and the report say it.
const whyRequested = "requested"

// engineChoice is an engine chosen for a command, and why.
type engineChoice struct {
	name, why string
	// dockerErr is why auto did not choose docker.
	dockerErr error
	// docker is the Docker engine auto found answering, for openChosen.
	docker *docker.Engine
}

// chooseEngine resolves name (auto, docker, embedded or buildkit) to an engine and
// says why: auto means docker when a Docker engine answers, else embedded.
func chooseEngine(ctx context.Context, name string) (engineChoice, error) {
	if !slices.Contains(config.Engines, name) {
		return engineChoice{}, usageErrorf("unknown engine %q (want one of %s)", name, strings.Join(config.Engines, ", "))
	}
	if name != "auto" {
		return engineChoice{name: name, why: whyRequested}, nil
	}
	ep, err := dockerTarget()
	if err != nil {
		return engineChoice{}, err
	}
	d, err := openDocker(ctx)
	if err == nil {
		return engineChoice{name: "docker", why: "a Docker engine answers at " + ep.where(), docker: d}, nil
	}
	if ctx.Err() != nil {
		return engineChoice{}, context.Cause(ctx)
	}
	return engineChoice{name: "embedded", why: "fell back from docker: no Docker engine answers at " + ep.where(), dockerErr: err}, nil
}

// openEngine opens the engine a command asked for, as chooseEngine picks
// it, and says why it was chosen. An engine that cannot work is an error
// with a hint, before any step runs. The embedded engine's store is the
// --root flag's, else dockyard.yaml's root, else its default.
func (g *globals) openEngine(ctx context.Context, name string) (engine.Engine, string, error) {
	c, err := chooseEngine(ctx, name)
	if err != nil {
		return nil, "", err
	}
	e, err := g.openChosen(ctx, c)
	if err != nil {
		return nil, "", err
	}
	if bk, ok := e.(*buildkit.Engine); ok {
		return e, c.why + ", buildkitd at " + bk.Address(), nil
	}
	return e, c.why, nil
}

// openChosen opens the engine chooseEngine chose: the Docker engine it
// found answering, or a new one.
func (g *globals) openChosen(ctx context.Context, c engineChoice) (engine.Engine, error) {
	if c.dockerErr != nil {
		g.debugf("the Docker engine: %v", c.dockerErr)
	}
	switch c.name {
	case "docker":
		if c.docker != nil {
			return c.docker, nil
		}
		e, err := openDocker(ctx)
		if err != nil {
			return nil, &hintError{err, "start Docker (systemctl start docker, or Docker Desktop), choose a running one with docker context use NAME or DOCKER_HOST, or build without it: --engine embedded"}
		}
		return e, nil
	case "buildkit":
		e, err := g.openBuildKit(ctx)
		if err != nil {
			return nil, &hintError{err, "start buildkitd (scripts/buildkitd.sh does it on Debian), or set buildkit.address or workers in dockyard.yaml, or BUILDKIT_HOST"}
		}
		return e, nil
	}
	e, err := embedded.New(ctx, embedded.Options{Root: g.root, Warn: g.stderr})
	if err != nil {
		if c.dockerErr != nil {
			err = fmt.Errorf("no engine works here: %w; and %w", c.dockerErr, err)
		}
		return nil, &hintError{err, "run dockyard as root (e.g. with sudo) for the embedded engine, or start a Docker engine and use --engine docker"}
	}
	return e, nil
}

// openLoadTarget opens the engine build --load puts images into: the
// Docker engine (to is "docker") or the embedded engine's store.
func (g *globals) openLoadTarget(ctx context.Context, to string) (loadTarget, error) {
	if to == "docker" {
		d, err := openDocker(ctx)
		if err != nil {
			return nil, &hintError{fmt.Errorf("--load: %w", err), "--load puts the images into a Docker engine: start one, load them into the embedded engine's store (--load=embedded), or leave --load out"}
		}
		return d, nil
	}
	e, err := embedded.New(ctx, embedded.Options{Root: g.root})
	if err != nil {
		return nil, &hintError{fmt.Errorf("--load=embedded: %w", err), "run dockyard as root (e.g. with sudo) for the embedded engine's store, or leave --load out"}
	}
	dst, ok := any(e).(loadTarget)
	if !ok {
		e.Close()
		return nil, usageErrorf("--load=embedded: the embedded engine's store cannot take images on %s", runtime.GOOS)
	}
	return dst, nil
}

// storeMissing reports whether the chosen engine keeps its images in a
// store of dockyard's that does not exist yet (the embedded engine's, the
// buildkit engine's layout): then it holds nothing, and a plan need not
// create it to say so.
func (g *globals) storeMissing(c engineChoice) bool {
	if c.name != "embedded" && c.name != "buildkit" {
		return false
	}
	_, err := os.Stat(cmp.Or(g.root, embedded.DefaultRoot()))
	return errors.Is(err, fs.ErrNotExist)
}

// openDocker opens the Docker engine the docker CLI would use (see
// dockerTarget) and checks that it answers.
func openDocker(ctx context.Context) (*docker.Engine, error) {
	ep, err := dockerTarget()
	if err != nil {
		return nil, err
	}
	e, err := docker.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("opening the docker engine: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, dockerPingTimeout)
	defer cancel()
	if err := e.Ping(pctx); err != nil {
		e.Close()
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			err = fmt.Errorf("%w: the docker engine at %s did not answer within %s", engine.ErrUnavailable, ep.where(), dockerPingTimeout)
		}
		return nil, err
	}
	return e, nil
}

// openBuildKit opens the buildkit engine, its image layout under the
// store root, and checks that buildkitd answers.
func (g *globals) openBuildKit(ctx context.Context) (*buildkit.Engine, error) {
	e, err := buildkit.New(ctx, buildkit.Options{
		Address: g.buildkit, Workers: g.poolWorkers(), Warn: g.stderr,
		Root: cmp.Or(g.root, embedded.DefaultRoot()), LoadDir: loadDir(),
	})
	if err != nil {
		return nil, err
	}
	if cfg := g.registryStore; cfg != nil {
		keys := keychain(cfg)
		e.UseRegistry(cfg.Registry.Prefix()+"/", publish.NewStore(keys), keys)
	}
	if err := e.Ping(ctx); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// poolWorkers are the enabled workers of dockyard.yaml, as the buildkit
// engine's pool takes them.
func (g *globals) poolWorkers() []buildkit.Worker {
	var out []buildkit.Worker
	for _, w := range g.workers {
		if w.On() {
			out = append(out, poolWorker(w.Resolved(g.dir)))
		}
	}
	return out
}

// poolWorker is a resolved worker of dockyard.yaml as the engine takes it.
func poolWorker(w config.Worker) buildkit.Worker {
	return buildkit.Worker{Address: w.Address, CA: w.CA, Cert: w.Cert, Key: w.Key, Platforms: w.Platforms, MaxBuilds: w.MaxBuilds}
}

// setStoreRoot records where the embedded engine's store is: the --root
// flag's directory, else dockyard.yaml's root (relative to the repository
// root), else the engine's default; and the buildkit engine's address
// and workers.
func (g *globals) setStoreRoot(cfg *config.Config) {
	g.buildkit, g.workers = cfg.BuildKit.Address, cfg.Workers
	if cfg.BuildKit.Store == "registry" {
		g.registryStore = cfg
	}
	if g.root == "" && cfg.Root != "" {
		g.root = cfg.Root
		if !filepath.IsAbs(g.root) {
			g.root = filepath.Join(g.dir, g.root)
		}
	}
}

// planEngine puts the engine a build would use, and why, into the plan;
// the text form says it on stderr, its first line.
func planEngine(ctx context.Context, opts *planOptions, c engineChoice, pl *plan.Plan) error {
	pl.Engine, pl.EngineReason = c.name, c.why
	if opts.format == "text" {
		fmt.Fprintf(opts.stderr, "engine: %s (%s)\n", c.name, c.why)
	}
	if c.name == "buildkit" && len(opts.workers) > 0 {
		opts.planPool(ctx, pl)
	}
	return nil
}

// loadDir is where dockyard runs share their pool's loads: the user's
// cache, or nowhere when there is none.
func loadDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "dockyard", "buildkit-loads")
}

// shareLayerCache has the buildkit engine keep its layer cache in the
// registry that holds the registry cache (cache: registry), so that
// another machine reuses layers even of images whose key changed.
func shareLayerCache(eng engine.Engine, cfg *config.Config, keys *publish.Keychain) {
	if bk, ok := eng.(*buildkit.Engine); ok {
		bk.SetRegistry(&buildkit.LayerCache{Repository: func(image string) string {
			return strings.TrimSuffix(cfg.Registry.Ref(image, "x"), ":x")
		}}, keys)
	}
}
