package cli

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/platform"
	"github.com/dockyard-build/dockyard/internal/progress"
	"github.com/dockyard-build/dockyard/internal/project"
	"github.com/dockyard-build/dockyard/internal/publish"
	"github.com/dockyard-build/dockyard/internal/report"
	"github.com/dockyard-build/dockyard/internal/run"
)

// buildLoad is build --load, as buildx's: each image an engine other than
// the target built (or found up to date) is loaded into the target, the
// Docker engine or the embedded engine's store, under its references as
// soon as it is ready.
type buildLoad struct {
	src engine.Exporter
	dst loadTarget
	to  string
}

// loadTarget is an engine build --load puts images into.
type loadTarget interface {
	engine.Loader
	engine.Tagger
	Close() error
}

// Where build --load puts images.
var loadTargets = []string{"docker", "embedded"}

// newBuildLoad checks, before anything is built, that the engine can read
// images back and that the target engine (docker or embedded) works.
// With the target building, the images are there already: it returns nil.
func (g *globals) newBuildLoad(ctx context.Context, eng engine.Engine, to string) (*buildLoad, error) {
	if eng.Name() == to {
		return nil, nil
	}
	src, err := publish.Exporter(eng)
	if err != nil {
		return nil, err
	}
	dst, err := g.openLoadTarget(ctx, to)
	if err != nil {
		return nil, err
	}
	return &buildLoad{src: src, dst: dst, to: to}, nil
}

// Close closes the target engine.
func (l *buildLoad) Close() error { return l.dst.Close() }

// hook is the runner's AfterBuild: it loads the image into the target
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
			return fmt.Errorf("loading %s into the %s engine: %w", im.Name, l.to, err)
		}
		log := prog.Log(im.Name)
		defer log.Close()
		for i, ref := range im.Refs {
			if i == 0 {
				err = l.dst.Load(ctx, ref, img)
			} else {
				err = l.dst.Tag(ctx, res.ID, []string{ref})
			}
			if err != nil {
				return fmt.Errorf("loading %s into the %s engine: %w", im.Name, l.to, err)
			}
			fmt.Fprintf(log, "loaded %s into the %s engine\n", ref, l.to)
		}
		return nil
	}
}

// indexHook is the runner's AfterIndex: a name of the Docker engine holds
// one platform's image, so of a multi-platform image the one built for
// this machine's platform is loaded, as hook loads an image; without one,
// the image's log says that nothing was loaded.
func (l *buildLoad) indexHook(prog *progress.Progress, rep *report.Report) func(context.Context, *plan.Image, []run.PlatformResult) error {
	hook := l.hook(prog, rep)
	return func(ctx context.Context, im *plan.Image, platforms []run.PlatformResult) error {
		native := platform.Normalize(runtime.GOOS + "/" + runtime.GOARCH)
		for _, p := range platforms {
			if platform.Normalize(p.Platform) == native {
				return hook(ctx, im, engine.Result{ID: p.ID})
			}
		}
		log := prog.Log(im.Name)
		defer log.Close()
		fmt.Fprintf(log, "not loaded into the %s engine: it is built for %s, not for this machine's %s\n", l.to, strings.Join(im.Platforms, ", "), native)
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
	if opts.load != "" {
		if sh.load, err = opts.newBuildLoad(ctx, eng, opts.load); err != nil {
			return nil, err
		}
		if sh.load == nil {
			opts.notef("note: --load: the %s engine builds, so its images are in it already", opts.load)
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
func (sh *buildShipping) index(prog *progress.Progress, rep *report.Report) func(context.Context, *plan.Image, []run.PlatformResult) error {
	var hooks []func(context.Context, *plan.Image, []run.PlatformResult) error
	if sh.load != nil {
		hooks = append(hooks, sh.load.indexHook(prog, rep))
	}
	if sh.push != nil {
		hooks = append(hooks, sh.push.indexHook(prog, rep))
	}
	if len(hooks) == 0 {
		return nil
	}
	return func(ctx context.Context, im *plan.Image, platforms []run.PlatformResult) error {
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
