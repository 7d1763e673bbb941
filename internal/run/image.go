package run

import (
	"context"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"time"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/incremental"
	"github.com/dockyard-build/dockyard/internal/project"
	"github.com/dockyard-build/dockyard/internal/report"
	"github.com/dockyard-build/dockyard/internal/state"
)

// runImage copies an image folder's copy-list in, takes the image's input
// key, reuses an up-to-date image or builds it, and removes the copies.
func (t *task) runImage(ctx context.Context) error {
	pim := t.r.Project.Image(t.image.Name)
	if err := t.preImage(ctx, pim); err != nil {
		return err
	}
	if what, at := incremental.Missing(t.r.Project, t.image.Name); what != "" {
		return &MissingContextError{Image: t.image.Name, What: what, At: at}
	}
	for _, c := range pim.CopyList {
		if err := t.r.Workspace.Copy(c.Src, c.Dst); err != nil {
			return fmt.Errorf("copy-list %s -> %s: %w", c.Src, c.Dst, err)
		}
	}
	out, closeLog := t.r.logTo(t.id)
	err := t.buildImage(ctx, out)
	closeLog()
	for _, c := range pim.CopyList {
		if rerr := t.r.Workspace.Release(c.Dst); rerr != nil && err == nil {
			err = rerr
		}
	}
	if err != nil {
		return err
	}
	return t.runHook(ctx, "post-hook", pim.PostHook, ".", "DOCKYARD_IMAGE="+pim.Name)
}

// preImage runs an explicit image's pre hook from the repository root;
// <context>/generated, made for the hook to fill, is the run's and goes
// when the run ends, as a component's generated/ does. A context the hook
// makes is the hook's, with what it holds.
func (t *task) preImage(ctx context.Context, im *project.Image) error {
	if im.PreHook == "" && im.PostHook == "" {
		return nil
	}
	if gen := path.Join(im.Context, "generated"); t.r.Project.Exists(im.Context) && !t.r.Project.Exists(gen) {
		if err := t.r.Workspace.Claim(gen); err != nil {
			return err
		}
	}
	return t.runHook(ctx, "pre-hook", im.PreHook, ".", "DOCKYARD_IMAGE="+im.Name)
}

// buildImage builds the image unless an image of the same input key is at
// hand, in the engine or in the registry cache.
func (t *task) buildImage(ctx context.Context, out io.Writer) error {
	r, im := t.r, t.image
	labels := t.labels()
	var cur *incremental.Current
	if r.Incremental != nil {
		var err error
		if cur, err = t.takeKey(ctx); err != nil {
			return err
		}
		if done, err := t.reuse(ctx, cur, out); done || err != nil {
			return err
		}
		labels[engine.LabelInputKey] = cur.Key
	} else {
		t.because(out, incremental.ReasonOff)
	}
	res, err := t.build(ctx, labels, out)
	if err != nil {
		return err
	}
	r.keys.setBuilt(im.Name)
	built := time.Now() // one time for both records: a later no-op then rewrites neither
	if err := t.remember(res.ID, built); err != nil {
		return err
	}
	if cur != nil {
		if err := r.Incremental.Record(im, cur, t.pred(), res.ID, built); err != nil {
			return err
		}
		if reg := r.Incremental.Registry; reg != nil {
			if err := reg.Push(ctx, r.Engine, im.Name, cur.Key, res.ID); err != nil {
				fmt.Fprintf(out, "warning: not kept in the registry cache: %v\n", err)
			}
		}
	}
	if r.AfterBuild != nil && !t.perPlatform {
		return r.AfterBuild(ctx, im, res)
	}
	return nil
}

// labels are the labels the image gets. Every label is set, if only to
// "", so that none is inherited from the parent image.
func (t *task) labels() map[string]string {
	im := t.image
	labels := map[string]string{
		engine.LabelImage:      im.Name,
		engine.LabelDockerfile: im.Dockerfile,
		engine.LabelRepository: t.r.checkout,
		engine.LabelComponent:  im.Component,
		engine.LabelInputKey:   "",
	}
	maps.Copy(labels, t.r.labels)
	return labels
}

