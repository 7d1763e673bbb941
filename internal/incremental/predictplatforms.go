package incremental

import (
	"context"
	"iter"
	"slices"

	"github.com/dockyard-build/dockyard/internal/plan"
)

// predictPlatforms predicts each platform of the plan's multi-platform
// images, as a run builds them: one build per platform, on its parents'
// builds for the same platform. It decides once per platform on a copy of
// the plan whose multi-platform images have that platform alone, fills in
// each such image's Builds, and makes the image's Status "build" when any
// platform builds, its Reason the first such platform's, and its Key the
// first platform's.
func (inc *Incremental) predictPlatforms(ctx context.Context, pl *plan.Plan) error {
	builds := map[string]map[string]plan.Build{}
	for p, one := range onePlatform(pl) {
		if _, err := inc.decidePlan(ctx, one); err != nil {
			return err
		}
		for i, im := range pl.Images {
			if len(im.Platforms) > 1 && slices.Contains(im.Platforms, p) {
				got := one.Images[i]
				if builds[im.Name] == nil {
					builds[im.Name] = map[string]plan.Build{}
				}
				builds[im.Name][p] = plan.Build{Platform: p, Status: got.Status, Reason: got.Reason, Key: got.Key}
			}
		}
	}
	for i := range pl.Images {
		im := &pl.Images[i]
		if len(im.Platforms) <= 1 {
			continue
		}
		im.Builds = nil
		im.Status, im.Reason = plan.StatusUpToDate, ""
		for _, p := range im.Platforms {
			b := builds[im.Name][p]
			im.Builds = append(im.Builds, b)
			if b.Status == plan.StatusBuild && im.Status != plan.StatusBuild {
				im.Status, im.Reason = plan.StatusBuild, p+": "+b.Reason
			}
		}
		if im.Status == plan.StatusUpToDate {
			im.Reason = im.Builds[0].Reason
		}
		im.Key = im.Builds[0].Key
	}
	return nil
}

// onePlatform yields, for each platform of the plan's multi-platform
// images, a copy of the plan whose multi-platform images have that
// platform alone (those without it, their first), without statuses.
func onePlatform(pl *plan.Plan) iter.Seq2[string, *plan.Plan] {
	return func(yield func(string, *plan.Plan) bool) {
		var all []string
		for _, im := range pl.Images {
			if len(im.Platforms) > 1 {
				for _, p := range im.Platforms {
					if !slices.Contains(all, p) {
						all = append(all, p)
					}
				}
			}
		}
		for _, p := range all {
			one := &plan.Plan{Images: slices.Clone(pl.Images)}
			for i := range one.Images {
				im := &one.Images[i]
				if len(im.Platforms) > 1 {
					im.Platforms = []string{p}
					if !slices.Contains(pl.Images[i].Platforms, p) {
						im.Platforms = pl.Images[i].Platforms[:1]
					}
				}
				im.Status, im.Reason, im.Key, im.Builds = "", "", "", nil
			}
			if !yield(p, one) {
				return
			}
		}
	}
}

// predictOthers predicts the source keys of the multi-platform images'
// builds for their other platforms than the first, by task ("NAME
// os/arch"), into preds.
func (inc *Incremental) predictOthers(ctx context.Context, pl *plan.Plan, preds map[string]*Prediction) error {
	for p, one := range onePlatform(pl) {
		got, err := inc.predictKeys(ctx, one)
		if err != nil {
			return err
		}
		for _, im := range pl.Images {
			if len(im.Platforms) > 1 && slices.Contains(im.Platforms[1:], p) {
				preds[im.Name+" "+p] = got[im.Name]
			}
		}
	}
	return nil
}
