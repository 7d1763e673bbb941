package state

import (
	"encoding/json"
	"fmt"
	"strings"

	"go.etcd.io/bbolt"

	"github.com/dockyard-build/dockyard/internal/inputs"
)

// Records returns the last build of every image on the engine, by image
// name and platform.
func (s *Store) Records() (map[[2]string]*Record, error) {
	out := map[[2]string]*Record{}
	err := s.view(func(_ *bbolt.Tx, eng *bbolt.Bucket) error {
		if eng == nil {
			return nil
		}
		return eng.Bucket(imagesBucket).ForEach(func(_, v []byte) error {
			r := &Record{}
			if err := json.Unmarshal(v, r); err != nil {
				return fmt.Errorf("reading %s: %w", File, err)
			}
			out[[2]string{r.Image, r.Inputs.Platform}] = r
			return nil
		})
	})
	return out, err
}

// Find returns an image's last build for a platform, and what an input
// key of the image was built into; either is nil when there is none.
func (s *Store) Find(image, platform, key string) (*Record, *Result, error) {
	var rec *Record
	var res *Result
	err := s.view(func(_ *bbolt.Tx, eng *bbolt.Bucket) error {
		r := &Record{}
		ok, err := get(eng, imagesBucket, pair(image, platform), r)
		if err != nil {
			return err
		}
		if ok {
			rec = r
		}
		k := &Result{}
		if ok, err = get(eng, keysBucket, pair(image, key), k); ok {
			res = k
		}
		return err
	})
	return rec, res, err
}

// Found is an input key and what it was built into.
type Found struct {
	Key string
	Result
}

// LookupSources takes images' source keys, by image, and returns for each
// image built from that source key before the input key it had and what
// that key was built into.
func (s *Store) LookupSources(sourceKeys map[string]string) (map[string]Found, error) {
	out := map[string]Found{}
	err := s.view(func(_ *bbolt.Tx, eng *bbolt.Bucket) error {
		for image, sk := range sourceKeys {
			var f Found
			if ok, err := get(eng, sourcesBucket, pair(image, sk), &f.Key); !ok || err != nil {
				if err != nil {
					return err
				}
				continue
			}
			if ok, err := get(eng, keysBucket, pair(image, f.Key), &f.Result); ok {
				out[image] = f
			} else if err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// Manifest returns a stored manifest by its digest, or nil.
func (s *Store) Manifest(digest string) (inputs.Manifest, error) {
	var data []byte
	err := s.view(func(tx *bbolt.Tx, _ *bbolt.Bucket) error {
		if tx != nil {
			if b := tx.Bucket(manifestsBucket); b != nil {
				data = append(data, b.Get([]byte(digest))...)
			}
		}
		return nil
	})
	if err != nil || data == nil {
		return nil, err
	}
	return inputs.Decompress(data)
}

// Put stores an image's build: its record, its input key's result, the
// source key's input key, and the manifests named by the record's inputs.
func (s *Store) Put(r *Record, manifests ...inputs.Manifest) error {
	return s.update(func(tx *bbolt.Tx, eng *bbolt.Bucket) error {
		mb := tx.Bucket(manifestsBucket)
		for _, m := range manifests {
			if d := []byte(m.Digest()); mb.Get(d) == nil {
				if err := mb.Put(d, m.Compress()); err != nil {
					return err
				}
			}
		}
		if err := put(eng, imagesBucket, pair(r.Image, r.Inputs.Platform), r); err != nil {
			return err
		}
		if err := put(eng, keysBucket, pair(r.Image, r.Key), r.Result); err != nil {
			return err
		}
		if r.SourceKey == "" {
			return nil
		}
		return put(eng, sourcesBucket, pair(r.Image, r.SourceKey), r.Key)
	})
}

// Forget drops an image's input key whose image is gone from the engine.
func (s *Store) Forget(image, key string) error {
	return s.update(func(_ *bbolt.Tx, eng *bbolt.Bucket) error {
		return eng.Bucket(keysBucket).Delete([]byte(pair(image, key)))
	})
}

// Prune drops the manifests no record of any engine names, and source keys
// whose input key was forgotten.
func (s *Store) Prune() error {
	return s.update(func(tx *bbolt.Tx, eng *bbolt.Bucket) error {
		used := map[string]bool{}
		err := tx.Bucket(enginesBucket).ForEachBucket(func(name []byte) error {
			return tx.Bucket(enginesBucket).Bucket(name).Bucket(imagesBucket).ForEach(func(_, v []byte) error {
				var r Record
				if err := json.Unmarshal(v, &r); err != nil {
					return err
				}
				used[r.Inputs.Files], used[r.Source.Files] = true, true
				return nil
			})
		})
		if err != nil {
			return err
		}
		if err := deleteWhere(tx.Bucket(manifestsBucket), func(k, _ []byte) bool { return !used[string(k)] }); err != nil {
			return err
		}
		keys := eng.Bucket(keysBucket)
		return deleteWhere(eng.Bucket(sourcesBucket), func(k, v []byte) bool {
			var key string
			image, _, _ := strings.Cut(string(k), "\x00")
			return json.Unmarshal(v, &key) != nil || keys.Get([]byte(pair(image, key))) == nil
		})
	})
}

// deleteWhere deletes the keys of b that drop selects.
func deleteWhere(b *bbolt.Bucket, drop func(k, v []byte) bool) error {
	var gone [][]byte
	err := b.ForEach(func(k, v []byte) error {
		if drop(k, v) {
			gone = append(gone, append([]byte(nil), k...))
		}
		return nil
	})
	for _, k := range gone {
		if err == nil {
			err = b.Delete(k)
		}
	}
	return err
}
