package inputs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/moby/patternmatcher"

	"github.com/dockyard-build/dockyard/internal/layout"
)

// found is a path a walk kept, with its lstat.
type found struct {
	rel string // slash-separated, relative to the walked folder
	fi  fs.FileInfo
}

// skipped reports whether a name is left out of every walk: git's folder
// and dockyard's own, as the workspace leaves them out of its copies.
func skipped(name string) bool { return name == ".git" || name == layout.Dir }

// walker lists a folder's tree, a goroutine per folder, reading at most
// cap(slots) folders at once. Symlinks are listed, never followed.
type walker struct {
	abs   string
	pm    *patternmatcher.PatternMatcher // nil keeps everything
	slots chan struct{}

	wg   sync.WaitGroup
	mu   sync.Mutex
	out  []found
	errs []error
}

// walk lists the tree of the root-relative folder dir, leaving out what pm
// matches and not entering folders under which nothing can be kept.
func (s *Scanner) walk(dir string, pm *patternmatcher.PatternMatcher) ([]found, error) {
	w := &walker{abs: s.abs(dir), pm: pm, slots: s.slots}
	w.wg.Add(1)
	go w.visit("", patternmatcher.MatchInfo{})
	w.wg.Wait()
	return w.out, errors.Join(w.errs...)
}

func (w *walker) visit(rel string, parent patternmatcher.MatchInfo) {
	defer w.wg.Done()
	w.slots <- struct{}{}
	kept, err := w.read(rel, parent)
	<-w.slots
	w.mu.Lock()
	defer w.mu.Unlock()
	w.out = append(w.out, kept...)
	if err != nil {
		w.errs = append(w.errs, err)
	}
}

// read lists one folder, starting a visit of each sub-folder to enter.
func (w *walker) read(rel string, parent patternmatcher.MatchInfo) ([]found, error) {
	ents, err := os.ReadDir(filepath.Join(w.abs, filepath.FromSlash(rel)))
	if err != nil {
		return nil, fmt.Errorf("reading the build context: %w", err)
	}
	var kept []found
	for _, e := range ents {
		if skipped(e.Name()) {
			continue
		}
		child := path.Join(rel, e.Name())
		excluded, info := false, patternmatcher.MatchInfo{}
		if w.pm != nil {
			if excluded, info, err = w.pm.MatchesUsingParentResults(filepath.FromSlash(child), parent); err != nil {
				return kept, fmt.Errorf("matching .dockerignore: %w", err)
			}
		}
		if excluded && !(e.IsDir() && w.mayKeepUnder(child)) {
			continue
		}
		fi, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return kept, fmt.Errorf("reading the build context: %w", err)
		}
		if !excluded {
			kept = append(kept, found{rel: child, fi: fi})
		}
		if e.IsDir() {
			w.wg.Add(1)
			go w.visit(child, info)
		}
	}
	return kept, nil
}

// mayKeepUnder reports whether an exception (!pattern) may bring back
// something under an excluded folder, as the engine's own walk decides.
func (w *walker) mayKeepUnder(dir string) bool {
	if !w.pm.Exclusions() {
		return false
	}
	prefix := filepath.FromSlash(dir) + string(filepath.Separator)
	for _, p := range w.pm.Patterns() {
		if p.Exclusion() && strings.HasPrefix(p.String()+string(filepath.Separator), prefix) {
			return true
		}
	}
	return false
}
