//go:build aix || !(unix || windows)

package workspace

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dockyard-build/dockyard/internal/layout"
)

// Where flock is missing, the lock is a file created with O_EXCL. A run
// that dies leaves it behind; remove .dockyard/lock.held by hand then.
const heldFile = layout.LockHeld

func tryLock(r *os.Root, _ *os.File) (bool, error) {
	f, err := r.OpenFile(filepath.FromSlash(heldFile), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, f.Close()
}

func unlock(r *os.Root, _ *os.File) error {
	return r.Remove(filepath.FromSlash(heldFile))
}
