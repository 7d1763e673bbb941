package project

import (
	"bufio"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/dockyard-build/dockyard/internal/cachefile"
	"github.com/dockyard-build/dockyard/internal/dockerfile"
	"github.com/dockyard-build/dockyard/internal/layout"
)

// parseCache remembers parsed Dockerfiles by what the parse depends on
// alone: the content, the build args and the target, and the dockyard
// binary that parsed them (another build of dockyard may parse
// differently). A repository of a thousand images spends a quarter of a
// no-op's CPU in BuildKit's parser otherwise. The file holds the last
// run's parses only; it holds no arg value, only a hash of them.
type parseCache struct {
	path    string // absolute; "" when the cache is off
	binary  string
	mu      sync.Mutex
	old     map[string]*dockerfile.File
	used    map[string]*dockerfile.File
	changed bool
}

type parseCacheFile struct {
	Binary string
	Files  map[string]*dockerfile.File
}

// openParseCache reads the cache of the repository at root. A missing,
// damaged or stale one starts empty (the next save replaces it); one that
// a symlink would lead out of the repository to is not read.
func openParseCache(root string) *parseCache {
	c := &parseCache{old: map[string]*dockerfile.File{}, used: map[string]*dockerfile.File{}}
	exe, err := os.Executable()
	if err != nil {
		return c
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return c
	}
	c.path = filepath.Join(root, filepath.FromSlash(layout.ParseCache))
	c.binary = fmt.Sprintf("%s %d %d", exe, fi.Size(), fi.ModTime().UnixNano())
	r, err := os.OpenRoot(root)
	if err != nil {
		return c
	}
	defer r.Close()
	f, err := r.Open(filepath.FromSlash(layout.ParseCache))
	if err != nil {
		return c
	}
	defer f.Close()
	var data parseCacheFile
	if gob.NewDecoder(bufio.NewReader(f)).Decode(&data) != nil || data.Binary != c.binary || data.Files == nil {
		return c
	}
	for _, f := range data.Files {
		// gob leaves out empty maps; a File's are never nil.
		if f.Args == nil {
			f.Args = map[string]string{}
		}
		if f.StageArgs == nil {
			f.StageArgs = map[string]bool{}
		}
	}
	c.old = data.Files
	return c
}

// parse returns the parsed Dockerfile, from the cache when it has it.
func (c *parseCache) parse(name string, data []byte, args map[string]string, target string) (*dockerfile.File, error) {
	if c == nil {
		return dockerfile.Parse(name, data, args, target)
	}
	key := parseKey(data, args, target)
	c.mu.Lock()
	f, ok := c.old[key]
	if ok {
		c.used[key] = f
	}
	c.mu.Unlock()
	if ok {
		return f, nil
	}
	f, err := dockerfile.Parse(name, data, args, target)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.used[key], c.changed = f, true
	c.mu.Unlock()
	return f, nil
}

// parseKey hashes what a parse depends on, each part length-prefixed.
func parseKey(data []byte, args map[string]string, target string) string {
	h := sha256.New()
	put := func(s string) { fmt.Fprintf(h, "%d:%s", len(s), s) }
	put(string(data))
	put(target)
	for _, k := range slices.Sorted(maps.Keys(args)) {
		put(k)
		put(args[k])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// save writes this run's parses when they differ from the cache's.
func (c *parseCache) save() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.path == "" || (!c.changed && len(c.used) == len(c.old)) {
		return nil
	}
	if err := cachefile.Save(c.path, parseCacheFile{Binary: c.binary, Files: c.used}); err != nil {
		return fmt.Errorf("saving the parse cache: %w", err)
	}
	c.old, c.changed = maps.Clone(c.used), false
	return nil
}
