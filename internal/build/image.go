package build

import (
	"context"
	"fmt"
	"io"
	"path"
	"slices"
	"time"

	"github.com/dockyard-build/dockyard/internal/engine"
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
	if what, at := notYet(t.r.Project, t.image.Name); what != "" {
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
	if gen := path.Join(im.Context, "generated"); t.r.exists(im.Context) && !t.r.exists(gen) {
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
	// Every label is set, if only to "", so that none is inherited from
	// the parent image.
	labels := map[string]string{
		engine.LabelImage:      im.Name,
		engine.LabelDockerfile: im.Dockerfile,
		engine.LabelRepository: r.checkout,
		engine.LabelComponent:  im.Component,
		engine.LabelInputKey:   "",
	}
	for k, v := range r.labels {
		labels[k] = v
	}
	var cur *current
	if r.Incremental != nil {
		var err error
		if cur, err = t.takeKey(ctx); err != nil {
			return err
		}
		if done, err := t.reuse(ctx, cur, out); done || err != nil {
			return err
		}
		labels[engine.LabelInputKey] = cur.key
	} else {
		t.because(out, ReasonOff)
	}
	dockerfile, unpin, err := t.pinnedDockerfile(ctx)
	if err != nil {
		return err
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
	if err != nil {
		return err
	}
	r.keys.setBuilt(im.Name)
	built := time.Now() // one time for both records: a later no-op then rewrites neither
	if err := t.remember(res.ID, built); err != nil {
		return err
	}
	if cur != nil {
		if err := r.Incremental.record(im, cur, t.pred(), res.ID, built); err != nil {
			return err
		}
		if reg := r.Incremental.Registry; reg != nil {
			if err := reg.Push(ctx, r.Engine, im.Name, cur.key, res.ID); err != nil {
				fmt.Fprintf(out, "warning: not kept in the registry cache: %v\n", err)
			}
		}
	}
	if r.AfterBuild != nil && !t.perPlatform {
		return r.AfterBuild(ctx, im, res)
	}
	return nil
}

// takeKey takes the image's input key now that its parents are done and
// its copies and hooks are in place; references holding {key} get it.
func (t *task) takeKey(ctx context.Context) (*current, error) {
	r, im := t.r, t.image
	parents := map[string]string{}
	for name, id := range t.parents {
		parents[name] = r.keys.key(id)
	}
	var cur *current
	err := r.timed("inputs", []string{im.Name}, func() error {
		var err error
		if r.keys.steady[im.Component] && im.Kind == project.KindComponent {
			if cur = r.Incremental.lastInputs(im, t.buildPlatform()); cur != nil {
				return nil
			}
		}
		cur, err = r.Incremental.take(ctx, im, t.buildPlatform(), parents)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("taking the input key: %w", err)
	}
	r.keys.setKey(t.id, cur.key)
	if t.perPlatform {
		r.Report.Update(im.Name, func(ri *report.Image) { ri.PlatformOf(t.platform).InputKey = cur.key })
		if !t.first {
			return cur, nil
		}
	}
	im.Key = cur.key
	if im.NeedsKey() {
		if err := im.AddKeyRefs(cur.key); err != nil {
			return nil, err
		}
	}
	r.Report.Update(im.Name, func(ri *report.Image) { ri.InputKey, ri.Refs = cur.key, im.Refs })
	return cur, nil
}

// reuse gives the image an image of the same input key, when the engine
// or the registry cache has one, and reports whether it did; otherwise it
// says why the image is built.
func (t *task) reuse(ctx context.Context, cur *current, out io.Writer) (bool, error) {
	r, im, inc := t.r, t.image, t.r.Incremental
	if r.Options.NoCache {
		t.because(out, ReasonForced)
		return false, nil
	}
	d, err := inc.decide(ctx, im, cur, r.keys.isBuilt)
	if err != nil {
		return false, err
	}
	id, size, how, built := "", int64(0), "", time.Now()
	switch {
	case d.reuse != nil:
		id, size, how, built = d.reuse.ID, d.info.Size, "in the engine", d.reuse.Built
		if err := inc.retag(ctx, id, d.info.Refs, t.tags()); err != nil {
			return false, err
		}
	case inc.Registry != nil:
		pulled, err := inc.Registry.Pull(ctx, r.Engine, im.Name, cur.key, im.Refs[0])
		if err != nil {
			fmt.Fprintf(out, "warning: the registry cache did not answer: %v\n", err)
		}
		if pulled == "" {
			break
		}
		info, _, err := inc.inspect(ctx, pulled)
		if err != nil {
			return false, err
		}
		id, size, how = pulled, info.Size, "pulled from the registry cache"
		if err := inc.retag(ctx, id, info.Refs, t.tags()); err != nil {
			return false, err
		}
	}
	if id == "" {
		t.because(out, d.reason)
		return false, nil
	}
	if d.reuse == nil || !unchanged(d, cur, t.pred(), im.Refs, inc.hookEnvOf(im)) {
		if err := inc.record(im, cur, t.pred(), id, built); err != nil {
			return false, err
		}
	}
	if err := t.remember(id, built); err != nil {
		return false, err
	}
	fmt.Fprintf(out, "up to date: input key %s, image %s %s\n", short(cur.key), short(id), how)
	t.upToDate = true
	t.report(func(ri *report.Image) {
		if d.reuse == nil {
			ri.Reason = how
		}
	}, id, size, report.UpToDate)
	if r.AfterBuild != nil && !t.perPlatform {
		return true, r.AfterBuild(ctx, im, engine.Result{ID: id, Size: size})
	}
	return true, nil
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
func (t *task) pred() *Prediction {
	if t.perPlatform && !t.first {
		return t.r.keys.preds[t.id]
	}
	return t.r.keys.preds[t.image.Name]
}

// MissingContextError is an image whose context, or a copy-list source,
// still does not exist when its turn comes; What names it ("context x"),
// At is where the image or the copy-list entry is declared.
type MissingContextError struct {
	Image, What string
	At          project.Pos
}

func (e *MissingContextError) Error() string {
	return fmt.Sprintf("%s: image %s: %s", e.At, e.Image, NotYet(e.What))
}
