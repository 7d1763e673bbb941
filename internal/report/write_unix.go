//go:build !windows

package report

import "github.com/google/renameio/v2"

// writeFile replaces path with data, whole or not at all, as any new file
// of the user's (0666 less the umask).
func writeFile(path string, data []byte) error {
	return renameio.WriteFile(path, data, 0o666)
}
