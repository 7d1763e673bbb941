package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxLinks bounds the symlinks followed while resolving one path, as the
// kernel's ELOOP does.
const maxLinks = 40

// checkWithin rejects a path that is absolute or leaves the repository
// by its words alone.
func checkWithin(p string) error {
	clean := filepath.Clean(filepath.FromSlash(p))
	if filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return fmt.Errorf("path %q escapes the repository", p)
	}
	return nil
}

// Inside checks that rel, a slash path relative to the repository root,
// stays inside the repository once every symlink on its way is resolved:
// a context, a Dockerfile or an env file that is a symlink to /etc is
// refused before anything reads it. The part of the path that does not
// exist yet is taken as written. Symlinks inside a build context are not
// on the way: they stay as they are.
func Inside(root, rel string) error {
	if err := checkWithin(rel); err != nil {
		return err
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return fmt.Errorf("resolving the repository root: %w", err)
	}
	real, err := resolve(filepath.Join(root, filepath.FromSlash(rel)), 0)
	if err != nil {
		return fmt.Errorf("resolving %s: %w", rel, err)
	}
	if r, err := filepath.Rel(realRoot, real); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return fmt.Errorf("path %q leads out of the repository through a symlink, to %s", rel, real)
	}
	return nil
}

// resolve evaluates the symlinks of p, also when p or a folder of it does
// not exist: the missing rest is joined to what its parent resolves to,
// and a dangling symlink is followed to where it points.
func resolve(p string, links int) (string, error) {
	real, err := filepath.EvalSymlinks(p)
	if !errors.Is(err, fs.ErrNotExist) {
		return real, err
	}
	if links > maxLinks {
		return "", fmt.Errorf("too many levels of symlinks")
	}
	if fi, lerr := os.Lstat(p); lerr == nil && fi.Mode().Type() == fs.ModeSymlink {
		target, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(p), target)
		}
		return resolve(target, links+1)
	}
	dir, err := resolve(filepath.Dir(p), links+1)
	return filepath.Join(dir, filepath.Base(p)), err
}
