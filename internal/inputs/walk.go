package inputs

import (
	"fmt"
	"io/fs"

	"github.com/dockyard-build/dockyard/internal/buildcontext"
)

// found is a path a walk kept, with its lstat.
type found struct {
	rel string // slash-separated, relative to the walked folder
	fi  fs.FileInfo
}

// walk lists the tree of the root-relative folder dir as rules keep it,
// with the filter engines send contexts through. Symlinks are listed,
// never followed.
func (s *Scanner) walk(dir string, rules *buildcontext.Rules) ([]found, error) {
	var out []found
	err := rules.Walk(s.abs(dir), func(rel string, fi fs.FileInfo) error {
		out = append(out, found{rel: rel, fi: fi})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the build context: %w", err)
	}
	return out, nil
}
