package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/project"
)

// configNames are the names a project file may have at the root, the
// first preferred.
var configNames = []string{config.FileName, config.AltFileName}

// layouts says what a repository root holds, for the error about a folder
// without images.
const layouts = "dockyard.yaml (or dockyard.yml) listing images, src/<component>/build/<image>.dockerfile, src/<image>/Dockerfile with image.yaml (also under pai-management/)"

// paiManagement is pai 1's folder of image folders (pai-management/src)
// and of paictl, which ran in it.
const paiManagement = "pai-management"

// findRoot finds the repository root from start upward, as git finds its
// work tree: the first folder holding a project file, a src/ folder with
// images, pai 1's pai-management/src/ or .git. pai-management itself is
// not a root: its image folders copy from the folder above it. When none
// is found, the root is start itself, and found is false.
func findRoot(start string) (root string, found bool, err error) {
	abs, err := filepath.Abs(start)
	if err != nil {
		return "", false, err
	}
	for dir := abs; ; dir = filepath.Dir(dir) {
		ownSrc := filepath.Base(dir) != paiManagement && srcHasImages(filepath.Join(dir, "src"))
		if configIn(dir) != "" || ownSrc || srcHasImages(filepath.Join(dir, paiManagement, "src")) || exists(filepath.Join(dir, ".git")) {
			return dir, true, nil
		}
		if filepath.Dir(dir) == dir {
			return abs, false, nil
		}
	}
}

// configIn returns the name of the project file in dir, or "".
func configIn(dir string) string {
	for _, n := range configNames {
		if fi, err := os.Stat(filepath.Join(dir, n)); err == nil && fi.Mode().IsRegular() {
			return n
		}
	}
	return ""
}

// srcHasImages reports whether src holds a component with a Dockerfile
// or an image folder.
func srcHasImages(src string) bool {
	entries, err := os.ReadDir(src)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(src, e.Name())
		if m, _ := filepath.Glob(filepath.Join(dir, "build", "*.dockerfile")); len(m) > 0 || exists(filepath.Join(dir, "image.yaml")) {
			return true
		}
	}
	return false
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// resolveRoot settles, once, the repository root (g.dir) and the project
// file: -f names the file, whose folder is the root unless -C names one;
// otherwise the root is found from -C (default: here) upward. Both project
// file names at one root is an error.
func (g *globals) resolveRoot() error {
	if !g.resolved {
		g.resolved = true
		g.rootErr = g.settleRoot()
	}
	return g.rootErr
}

// settleRoot does resolveRoot's work.
func (g *globals) settleRoot() error {
	g.start, _ = filepath.Abs(g.dir)
	if g.file != "" {
		abs, err := filepath.Abs(g.file)
		if err != nil {
			return err
		}
		if fi, err := os.Stat(abs); err != nil || !fi.Mode().IsRegular() {
			return usageErrorf("-f %s: no such file", g.file)
		}
		if !g.dirSet {
			g.dir = filepath.Dir(abs)
		}
		g.rootFound = true
		g.configPath, g.configName = abs, g.file
		return nil
	}
	root, found, err := findRoot(g.dir)
	if err != nil {
		return err
	}
	g.dir, g.rootFound = root, found
	if exists(filepath.Join(root, config.FileName)) && exists(filepath.Join(root, config.AltFileName)) {
		return usageErrorf("%s and %s are both in %s; keep one", config.FileName, config.AltFileName, root)
	}
	if name := configIn(root); name != "" && name != config.FileName {
		g.configPath, g.configName = filepath.Join(root, name), name
	}
	return nil
}

// noImages is the error for a project without images: running dockyard in
// the wrong place must not succeed with nothing built. found says whether
// a repository root was found at all.
func noImages(p *project.Project, found bool) error {
	where := p.Root
	if !found {
		where += " or a folder above it"
	}
	err := usageErrorf("no images in %s; looked for %s", where, layouts)
	if len(p.LeftOut()) > 0 {
		var variants []string
		for _, vs := range p.LeftOut() {
			for _, v := range vs {
				variants = append(variants, v.Variant)
			}
		}
		slices.Sort(variants)
		variants = slices.Compact(variants)
		return &hintError{err, fmt.Sprintf("the images exist only as variant files: choose one with --variant (%s)", strings.Join(variants, ", "))}
	}
	return &hintError{err, "run dockyard inside the repository, or name it with -C DIR or its project file with -f FILE"}
}
