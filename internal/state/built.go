package state

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"go.etcd.io/bbolt"
)

var (
	builtBucket = []byte("built")
	metaBucket  = []byte("meta")
	checkoutKey = []byte("checkout")
)

// Checkout returns the identity of this checkout of the repository: a
// random value made the first time create is true, kept with the state.
// Every image dockyard builds carries it in a label, so that an image of
// the same name from another checkout or repository is never taken for
// this one's. Without create, it is "" until a build made it.
func (s *Store) Checkout(create bool) (string, error) {
	var id string
	err := s.view(func(tx *bbolt.Tx, _ *bbolt.Bucket) error {
		if tx != nil {
			if b := tx.Bucket(metaBucket); b != nil {
				id = string(b.Get(checkoutKey))
			}
		}
		return nil
	})
	if err != nil || id != "" || !create {
		return id, err
	}
	err = s.update(func(tx *bbolt.Tx, _ *bbolt.Bucket) error {
		b, err := tx.CreateBucketIfNotExists(metaBucket)
		if err != nil {
			return err
		}
		if id = string(b.Get(checkoutKey)); id != "" {
			return nil
		}
		raw := make([]byte, 16)
		if _, err := rand.Read(raw); err != nil {
			return err
		}
		id = hex.EncodeToString(raw)
		return b.Put(checkoutKey, []byte(id))
	})
	return id, err
}

// PutBuilt records the image a run built or reused for an image and a
// platform, whether or not incremental builds are on: push, save and ls
// find the project's images by these records, never by a name another
// checkout could have tagged.
func (s *Store) PutBuilt(platform string, r Result) error {
	return s.update(func(_ *bbolt.Tx, eng *bbolt.Bucket) error {
		b, err := eng.CreateBucketIfNotExists(builtBucket)
		if err != nil {
			return err
		}
		data, err := json.Marshal(r)
		if err != nil {
			return err
		}
		return b.Put([]byte(pair(r.Image, platform)), data)
	})
}

// Built returns the image last built or reused for each image, by image
// name and platform.
func (s *Store) Built() (map[[2]string]Result, error) {
	out := map[[2]string]Result{}
	err := s.view(func(_ *bbolt.Tx, eng *bbolt.Bucket) error {
		if eng == nil || eng.Bucket(builtBucket) == nil {
			return nil
		}
		return eng.Bucket(builtBucket).ForEach(func(k, v []byte) error {
			var r Result
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("reading %s: %w", File, err)
			}
			image, platform := splitPair(string(k))
			out[[2]string{image, platform}] = r
			return nil
		})
	})
	return out, err
}

// splitPair is the inverse of pair.
func splitPair(k string) (image, s string) {
	image, s, _ = strings.Cut(k, "\x00")
	return image, s
}
