package buildcontext

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tonistiigi/fsutil"
	fstypes "github.com/tonistiigi/fsutil/types"
)

// Walk calls fn, in lexical order, for each path under dir that the rules
// keep: the same filter FS applies, over a walk that reads only each
// entry's lstat (the stat fn gets, whose Sys is the system's), not the
// owners and extended attributes engines send. Folders the rules drop are
// not read. Symlinks are reported, never followed.
func (r *Rules) Walk(dir string, fn func(rel string, fi fs.FileInfo) error) error {
	base := &lstatFS{root: dir, infos: map[string]fs.FileInfo{}}
	filtered, err := fsutil.NewFilterFS(base, &fsutil.FilterOpt{ExcludePatterns: r.Excludes})
	if err != nil {
		return fmt.Errorf("reading %s: %w", dir, err)
	}
	return filtered.Walk(context.Background(), "", func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return fn(filepath.ToSlash(p), base.infos[p])
	})
}

// lstatFS is an fsutil.FS of a folder whose entries carry only what the
// filter needs; it remembers each entry's lstat for Walk.
type lstatFS struct {
	root  string
	infos map[string]fs.FileInfo
}

func (l *lstatFS) Walk(ctx context.Context, _ string, fn fs.WalkDirFunc) error {
	return filepath.WalkDir(l.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(l.root, p)
		if err != nil || rel == "." {
			return err
		}
		fi, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed since its folder was read
		}
		if err != nil {
			return err
		}
		l.infos[rel] = fi
		st := &fstypes.Stat{Path: rel, Mode: uint32(fi.Mode()), Size: fi.Size(), ModTime: fi.ModTime().UnixNano()}
		return fn(rel, &fsutil.DirEntryInfo{Stat: st}, nil)
	})
}

func (l *lstatFS) Open(p string) (io.ReadCloser, error) {
	return os.Open(filepath.Join(l.root, p))
}
