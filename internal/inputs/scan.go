package inputs

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dockyard-build/dockyard/internal/buildcontext"
)

// Scanner lists and hashes build contexts under a repository root, in
// parallel, re-reading only files whose stat changed since a digest was
// remembered. Its methods are safe for concurrent use.
type Scanner struct {
	root  string // absolute
	cache *statCache
	slots chan struct{} // folders read or files hashed at once
	now   func() time.Time
}

// NewScanner returns a scanner of the repository at root, with the stat
// cache it saved last (read when first needed).
func NewScanner(root string) *Scanner {
	return &Scanner{
		root:  root,
		cache: &statCache{path: filepath.Join(root, filepath.FromSlash(StatCacheFile))},
		slots: make(chan struct{}, 4*runtime.GOMAXPROCS(0)),
		now:   time.Now,
	}
}

// Save writes the stat cache, when it changed.
func (s *Scanner) Save() error { return s.cache.save() }

func (s *Scanner) abs(rel string) string { return filepath.Join(s.root, filepath.FromSlash(rel)) }

// Overlay is a file or folder dockyard copies into a context before a
// build: a component.dep folder, a copy-list item, generated files kept
// from an earlier build.
type Overlay struct {
	Src string // root-relative
	Dst string // context-relative
}

// item is an entry of a manifest being made, with where to read it.
type item struct {
	Entry
	file string // root-relative path of the file to hash or read; "" when synthetic
	fi   fs.FileInfo
}

// Manifest lists and hashes the root-relative context as the engine
// receives it for the root-relative Dockerfile ("" for none): the rules of
// buildcontext applied. Overlays are laid over it as dockyard's copies
// would be, to predict a build's context before the copies exist; the
// rules apply to them.
func (s *Scanner) Manifest(context, dockerfile string, overlays []Overlay) (Manifest, error) {
	rules, err := s.rules(context, dockerfile)
	if err != nil {
		return nil, err
	}
	list, err := s.walk(context, rules)
	if err != nil {
		return nil, err
	}
	items := map[string]*item{}
	for _, f := range list {
		items[f.rel] = &item{Entry: Entry{Path: f.rel, Mode: normMode(f.fi.Mode())}, file: path.Join(context, f.rel), fi: f.fi}
	}
	for _, o := range overlays {
		if err := s.overlay(o, items, rules.Excluded); err != nil {
			return nil, err
		}
	}
	m := make(Manifest, 0, len(items))
	var todo []*item
	for _, it := range items {
		if it.file != "" && it.Mode&(fs.ModeDir|fs.ModeIrregular) == 0 {
			todo = append(todo, it)
		}
	}
	if err := s.hashAll(todo); err != nil {
		return nil, err
	}
	for _, it := range items {
		m = append(m, it.Entry)
	}
	m.sort()
	return m, nil
}

// overlay adds the files of o.Src under o.Dst, and o.Dst's folders.
func (s *Scanner) overlay(o Overlay, items map[string]*item, excluded func(string) (bool, error)) error {
	fi, err := os.Lstat(s.abs(o.Src))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	add := func(p, file string, fi fs.FileInfo, mode fs.FileMode) error {
		if ex, err := excluded(p); ex || err != nil {
			return err
		}
		items[p] = &item{Entry: Entry{Path: p, Mode: mode}, file: file, fi: fi}
		return nil
	}
	dirs := strings.Split(o.Dst, "/")
	for i := range dirs[:len(dirs)-1] {
		if p := strings.Join(dirs[:i+1], "/"); items[p] == nil {
			if err := add(p, "", nil, fs.ModeDir|0o755); err != nil {
				return err
			}
		}
	}
	if !fi.IsDir() {
		return add(o.Dst, o.Src, fi, normMode(fi.Mode()))
	}
	if err := add(o.Dst, "", nil, fs.ModeDir|fi.Mode().Perm()|0o700); err != nil {
		return err
	}
	list, err := s.walk(o.Src, buildcontext.Own())
	if err != nil {
		return err
	}
	for _, f := range list {
		mode := normMode(f.fi.Mode())
		if mode.IsDir() {
			mode |= 0o700 // as the workspace's copies make folders
		}
		if err := add(path.Join(o.Dst, f.rel), path.Join(o.Src, f.rel), f.fi, mode); err != nil {
			return err
		}
	}
	return nil
}

// normMode keeps the type (folder, symlink, regular, other) and the
// permission bits.
func normMode(m fs.FileMode) fs.FileMode {
	keep := m & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
	switch {
	case m.IsDir():
		return keep | fs.ModeDir
	case m&fs.ModeSymlink != 0:
		return keep | fs.ModeSymlink
	case m.IsRegular():
		return keep
	}
	return keep | fs.ModeIrregular
}

// hashAll fills in the digests of regular files and the targets of
// symlinks, a few at a time.
func (s *Scanner) hashAll(items []*item) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, len(items))
	for range min(len(items), cap(s.slots)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(items); i = int(next.Add(1) - 1) {
				s.slots <- struct{}{}
				errs[i] = s.fill(items[i])
				<-s.slots
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (s *Scanner) fill(it *item) error {
	if it.Mode&fs.ModeSymlink != 0 {
		target, err := os.Readlink(s.abs(it.file))
		if err != nil {
			return fmt.Errorf("reading the build context: %w", err)
		}
		it.Digest = filepath.ToSlash(target)
		return nil
	}
	d, err := s.digest(it.file, it.fi)
	it.Digest = d
	return err
}

// rules returns the rules of the root-relative context for the
// root-relative Dockerfile ("" for none).
func (s *Scanner) rules(context, dockerfile string) (*buildcontext.Rules, error) {
	files := []string{path.Join(context, buildcontext.IgnoreFile)}
	if dockerfile != "" {
		files = append(files, buildcontext.DockerfileIgnore(dockerfile))
		dockerfile = s.abs(dockerfile)
	}
	for _, f := range files {
		if err := s.checkIgnoreFile(f); err != nil {
			return nil, err
		}
	}
	return buildcontext.Load(s.abs(context), dockerfile)
}

// Digest returns the sha256 of the root-relative regular file rel, in hex,
// from the stat cache when the file's stat is unchanged.
func (s *Scanner) Digest(rel string) (string, error) {
	fi, err := os.Stat(s.abs(rel))
	if err != nil {
		return "", err
	}
	return s.digest(rel, fi)
}

// digest returns the sha256 of a regular file's content, from the stat
// cache when the file's stat is unchanged.
func (s *Scanner) digest(rel string, fi fs.FileInfo) (string, error) {
	st := statOf(fi)
	if d, ok := s.cache.get(rel, st); ok {
		return d, nil
	}
	f, err := os.Open(s.abs(rel))
	if err != nil {
		return "", fmt.Errorf("reading the build context: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("reading %s: %w", rel, err)
	}
	d := hex.EncodeToString(h.Sum(nil))
	// Remember the digest only if the file did not change while read.
	if after, err := f.Stat(); err == nil && statOf(after) == st {
		s.cache.put(rel, st, d, s.now())
	}
	return d, nil
}
