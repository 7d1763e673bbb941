package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/progress"
	"github.com/dockyard-build/dockyard/internal/project"
	"github.com/dockyard-build/dockyard/internal/publish"
	"github.com/dockyard-build/dockyard/internal/report"
	"github.com/dockyard-build/dockyard/internal/run"
)

// buildPush is build --push: each image is pushed by its own task as soon
// as it is built, while other images still build. Its children wait for
// the push, and a failed push fails the image.
type buildPush struct {
	src    engine.Exporter
	pusher *publish.Pusher
	stdout io.Writer
	skip   map[string]bool // images of tiers that are not pushed
	mu     sync.Mutex      // serializes stdout lines; guards prog
	prog   *progress.Progress
}

// newBuildPush checks, before anything is built, that every image to push
// has a registry reference and that the engine can read images back; named
// are the images -i names.
func newBuildPush(p *project.Project, pl *plan.Plan, named []string, eng engine.Engine, stdout io.Writer) (*buildPush, error) {
	images := make([]*plan.Image, len(pl.Images))
	for i := range pl.Images {
		images[i] = &pl.Images[i]
	}
	images, err := pushed(named)(p, images)
	if err != nil {
		return nil, err
	}
	skip := map[string]bool{}
	for _, im := range pl.Images {
		skip[im.Name] = !slices.ContainsFunc(images, func(x *plan.Image) bool { return x.Name == im.Name })
	}
	src, err := publish.Exporter(eng)
	if err != nil {
		return nil, err
	}
	b := &buildPush{stdout: stdout, skip: skip}
	pusher, err := newPusher(p.Config, b.retried)
	if err != nil {
		return nil, err
	}
	b.src, b.pusher = src, pusher
	return b, nil
}

// retried tells the progress view of a registry request that will be
// tried again, once the view exists.
func (b *buildPush) retried(host string, err error) {
	b.mu.Lock()
	prog := b.prog
	b.mu.Unlock()
	if prog != nil {
		prog.Message("%s", retryNote(host, err))
	}
}

// hook is the runner's AfterBuild: it pushes the image just built, prints
// each reference as REF@DIGEST, logs it in the image's log and counts the
// time in the report's "push" phase.
func (b *buildPush) hook(prog *progress.Progress, rep *report.Report) func(context.Context, *plan.Image, engine.Result) error {
	b.mu.Lock()
	b.prog = prog
	b.mu.Unlock()
	return func(ctx context.Context, im *plan.Image, res engine.Result) error {
		return b.push(ctx, prog, rep, im, func() ([]publish.Pushed, error) {
			img, err := b.src.Image(ctx, res.ID)
			if err != nil {
				return nil, err
			}
			return b.pusher.Push(ctx, img, im.PushRefs())
		})
	}
}

// indexHook is the runner's AfterIndex: it pushes a multi-platform image,
// its platforms' images joined into one index, as hook pushes an image.
func (b *buildPush) indexHook(prog *progress.Progress, rep *report.Report) func(context.Context, *plan.Image, []run.PlatformResult) error {
	return func(ctx context.Context, im *plan.Image, platforms []run.PlatformResult) error {
		return b.push(ctx, prog, rep, im, func() ([]publish.Pushed, error) {
			var ids []string
			for _, p := range platforms {
				ids = append(ids, p.ID)
			}
			return b.pusher.PushPlatforms(ctx, b.src, publish.Job{Image: im.Name, Refs: im.PushRefs()}, ids)
		})
	}
}

// push runs one image's push, unless its tier is not pushed: with its key
// references settled, its seconds counted in the report's "push" phase,
// and what it pushed shown by done.
func (b *buildPush) push(ctx context.Context, prog *progress.Progress, rep *report.Report, im *plan.Image, push func() ([]publish.Pushed, error)) error {
	if b.skip[im.Name] {
		return nil
	}
	start := time.Now()
	defer func() {
		secs := report.Seconds(time.Since(start))
		rep.Update(im.Name, func(ri *report.Image) { ri.Phases["push"] += secs })
	}()
	if err := completeKeyRefs([]*plan.Image{im}); err != nil {
		return err
	}
	pushed, err := push()
	return b.done(prog, rep, im.Name, pushed, err)
}

// done prints and logs what a push pushed, and names the image in its
// error.
func (b *buildPush) done(prog *progress.Progress, rep *report.Report, image string, pushed []publish.Pushed, err error) error {
	log := prog.Log(image)
	defer log.Close()
	b.mu.Lock()
	for _, p := range pushed {
		fmt.Fprintln(b.stdout, p)
		fmt.Fprintf(log, "pushed %s\n", p)
	}
	b.mu.Unlock()
	rep.Update(image, func(ri *report.Image) {
		for _, p := range pushed {
			ri.Pushed = append(ri.Pushed, p.String())
		}
	})
	if err != nil {
		return fmt.Errorf("pushing %s: %w", image, err)
	}
	return nil
}
