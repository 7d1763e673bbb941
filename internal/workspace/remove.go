package workspace

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
)

// changedError is a journaled path that is no longer what dockyard made or
// claimed there: dockyard leaves it in place.
type changedError struct {
	Path string
	Why  string
}

func (e *changedError) Error() string {
	return fmt.Sprintf("%s %s; dockyard left it in place", e.Path, e.Why)
}

// lstat describes p without following a symlink anywhere on the way: a
// parent that is a symlink is a *changedError (following it could reach
// what dockyard did not make), a parent that is not a folder means p does
// not exist.
func (w *Workspace) lstat(p string) (fs.FileInfo, error) {
	for _, q := range ancestors(p) {
		fi, err := w.root.Lstat(filepath.FromSlash(q))
		if err != nil {
			return nil, err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return nil, &changedError{Path: p, Why: "is reached through the symlink " + q}
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("%s: %w", q, fs.ErrNotExist)
		}
	}
	return w.root.Lstat(filepath.FromSlash(p))
}

// mine checks that p, described by fi, is still what e journaled there,
// and that git tracks nothing there.
func (w *Workspace) mine(p string, e *entry, fi fs.FileInfo) error {
	id, err := w.identify(p, false)
	if err != nil {
		return err
	}
	if err := e.check(p, fi, id); err != nil {
		return err
	}
	return w.gitTracks(p)
}

// check tells whether fi, of identity id, is still what e journaled at p.
func (e *entry) check(p string, fi fs.FileInfo, id string) error {
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return &changedError{Path: p, Why: "is a symlink now"}
	case e.dir && !fi.IsDir():
		return &changedError{Path: p, Why: "is no longer a folder"}
	case !e.dir && !fi.Mode().IsRegular():
		return &changedError{Path: p, Why: "is no longer a file"}
	case e.made && !sameID(e.id, id):
		return &changedError{Path: p, Why: "was replaced since dockyard made it"}
	}
	return nil
}

// remove removes the journaled path p if it exists and still is what
// dockyard made; it reports whether there was something to remove.
func (w *Workspace) remove(p string, e *entry) (bool, error) {
	fi, err := w.lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := w.mine(p, e, fi); err != nil {
		return false, err
	}
	name := filepath.FromSlash(p)
	if !e.made {
		// Dockyard stopped between journaling p and confirming it made p:
		// what it made then was still empty, so remove p only if it is.
		if !fi.IsDir() && fi.Size() != 0 {
			return false, &changedError{Path: p, Why: "was never confirmed made by dockyard and is not empty"}
		}
		if err := w.root.Remove(name); err != nil {
			return false, &changedError{Path: p, Why: "was never confirmed made by dockyard and is not empty"}
		}
		return true, nil
	}
	if err := w.removeAll(name); err != nil {
		return false, fmt.Errorf("removing %s: %w", p, err)
	}
	return true, nil
}

// removeAll removes a tree, first making its folders writable when that is
// what stood in the way (hooks leave read-only trees, e.g. Go's module cache).
func (w *Workspace) removeAll(name string) error {
	err := w.root.RemoveAll(name)
	if err == nil || !errors.Is(err, fs.ErrPermission) {
		return err
	}
	w.makeWritable(name)
	return w.root.RemoveAll(name)
}

func (w *Workspace) makeWritable(name string) {
	fi, err := w.root.Lstat(name)
	if err != nil || fi.Mode()&fs.ModeSymlink != 0 {
		return
	}
	if !fi.IsDir() {
		_ = w.root.Chmod(name, fi.Mode().Perm()|0o200)
		return
	}
	_ = w.root.Chmod(name, fi.Mode().Perm()|0o700)
	d, err := w.root.Open(name)
	if err != nil {
		return
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	for _, n := range names {
		w.makeWritable(filepath.Join(name, n))
	}
}

// ancestors lists p's parent folders, outermost first.
func ancestors(p string) []string {
	var out []string
	for d := path.Dir(p); d != "."; d = path.Dir(d) {
		out = append([]string{d}, out...)
	}
	return out
}
