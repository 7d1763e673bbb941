package inputs

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/dockyard-build/dockyard/internal/aside"
	"github.com/dockyard-build/dockyard/internal/cachefile"
	"github.com/dockyard-build/dockyard/internal/layout"
)

// StatCacheFile is where the stat cache lives, relative to the root.
const StatCacheFile = layout.StatCache

const (
	statCacheVersion = 1
	// racyWindow: a file changed this recently may change again without
	// its stat changing (timestamps are coarse), so its digest is not
	// remembered, as git does with racily clean index entries.
	racyWindow = 2 * time.Second
	// keepRuns is how many saves an entry survives without being used;
	// a run saves only when it hashed something.
	keepRuns = 50
)

// stat is what must not have changed for a remembered digest to hold.
type stat struct {
	Size  int64
	MTime int64 // nanoseconds
	CTime int64 // nanoseconds; 0 where unknown
	Ino   uint64
	Mode  uint32
}

func statOf(fi fs.FileInfo) stat {
	ino, ctime := sysStat(fi)
	return stat{Size: fi.Size(), MTime: fi.ModTime().UnixNano(), CTime: ctime, Ino: ino, Mode: uint32(fi.Mode())}
}

// cached is a remembered digest.
type cached struct {
	Stat   stat
	Digest string
	Run    uint32 // the save that last used it
}

// statCache maps root-relative paths to their last stat and digest, like
// git's index. It is loaded when first used and saved atomically; two
// processes saving at once each write a whole valid file.
type statCache struct {
	path string
	once sync.Once

	mu      sync.Mutex
	run     uint32
	entries map[string]*cached
	dirty   bool
}

type statCacheFile struct {
	Version int
	Run     uint32
	Entries map[string]*cached
}

// load reads the cache; a missing or unreadable one starts empty.
func (c *statCache) load() {
	c.entries = map[string]*cached{}
	data, err := readStatCache(c.path)
	if err == nil && data.Version == statCacheVersion && data.Entries != nil {
		c.run, c.entries = data.Run+1, data.Entries
	}
}

func readStatCache(path string) (*statCacheFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var data statCacheFile
	if err := gob.NewDecoder(bufio.NewReader(f)).Decode(&data); err != nil {
		return nil, err
	}
	return &data, nil
}

// RepairStatCache checks the stat cache of the repository at root and
// moves a damaged one aside: a folder or anything but a file in its place,
// or content that does not decode. The run then starts a fresh one. A
// cache of another format version is not damage: the next save replaces
// it. It returns nil when the cache is sound or absent.
func RepairStatCache(root string) (*aside.Moved, error) {
	path := filepath.Join(root, filepath.FromSlash(StatCacheFile))
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("reading the stat cache: %w", err)
	case !fi.Mode().IsRegular():
		return aside.Fix(root, StatCacheFile, fmt.Errorf("%s is %s, not a file", StatCacheFile, aside.Kind(fi.Mode())))
	}
	if _, err := readStatCache(path); err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return nil, fmt.Errorf("reading the stat cache: %w", err)
		}
		return aside.Fix(root, StatCacheFile, fmt.Errorf("%s is damaged: %w", StatCacheFile, err))
	}
	return nil, nil
}

// get returns the remembered digest of rel if its stat is unchanged.
func (c *statCache) get(rel string, st stat) (string, bool) {
	c.once.Do(c.load)
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[rel]
	if e == nil || e.Stat != st {
		return "", false
	}
	e.Run = c.run
	return e.Digest, true
}

// put remembers a digest, unless the file changed too recently to trust
// its stat.
func (c *statCache) put(rel string, st stat, digest string, now time.Time) {
	if now.UnixNano()-max(st.MTime, st.CTime) < int64(racyWindow) {
		return
	}
	c.once.Do(c.load)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[rel] = &cached{Stat: st, Digest: digest, Run: c.run}
	c.dirty = true
}

// save writes the cache if it changed, dropping entries unused for
// keepRuns saves.
func (c *statCache) save() error {
	c.once.Do(c.load)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.dirty {
		return nil
	}
	for rel, e := range c.entries {
		if c.run-e.Run > keepRuns {
			delete(c.entries, rel)
		}
	}
	if err := os.MkdirAll(filepath.Dir(c.path), 0o755); err != nil {
		return fmt.Errorf("saving the stat cache: %w", err)
	}
	if err := cachefile.Save(c.path, statCacheFile{Version: statCacheVersion, Run: c.run, Entries: c.entries}); err != nil {
		return fmt.Errorf("saving the stat cache: %w", err)
	}
	c.dirty = false
	return nil
}
