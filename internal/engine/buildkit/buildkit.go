// Package buildkit builds images on a BuildKit daemon (buildkitd) with
// BuildKit's client library and its Dockerfile frontend. The context and
// the Dockerfile go through the build's session, the context as
// buildcontext keeps it, as the docker engine's BuildKit builds do.
//
// The engine keeps the images it builds in an OCI image layout that
// dockyard manages, on the machine dockyard runs on (see store): BuildKit's
// OCI exporter sends each build's blobs there through the session, only
// those the layout lacks. Push, save, ls and incremental builds read that
// layout. A child's project parents are given to BuildKit as named
// contexts that point at exact manifests of the layout (see Pin): never a
// name that BuildKit would look up in a registry. With a registry store
// (see UseRegistry), buildkitd pushes the images to the project's
// registry instead, and parents are manifests there, pinned by digest.
//
// The engine builds on one daemon, or on a pool of them (Options.Workers,
// see pool): each build goes to the least loaded worker that builds its
// platform, and starts again on another when its worker is lost. The
// layout stays on dockyard's machine, so any worker builds any child.
package buildkit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/platform"
)

// DefaultAddress is where buildkitd listens unless told otherwise.
const DefaultAddress = "unix:///run/buildkit/buildkitd.sock"

// pingTimeout bounds how long Ping waits for buildkitd.
const pingTimeout = 5 * time.Second

// Options configure the engine.
type Options struct {
	// Address is buildkitd's address; empty means $BUILDKIT_HOST, else
	// DefaultAddress.
	Address string
	// Root is dockyard's data directory: the image layout is Root/buildkit.
	Root string
	// Workers, when given, are a pool of buildkitd daemons to spread the
	// builds over, in place of Address (see pool).
	Workers []Worker
	// Warn receives the pool's warnings about workers that do not answer.
	Warn io.Writer
	// LoadDir, when set, is where the processes using a pool share their
	// workers' loads (see loads): the user's cache.
	LoadDir string
}

// Worker is a buildkitd of the pool.
type Worker struct {
	// Address is unix:///path or tcp://host:port.
	Address string
	// CA, Cert and Key are the paths of the mTLS files, or all empty.
	CA, Cert, Key string
	// Platforms are what the worker builds; empty means what it says.
	Platforms []string
	// MaxBuilds is how many builds it runs at once.
	MaxBuilds int
}

// Address returns the address the engine dials: $BUILDKIT_HOST, else the
// configured one, else DefaultAddress.
func (o Options) address() string {
	if a := os.Getenv("BUILDKIT_HOST"); a != "" {
		return a
	}
	if o.Address != "" {
		return o.Address
	}
	return DefaultAddress
}

// Engine builds images on a buildkitd, or on a pool of them.
type Engine struct {
	pool  *pool
	store *store
	pins  pins
	// cache and keys are the registry's layer cache and credentials (see
	// SetRegistry).
	cache *LayerCache
	keys  authn.Keychain
	// registry, when set, is the registry store (see UseRegistry).
	registry *registryStore
	// gc is the layout's gcLock, held shared while the engine is open.
	gc *flock.Flock
}

var (
	_ engine.Engine    = (*Engine)(nil)
	_ engine.Exporter  = (*Engine)(nil)
	_ engine.Inspector = (*Engine)(nil)
	_ engine.Lister    = (*Engine)(nil)
	_ engine.Tagger    = (*Engine)(nil)
	_ engine.Loader    = (*Engine)(nil)
	_ engine.Pinner    = (*Engine)(nil)
	_ engine.Pruner    = (*Engine)(nil)
)

// New opens the image layout and a client of buildkitd; it does not dial
// yet (Ping does).
func New(ctx context.Context, opts Options) (*Engine, error) {
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, fmt.Errorf("locating the image store: %w", err)
	}
	st, err := openStore(filepath.Join(root, "buildkit"))
	if err != nil {
		return nil, err
	}
	gc := flock.New(filepath.Join(st.dir, gcLock))
	if err := gc.RLock(); err != nil {
		return nil, fmt.Errorf("locking the image store %s: %w", st.dir, err)
	}
	list := opts.Workers
	if len(list) == 0 {
		list = []Worker{{Address: opts.address(), MaxBuilds: unlimited}}
	}
	var workers []*worker
	for _, w := range list {
		d, err := dial(ctx, w)
		if err != nil {
			for _, o := range workers {
				o.d.Close()
			}
			gc.Close()
			return nil, err
		}
		offers := make([]string, len(w.Platforms))
		for i, p := range w.Platforms {
			offers[i] = platform.Normalize(p)
		}
		workers = append(workers, &worker{addr: w.Address, d: d, offers: offers, max: max(w.MaxBuilds, 1)})
	}
	p := newPool(workers, len(opts.Workers) > 0, opts.Warn)
	if p.pooled && opts.LoadDir != "" {
		if p.shared, err = openLoads(opts.LoadDir); err != nil {
			fmt.Fprintf(p.warn, "warning: %v; other dockyard runs' builds do not count in the choice of a worker\n", err)
		}
	}
	return &Engine{pool: p, store: st, gc: gc}, nil
}

// Name returns "buildkit".
func (e *Engine) Name() string { return "buildkit" }

// Address is the buildkitd the engine talks to, or the pool's, separated
// by commas.
func (e *Engine) Address() string { return e.pool.addresses() }

// Ping checks that buildkitd answers and has a worker; of a pool, that
// one worker does at least, and warns about the others.
func (e *Engine) Ping(ctx context.Context) error {
	return e.pool.start(ctx)
}

// Platforms lists the platforms buildkitd's workers build for, natively
// or under emulation, as os/arch[/variant]; of a pool, those its workers
// that answer build.
func (e *Engine) Platforms(ctx context.Context) ([]string, error) {
	if err := e.pool.start(ctx); err != nil {
		return nil, err
	}
	return e.pool.platforms(), nil
}

// Close closes the connections to buildkitd. Images stay in the layout.
func (e *Engine) Close() error {
	errs := []error{e.gc.Close()}
	if e.pool.shared != nil {
		errs = append(errs, e.pool.shared.close())
	}
	for _, w := range e.pool.workers {
		errs = append(errs, w.d.Close())
	}
	return errors.Join(errs...)
}

// hexOf is a digest's hex part.
func hexOf(d string) string {
	_, h, _ := strings.Cut(d, ":")
	return h
}
