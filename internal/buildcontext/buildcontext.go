// Package buildcontext is the one source of what a build context holds,
// for the engines that send it and for the input keys that hash it. It
// picks the ignore file that applies (the Dockerfile's own
// <Dockerfile>.dockerignore before the context's .dockerignore, as
// BuildKit reads them), reads it with moby's ignorefile, adds dockyard's
// own exclusions (.git and .dockyard folders), and offers the context
// through fsutil's filtered walk: the code BuildKit's session sends
// contexts with, which the classic builder's tar and the input keys use
// too, so that what an engine receives and what a key lists never differ.
package buildcontext

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
	"github.com/tonistiigi/fsutil"
	fstypes "github.com/tonistiigi/fsutil/types"
)

// IgnoreFile is the context's own ignore file, relative to the context.
const IgnoreFile = ".dockerignore"

// own are what no context sends, wherever they lie: git's folder and
// dockyard's. They come after the ignore file's patterns, so that no
// exception brings them back.
var own = []string{"**/.git", "**/.dockyard"}

// Rules say which files of a context are sent. They are not safe for
// concurrent use: each goroutine loads its own.
type Rules struct {
	// File is the ignore file in force, absolute; "" when none applies.
	File string
	// Excludes are its patterns, then dockyard's own.
	Excludes []string
	pm       *patternmatcher.PatternMatcher
}

// DockerfileIgnore returns the name of the Dockerfile's own ignore file.
func DockerfileIgnore(dockerfile string) string { return dockerfile + IgnoreFile }

// Load returns the rules of the context directory contextDir for the
// Dockerfile dockerfile (both absolute; dockerfile may be "" when there is
// none): those of <dockerfile>.dockerignore if it exists, else those of
// contextDir/.dockerignore, then dockyard's own.
func Load(contextDir, dockerfile string) (*Rules, error) {
	candidates := []string{filepath.Join(contextDir, IgnoreFile)}
	if dockerfile != "" {
		candidates = slices.Insert(candidates, 0, DockerfileIgnore(dockerfile))
	}
	for _, name := range candidates {
		data, err := os.Open(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading the ignore file: %w", err)
		}
		patterns, err := ignorefile.ReadAll(data)
		data.Close()
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", name, err)
		}
		r, err := newRules(name, patterns)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", name, err)
		}
		return r, nil
	}
	return Own(), nil
}

// Own returns the rules of a folder with no ignore file: dockyard's own.
// Like every Rules, they are for one goroutine: patternmatcher compiles a
// pattern when it first matches.
func Own() *Rules {
	r, err := newRules("", nil)
	if err != nil {
		panic(err) // own's patterns are valid
	}
	return r
}

func newRules(file string, patterns []string) (*Rules, error) {
	excludes := append(slices.Clip(patterns), own...)
	pm, err := patternmatcher.New(excludes)
	if err != nil {
		return nil, err
	}
	return &Rules{File: file, Excludes: excludes, pm: pm}, nil
}

// Excluded reports whether the rules leave out rel, a slash-separated
// path relative to the context, or a folder it lies in.
func (r *Rules) Excluded(rel string) (bool, error) {
	return r.pm.MatchesOrParentMatches(filepath.FromSlash(rel))
}

// FS returns the directory dir as the rules keep it, its files owned by
// root as builds receive them. The context-relative paths in keep are
// kept whatever the rules say (an engine reads the Dockerfile and the
// ignore file from the context even when they are left out of it).
func (r *Rules) FS(dir string, keep ...string) (fsutil.FS, error) {
	base, err := fsutil.NewFS(dir)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	excludes := slices.Clone(r.Excludes)
	for _, k := range keep {
		excludes = append(excludes, "!"+k)
	}
	filtered, err := fsutil.NewFilterFS(base, &fsutil.FilterOpt{ExcludePatterns: excludes, Map: rootOwned})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	return filtered, nil
}

// rootOwned gives a file to root, as builds receive their contexts.
func rootOwned(_ string, st *fstypes.Stat) fsutil.MapResult {
	st.Uid, st.Gid = 0, 0
	return fsutil.MapResultKeep
}

// The names of the two directories a BuildKit session serves a build:
// the context, and the Dockerfile's directory.
const (
	LocalContext    = "context"
	LocalDockerfile = "dockerfile"
)

// Locals returns the directories a BuildKit session serves for a build of
// the context contextDir with dockerfile, both absolute, and the filter of
// the frontend's requests. The context is served as the rules keep it, and
// the filter drops the patterns the frontend asks to exclude (those of the
// ignore file it read itself): the rules decide alone, also when the
// Dockerfile is a rewritten copy away from its own ignore file.
func (r *Rules) Locals(contextDir, dockerfile string) (map[string]fsutil.FS, func(string, *fsutil.FilterOpt) error, error) {
	ctxFS, err := r.FS(contextDir)
	if err != nil {
		return nil, nil, err
	}
	dfFS, err := Own().FS(filepath.Dir(dockerfile))
	if err != nil {
		return nil, nil, err
	}
	filter := func(name string, opt *fsutil.FilterOpt) error {
		if name == LocalContext {
			opt.ExcludePatterns = nil
		}
		return nil
	}
	return map[string]fsutil.FS{LocalContext: ctxFS, LocalDockerfile: dfFS}, filter, nil
}

// Literal returns what the rules leave out of the directory dir as
// literal patterns (each names one path, its pattern characters escaped):
// a folder when nothing under it is kept, else the files and folders under
// it that are not. An engine that matches patterns by rules of its own
// (buildah descends into an excluded folder only for an exception that
// starts with its path, where BuildKit tries every wildcard exception)
// then sends exactly what the rules keep. The list ends with dockyard's own
// patterns, so it is never empty.
func (r *Rules) Literal(dir string) ([]string, error) {
	kept, err := r.FS(dir)
	if err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	err = kept.Walk(context.Background(), "", func(p string, _ fs.DirEntry, err error) error {
		for ; err == nil && p != "." && !keep[p]; p = filepath.Dir(p) {
			keep[p] = true // and the folders it lies in
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	var out []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || keep[rel] {
			return err
		}
		out = append(out, escape(filepath.ToSlash(rel)))
		if d.IsDir() {
			return filepath.SkipDir
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	return append(out, own...), nil
}

// escape makes a path a pattern that matches it alone.
func escape(p string) string {
	var b strings.Builder
	for i, c := range p {
		if strings.ContainsRune(`*?[]\`, c) || (i == 0 && c == '!') {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}
