package run

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/dockyard-build/dockyard/internal/incremental"
	"github.com/dockyard-build/dockyard/internal/layout"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/project"
	"github.com/dockyard-build/dockyard/internal/report"
)

// task is one node of the run's DAG: an image build, or a component's
// steps before (dependency copies, pre-hook) or after (post-hook, keeping
// generated/) its images.
type task struct {
	r    *Runner
	id   string
	deps []string
	run  func(ctx context.Context) error

	image    *plan.Image // image tasks
	upToDate bool        // an image task that reused an image
	// platform is what an image task builds for, "" for the engine's
	// own; perPlatform marks the builds of a multi-platform image (first
	// the first platform's), join the task that ends it.
	platform    string
	perPlatform bool
	first       bool
	join        bool
	// parents maps each project parent to the task building it for this
	// task's platform.
	parents   map[string]string
	component *project.Component // pre and post tasks
	images    []string           // the component's images in this run
}

func preID(c string) string  { return c + ":pre" }
func postID(c string) string { return c + ":post" }

// makeTasks turns the plan into tasks: per component a pre task that waits
// for the post tasks of the components it copies, its image tasks, and a
// post task that waits for them.
func (r *Runner) makeTasks() ([]*task, error) {
	r.tasks = map[string]*task{}
	var order []*task
	add := func(t *task) { r.tasks[t.id] = t; order = append(order, t) }
	comps := map[string][]string{}
	for _, im := range r.Plan.Images {
		if im.Kind == project.KindComponent {
			comps[im.Component] = append(comps[im.Component], im.Name)
		}
	}
	r.addHookOnly(comps)
	names := make([]string, 0, len(comps))
	for c := range comps {
		names = append(names, c)
	}
	sort.Strings(names)
	for _, name := range names {
		c := r.Project.Component(name)
		pre := &task{r: r, id: preID(name), component: c, images: comps[name]}
		for _, d := range c.Deps {
			if _, ok := comps[d.Name]; !ok {
				return nil, fmt.Errorf("component %s needs %s, which is not in this run", name, d.Name)
			}
			pre.deps = append(pre.deps, postID(d.Name))
		}
		pre.run = pre.runPre
		add(pre)
	}
	for i := range r.Plan.Images {
		if err := r.imageTasks(&r.Plan.Images[i], add); err != nil {
			return nil, err
		}
	}
	for _, name := range names {
		post := &task{r: r, id: postID(name), component: r.Project.Component(name), images: comps[name], deps: append([]string{preID(name)}, comps[name]...)}
		post.run = post.runPost
		add(post)
	}
	return order, nil
}

// addHookOnly adds to the run's components those without images that
// they copy in, directly or not: their hooks make what is copied.
func (r *Runner) addHookOnly(comps map[string][]string) {
	var todo []string
	for c := range comps {
		todo = append(todo, c)
	}
	for len(todo) > 0 {
		c := r.Project.Component(todo[len(todo)-1])
		todo = todo[:len(todo)-1]
		for _, d := range c.Deps {
			dc := r.Project.Component(d.Name)
			if _, in := comps[d.Name]; in || dc == nil || len(dc.Images) > 0 {
				continue
			}
			comps[d.Name] = nil
			todo = append(todo, d.Name)
		}
	}
}

// skipped reports, for a component's step, whether the component is
// steady: its copies and hooks are skipped, and says so in the task's log
// and the report.
func (t *task) skipped() bool {
	steady := t.r.keys.steady[t.component.Name]
	if !incremental.Busy(t.component) {
		return steady
	}
	status := report.HooksRan
	if steady {
		status = report.HooksSkipped
		if t.id == preID(t.component.Name) {
			// Said, not logged: the hooks' logs keep their last run.
			t.r.Progress.Note(t.id, "copies and hooks skipped: their inputs did not change since they last ran")
		}
	}
	for _, name := range t.images {
		t.r.Report.Update(name, func(ri *report.Image) { ri.Hooks = status })
	}
	return steady
}

// visible reports whether the task is worth a line of progress.
func (t *task) visible() bool {
	if t.image != nil {
		return true
	}
	c := t.component
	if t.id == preID(c.Name) {
		return c.PreHook != "" || len(c.Deps) > 0
	}
	return c.PostHook != ""
}

// what says what a component's step does, as the progress view shows it:
// "dependency copies, build-pre.sh", "build-post.sh".
func (t *task) what() string {
	c := t.component
	if t.id == postID(c.Name) {
		return path.Base(c.PostHook)
	}
	var parts []string
	if len(c.Deps) > 0 {
		parts = append(parts, "dependency copies")
	}
	if c.PreHook != "" {
		parts = append(parts, path.Base(c.PreHook))
	}
	return strings.Join(parts, ", ")
}

