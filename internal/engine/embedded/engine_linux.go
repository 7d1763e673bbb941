package embedded

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/containers/image/v5/types"
	"github.com/containers/storage"
	"github.com/containers/storage/pkg/reexec"
	"github.com/sirupsen/logrus"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// Engine builds images with buildah into dockyard's own store.
type Engine struct {
	root  string
	store storage.Store
	sys   *types.SystemContext
	// layers are the layers Image copied out, by the store's layer ID.
	layers sync.Map
	// mu serializes this process's use of the store: the lock files of
	// containers/storage v1.56 race when goroutines of one process use a
	// store at once (the race detector says so). Workers, processes of
	// their own, are not held up.
	mu sync.Mutex
	// stopTimeout bounds how long a canceled build waits for its
	// processes to die; stops records the builds where they did not.
	stopTimeout time.Duration
	stops       engine.Stops
}

var (
	_ engine.Engine       = (*Engine)(nil)
	_ engine.StopReporter = (*Engine)(nil)
)

// Init runs the process as one of the embedded engine's helpers when it
// was started as one: a build worker, or one of buildah's chroot helpers.
// main calls it first thing; when it returns true the process did its work
// and must exit. What the helpers log is in dockyard's one-line form.
func Init() bool {
	if len(os.Args) > 0 && os.Args[0] == chrootExecCommand {
		bypassRelay()
	}
	logrus.SetFormatter(oneLine{})
	return reexec.Init()
}

// New opens the store under opts.Root, creating it if need be. The engine
// needs root: New says so, and what to do instead, when it lacks it.
func New(ctx context.Context, opts Options) (*Engine, error) {
	root, err := opts.root()
	if err != nil {
		return nil, fmt.Errorf("locating the store: %w", err)
	}
	if euid := os.Geteuid(); euid != 0 {
		return nil, privilegeError(euid)
	}
	if err := prepareRoot(root); err != nil {
		return nil, err
	}
	store, err := openStore(root, opts.warn())
	if err != nil {
		return nil, err
	}
	return &Engine{root: root, store: store, sys: systemContext(root), stopTimeout: engine.StopTimeout}, nil
}

// Name returns "embedded".
func (e *Engine) Name() string { return "embedded" }

// Ping checks that the store can be read.
func (e *Engine) Ping(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, err := e.store.Images(); err != nil {
		return fmt.Errorf("%w: reading the image store in %s: %w", engine.ErrUnavailable, e.root, err)
	}
	return nil
}

// Close releases the store: its graph driver and the layers this process
// mounted. Images stay.
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, err := e.store.Shutdown(false); err != nil && !errors.Is(err, storage.ErrLayerUsedByContainer) {
		return fmt.Errorf("closing the image store: %w", err)
	}
	return nil
}

// privilegeError says that the engine needs root: it mounts layers and
// runs RUN steps in a chroot, which take root's privileges.
func privilegeError(euid int) error {
	return fmt.Errorf("%w: the embedded engine needs root (it mounts image layers and runs RUN steps in a chroot), "+
		"and dockyard runs as uid %d: run it as root, e.g. with sudo", engine.ErrUnavailable, euid)
}
