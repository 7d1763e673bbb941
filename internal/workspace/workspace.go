// Package workspace runs components' steps in the source tree safely. It
// holds the repository's lock (one dockyard run at a time), journals every
// file and folder dockyard creates there before creating it, then its
// identity (device, inode, birth time, a marker), and removes only what
// the journal lists and still is what dockyard made, and never what git
// tracks or .git: after success, failure or interrupt (Close), and after a
// crash (the next Open, or Clean). A folder the user owns is never
// deleted; pai deleted every dependency/ and generated/ it found. Hooks
// die with dockyard, and what they leave running is ended with the run.
//
// Paths in the API and in messages are relative to the repository root and
// use "/".
package workspace

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/dockyard-build/dockyard/internal/layout"
)

// Files and folders dockyard owns under the repository root.
const (
	stateDir    = layout.Dir
	lockFile    = layout.Lock
	journalFile = layout.Journal
	tmpDir      = layout.Tmp
)

// Workspace is a locked repository. Its methods are safe for concurrent use,
// except Close, which must come after every other call has returned.
type Workspace struct {
	// Recovered lists what Open removed for a run that died: root-relative
	// paths, deepest first.
	Recovered []string
	// Left lists what a dead run's journal named but Open left in place,
	// with why: it was no longer what dockyard had made there.
	Left []string
	// Ignored lists the records of a dead run's journal that Open did not
	// act on, being invalid, with why.
	Ignored []string

	dir  string   // the root, absolute
	real string   // the root with symlinks resolved
	root *os.Root // every file operation goes through it
	lock *os.File

	mu      sync.Mutex
	j       *journal
	entries map[string]*entry // journaled paths
	token   string            // what this run's hooks carry; "" before the first
	closed  bool
}

// Open takes the repository's lock and, when a run that died left a
// journal, first removes what it lists. It fails with a *LockedError when
// another live run holds the lock.
func Open(root string) (*Workspace, error) {
	dir, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, fmt.Errorf("opening repository: %w", err)
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("opening repository: %w", err)
	}
	if err := makeStateDir(r); err != nil {
		r.Close()
		return nil, err
	}
	lock, err := acquire(r, dir)
	if err != nil {
		r.Close()
		return nil, err
	}
	w := &Workspace{dir: dir, real: real, root: r, lock: lock, entries: map[string]*entry{}}
	w.j = &journal{root: r}
	old, err := loadJournal(r)
	if err == nil && old != nil {
		err = w.recover(old)
	}
	if err != nil {
		w.release()
		return nil, fmt.Errorf("cleaning up after a dockyard run that stopped: %w", err)
	}
	return w, nil
}

// recover finishes what a dead run left: it ends the processes its hooks
// left running, so that none writes into the tree any more, then removes
// what it made.
func (w *Workspace) recover(old *replay) error {
	var err error
	for _, tok := range old.tokens {
		err = errors.Join(err, endProcs(tok))
	}
	if err != nil {
		return err
	}
	w.Ignored = old.ignored
	var left []*changedError
	w.Recovered, left, err = w.sweep(old.entries)
	for _, c := range left {
		w.Left = append(w.Left, c.Error())
	}
	return errors.Join(err, w.j.finish(old.entries))
}

// makeStateDir creates .dockyard, with a .gitignore that keeps it out of git.
func makeStateDir(r *os.Root) error {
	if err := r.Mkdir(stateDir, 0o755); err == nil {
		_ = r.WriteFile(stateDir+"/.gitignore", []byte("*\n"), 0o644)
	} else if !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("creating %s: %w", stateDir, err)
	}
	return nil
}

// Close removes everything journaled, deepest first, then the journal, and
// releases the lock. What it cannot remove stays journaled for the next run
// or `dockyard clean`. Closing again does nothing.
func (w *Workspace) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	var err error
	if w.token != "" {
		err = endProcs(w.token)
	}
	_, left, serr := w.sweep(w.entries)
	err = errors.Join(err, serr)
	for _, c := range left {
		err = errors.Join(err, c)
	}
	err = errors.Join(err, w.j.finish(w.entries))
	return errors.Join(err, w.release())
}

