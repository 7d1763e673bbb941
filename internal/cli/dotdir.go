package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dockyard-build/dockyard/internal/aside"
	"github.com/dockyard-build/dockyard/internal/inputs"
	"github.com/dockyard-build/dockyard/internal/layout"
	"github.com/dockyard-build/dockyard/internal/state"
)

// dockyard's folders under the repository root.
const (
	dotDir = layout.Dir
	logDir = layout.Logs
)

// checkDotDir refuses a .dockyard folder, or its logs folder, that is a
// symlink: what dockyard writes there would land wherever it points,
// outside the repository.
func checkDotDir(root string) error {
	for _, rel := range []string{dotDir, logDir} {
		path := filepath.Join(root, filepath.FromSlash(rel))
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode().Type() != fs.ModeSymlink {
			continue
		}
		target, _ := os.Readlink(path)
		return &hintError{usageErrorf("%s is a symlink (to %s); dockyard writes its state only into a folder of the repository", rel, target),
			"remove the symlink: dockyard makes the folder itself"}
	}
	return nil
}

// prepareDotDir checks .dockyard (see checkDotDir) and moves a damaged
// state database or stat cache aside with a warning: both are caches, and
// the run starts fresh ones.
func (g *globals) prepareDotDir(root string) error {
	if err := checkDotDir(root); err != nil {
		return err
	}
	if err := ignoreDotDir(root); err != nil {
		return err
	}
	for _, repair := range []func(string) (*aside.Moved, error){state.Repair, inputs.RepairStatCache} {
		moved, err := repair(root)
		if err != nil {
			return err
		}
		if moved != nil {
			g.notef("warning: %s", moved)
		}
	}
	return nil
}

// ignoreDotDir makes .dockyard, when it is not there, with a .gitignore
// of "*", so that no repository's git status shows dockyard's state.
func ignoreDotDir(root string) error {
	dir := filepath.Join(root, filepath.FromSlash(dotDir))
	if _, err := os.Lstat(filepath.Join(dir, ".gitignore")); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dotDir, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, ".gitignore"), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("creating %s/.gitignore: %w", dotDir, err)
	}
	_, err = f.WriteString("# dockyard's state, logs and caches: never committed.\n*\n")
	return errors.Join(err, f.Close())
}
