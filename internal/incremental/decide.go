package incremental

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/inputs"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/state"
)

// Current is an image's inputs as a run finds them once the image's copies
// and its component's pre-build hook are in place. The manifest is nil when
// the inputs are the last build's, whose manifest the state holds.
type Current struct {
	Key      string
	inputs   inputs.Inputs
	manifest inputs.Manifest
}

// files returns the manifest of the image's files, from the state when the
// inputs are the last build's.
func (inc *Incremental) files(cur *Current) (inputs.Manifest, error) {
	if cur.manifest != nil {
		return cur.manifest, nil
	}
	return inc.Store.Manifest(cur.inputs.Files)
}

// Take takes an image's input key for a platform; parents maps each of
// its project parents to the key it had in this run.
func (inc *Incremental) Take(ctx context.Context, im *plan.Image, platform string, parents map[string]string) (*Current, error) {
	in, err := inc.partialInputs(ctx, im, platform)
	if err != nil {
		return nil, err
	}
	m, err := inc.Scanner.Manifest(im.Context, im.Dockerfile, nil)
	if err != nil {
		return nil, err
	}
	in.Files = m.Digest()
	if len(parents) > 0 {
		in.Parents = parents
	}
	return &Current{Key: in.Key(), inputs: in, manifest: m}, nil
}

// Decision is what a run does with an image: reuse an image the engine
// holds (Reuse, as the engine has it in Info), or build for a Reason.
type Decision struct {
	Reuse  *state.Result
	Info   engine.ImageInfo
	Reason string
	rec    *state.Record
}

// Decide looks for an image built from the same inputs that the engine
// still holds; else it says why the image must be built. rebuilt says
// whether a parent was built in this run.
func (inc *Incremental) Decide(ctx context.Context, im *plan.Image, cur *Current, rebuilt func(string) bool) (Decision, error) {
	var d Decision
	rec, res := inc.records[[2]string{im.Name, cur.inputs.Platform}], (*state.Result)(nil)
	if rec != nil && rec.Key == cur.Key {
		res = &rec.Result // the steady case: no need to ask the state again
	} else {
		var err error
		if rec, res, err = inc.Store.Find(im.Name, cur.inputs.Platform, cur.Key); err != nil {
			return d, err
		}
	}
	d.rec = rec
	if res != nil {
		info, ok, err := inc.Inspect(ctx, res.ID)
		if err != nil {
			return d, err
		}
		if ok {
			d.Reuse, d.Info = res, info
			return d, nil
		}
		if err := inc.Store.Forget(im.Name, cur.Key); err != nil {
			return d, err
		}
	}
	switch {
	case res != nil || (rec != nil && rec.Key == cur.Key):
		d.Reason = ReasonMissing
	case rec == nil:
		d.Reason = ReasonNew
	default:
		m, err := inc.files(cur)
		if err != nil {
			return d, err
		}
		d.Reason = inc.why(im, &rec.Inputs, &cur.inputs, m, rebuilt)
	}
	return d, nil
}

// Inspect finds an image in the engine: in the list of its dockyard images
// taken once per run, else by asking for it (an image made after the list,
// or one without dockyard's labels). An engine that cannot inspect its
// store holds nothing dockyard can reuse.
func (inc *Incremental) Inspect(ctx context.Context, id string) (engine.ImageInfo, bool, error) {
	if info, ok := inc.listed(ctx)[id]; ok {
		return info, true, nil
	}
	insp, ok := inc.Engine.(engine.Inspector)
	if !ok {
		return engine.ImageInfo{}, false, nil
	}
	return insp.Inspect(ctx, id)
}

// listed returns this checkout's images in the engine, by ID, listed on
// the first call: one query for the run instead of one per image, which
// other repositories' images do not slow. A failed list is an empty one:
// each image is then asked for on its own, as is one the list lacks (built
// before images carried the checkout's label, or pulled from the registry
// cache).
func (inc *Incremental) listed(ctx context.Context) map[string]engine.ImageInfo {
	inc.heldOnce.Do(func() {
		if inc.Listed != nil {
			if list, ok := inc.Listed(); ok {
				inc.hold(list)
				return
			}
		}
		lister, ok := inc.Engine.(engine.Lister)
		if !ok {
			return
		}
		checkout, err := inc.Store.Checkout(false)
		if err != nil || checkout == "" {
			return
		}
		list, err := lister.List(ctx, engine.LabelRepository+"="+checkout)
		if err == nil {
			inc.hold(list)
		}
	})
	return inc.held
}

