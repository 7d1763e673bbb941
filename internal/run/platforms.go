package run

import (
	"context"
	"fmt"
	"slices"

	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/platform"
	"github.com/dockyard-build/dockyard/internal/project"
	"github.com/dockyard-build/dockyard/internal/report"
	"github.com/dockyard-build/dockyard/internal/sched"
)

// A multi-platform image (two platforms or more) is one build task per
// platform, "NAME os/arch", each with its own input key, log and
// recorded image, built one after the other (they share the image's
// copies in the source tree); then a join task, "NAME", that ends the
// image: build --push pushes the platforms' images there as one index.
// A child's build for a platform waits for its parent's build for the
// same platform.

// PlatformResult is one platform's image of a multi-platform image.
type PlatformResult struct {
	Platform string
	ID       string
}

// imageTasks adds the tasks of one image: its build, or one build per
// platform and their join.
func (r *Runner) imageTasks(im *plan.Image, add func(*task)) error {
	var pre []string
	if im.Kind == project.KindComponent {
		pre = []string{preID(im.Component)}
	}
	if len(im.Platforms) <= 1 {
		t := &task{r: r, id: im.Name, image: im, deps: pre}
		if len(im.Platforms) == 1 {
			t.platform = im.Platforms[0]
		}
		if err := t.addParents(); err != nil {
			return err
		}
		t.run = t.runImage
		add(t)
		return nil
	}
	join := &task{r: r, id: im.Name, image: im, join: true}
	for i, p := range im.Platforms {
		t := &task{r: r, id: im.Name + " " + p, image: im, platform: p, perPlatform: true, first: i == 0, deps: slices.Clone(pre)}
		if i > 0 {
			t.deps = append(t.deps, join.deps[i-1])
		}
		if err := t.addParents(); err != nil {
			return err
		}
		t.run = t.runImage
		add(t)
		join.deps = append(join.deps, t.id)
	}
	join.run = join.runJoin
	add(join)
	return nil
}

// addParents makes the task wait for its parents' builds for its
// platform, and records which they are.
func (t *task) addParents() error {
	t.parents = map[string]string{}
	for _, p := range t.image.Parents {
		id := p.Name
		if parent := t.r.planImage(p.Name); parent != nil && len(parent.Platforms) > 1 {
			want := t.platform
			if want == "" {
				want = platform.Default()
			}
			if !slices.Contains(parent.Platforms, want) {
				return fmt.Errorf("image %s (%s) builds on %s, which is built for %v only", t.image.Name, want, p.Name, parent.Platforms)
			}
			id = p.Name + " " + want
		}
		t.parents[p.Name] = id
		t.deps = append(t.deps, id)
	}
	return nil
}

// runJoin ends a multi-platform image once each platform's build is done:
// it is up to date when every platform's image is, and build --push
// pushes them there as one index.
func (t *task) runJoin(ctx context.Context) error {
	r, im := t.r, t.image
	var results []PlatformResult
	upToDate := true
	for _, p := range im.Platforms {
		id := im.Name + " " + p
		results = append(results, PlatformResult{Platform: p, ID: r.images.id(id)})
		upToDate = upToDate && r.tasks[id].upToDate
	}
	t.upToDate = upToDate
	r.Report.Update(im.Name, func(ri *report.Image) {
		ri.ID = results[0].ID
	})
	if r.AfterIndex != nil {
		return r.AfterIndex(ctx, im, results)
	}
	return nil
}

// tags are the references the task's image gets: a multi-platform
// image's first platform's build gets the image's, the others none, so
// that they do not take them from one another.
func (t *task) tags() []string {
	if t.perPlatform && !t.first {
		return nil
	}
	return t.image.Refs
}

// buildPlatform is the platform a task builds for, as keys record it.
func (t *task) buildPlatform() string {
	if t.platform == "" {
		return platform.Default()
	}
	return t.platform
}

// planImage returns the plan's image of that name, nil when it has none.
func (r *Runner) planImage(name string) *plan.Image {
	for i := range r.Plan.Images {
		if r.Plan.Images[i].Name == name {
			return &r.Plan.Images[i]
		}
	}
	return nil
}

// platformDone records a platform's build in its image's report entry; a
// failed one fails the image.
func (r *Runner) platformDone(t *task, o sched.Outcome, status string) {
	r.Report.Update(t.image.Name, func(im *report.Image) {
		im.PlatformOf(t.platform).Status = status
		if o.Status == sched.Failed {
			im.Status, im.Log = report.Failed, r.Progress.LogPath(o.ID)
			im.Reason = t.platform + ": " + firstLine(o.Err.Error())
		}
	})
}
