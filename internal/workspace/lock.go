package workspace

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// LockedError is returned by Open when another live dockyard run holds the
// repository's lock.
type LockedError struct {
	Root string // the repository, absolute
	PID  int    // the other run's process id; 0 when unknown
}

func (e *LockedError) Error() string {
	if e.PID == 0 {
		return fmt.Sprintf("another dockyard run is using %s; wait for it to finish", e.Root)
	}
	return fmt.Sprintf("another dockyard run (pid %d) is using %s; wait for it to finish", e.PID, e.Root)
}

// acquire takes the lock .dockyard/lock (released by the system when the
// process dies) and writes this process's id into it.
func acquire(r *os.Root, dir string) (*os.File, error) {
	f, err := r.OpenFile(filepath.FromSlash(lockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening the lock: %w", err)
	}
	ok, err := tryLock(r, f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", dir, err)
	}
	if !ok {
		pid := readPID(f)
		f.Close()
		return nil, &LockedError{Root: dir, PID: pid}
	}
	// Overwrite in place, then cut: a reader never sees an empty file.
	b := []byte(strconv.Itoa(os.Getpid()) + "\n")
	_, err = f.WriteAt(b, 0)
	if err == nil {
		err = f.Truncate(int64(len(b)))
	}
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		unlock(r, f)
		f.Close()
		return nil, fmt.Errorf("writing the lock: %w", err)
	}
	return f, nil
}

// readPID reads the holder's process id from the lock, waiting briefly for
// a holder that has just taken it to write it.
func readPID(f *os.File) int {
	for range 20 {
		b := make([]byte, 32)
		n, _ := f.ReadAt(b, 0)
		line, _, _ := strings.Cut(string(b[:n]), "\n")
		if pid, err := strconv.Atoi(strings.TrimSpace(line)); err == nil && pid > 0 {
			return pid
		}
		time.Sleep(5 * time.Millisecond)
	}
	return 0
}
