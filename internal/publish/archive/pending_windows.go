package archive

import (
	"os"
	"path/filepath"
)

// pending opens a file that takes path's place, whole, on commit (renameio
// has no Windows support; os.Rename replaces a file there); cleanup removes
// it when commit did not run.
func pending(path string) (f *os.File, commit func() error, cleanup func(), err error) {
	f, err = os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, nil, nil, err
	}
	commit = func() error {
		if err := f.Close(); err != nil {
			return err
		}
		return os.Rename(f.Name(), path)
	}
	return f, commit, func() { f.Close(); os.Remove(f.Name()) }, nil
}
