package build

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/inputs"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/state"
)

// current is an image's inputs as a run finds them once the image's copies
// and its component's pre-build hook are in place. The manifest is nil when
// the inputs are the last build's, whose manifest the state holds.
type current struct {
	key      string
	inputs   inputs.Inputs
	manifest inputs.Manifest
}

// files returns the manifest of the image's files, from the state when the
// inputs are the last build's.
func (inc *Incremental) files(cur *current) (inputs.Manifest, error) {
	if cur.manifest != nil {
		return cur.manifest, nil
	}
	return inc.Store.Manifest(cur.inputs.Files)
}

// take takes an image's input key for a platform; parents maps each of
// its project parents to the key it had in this run.
func (inc *Incremental) take(ctx context.Context, im *plan.Image, platform string, parents map[string]string) (*current, error) {
	in, err := inc.partialInputs(ctx, im, platform)
	if err != nil {
		return nil, err
	}
	m, err := inc.Scanner.Manifest(im.Context, nil)
	if err != nil {
		return nil, err
	}
	in.Files = m.Digest()
	if len(parents) > 0 {
		in.Parents = parents
	}
	return &current{key: in.Key(), inputs: in, manifest: m}, nil
}

// decision is what a run does with an image: reuse an image the engine
// holds, or build for a reason.
type decision struct {
	reuse  *state.Result
	info   engine.ImageInfo // the reused image, as the engine has it
	rec    *state.Record
	reason string
}

// decide looks for an image built from the same inputs that the engine
// still holds; else it says why the image must be built. rebuilt says
// whether a parent was built in this run.
func (inc *Incremental) decide(ctx context.Context, im *plan.Image, cur *current, rebuilt func(string) bool) (decision, error) {
	var d decision
	rec, res := inc.records[[2]string{im.Name, cur.inputs.Platform}], (*state.Result)(nil)
	if rec != nil && rec.Key == cur.key {
		res = &rec.Result // the steady case: no need to ask the state again
	} else {
		var err error
		if rec, res, err = inc.Store.Find(im.Name, cur.inputs.Platform, cur.key); err != nil {
			return d, err
		}
	}
	d.rec = rec
	if res != nil {
		info, ok, err := inc.inspect(ctx, res.ID)
		if err != nil {
			return d, err
		}
		if ok {
			d.reuse, d.info = res, info
			return d, nil
		}
		if err := inc.Store.Forget(im.Name, cur.key); err != nil {
			return d, err
		}
	}
	switch {
	case res != nil || (rec != nil && rec.Key == cur.key):
		d.reason = ReasonMissing
	case rec == nil:
		d.reason = ReasonNew
	default:
		m, err := inc.files(cur)
		if err != nil {
			return d, err
		}
		d.reason = inc.why(im, &rec.Inputs, &cur.inputs, m, rebuilt)
	}
	return d, nil
}

// inspect finds an image in the engine: in the list of its dockyard images
// taken once per run, else by asking for it (an image made after the list,
// or one without dockyard's labels). An engine that cannot inspect its
// store holds nothing dockyard can reuse.
func (inc *Incremental) inspect(ctx context.Context, id string) (engine.ImageInfo, bool, error) {
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
		lister, ok := inc.Engine.(engine.Lister)
		if !ok {
			return
		}
		checkout, err := inc.Store.Checkout(false)
		if err != nil || checkout == "" {
			return
		}
		list, err := lister.List(ctx, engine.LabelRepository+"="+checkout)
		if err != nil {
			return
		}
		inc.held = make(map[string]engine.ImageInfo, len(list))
		for _, im := range list {
			inc.held[im.ID] = im
		}
	})
	return inc.held
}

// retag gives a reused image the references it lacks.
func (inc *Incremental) retag(ctx context.Context, id string, have, want []string) error {
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

// record stores what a run made of an image: its inputs now and as
// predicted at the run's start, the image, when it was built, and its
// references.
func (inc *Incremental) record(im *plan.Image, cur *current, pred *Prediction, id string, built time.Time) error {
	rec := &state.Record{
		Result: state.Result{Image: im.Name, ID: id, Refs: im.Refs, Built: built.UTC()},
		Key:    cur.key, Inputs: cur.inputs, HookEnv: inc.hookEnvOf(im),
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

// unchanged reports whether an image's stored record already says what
// reusing it would record.
func unchanged(d decision, cur *current, pred *Prediction, refs []string, hookEnv string) bool {
	r := d.rec
	return r != nil && r.Key == cur.key && r.ID == d.reuse.ID && slices.Equal(r.Refs, refs) &&
		(pred == nil || r.SourceKey == pred.Key) && r.HookEnv == hookEnv
}

// runKeys is what a run learns of input keys as it goes.
type runKeys struct {
	preds  map[string]*Prediction // source keys, taken before anything runs
	steady map[string]bool        // components whose steps are skipped

	mu    sync.Mutex
	keys  map[string]string // input keys taken so far
	built map[string]bool   // images built, not reused
}

// start predicts every image's source key, for the records of the run.
func (k *runKeys) start(ctx context.Context, inc *Incremental, pl *plan.Plan) error {
	k.keys, k.built = map[string]string{}, map[string]bool{}
	if inc == nil {
		return nil
	}
	preds, err := inc.predictKeys(ctx, pl)
	if err != nil {
		return fmt.Errorf("reading the images' inputs: %w", err)
	}
	k.preds = preds
	if err := inc.predictOthers(ctx, pl, preds); err != nil {
		return fmt.Errorf("reading the images' inputs: %w", err)
	}
	return nil
}

// finish saves the stat cache and drops stored manifests no record needs.
func (k *runKeys) finish(inc *Incremental) error {
	if inc == nil {
		return nil
	}
	err := errors.Join(inc.Scanner.Save(), inc.SaveBases())
	if len(k.built) > 0 {
		err = errors.Join(err, inc.Store.Prune())
	}
	return err
}

func (k *runKeys) key(name string) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.keys[name]
}

func (k *runKeys) setKey(name, key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.keys[name] = key
}

func (k *runKeys) isBuilt(name string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.built[name]
}

func (k *runKeys) anyBuilt() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.built) > 0
}

func (k *runKeys) setBuilt(name string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.built[name] = true
}
