//go:build unix && !aix

package workspace

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// tryLock takes an exclusive flock on f without waiting. flock belongs to
// the open file, so a second Open, even in the same process, conflicts, and
// the system releases it when the process dies.
func tryLock(_ *os.Root, f *os.File) (bool, error) {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EWOULDBLOCK):
			return false, nil
		}
		return false, err
	}
}

func unlock(_ *os.Root, f *os.File) error {
	return unix.Flock(int(f.Fd()), unix.LOCK_UN)
}
