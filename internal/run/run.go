// Package run runs a build of a plan: it schedules the images and the
// components' steps on a DAG, drives the engine, skips what package
// incremental says is up to date, keeps the workspace safe, and records
// everything in the progress view and the report.
package run

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/gitrepo"
	"github.com/dockyard-build/dockyard/internal/incremental"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/progress"
	"github.com/dockyard-build/dockyard/internal/project"
	"github.com/dockyard-build/dockyard/internal/report"
	"github.com/dockyard-build/dockyard/internal/sched"
	"github.com/dockyard-build/dockyard/internal/state"
	"github.com/dockyard-build/dockyard/internal/workspace"
)

// Options tune a run.
type Options struct {
	Jobs      int
	KeepGoing bool
	NoCache   bool
	// RerunHooks runs every component's copies and hooks, even those whose
	// inputs did not change.
	RerunHooks bool
	// Pull has the engine pull every external base, even one it holds.
	Pull bool
}

// Runner holds what one run uses.
type Runner struct {
	Project   *project.Project
	Plan      *plan.Plan
	Engine    engine.Engine
	Workspace *workspace.Workspace
	Progress  *progress.Progress
	Report    *report.Report
	Options   Options

	// AfterBuild, when set, runs after each image is built, in the image's
	// task (build --push pushes there); its error fails the image.
	AfterBuild func(ctx context.Context, im *plan.Image, res engine.Result) error
	// AfterIndex, when set, runs once every platform of a multi-platform
	// image is built, in the image's join task (build --push pushes the
	// platforms' images there as one index); its error fails the image.
	AfterIndex func(ctx context.Context, im *plan.Image, platforms []PlatformResult) error

	// Auth gives the credentials of the registries the engine pulls bases
	// from; nil pulls anonymously.
	Auth authn.Keychain

	// Incremental skips images whose input key matches an image at hand;
	// nil builds every image (cache: off).
	Incremental *incremental.Incremental
	// State records the image built or reused for each project image,
	// and holds the checkout's identity; nil means the engine's store in
	// the repository.
	State *state.Store

	// Pruned is what the run removed from the engine's store at its end:
	// older builds of the checkout's images (see engine.Pruner).
	Pruned engine.Pruned

	// Failures lists the tasks that failed, images and hooks, in the order
	// they failed.
	Failures []sched.Outcome

	labels   map[string]string
	tasks    map[string]*task
	keys     runKeys
	images   runImages
	checkout string
	recorded map[[2]string]state.Result // the state's images at the start
	// hookSlots bounds the hooks running at once (see hookJobs).
	hookSlots chan struct{}
}

// Images lists the report entries of a plan's images.
func Images(pl *plan.Plan) []report.Image {
	var out []report.Image
	for _, im := range pl.Images {
		out = append(out, report.Image{Name: im.Name, Component: im.Component, Refs: im.Refs})
	}
	return out
}

// Run builds the plan. It checks first that no step would touch a path the
// user owns; then runs every task; the workspace is cleaned by its owner.
// The error is the first failure (or every failure with KeepGoing).
func (r *Runner) Run(ctx context.Context) error {
	tasks, err := r.makeTasks()
	if err != nil {
		return err
	}
	if err := r.Workspace.Check(r.claims()...); err != nil {
		return &ConflictError{err}
	}
	r.labels = sourceLabels(ctx, r.Project.Root)
	r.hookSlots = make(chan struct{}, hookJobs(r.Options.Jobs))
	if r.State == nil {
		r.State = state.Open(r.Project.Root, r.Engine.Name())
	}
	if r.checkout, err = r.State.Checkout(true); err != nil {
		return err
	}
	if r.recorded, err = r.State.Built(); err != nil {
		return err
	}
	if err := r.keys.start(ctx, r.Incremental, r.Plan); err != nil {
		return err
	}
	if inc := r.Incremental; inc != nil && !r.Options.NoCache {
		if r.keys.steady, err = inc.Steady(ctx, r.Plan, r.keys.preds, r.Options.RerunHooks); err != nil {
			return err
		}
	}
	var list []sched.Task
	for _, t := range tasks {
		list = append(list, sched.Task{ID: t.id, Deps: t.deps})
		switch {
		case t.image != nil:
			r.Progress.Queued(t.id, r.visibleDeps(t)...)
		case t.visible():
			r.Progress.QueuedStep(t.id, t.component.Name, t.what(), r.visibleDeps(t)...)
		}
	}
	outcomes, runErr := sched.Run(ctx, list, sched.Options{
		Jobs:      r.Options.Jobs,
		KeepGoing: r.Options.KeepGoing,
		OnStart: func(id string) {
			if r.tasks[id].visible() {
				r.Progress.Started(id)
			}
		},
		OnDone: r.done,
	}, func(ctx context.Context, id string) error { return r.tasks[id].run(ctx) })
	if r.Options.KeepGoing && runErr != nil && ctx.Err() == nil {
		runErr = joinFailures(outcomes)
	}
	err = r.keys.finish(r.Incremental)
	if ctx.Err() == nil && r.keys.anyBuilt() {
		err = errors.Join(err, r.prune(ctx))
	}
	return errors.Join(runErr, err)
}

