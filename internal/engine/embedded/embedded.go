// Package embedded builds images in dockyard's own process tree, with no
// daemon: it runs the buildah library (imagebuildah, chroot isolation) on a
// containers/storage store under dockyard's data directory. It is Linux
// only; elsewhere New says the engine is unavailable.
//
// Each build runs in a worker: dockyard re-executed (see Init) with the
// request on its stdin, the build's output on its stdout and the result on
// a pipe. Canceling a build has the worker kill every process under it
// and return once buildah has finished or rolled back the commit in
// flight; then the build's working containers are removed. A canceled
// build leaves no process, no half-written layer and no image behind. Everything else (listing,
// inspecting, tagging, exporting and loading images) runs in dockyard's
// own process on the same store; containers/storage locks keep the two
// consistent.
//
// A FROM resolves to an image of the store (built earlier in the run or in
// an earlier one), to scratch, or to a registry image pulled on demand.
// Registries on localhost and 127.0.0.1 are reached over plain HTTP, as
// Docker does; other insecure registries are set in registries.conf
// (/etc/containers/registries.conf), the containers tools' own file.
package embedded

import (
	"io"
	"os"
	"path/filepath"
)

// Options configure the embedded engine.
type Options struct {
	// Root is the store's directory; empty means DefaultRoot().
	Root string
	// Warn gets the store's warnings, such as the repair of a layer a
	// killed process left incomplete; nil means os.Stderr.
	Warn io.Writer
}

// DefaultRoot returns where the store lives unless told otherwise:
// /var/lib/dockyard for root, $XDG_DATA_HOME/dockyard (by default
// ~/.local/share/dockyard) for other users.
func DefaultRoot() string {
	if os.Geteuid() == 0 {
		return "/var/lib/dockyard"
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "dockyard")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "dockyard")
	}
	return filepath.Join(os.TempDir(), "dockyard-"+filepath.Base(os.Getenv("USER")))
}

// warn returns where the store's warnings go.
func (o Options) warn() io.Writer {
	if o.Warn == nil {
		return os.Stderr
	}
	return o.Warn
}

// root returns the store's directory, made absolute.
func (o Options) root() (string, error) {
	root := o.Root
	if root == "" {
		root = DefaultRoot()
	}
	return filepath.Abs(root)
}
