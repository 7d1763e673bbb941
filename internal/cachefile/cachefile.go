// Package cachefile writes dockyard's caches under .dockyard: gob-encoded
// and replaced whole, so that a reader, or another process saving at the
// same time, sees one whole file or the other, never half of one.
package cachefile

import (
	"bufio"
	"encoding/gob"
	"errors"
	"os"
	"path/filepath"
)

// Save writes v, gob-encoded, to path through a temporary file beside it
// that it then renames over path.
func Save(path string, v any) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	err = gob.NewEncoder(w).Encode(v)
	if err = errors.Join(err, w.Flush(), tmp.Close()); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
