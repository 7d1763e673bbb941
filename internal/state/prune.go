package state

import (
	"encoding/json"

	"go.etcd.io/bbolt"
)

// Current returns the IDs of the images the engine's state holds as the
// last build, or the last image built or reused, of an image and
// platform: those a prune of the engine's store keeps.
func (s *Store) Current() (map[string]bool, error) {
	records, err := s.Records()
	if err != nil {
		return nil, err
	}
	built, err := s.Built()
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, r := range records {
		out[r.ID] = true
	}
	for _, r := range built {
		out[r.ID] = true
	}
	return out, nil
}

// ForgetIDs drops the input keys whose images are among gone, removed
// from the engine's store, and then what Prune drops.
func (s *Store) ForgetIDs(gone map[string]bool) error {
	if len(gone) == 0 {
		return nil
	}
	err := s.update(func(_ *bbolt.Tx, eng *bbolt.Bucket) error {
		return deleteWhere(eng.Bucket(keysBucket), func(_, v []byte) bool {
			var r Result
			return json.Unmarshal(v, &r) == nil && gone[r.ID]
		})
	})
	if err != nil {
		return err
	}
	return s.Prune()
}
