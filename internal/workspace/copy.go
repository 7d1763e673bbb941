package workspace

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// CopyDir copies the folder src to dst, which must not exist. It journals
// dst, and every parent folder it has to create, before creating it. It
// copies regular files (with their mode), folders and symlinks (as symlinks,
// not followed). It skips .git, .dockyard and whatever dockyard made in this
// run, dst included (copying src/lib into src/lib/dependency/lib does not
// recurse, and never copies another component's half-made dependency/).
// A src that leads out of the repository through a symlink is refused.
func (w *Workspace) CopyDir(src, dst string) error { return w.copy(src, dst, true) }

// Copy is CopyDir for a file or a folder.
func (w *Workspace) Copy(src, dst string) error { return w.copy(src, dst, false) }

func (w *Workspace) copy(src, dst string, dirOnly bool) error {
	src, err := clean(src)
	if err != nil {
		return err
	}
	if dst, err = clean(dst); err != nil {
		return err
	}
	real, err := w.resolve(src)
	if err != nil {
		return err
	}
	fi, err := w.root.Stat(filepath.FromSlash(real))
	if err != nil {
		return err
	}
	switch {
	case fi.IsDir():
		if err := w.create(dst, true, func() error { return w.root.Mkdir(filepath.FromSlash(dst), 0o700) }); err != nil {
			return err
		}
		if err := w.copyTree(real, dst); err != nil {
			return err
		}
		return w.root.Chmod(filepath.FromSlash(dst), fi.Mode().Perm()|0o700)
	case dirOnly:
		return fmt.Errorf("%s is not a folder", src)
	case fi.Mode().IsRegular():
		err := w.create(dst, false, func() error {
			f, err := w.root.OpenFile(filepath.FromSlash(dst), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return err
			}
			return f.Close()
		})
		if err != nil {
			return err
		}
		return w.copyFile(real, dst, fi.Mode().Perm(), os.O_TRUNC)
	}
	return fmt.Errorf("%s is not a regular file or a folder", src)
}

// resolve returns where src really is, root-relative, refusing a path that
// a symlink leads out of the root.
func (w *Workspace) resolve(src string) (string, error) {
	real, err := filepath.EvalSymlinks(w.abs(src))
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", src, err)
	}
	rel, err := filepath.Rel(w.real, real)
	if err != nil || !filepath.IsLocal(rel) {
		return "", fmt.Errorf("%s leads outside the repository through a symlink", src)
	}
	return filepath.ToSlash(rel), nil
}

// create journals p, creates its missing parent folders (journaled too) and
// then p itself with mk. p must not exist.
func (w *Workspace) create(p string, dir bool, mk func() error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return errClosed
	}
	if _, err := w.root.Lstat(filepath.FromSlash(p)); err == nil {
		if w.entries[p] != nil {
			return fmt.Errorf("%s already exists: dockyard made it earlier in this run", p)
		}
		return &ConflictError{Path: p}
	}
	for _, q := range ancestors(p) {
		fi, err := w.root.Lstat(filepath.FromSlash(q))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			err = w.make(q, &entry{dir: true}, func() error { return w.root.Mkdir(filepath.FromSlash(q), 0o755) })
			if err != nil {
				return err
			}
		case err != nil:
			return err
		case fi.Mode()&fs.ModeSymlink != 0:
			return fmt.Errorf("cannot create %s: %s is a symlink", p, q)
		case !fi.IsDir():
			return fmt.Errorf("cannot create %s: %s is not a folder", p, q)
		}
	}
	return w.make(p, &entry{dir: dir}, mk)
}

// make journals p, runs mk to create it and journals that it did; w.mu is
// held.
func (w *Workspace) make(p string, e *entry, mk func() error) error {
	if err := w.j.write(record{Op: opAdd, Path: p, Dir: e.dir}); err != nil {
		return err
	}
	w.entries[p] = e
	if err := mk(); err != nil {
		delete(w.entries, p)
		if errors.Is(err, fs.ErrExist) {
			err = &ConflictError{Path: p}
		}
		return errors.Join(err, w.j.write(record{Op: opDrop, Path: p}))
	}
	id, err := w.identify(p, true)
	if err != nil {
		// Unconfirmed, p is removed after the run only while empty.
		return fmt.Errorf("reading what dockyard made at %s: %w", p, err)
	}
	e.made, e.id = true, id
	return w.j.write(record{Op: opMade, Path: p, ID: id})
}

// copyTree copies the contents of the folder src into the new folder dst.
func (w *Workspace) copyTree(src, dst string) error {
	d, err := w.root.Open(filepath.FromSlash(src))
	if err != nil {
		return err
	}
	ents, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		return err
	}
	for _, e := range ents {
		s, t := path.Join(src, e.Name()), path.Join(dst, e.Name())
		if e.Name() == ".git" || e.Name() == stateDir || w.journaled(s) {
			continue
		}
		switch {
		case e.Type()&fs.ModeSymlink != 0:
			target, rerr := w.root.Readlink(filepath.FromSlash(s))
			if rerr != nil {
				return rerr
			}
			err = w.root.Symlink(target, filepath.FromSlash(t))
		case e.IsDir():
			err = w.root.Mkdir(filepath.FromSlash(t), 0o700)
			if err == nil {
				err = w.copyTree(s, t)
			}
			if info, ierr := e.Info(); err == nil {
				err = errors.Join(ierr, w.root.Chmod(filepath.FromSlash(t), info.Mode().Perm()|0o700))
			}
		case e.Type().IsRegular():
			info, ierr := e.Info()
			if err = ierr; err == nil {
				err = w.copyFile(s, t, info.Mode().Perm(), os.O_CREATE|os.O_EXCL)
			}
		default:
			err = fmt.Errorf("cannot copy %s: not a regular file, folder or symlink", s)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// copyFile copies the regular file src to dst, opened with flag, and gives
// dst the mode perm.
func (w *Workspace) copyFile(src, dst string, perm fs.FileMode, flag int) error {
	in, err := w.root.Open(filepath.FromSlash(src))
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := w.root.OpenFile(filepath.FromSlash(dst), os.O_WRONLY|flag, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	err = errors.Join(err, out.Chmod(perm))
	return errors.Join(err, out.Close())
}

// journaled reports whether dockyard made or claimed p in this run.
func (w *Workspace) journaled(p string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.entries[p] != nil
}
