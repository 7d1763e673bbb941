package state

import (
	"encoding/json"
	"time"

	"go.etcd.io/bbolt"
)

var basesBucket = []byte("bases")

// Base is what a registry said of an external base's digest, and when.
// An empty Digest records that the registry did not answer.
type Base struct {
	Digest string    `json:"digest"`
	At     time.Time `json:"at"`
}

// Bases returns the recorded digests of external bases, by reference and
// platform ("ref platform"). They are shared by every engine: they are
// what the registry said.
func (s *Store) Bases() (map[string]Base, error) {
	out := map[string]Base{}
	err := s.view(func(tx *bbolt.Tx, _ *bbolt.Bucket) error {
		if tx == nil || tx.Bucket(basesBucket) == nil {
			return nil
		}
		return tx.Bucket(basesBucket).ForEach(func(k, v []byte) error {
			var b Base
			if json.Unmarshal(v, &b) == nil {
				out[string(k)] = b
			}
			return nil
		})
	})
	return out, err
}

// PutBases records digests of external bases.
func (s *Store) PutBases(bases map[string]Base) error {
	if len(bases) == 0 {
		return nil
	}
	return s.update(func(tx *bbolt.Tx, _ *bbolt.Bucket) error {
		b, err := tx.CreateBucketIfNotExists(basesBucket)
		if err != nil {
			return err
		}
		for k, v := range bases {
			data, err := json.Marshal(v)
			if err != nil {
				return err
			}
			if err := b.Put([]byte(k), data); err != nil {
				return err
			}
		}
		return nil
	})
}
