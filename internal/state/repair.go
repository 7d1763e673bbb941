package state

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/dockyard-build/dockyard/internal/aside"
)

// DamagedError is a database that cannot be read: not a bbolt file, a
// page that does not hold together, a folder in its place.
type DamagedError struct{ Err error }

func (e *DamagedError) Error() string { return fmt.Sprintf("%s is damaged: %v", File, e.Err) }
func (e *DamagedError) Unwrap() error { return e.Err }

// Repair checks the database of the repository at root, every page of it,
// and moves a damaged one aside: the state is a cache, and the next
// transaction starts a fresh one. It returns nil when the database is
// sound or absent. A database another process keeps locked for longer
// than a transaction takes is an error, not damage.
func Repair(root string) (*aside.Moved, error) {
	err := check(filepath.Join(root, filepath.FromSlash(File)))
	if d, ok := errors.AsType[*DamagedError](err); ok {
		return aside.Fix(root, File, d)
	}
	return nil, err
}

// check opens the database read-only and walks all its pages. bbolt
// panics on some damage; check turns that into a DamagedError.
func check(path string) (err error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("opening %s: %w", File, err)
	}
	if !fi.Mode().IsRegular() {
		return &DamagedError{fmt.Errorf("it is %s, not a file", aside.Kind(fi.Mode()))}
	}
	defer recoverDamage(&err)
	db, err := bbolt.Open(path, 0o644, &bbolt.Options{Timeout: lockWait, ReadOnly: true})
	if err != nil {
		return classify(err)
	}
	defer db.Close()
	return db.View(func(tx *bbolt.Tx) error {
		var first error
		for err := range tx.Check() { // drain: the check runs on until it is done
			if first == nil {
				first = &DamagedError{err}
			}
		}
		return first
	})
}

// classify says whether an error opening the database is damage: any but
// a lock held too long or a permission refused.
func classify(err error) error {
	if errors.Is(err, berrors.ErrTimeout) || errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("opening %s: %w", File, err)
	}
	return &DamagedError{err}
}

// recoverDamage turns a panic of bbolt's, its answer to some damage, into
// a DamagedError in *err.
func recoverDamage(err *error) {
	if r := recover(); r != nil {
		*err = &DamagedError{fmt.Errorf("%v", r)}
	}
}
