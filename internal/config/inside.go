package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
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
// stays inside the repository once every symlink on its way is resolved
// (see Paths.Inside).
func Inside(root, rel string) error {
	ps, err := NewPaths(root)
	if err != nil {
		return err
	}
	return ps.Inside(rel)
}

// Paths checks paths of one repository against its root. It remembers
// the folders it resolved, as a project's images share most of theirs.
// It is not safe for concurrent use.
type Paths struct {
	real     string            // the root, symlinks resolved
	resolved map[string]string // where paths lead, by slash path from the root
}

// NewPaths returns the checker of the repository at root.
func NewPaths(root string) (*Paths, error) {
	real, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, fmt.Errorf("resolving the repository root: %w", err)
	}
	return &Paths{real: real, resolved: map[string]string{".": real}}, nil
}

// Inside checks that rel, a slash path relative to the root, stays inside
// the repository once every symlink on its way is resolved: a context, a
// Dockerfile or an env file that is a symlink to /etc is refused before
// anything reads it. The part of the path that does not exist yet is taken
// as written. Symlinks inside a build context are not on the way: they
// stay as they are.
func (ps *Paths) Inside(rel string) error {
	if err := checkWithin(rel); err != nil {
		return err
	}
	real, err := ps.resolve(path.Clean(filepath.ToSlash(rel)))
	if err != nil {
		return fmt.Errorf("resolving %s: %w", rel, err)
	}
	if r, err := filepath.Rel(ps.real, real); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return fmt.Errorf("path %q leads out of the repository through a symlink, to %s", rel, real)
	}
	return nil
}

// resolve returns where rel, clean and inside the root by its words,
// leads: its folder's answer (remembered), joined with its last element,
// followed when that is a symlink.
func (ps *Paths) resolve(rel string) (string, error) {
	if real, ok := ps.resolved[rel]; ok {
		return real, nil
	}
	dir, err := ps.resolve(path.Dir(rel))
	if err != nil {
		return "", err
	}
	real := filepath.Join(dir, path.Base(rel))
	if fi, err := os.Lstat(real); err == nil && fi.Mode().Type() == fs.ModeSymlink {
		if real, err = follow(real, 0); err != nil {
			return "", err
		}
	}
	ps.resolved[rel] = real
	return real, nil
}

// follow evaluates the symlinks of p, also when p or a folder of it does
// not exist: the missing rest is joined to what its parent resolves to,
// and a dangling symlink is followed to where it points.
func follow(p string, links int) (string, error) {
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
		return follow(target, links+1)
	}
	dir, err := follow(filepath.Dir(p), links+1)
	return filepath.Join(dir, filepath.Base(p)), err
}
