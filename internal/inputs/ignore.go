package inputs

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"github.com/dockyard-build/dockyard/internal/aside"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// IgnoreFileError is an ignore file that cannot be read or holds a
// pattern that is not one: a problem of the user's input, found before
// any build.
type IgnoreFileError struct {
	File string // slash-separated, relative to the repository
	Line int    // 0 when the problem is about the whole file
	Err  error
}

func (e *IgnoreFileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *IgnoreFileError) Unwrap() error { return e.Err }

// checkIgnoreFile checks the root-relative ignore file rel, if it exists,
// before buildcontext reads it: it is read inside the repository only (a
// symlink that leads out of it is an error), and a folder in its place or
// a pattern that is not one is an error at its line.
func (s *Scanner) checkIgnoreFile(rel string) error {
	data, err := readInRoot(s.root, rel)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return &IgnoreFileError{File: rel, Err: err}
	}
	if line, err := badPattern(data); err != nil {
		return &IgnoreFileError{File: rel, Line: line, Err: err}
	}
	return nil
}

// readInRoot reads the file at rel, never following a symlink out of root.
func readInRoot(root, rel string) ([]byte, error) {
	name := filepath.FromSlash(rel)
	// Most ignore files do not exist: when nothing is at the path, even
	// through a symlink, nothing can be read outside the root either, and
	// the root need not be opened folder by folder.
	if _, err := os.Lstat(filepath.Join(root, name)); errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, fmt.Errorf("cannot be read: %w", err)
	}
	defer r.Close()
	fi, err := r.Stat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, err
	case err != nil:
		if _, serr := os.Stat(filepath.Join(root, name)); serr == nil {
			return nil, errors.New("it is a symlink that leads out of the repository; dockyard reads nothing there")
		}
		return nil, fmt.Errorf("cannot be read: %w", err)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("is not a file (%s); make it a file of patterns, or remove it", aside.Kind(fi.Mode()))
	}
	data, err := r.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("cannot be read: %w", err)
	}
	return data, nil
}

// badPattern finds the first line of a .dockerignore whose pattern the
// engines would refuse, read and checked as they do (patternmatcher
// checks some patterns only when it first matches with them).
func badPattern(data []byte) (int, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	for n := 1; sc.Scan(); n++ {
		patterns, err := ignorefile.ReadAll(strings.NewReader(sc.Text()))
		if err != nil {
			return n, err
		}
		pm, err := patternmatcher.New(patterns)
		if err == nil {
			for _, p := range pm.Patterns() {
				var one *patternmatcher.PatternMatcher
				if one, err = patternmatcher.New([]string{p.String()}); err == nil {
					_, err = one.MatchesOrParentMatches("x")
				}
				if err != nil {
					break
				}
			}
		}
		if err != nil {
			return n, fmt.Errorf("%q is not a pattern: %w", strings.TrimSpace(sc.Text()), err)
		}
	}
	return 0, sc.Err()
}
