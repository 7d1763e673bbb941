package cli

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/dockyard-build/dockyard/internal/build"
	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/engine/docker"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/progress"
	"github.com/dockyard-build/dockyard/internal/project"
	"github.com/dockyard-build/dockyard/internal/report"
)

// buildLoad is build --load, as buildx's: each image an engine other than
// the Docker engine built (or found up to date) is loaded into the Docker
// engine under its references as soon as it is ready.
type buildLoad struct {
	src    engine.Exporter
	docker *docker.Engine
}

// newBuildLoad checks, before anything is built, that the engine can read
// images back and that a Docker engine answers. With the Docker engine
// building, the images are there already: it returns nil.
func newBuildLoad(ctx context.Context, eng engine.Engine) (*buildLoad, error) {
	if eng.Name() == "docker" {
		return nil, nil
	}
	src, err := exporter(eng)
	if err != nil {
		return nil, err
	}
	d, err := openDocker(ctx)
	if err != nil {
		return nil, &hintError{fmt.Errorf("--load: %w", err), "--load puts the images into a Docker engine: start one, or leave --load out"}
	}
	return &buildLoad{src: src, docker: d}, nil
}

// Close closes the connection to the Docker engine.
func (l *buildLoad) Close() error { return l.docker.Close() }

// hook is the runner's AfterBuild: it loads the image into the Docker
// engine under its first reference, tags it with the others, logs each in
// the image's log and counts the time in the report's "load" phase.
func (l *buildLoad) hook(prog *progress.Progress, rep *report.Report) func(context.Context, *plan.Image, engine.Result) error {
	return func(ctx context.Context, im *plan.Image, res engine.Result) error {
		start := time.Now()
		defer func() {
			secs := report.Seconds(time.Since(start))
			rep.Update(im.Name, func(ri *report.Image) { ri.Phases["load"] += secs })
		}()
		if err := completeKeyRefs([]*plan.Image{im}); err != nil {
			return err
		}
		img, err := l.src.Image(ctx, res.ID)
		if err != nil {
			return fmt.Errorf("loading %s into docker: %w", im.Name, err)
		}
		log := prog.Log(im.Name)
		defer log.Close()
		for i, ref := range im.Refs {
			if i == 0 {
				err = l.docker.Load(ctx, ref, img)
			} else {
				err = l.docker.Tag(ctx, res.ID, []string{ref})
			}
			if err != nil {
				return fmt.Errorf("loading %s into docker: %w", im.Name, err)
			}
			fmt.Fprintf(log, "loaded %s into the docker engine\n", ref)
		}
		return nil
	}
}

// indexHook is the runner's AfterIndex: a name of the Docker engine holds
// one platform's image, so of a multi-platform image the one built for
// this machine's platform is loaded, as hook loads an image; without one,
// the image's log says that nothing was loaded.
func (l *buildLoad) indexHook(prog *progress.Progress, rep *report.Report) func(context.Context, *plan.Image, []build.PlatformResult) error {
	hook := l.hook(prog, rep)
	return func(ctx context.Context, im *plan.Image, platforms []build.PlatformResult) error {
		native := normalize(runtime.GOOS + "/" + runtime.GOARCH)
		for _, p := range platforms {
			if normalize(p.Platform) == native {
				return hook(ctx, im, engine.Result{ID: p.ID})
			}
		}
		log := prog.Log(im.Name)
		defer log.Close()
		fmt.Fprintf(log, "not loaded into the docker engine: it is built for %s, not for this machine's %s\n", strings.Join(im.Platforms, ", "), native)
		return nil
	}
}

// buildShipping is what --push and --load do to each image once it is
// ready.
type buildShipping struct {
	push *buildPush
	load *buildLoad
}

// shipping prepares --push and --load, checking before anything is built
// that they can work.
func (opts *buildOptions) shipping(ctx context.Context, p *project.Project, pl *plan.Plan, eng engine.Engine) (*buildShipping, error) {
	sh := &buildShipping{}
	var err error
	if opts.load {
		if sh.load, err = newBuildLoad(ctx, eng); err != nil {
			return nil, err
		}
		if sh.load == nil {
			opts.notef("note: --load: the docker engine builds, so its images are in it already")
		}
	}
	if opts.push {
		if sh.push, err = newBuildPush(p, pl, opts.images, eng, opts.stdout); err != nil {
			sh.close()
			return nil, err
		}
	}
	return sh, nil
}

// after is the runner's AfterBuild: load, then push.
func (sh *buildShipping) after(prog *progress.Progress, rep *report.Report) func(context.Context, *plan.Image, engine.Result) error {
	var hooks []func(context.Context, *plan.Image, engine.Result) error
	if sh.load != nil {
		hooks = append(hooks, sh.load.hook(prog, rep))
	}
	if sh.push != nil {
		hooks = append(hooks, sh.push.hook(prog, rep))
	}
	return chainAfter(hooks...)
}

// index is the runner's AfterIndex: build --load loads a multi-platform
// image's build for this machine, then build --push pushes the image as
// one index of its platforms' images.
func (sh *buildShipping) index(prog *progress.Progress, rep *report.Report) func(context.Context, *plan.Image, []build.PlatformResult) error {
	var hooks []func(context.Context, *plan.Image, []build.PlatformResult) error
	if sh.load != nil {
		hooks = append(hooks, sh.load.indexHook(prog, rep))
	}
	if sh.push != nil {
		hooks = append(hooks, sh.push.indexHook(prog, rep))
	}
	if len(hooks) == 0 {
		return nil
	}
	return func(ctx context.Context, im *plan.Image, platforms []build.PlatformResult) error {
		for _, h := range hooks {
			if err := h(ctx, im, platforms); err != nil {
				return err
			}
		}
		return nil
	}
}

func (sh *buildShipping) close() {
	if sh.load != nil {
		sh.load.Close()
	}
}

// chainAfter runs the hooks in turn, stopping at the first error.
func chainAfter(hooks ...func(context.Context, *plan.Image, engine.Result) error) func(context.Context, *plan.Image, engine.Result) error {
	if len(hooks) == 0 {
		return nil
	}
	return func(ctx context.Context, im *plan.Image, res engine.Result) error {
		for _, h := range hooks {
			if err := h(ctx, im, res); err != nil {
				return err
			}
		}
		return nil
	}
}