// hold keeps the engine's list of the checkout's images, by ID.
func (inc *Incremental) hold(list []engine.ImageInfo) {
	inc.held = make(map[string]engine.ImageInfo, len(list))
	for _, im := range list {
		inc.held[im.ID] = im
	}
}

// Retag gives a reused image the references it lacks.
func (inc *Incremental) Retag(ctx context.Context, id string, have, want []string) error {
	var missing []string
	for _, ref := range want {
		if !slices.Contains(have, withTag(ref)) {
			missing = append(missing, ref)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	tagger, ok := inc.Engine.(engine.Tagger)
	if !ok {
		return fmt.Errorf("the %s engine cannot tag images: %s", inc.Engine.Name(), strings.Join(missing, ", "))
	}
	return tagger.Tag(ctx, id, missing)
}

// withTag writes a reference as engines list them: with ":latest" when it
// has no tag.
func withTag(ref string) string {
	last := ref[strings.LastIndex(ref, "/")+1:]
	if strings.ContainsAny(last, ":@") {
		return ref
	}
	return ref + ":latest"
}

// Record stores what a run built for an image: its inputs now and as
// predicted at the run's start, the image, when it was built, and its
// references.
func (inc *Incremental) Record(im *plan.Image, cur *Current, pred *Prediction, id string, built time.Time) error {
	rec := &state.Record{
		Result: state.Result{Image: im.Name, ID: id, Refs: im.Refs, Built: built.UTC()},
		Key:    cur.Key, Inputs: cur.inputs, HookEnv: inc.hookEnvOf(im),
	}
	var manifests []inputs.Manifest
	if cur.manifest != nil { // else the state has it
		manifests = append(manifests, cur.manifest)
	}
	if pred != nil {
		rec.SourceKey, rec.Source = pred.Key, pred.Inputs
		manifests = append(manifests, pred.Manifest)
	}
	return inc.Store.Put(rec, manifests...)
}

// RecordReuse stores that a run reused image id for an image, as Record
// does, unless the image's record already says so (a no-op writes
// nothing).
func (inc *Incremental) RecordReuse(im *plan.Image, d Decision, cur *Current, pred *Prediction, id string, built time.Time) error {
	if d.Reuse != nil && unchanged(d, cur, pred, im.Refs, inc.hookEnvOf(im)) {
		return nil
	}
	return inc.Record(im, cur, pred, id, built)
}

// unchanged reports whether an image's stored record already says what
// reusing it would record.
func unchanged(d Decision, cur *Current, pred *Prediction, refs []string, hookEnv string) bool {
	r := d.rec
	return r != nil && r.Key == cur.Key && r.ID == d.Reuse.ID && slices.Equal(r.Refs, refs) &&
		(pred == nil || r.SourceKey == pred.Key) && r.HookEnv == hookEnv
}

// PredictRun takes every image's source key before a run, and those of
// the multi-platform images' builds for their other platforms than the
// first (by task, "NAME os/arch"), for the records of the run.
func (inc *Incremental) PredictRun(ctx context.Context, pl *plan.Plan) (map[string]*Prediction, error) {
	preds, err := inc.predictKeys(ctx, pl)
	if err == nil {
		err = inc.predictOthers(ctx, pl, preds)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the images' inputs: %w", err)
	}
	return preds, nil
}

// Save saves the stat cache and what registries said of bases; after a
// run that built something, it drops the stored manifests no record
// needs.
func (inc *Incremental) Save(built bool) error {
	err := errors.Join(inc.Scanner.Save(), inc.SaveBases())
	if built {
		err = errors.Join(err, inc.Store.Prune())
	}
	return err
}
