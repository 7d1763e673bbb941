package workspace

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

var errClosed = errors.New("the workspace is closed")

// ConflictError is a path dockyard would have to create that exists already
// and is not dockyard's.
type ConflictError struct {
	Path string // root-relative
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s exists and was not made by dockyard; move it away or remove it (dockyard never deletes what it did not create)", e.Path)
}

// Check verifies, before anything runs, that none of paths exists. Each one
// that does is a *ConflictError; all of them are returned joined. Paths
// dockyard made or claimed in this run are not conflicts.
func (w *Workspace) Check(paths ...string) error {
	var errs []error
	seen := map[string]bool{}
	for _, p := range paths {
		c, err := clean(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if seen[c] || w.journaled(c) {
			continue
		}
		seen[c] = true
		switch _, err := w.root.Lstat(filepath.FromSlash(c)); {
		case err == nil:
			errs = append(errs, &ConflictError{Path: c})
		case !errors.Is(err, fs.ErrNotExist):
			errs = append(errs, fmt.Errorf("checking %s: %w", c, err))
		}
	}
	return errors.Join(errs...)
}

// Claim makes the folder p, such as src/<c>/generated, for a step (a hook)
// to fill; it must not exist now. Like every folder dockyard makes, it is
// journaled with its identity: the run's end, or the cleanup after a
// crash, removes this folder with what the step put in it, never one that
// someone made in its place. A hook may make it anew (adopt).
func (w *Workspace) Claim(p string) error {
	p, err := clean(p)
	if err != nil {
		return err
	}
	err = w.create(p, true, func() error { return w.root.Mkdir(filepath.FromSlash(p), 0o755) })
	if err == nil {
		w.mu.Lock()
		w.entries[p].claimed = true
		w.mu.Unlock()
	}
	return err
}

// adopt takes, once a hook has ended, the folder at each claimed path as
// dockyard's, journaling its identity: a hook may have removed the folder
// dockyard made and made its own, which is the run's as much. A crash
// while the hook runs leaves the journal as it was: what the hook made
// then is left in place.
func (w *Workspace) adopt() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	var errs []error
	for p, e := range w.entries {
		if !e.claimed || e.busy {
			continue
		}
		if fi, err := w.lstat(p); err != nil || !fi.IsDir() {
			continue
		}
		if id, err := w.identify(p, false); err != nil || sameID(e.id, id) {
			continue
		}
		id, err := w.identify(p, true)
		if err == nil {
			e.id = id
			err = w.j.write(record{Op: opMade, Path: p, ID: id})
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Release removes a journaled path now, with everything journaled inside
// it, and drops them from the journal. Releasing a path dockyard did not
// make or claim in this run is an error.
func (w *Workspace) Release(p string) error {
	p, e, err := w.take(p)
	if err != nil {
		return err
	}
	_, err = w.remove(p, e)
	return w.settle(p, e, err)
}

// Keep moves a journaled path to dst, a path under .dockyard such as
// .dockyard/artifacts/<c>, replacing what dst held, then releases the path.
// When the path does not exist (the hook made no generated/), Keep only
// releases it.
func (w *Workspace) Keep(p, dst string) error {
	dst, err := clean(dst)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(dst, stateDir+"/") || under(dst, tmpDir) {
		return fmt.Errorf("cannot keep files in %s: not a folder dockyard owns under %s", dst, stateDir)
	}
	p, e, err := w.take(p)
	if err != nil {
		return err
	}
	return w.settle(p, e, w.keep(p, e, dst))
}

func (w *Workspace) keep(p string, e *entry, dst string) error {
	fi, err := w.lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := w.mine(p, e, fi); err != nil {
		return err
	}
	if fi.IsDir() && w.empty(p) {
		// The step put nothing there: nothing to keep, dst stays.
		return w.root.Remove(filepath.FromSlash(p))
	}
	if _, err := w.lstat(dst); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := w.removeAll(filepath.FromSlash(dst)); err != nil {
		return fmt.Errorf("replacing %s: %w", dst, err)
	}
	if err := w.root.MkdirAll(filepath.FromSlash(path.Dir(dst)), 0o755); err != nil {
		return err
	}
	if err := w.root.Rename(filepath.FromSlash(p), filepath.FromSlash(dst)); err == nil {
		return nil
	}
	// Renaming fails across file systems: copy, then remove.
	if fi.IsDir() {
		err = w.root.Mkdir(filepath.FromSlash(dst), 0o700)
		if err == nil {
			err = w.copyTree(p, dst)
		}
	} else {
		err = w.copyFile(p, dst, fi.Mode().Perm(), os.O_CREATE|os.O_EXCL)
	}
	if err != nil {
		return fmt.Errorf("keeping %s in %s: %w", p, dst, err)
	}
	return w.removeAll(filepath.FromSlash(p))
}

// empty reports whether the folder p holds nothing.
func (w *Workspace) empty(p string) bool {
	d, err := w.root.Open(filepath.FromSlash(p))
	if err != nil {
		return false
	}
	defer d.Close()
	names, err := d.Readdirnames(1)
	return len(names) == 0 && errors.Is(err, io.EOF)
}

// take finds the journaled entry of p and marks it busy.
func (w *Workspace) take(p string) (string, *entry, error) {
	p, err := clean(p)
	if err != nil {
		return "", nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	e := w.entries[p]
	switch {
	case w.closed:
		return "", nil, errClosed
	case e == nil:
		return "", nil, fmt.Errorf("%s was not made by dockyard in this run; not removing it", p)
	case e.busy:
		return "", nil, fmt.Errorf("%s is being removed already", p)
	}
	e.busy = true
	return p, e, nil
}

// settle ends a take: unless err is a failure to remove p, p and what is
// journaled inside it are dropped from the journal.
func (w *Workspace) settle(p string, e *entry, err error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	e.busy = false
	var changed *changedError
	if err != nil && !errors.As(err, &changed) {
		return err
	}
	var recs []record
	for q := range w.entries {
		if under(q, p) {
			recs = append(recs, record{Op: opDrop, Path: q})
			delete(w.entries, q)
		}
	}
	return errors.Join(err, w.j.write(recs...))
}