func (t *task) hasHooks() bool {
	return t.component.PreHook != "" || t.component.PostHook != ""
}

func (t *task) depDir(dep string) string { return path.Join(t.component.Dir, "dependency", dep) }
func (t *task) generated() string        { return path.Join(t.component.Dir, "generated") }

// claims lists what the task will create in the source tree.
func (t *task) claims() []string {
	switch {
	case t.join || t.perPlatform && !t.first:
		return nil
	case t.image != nil:
		var dsts []string
		for _, c := range t.r.Project.Image(t.image.Name).CopyList {
			dsts = append(dsts, c.Dst)
		}
		return dsts
	case t.id == preID(t.component.Name):
		var paths []string
		if len(t.component.Deps) > 0 {
			paths = append(paths, path.Join(t.component.Dir, "dependency"))
		}
		if t.hasHooks() {
			paths = append(paths, t.generated())
		}
		return paths
	}
	return nil
}

// runPre copies the dependency components' folders (with what they kept
// of generated/) into dependency/<dep>, then runs the pre-build hook.
func (t *task) runPre(ctx context.Context) error {
	ws, c := t.r.Workspace, t.component
	if t.skipped() {
		return nil
	}
	err := t.r.timed("dependencies", t.images, func() error {
		for _, d := range c.Deps {
			dep := t.r.Project.Component(d.Name)
			if err := ws.CopyDir(dep.Dir, t.depDir(d.Name)); err != nil {
				return fmt.Errorf("copying %s into %s: %w", dep.Dir, t.depDir(d.Name), err)
			}
			if artifacts := layout.ArtifactsOf(d.Name); t.r.Project.Exists(artifacts) {
				if err := ws.Copy(artifacts, path.Join(t.depDir(d.Name), "generated")); err != nil {
					return fmt.Errorf("copying %s's generated files: %w", d.Name, err)
				}
			}
		}
		return nil
	})
	if err != nil || !t.hasHooks() {
		return err
	}
	if err := ws.Claim(t.generated()); err != nil {
		return err
	}
	// A hook may make dependency/ itself, as pai's did: when it is not
	// there yet, it is the run's, and goes when the run ends.
	if deps := path.Join(c.Dir, "dependency"); len(c.Deps) == 0 && !t.r.Project.Exists(deps) {
		if err := ws.Claim(deps); err != nil {
			return err
		}
	}
	return t.hook(ctx, "pre-hook", c.PreHook)
}

// runPost runs the post-build hook, keeps generated/ under
// .dockyard/artifacts/<component>, and removes the dependency copies.
func (t *task) runPost(ctx context.Context) error {
	c := t.component
	if t.skipped() {
		return nil
	}
	if err := t.hook(ctx, "post-hook", c.PostHook); err != nil {
		return err
	}
	if t.hasHooks() {
		if err := t.r.Workspace.Keep(t.generated(), layout.ArtifactsOf(c.Name)); err != nil {
			return err
		}
		if err := t.recordHookRun(); err != nil {
			return err
		}
	}
	for _, d := range c.Deps {
		if err := t.r.Workspace.Release(t.depDir(d.Name)); err != nil {
			return err
		}
	}
	if len(c.Deps) > 0 {
		return t.r.Workspace.Release(path.Join(c.Dir, "dependency"))
	}
	return nil
}

// hook runs a component's hook in the component's folder.
func (t *task) hook(ctx context.Context, phase, script string) error {
	return t.runHook(ctx, phase, script, t.component.Dir, "DOCKYARD_COMPONENT="+t.component.Name)
}

// runHook runs script (when there is one) with bash in dir, the
// registry's settings in its environment, writing to the task's log.
func (t *task) runHook(ctx context.Context, phase, script, dir string, env ...string) error {
	if script == "" {
		return nil
	}
	reg := t.r.Project.Config.Registry
	env = append(env, incremental.HookVars(reg.Tag, reg.Domain, reg.Namespace)...)
	done, err := t.r.hookSlot(ctx)
	if err != nil {
		return err
	}
	defer done()
	out, closeLog := t.r.logTo(t.id)
	defer closeLog()
	return t.r.timed(phase, t.images, func() error {
		return t.r.Workspace.RunHook(ctx, script, dir, env, out)
	})
}

// recordHookRun records what the component's hooks just made, and shows
// the warning of hooks that made other files from the same inputs.
func (t *task) recordHookRun() error {
	if t.r.Incremental == nil || t.r.keys.preds == nil {
		return nil
	}
	warning, err := t.r.Incremental.RecordHookRun(t.component, t.r.keys.preds)
	if warning != "" {
		t.r.Progress.Message("warning: %s", warning)
	}
	return err
}