// release unlocks the repository and closes the root.
func (w *Workspace) release() error {
	err := w.j.close()
	err = errors.Join(err, unlock(w.root, w.lock), w.lock.Close())
	return errors.Join(err, w.root.Close())
}

// Cleaned is what Clean did.
type Cleaned struct {
	// Removed lists the removed paths, root-relative.
	Removed []string
	// Left and Ignored are the Workspace's: what the journal named but
	// was left in place, and the journal's invalid records, with why.
	Left, Ignored []string
}

// Clean is `dockyard clean`: it takes the lock, finishes a dead run's
// cleanup (ending the processes its hooks left running first), removes
// dockyard's temporary folders and releases the lock.
func Clean(root string) (Cleaned, error) {
	w, err := Open(root)
	if err != nil {
		return Cleaned{}, err
	}
	removed, err := w.cleanTmp()
	c := Cleaned{Removed: append(w.Recovered, removed...), Left: w.Left, Ignored: w.Ignored}
	return c, errors.Join(err, w.Close())
}

// cleanTmp empties .dockyard/tmp, which only dockyard writes to.
func (w *Workspace) cleanTmp() ([]string, error) {
	fi, err := w.lstat(tmpDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err == nil && !fi.IsDir() {
		err = fmt.Errorf("%s is not a folder", tmpDir)
	}
	if err != nil {
		return nil, err
	}
	d, err := w.root.Open(filepath.FromSlash(tmpDir))
	if err != nil {
		return nil, err
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	var removed []string
	for _, name := range names {
		p := tmpDir + "/" + name
		if rerr := w.removeAll(filepath.FromSlash(p)); rerr != nil {
			err = errors.Join(err, fmt.Errorf("removing %s: %w", p, rerr))
			continue
		}
		removed = append(removed, p)
	}
	return removed, err
}

// TempDir makes a folder under .dockyard/tmp and returns its absolute path.
// It is journaled, so Close (or a later run) removes it.
func (w *Workspace) TempDir(prefix string) (string, error) {
	if strings.ContainsAny(prefix, `/\`) {
		return "", fmt.Errorf("temporary folder prefix %q contains a path separator", prefix)
	}
	for range 10 {
		b := make([]byte, 8)
		rand.Read(b)
		p := path.Join(tmpDir, prefix+hex.EncodeToString(b))
		err := w.create(p, true, func() error { return w.root.Mkdir(filepath.FromSlash(p), 0o700) })
		var conflict *ConflictError
		if errors.As(err, &conflict) {
			continue
		}
		if err != nil {
			return "", err
		}
		return w.abs(p), nil
	}
	return "", errors.New("creating a temporary folder: too many name collisions")
}

// abs turns a root-relative path into an absolute one.
func (w *Workspace) abs(p string) string { return filepath.Join(w.dir, filepath.FromSlash(p)) }

// clean checks a root-relative path from a caller and returns it cleaned.
func clean(p string) (string, error) {
	c := path.Clean(filepath.ToSlash(p))
	if p == "" || c == "." || !filepath.IsLocal(filepath.FromSlash(c)) {
		return "", fmt.Errorf("path %q is not inside the repository", p)
	}
	switch {
	case c == stateDir, c == lockFile, strings.HasPrefix(c, journalFile):
		return "", fmt.Errorf("%s is dockyard's own state", c)
	case gitPath(c):
		return "", fmt.Errorf("%s is git's", c)
	}
	return c, nil
}

// gitPath reports whether a path is git's: a .git, or inside one.
func gitPath(p string) bool {
	for _, el := range strings.Split(p, "/") {
		if strings.EqualFold(el, ".git") {
			return true
		}
	}
	return false
}

// under reports whether p is dir or inside it.
func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }

// depth counts a path's elements.
func depth(p string) int { return strings.Count(p, "/") + 1 }
