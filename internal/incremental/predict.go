package incremental

import (
	"context"
	"maps"
	"slices"
	"sync"

	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/project"
	"github.com/dockyard-build/dockyard/internal/state"
)

// Reasons an image is built besides a changed input.
const (
	ReasonNew     = "not built before"
	ReasonMissing = "image missing"
	ReasonForced  = "forced"
	ReasonOff     = "cache off"
	// ReasonRegistry is why an image is up to date without being in
	// the engine.
	ReasonRegistry = "in the registry cache"
)

// NotYet is why an image is built whose context or copy-list source
// (what, "context cache/x") does not exist yet.
func NotYet(what string) string {
	return what + " does not exist yet"
}

// Off marks every image of the plan to be built, as cache: off does.
func Off(pl *plan.Plan) {
	for i := range pl.Images {
		pl.Images[i].Status, pl.Images[i].Reason = plan.StatusBuild, ReasonOff
	}
}

// Predict decides, before anything runs, which images of the plan are up
// to date, and fills in their Status, Reason and Key. An image is up to
// date when the source key it has now is the one predicted at the start of
// the run that built an image the engine still holds. It is a prediction:
// a run decides again, image by image, once copies and hooks are in place.
// Predict returns each image's prediction, for the run to record. An
// image of several platforms is predicted for each (see predictPlatforms).
func (inc *Incremental) Predict(ctx context.Context, pl *plan.Plan) (map[string]*Prediction, error) {
	preds, err := inc.decidePlan(ctx, pl)
	if err != nil {
		return nil, err
	}
	if err := inc.predictPlatforms(ctx, pl); err != nil {
		return nil, err
	}
	return preds, inc.predictHooks(ctx, pl, preds)
}

// decidePlan fills in the plan's Status, Reason and Key, each image taken
// for its first platform.
func (inc *Incremental) decidePlan(ctx context.Context, pl *plan.Plan) (map[string]*Prediction, error) {
	records, err := inc.Store.Records()
	if err != nil {
		return nil, err
	}
	listed := inc.list(ctx, min(len(pl.Images), len(records)))
	preds, err := inc.predictKeys(ctx, pl)
	if err != nil {
		return nil, err
	}
	record := func(im *plan.Image) *state.Record {
		return records[[2]string{im.Name, preds[im.Name].Inputs.Platform}]
	}
	candidates, err := inc.candidates(pl, preds, record)
	if err != nil {
		return nil, err
	}
	exist, err := inc.existing(ctx, candidates, listed)
	if err != nil {
		return nil, err
	}
	exact := exactKeys(inc.Project, pl)
	cached, err := inc.inRegistry(ctx, pl, preds, exact, exist)
	if err != nil {
		return nil, err
	}

	upToDate := map[string]bool{}
	building := func(name string) bool { return !upToDate[name] }
	for i := range pl.Images {
		im := &pl.Images[i]
		p, rec := preds[im.Name], record(im)
		c, isCandidate := candidates[im.Name]
		switch {
		case p.Missing != "":
			im.Status, im.Reason = plan.StatusBuild, NotYet(p.Missing)
		case isCandidate && exist[im.Name]:
			im.Status, im.Key = plan.StatusUpToDate, c.Key
		case cached[im.Name]:
			im.Status, im.Reason = plan.StatusUpToDate, ReasonRegistry
		case isCandidate && rec != nil && c.Key == rec.Key:
			im.Status, im.Reason = plan.StatusBuild, ReasonMissing
		case rec != nil:
			im.Status, im.Reason = plan.StatusBuild, inc.why(im, &rec.Source, &p.Inputs, p.Manifest, building)
		default:
			im.Status, im.Reason = plan.StatusBuild, ReasonNew
		}
		upToDate[im.Name] = im.Status == plan.StatusUpToDate
		if im.Key == "" && exact[im.Name] {
			im.Key = p.Key
		}
	}
	return preds, nil
}

// candidates are, by image, the image of its last build when nothing
// changed since, else one built earlier from the same sources.
func (inc *Incremental) candidates(pl *plan.Plan, preds map[string]*Prediction, record func(*plan.Image) *state.Record) (map[string]state.Found, error) {
	candidates := map[string]state.Found{}
	others := map[string]string{}
	for _, im := range pl.Images {
		if rec := record(&im); rec != nil && rec.SourceKey == preds[im.Name].Key {
			candidates[im.Name] = state.Found{Key: rec.Key, Result: rec.Result}
		} else {
			others[im.Name] = preds[im.Name].Key
		}
	}
	found, err := inc.Store.LookupSources(others)
	if err != nil {
		return nil, err
	}
	maps.Copy(candidates, found)
	return candidates, nil
}

// predictHooks says, for the images of components with copies or hooks,
// whether a build would run them.
func (inc *Incremental) predictHooks(ctx context.Context, pl *plan.Plan, preds map[string]*Prediction) error {
	steady, err := inc.Steady(ctx, pl, preds, false)
	if err != nil {
		return err
	}
	for i := range pl.Images {
		im := &pl.Images[i]
		if c := inc.Project.Component(im.Component); im.Kind == project.KindComponent && Busy(c) {
			im.Hooks = map[bool]string{true: "skip", false: "run"}[steady[im.Component]]
		}
	}
	return nil
}

// list starts listing this checkout's images in the engine (see listed)
// while the keys are taken, when some recorded image must be looked for;
// it returns a function that waits for the list.
func (inc *Incremental) list(ctx context.Context, images int) func() {
	if images == 0 {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		inc.listed(ctx)
	}()
	return func() { <-done }
}

// existing says which candidates' images the engine still holds, once the
// list of them is there.
func (inc *Incremental) existing(ctx context.Context, candidates map[string]state.Found, listed func()) (map[string]bool, error) {
	listed()
	return parallel(slices.Collect(maps.Keys(candidates)), func(name string) (bool, error) {
		return inc.exists(ctx, candidates[name].ID)
	})
}

// exactKeys says which images' source keys are the input keys a run will
// take: those that no copies nor hooks change, nor any of their upstream.
func exactKeys(p *project.Project, pl *plan.Plan) map[string]bool {
	exact := map[string]bool{}
	for _, im := range pl.Images {
		exact[im.Name] = !staged(p, im.Name)
		for _, par := range im.Parents {
			exact[im.Name] = exact[im.Name] && exact[par.Name]
		}
	}
	return exact
}

// inRegistry says which images the registry cache holds, of those whose
// input key is known and that the engine does not hold.
func (inc *Incremental) inRegistry(ctx context.Context, pl *plan.Plan, preds map[string]*Prediction, exact, exist map[string]bool) (map[string]bool, error) {
	if inc.Registry == nil {
		return nil, nil
	}
	var names []string
	for _, im := range pl.Images {
		if exact[im.Name] && !exist[im.Name] {
			names = append(names, im.Name)
		}
	}
	return parallel(names, func(name string) (bool, error) {
		return inc.Registry.Has(ctx, name, preds[name].Key)
	})
}

// parallel calls f for each name, a few at a time, and returns its
// answers by name and the first error.
func parallel(names []string, f func(name string) (bool, error)) (map[string]bool, error) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	var first error
	out := map[string]bool{}
	sem := make(chan struct{}, 8)
	for _, name := range names {
		wg.Go(func() {
			sem <- struct{}{}
			ok, err := f(name)
			<-sem
			mu.Lock()
			defer mu.Unlock()
			out[name] = ok
			if err != nil && first == nil {
				first = err
			}
		})
	}
	wg.Wait()
	return out, first
}
