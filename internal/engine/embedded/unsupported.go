//go:build !linux

package embedded

import (
	"context"
	"fmt"
	"runtime"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// Engine is the embedded engine, which exists only on Linux.
type Engine struct{ engine.Engine }

// New says that the embedded engine is not available on this system.
func New(context.Context, Options) (*Engine, error) {
	return nil, fmt.Errorf("%w: the embedded engine runs on Linux only, not on %s", engine.ErrUnavailable, runtime.GOOS)
}

// Init does nothing where the embedded engine does not exist: there is no
// worker to become.
func Init() bool { return false }

// RemoveLeftovers finds nothing where the embedded engine does not exist.
func RemoveLeftovers(Options) ([]string, error) { return nil, nil }
