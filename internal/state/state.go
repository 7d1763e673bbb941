// Package state remembers what dockyard built, per engine: each image's
// last build (its input key, the key's parts, the image's ID and refs) and
// every input key built, so that an image whose key matches a stored one
// that still exists is not built again, and a changed one can say why.
//
// The state is a bbolt database, .dockyard/state.db: every change is one
// transaction, safe against crashes. The file is opened for each
// transaction and closed after it, so concurrent runs (a build and a plan)
// take turns for milliseconds instead of waiting for each other's end.
package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"go.etcd.io/bbolt"

	"github.com/dockyard-build/dockyard/internal/inputs"
	"github.com/dockyard-build/dockyard/internal/layout"
)

// File is the database, relative to the repository root.
const File = layout.State

// lockWait is how long a transaction waits for another process's.
const lockWait = 30 * time.Second

// Result is an image an input key was built into.
type Result struct {
	Image string    `json:"image"`
	ID    string    `json:"id"`
	Refs  []string  `json:"refs,omitempty"`
	Built time.Time `json:"built"`
}

// Record is an image's last build on an engine, for one platform.
type Record struct {
	Result
	Key    string        `json:"key"`
	Inputs inputs.Inputs `json:"inputs"`
	// Source is the prediction plan makes before a run's copies and hooks,
	// taken at the start of the run that built the image; SourceKey is its
	// key. Plan compares its own prediction with it.
	SourceKey string        `json:"sourceKey"`
	Source    inputs.Inputs `json:"source"`
	// HookEnv is the key of what the component's hooks saw besides its
	// files when they last ran for this build (see build's hook skipping).
	HookEnv string `json:"hookEnv,omitempty"`
}

// Store is the state of one engine in one repository. Its methods are safe
// for concurrent use.
type Store struct {
	path   string
	engine string
	mu     sync.Mutex // one open file per process at a time
}

// Open returns the store of an engine's builds in the repository at root.
// It reads nothing yet.
func Open(root, engine string) *Store {
	return &Store{path: filepath.Join(root, filepath.FromSlash(File)), engine: engine}
}

var (
	manifestsBucket = []byte("manifests")
	enginesBucket   = []byte("engines")
	imagesBucket    = []byte("images")
	keysBucket      = []byte("keys")
	sourcesBucket   = []byte("sources")
)

// view runs fn in a read transaction; eng is nil when the engine has no
// state yet.
func (s *Store) view(fn func(tx *bbolt.Tx, eng *bbolt.Bucket) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	db, err := bbolt.Open(s.path, 0o644, &bbolt.Options{Timeout: lockWait, ReadOnly: true})
	if errors.Is(err, fs.ErrNotExist) {
		return fn(nil, nil)
	}
	if err != nil {
		return fmt.Errorf("opening %s: %w", File, err)
	}
	defer db.Close()
	return db.View(func(tx *bbolt.Tx) error {
		var eng *bbolt.Bucket
		if b := tx.Bucket(enginesBucket); b != nil {
			eng = b.Bucket([]byte(s.engine))
		}
		return fn(tx, eng)
	})
}

// update runs fn in a write transaction, creating the buckets.
func (s *Store) update(fn func(tx *bbolt.Tx, eng *bbolt.Bucket) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", File, err)
	}
	db, err := bbolt.Open(s.path, 0o644, &bbolt.Options{Timeout: lockWait})
	if err != nil {
		return fmt.Errorf("opening %s: %w", File, err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(manifestsBucket); err != nil {
			return err
		}
		engines, err := tx.CreateBucketIfNotExists(enginesBucket)
		if err != nil {
			return err
		}
		eng, err := engines.CreateBucketIfNotExists([]byte(s.engine))
		if err != nil {
			return err
		}
		for _, name := range [][]byte{imagesBucket, keysBucket, sourcesBucket} {
			if _, err := eng.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return fn(tx, eng)
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", File, err)
	}
	return nil
}

// get decodes the JSON value of key in the engine's bucket name into v and
// reports whether it was there.
func get(eng *bbolt.Bucket, name []byte, key string, v any) (bool, error) {
	if eng == nil {
		return false, nil
	}
	b := eng.Bucket(name)
	if b == nil {
		return false, nil
	}
	data := b.Get([]byte(key))
	if data == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("reading %s: %s %q: %w", File, name, key, err)
	}
	return true, nil
}

func put(eng *bbolt.Bucket, name []byte, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return eng.Bucket(name).Put([]byte(key), data)
}

// pair makes the bucket keys, which start with the image's name: a record
// is the image's and a platform's, an input key or a source key the
// image's and the key's, so that two images with the same inputs, which
// get different labels, never share an image.
func pair(image, s string) string { return image + "\x00" + s }
