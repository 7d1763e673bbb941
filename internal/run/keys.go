package run

import (
	"context"
	"sync"

	"github.com/dockyard-build/dockyard/internal/incremental"
	"github.com/dockyard-build/dockyard/internal/plan"
)

// runKeys is what a run learns of input keys as it goes.
type runKeys struct {
	preds  map[string]*incremental.Prediction // source keys, taken before anything runs
	steady map[string]bool                    // components whose steps are skipped

	mu    sync.Mutex
	keys  map[string]string // input keys taken so far
	built map[string]bool   // images built, not reused
}

// start predicts every image's source key, for the records of the run.
func (k *runKeys) start(ctx context.Context, inc *incremental.Incremental, pl *plan.Plan) error {
	k.keys, k.built = map[string]string{}, map[string]bool{}
	if inc == nil {
		return nil
	}
	var err error
	k.preds, err = inc.PredictRun(ctx, pl)
	return err
}

// finish saves the stat cache and drops stored manifests no record needs.
func (k *runKeys) finish(inc *incremental.Incremental) error {
	if inc == nil {
		return nil
	}
	return inc.Save(k.anyBuilt())
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