// prune removes from an engine's store that prunes (the buildkit engine's
// layout) the images of this checkout that the state no longer holds as
// an image's last build, and forgets their input keys, once a run built
// an image (a no-op writes nothing). Another dockyard using the store
// puts it off to a later run.
func (r *Runner) prune(ctx context.Context) error {
	p, ok := r.Engine.(engine.Pruner)
	if !ok {
		return nil
	}
	keep, err := r.State.Current()
	if err != nil {
		return err
	}
	r.Pruned, err = p.Prune(ctx, r.checkout, func(id string) bool { return keep[id] })
	if errors.Is(err, engine.ErrBusy) {
		return nil
	}
	gone := map[string]bool{}
	for _, id := range r.Pruned.Images {
		gone[id] = true
	}
	return errors.Join(err, r.State.ForgetIDs(gone))
}

// done records a task's outcome in the progress view and the report.
func (r *Runner) done(o sched.Outcome) {
	t := r.tasks[o.ID]
	if o.Status == sched.Failed {
		r.Failures = append(r.Failures, o)
	}
	status := map[sched.Status]string{
		sched.Succeeded: report.Built, sched.Failed: report.Failed,
		sched.Skipped: report.Skipped, sched.Canceled: report.Canceled,
	}[o.Status]
	if t.image == nil && o.Status == sched.Succeeded {
		status = "succeeded"
	}
	if t.upToDate && o.Status == sched.Succeeded {
		status = report.UpToDate
	}
	// A task that did not run says which failure stopped it, in a few
	// words: the failure itself is shown once, with its own task.
	reason := o.Err
	if fe, ok := errors.AsType[*sched.FailedError](o.Err); ok && o.Status != sched.Failed {
		reason = errors.New(fe.Short())
	}
	if t.visible() {
		r.Progress.Finished(o.ID, status, reason)
	}
	if t.image == nil {
		return
	}
	if t.perPlatform {
		r.platformDone(t, o, status)
		return
	}
	r.Report.Update(o.ID, func(im *report.Image) {
		if t.join && o.Status == sched.Skipped && im.Status == report.Failed {
			return // a platform's build failed
		}
		im.Status = status
		if reason != nil {
			im.Reason = firstLine(reason.Error())
		}
		im.Log = r.Progress.LogPath(o.ID)
	})
}

// visibleDeps are the tasks t waits for that progress shows: a step the
// view leaves out stands for its own dependencies.
func (r *Runner) visibleDeps(t *task) []string {
	var out []string
	for _, d := range t.deps {
		if dt := r.tasks[d]; dt.visible() {
			out = append(out, d)
		} else {
			out = append(out, r.visibleDeps(dt)...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// claims are the paths the run's steps will create: none may exist yet.
func (r *Runner) claims() []string {
	var paths []string
	for _, t := range r.tasks {
		paths = append(paths, t.claims()...)
	}
	return paths
}

// sourceLabels record where images come from: the git commit, when the
// repository is a git work tree.
func sourceLabels(ctx context.Context, root string) map[string]string {
	labels := map[string]string{}
	if head, err := gitrepo.Head(ctx, root); err == nil {
		labels["org.opencontainers.image.revision"] = head
	}
	return labels
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// timed runs f and adds its seconds to the phase of every image given.
func (r *Runner) timed(phase string, images []string, f func() error) error {
	start := time.Now()
	err := f()
	secs := report.Seconds(time.Since(start))
	for _, name := range images {
		r.Report.Update(name, func(im *report.Image) { im.Phases[phase] += secs })
	}
	return err
}

// logTo returns the task's log writer and a function closing it.
func (r *Runner) logTo(id string) (io.Writer, func()) {
	w := r.Progress.Log(id)
	return w, func() { w.Close() }
}
