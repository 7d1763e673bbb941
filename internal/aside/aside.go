// Package aside moves a damaged cache file (dockyard's state database,
// its stat cache) out of the way so that a run can start a fresh one. The
// damaged file is kept beside, renamed, never deleted: its owner may want
// to look at it.
package aside

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Moved is a damaged file moved aside: where from, where to (both relative
// to the repository root) and what was wrong with it.
type Moved struct {
	From, To string
	Cause    error
}

// String is the warning a run prints.
func (m *Moved) String() string {
	return fmt.Sprintf("%v; moved it aside to %s and started afresh", m.Cause, m.To)
}

// Fix moves root/rel, a damaged file, aside because of cause. It returns
// nil when the file is gone already: another run moved it first.
func Fix(root, rel string, cause error) (*Moved, error) {
	dst, err := Move(filepath.Join(root, filepath.FromSlash(rel)), time.Now())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w; moving it aside: %w", cause, err)
	}
	to, err := filepath.Rel(root, dst)
	if err != nil {
		return nil, err
	}
	return &Moved{From: rel, To: filepath.ToSlash(to), Cause: cause}, nil
}

// Move renames path to path.damaged-YYYYMMDD-HHMMSS (with a number added
// when that name is taken) and returns the new path.
func Move(path string, now time.Time) (string, error) {
	base := path + ".damaged-" + now.Format("20060102-150405")
	for i := 1; ; i++ {
		dst := base
		if i > 1 {
			dst = fmt.Sprintf("%s-%d", base, i)
		}
		if _, err := os.Lstat(dst); !errors.Is(err, fs.ErrNotExist) {
			if err != nil {
				return "", err
			}
			continue
		}
		if err := os.Rename(path, dst); err != nil {
			return "", err
		}
		return dst, nil
	}
}

// Kind names what a non-regular file is, for messages: "a folder", "a
// symlink", ...
func Kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeSymlink != 0:
		return "a symlink"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}
