//go:build !windows

package archive

import (
	"os"

	"github.com/google/renameio/v2"
)

// pending opens a file that takes path's place, whole, on commit, with
// the permissions of any new file of the user's (0666 less the umask);
// cleanup removes it when commit did not run.
func pending(path string) (f *os.File, commit func() error, cleanup func(), err error) {
	pf, err := renameio.NewPendingFile(path, renameio.WithPermissions(0o666))
	if err != nil {
		return nil, nil, nil, err
	}
	return pf.File, pf.CloseAtomicallyReplace, func() { _ = pf.Cleanup() }, nil
}
