package inputs

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/dockyard-build/dockyard/internal/buildcontext"
)

// found is a path a walk kept, with its lstat.
type found struct {
	rel string // slash-separated, relative to the walked folder
	fi  fs.FileInfo
}

// walk lists the tree of the root-relative folder dir as rules keep it,
// through the walk engines send contexts with. Symlinks are listed, never
// followed.
func (s *Scanner) walk(dir string, rules *buildcontext.Rules) ([]found, error) {
	fsys, err := rules.FS(s.abs(dir))
	if err != nil {
		return nil, err
	}
	var out []found
	err = fsys.Walk(context.Background(), "/", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		out = append(out, found{rel: filepath.ToSlash(p), fi: fi})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the build context: %w", err)
	}
	return out, nil
}
