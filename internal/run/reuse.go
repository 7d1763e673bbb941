package run

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/incremental"
	"github.com/dockyard-build/dockyard/internal/report"
)

// reuse gives the image an image of the same input key, when the engine
// or the registry cache has one, and reports whether it did; otherwise it
// says why the image is built.
func (t *task) reuse(ctx context.Context, cur *incremental.Current, out io.Writer) (bool, error) {
	r, im, inc := t.r, t.image, t.r.Incremental
	if r.Options.NoCache {
		t.because(out, incremental.ReasonForced)
		return false, nil
	}
	d, err := inc.Decide(ctx, im, cur, r.keys.isBuilt)
	if err != nil {
		return false, err
	}
	got, err := t.find(ctx, d, cur, out)
	if err != nil || got.id == "" {
		if err == nil {
			t.because(out, d.Reason)
		}
		return false, err
	}
	if err := inc.RecordReuse(im, d, cur, t.pred(), got.id, got.built); err != nil {
		return false, err
	}
	if err := t.remember(got.id, got.built); err != nil {
		return false, err
	}
	// Said, not logged: the image's log keeps the build that made it.
	r.Progress.Note(t.id, fmt.Sprintf("up to date: input key %s, image %s %s", short(cur.Key), short(got.id), got.how))
	t.upToDate = true
	t.report(func(ri *report.Image) {
		if d.Reuse == nil {
			ri.Reason = got.how
		}
	}, got.id, got.size, report.UpToDate)
	if r.AfterBuild != nil && !t.perPlatform {
		return true, r.AfterBuild(ctx, im, engine.Result{ID: got.id, Size: got.size})
	}
	return true, nil
}

// reused is the image a run reuses, and where it was found.
type reused struct {
	id, how string
	size    int64
	built   time.Time
}

// find gives the image what the decision found in the engine, else what
// the registry cache holds for its key, tagged with the task's references;
// its id is "" when neither has one.
func (t *task) find(ctx context.Context, d incremental.Decision, cur *incremental.Current, out io.Writer) (reused, error) {
	r, im, inc := t.r, t.image, t.r.Incremental
	got := reused{built: time.Now()}
	switch {
	case d.Reuse != nil:
		got = reused{id: d.Reuse.ID, size: d.Info.Size, how: "in the engine", built: d.Reuse.Built}
		return got, inc.Retag(ctx, got.id, d.Info.Refs, t.tags())
	case inc.Registry != nil:
		pulled, err := inc.Registry.Pull(ctx, r.Engine, im.Name, cur.Key, im.Refs[0])
		if err != nil {
			fmt.Fprintf(out, "warning: the registry cache did not answer: %v\n", err)
		}
		if pulled == "" {
			return got, nil
		}
		info, _, err := inc.Inspect(ctx, pulled)
		if err != nil {
			return got, err
		}
		got.id, got.size, got.how = pulled, info.Size, "pulled from the registry cache"
		return got, inc.Retag(ctx, got.id, info.Refs, t.tags())
	}
	return got, nil
}