// build has the engine build the image on the exact images of its parents,
// and reports the build's time, tries and image.
func (t *task) build(ctx context.Context, labels map[string]string, out io.Writer) (engine.Result, error) {
	r, im := t.r, t.image
	dockerfile, unpin, err := t.pinnedDockerfile(ctx)
	if err != nil {
		return engine.Result{}, err
	}
	defer unpin()
	req := engine.Request{
		Image: im.Name, ContextDir: r.Project.Abs(im.Context), Dockerfile: dockerfile, Original: r.Project.Abs(im.Dockerfile),
		Target: im.Target, Args: im.Args, Tags: t.tags(), Labels: labels, NoCache: r.Options.NoCache,
		Platform: t.platform, Bases: im.Bases, Pull: r.Options.Pull, Auth: r.Auth,
	}
	start := time.Now()
	res, err := r.Engine.Build(ctx, req, out)
	secs := report.Seconds(time.Since(start))
	status := report.Built
	if err != nil {
		status = report.Failed
	}
	t.report(func(ri *report.Image) {
		ri.Phases["build"] += secs
		for _, a := range res.Attempts {
			ri.Attempts = append(ri.Attempts, report.Attempt{Worker: a.Worker, Platform: a.Platform, Error: a.Error})
		}
	}, res.ID, res.Size, status)
	return res, err
}

// takeKey takes the image's input key now that its parents are done and
// its copies and hooks are in place; references holding {key} get it.
func (t *task) takeKey(ctx context.Context) (*incremental.Current, error) {
	r, im := t.r, t.image
	parents := map[string]string{}
	for name, id := range t.parents {
		parents[name] = r.keys.key(id)
	}
	var cur *incremental.Current
	err := r.timed("inputs", []string{im.Name}, func() error {
		var err error
		if r.keys.steady[im.Component] && im.Kind == project.KindComponent {
			if cur = r.Incremental.LastInputs(im, t.buildPlatform()); cur != nil {
				return nil
			}
		}
		cur, err = r.Incremental.Take(ctx, im, t.buildPlatform(), parents)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("taking the input key: %w", err)
	}
	r.keys.setKey(t.id, cur.Key)
	if t.perPlatform {
		r.Report.Update(im.Name, func(ri *report.Image) { ri.PlatformOf(t.platform).InputKey = cur.Key })
		if !t.first {
			return cur, nil
		}
	}
	im.Key = cur.Key
	if im.NeedsKey() {
		if err := im.AddKeyRefs(cur.Key); err != nil {
			return nil, err
		}
	}
	r.Report.Update(im.Name, func(ri *report.Image) { ri.InputKey, ri.Refs = cur.Key, im.Refs })
	return cur, nil
}

// because logs and reports why the image is built.
func (t *task) because(out io.Writer, reason string) {
	fmt.Fprintf(out, "building: %s\n", reason)
	t.r.Report.Update(t.image.Name, func(ri *report.Image) { ri.Reason = reason })
}

// short abbreviates a key or an image ID for messages.
func short(s string) string {
	if len(s) > 19 {
		return s[:19]
	}
	return s
}

// remember records the image a run built or reused for a project image
// (for one platform of a multi-platform image): for its children in this
// run, and in the state for push, save and ls.
func (t *task) remember(id string, built time.Time) error {
	t.r.images.set(t.id, id)
	res := state.Result{Image: t.image.Name, ID: id, Refs: t.tags(), Built: built.UTC()}
	if had, ok := t.r.recorded[[2]string{res.Image, t.platform}]; ok && had.ID == res.ID &&
		slices.Equal(had.Refs, res.Refs) && had.Built.Equal(res.Built) {
		return nil // a no-op writes nothing
	}
	return t.r.State.PutBuilt(t.platform, res)
}

// report records a build's image, size and status in the report: the
// image's own, or its platform's entry; f changes the image's entry.
func (t *task) report(f func(*report.Image), id string, size int64, status string) {
	t.r.Report.Update(t.image.Name, func(ri *report.Image) {
		f(ri)
		if !t.perPlatform {
			ri.ID, ri.Size, ri.Platform = id, size, t.platform
			return
		}
		p := ri.PlatformOf(t.platform)
		p.ID, p.Size, p.Status = id, size, status
		if t.first {
			ri.Size = size
		}
	})
}

// pred is the predicted source inputs of the task's build: the image's,
// or for a multi-platform image's other platforms, the task's own.
func (t *task) pred() *incremental.Prediction {
	if t.perPlatform && !t.first {
		return t.r.keys.preds[t.id]
	}
	return t.r.keys.preds[t.image.Name]
}
