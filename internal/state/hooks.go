package state

import (
	"encoding/json"

	"go.etcd.io/bbolt"
)

var hooksBucket = []byte("hooks")

// HookRun is what a component's hooks last made, and from what: the key of
// their inputs, the manifest of the generated files they left (compressed,
// see inputs.Manifest), and whether dockyard already said that the same
// inputs gave different files.
type HookRun struct {
	Inputs   string `json:"inputs"`
	Output   string `json:"output"`
	Manifest []byte `json:"manifest,omitempty"`
	Reported bool   `json:"reported,omitempty"`
}

// HookRun returns the last recorded run of a component's hooks, or nil.
// Hook runs are shared by every engine: hooks write to the source tree.
func (s *Store) HookRun(component string) (*HookRun, error) {
	var out *HookRun
	err := s.view(func(tx *bbolt.Tx, _ *bbolt.Bucket) error {
		if tx == nil || tx.Bucket(hooksBucket) == nil {
			return nil
		}
		if v := tx.Bucket(hooksBucket).Get([]byte(component)); v != nil {
			var h HookRun
			if json.Unmarshal(v, &h) == nil {
				out = &h
			}
		}
		return nil
	})
	return out, err
}

// PutHookRun records a run of a component's hooks.
func (s *Store) PutHookRun(component string, h *HookRun) error {
	data, err := json.Marshal(h)
	if err != nil {
		return err
	}
	return s.update(func(tx *bbolt.Tx, _ *bbolt.Bucket) error {
		b, err := tx.CreateBucketIfNotExists(hooksBucket)
		if err != nil {
			return err
		}
		return b.Put([]byte(component), data)
	})
}
