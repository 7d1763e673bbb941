// Package buildkit builds images on a BuildKit daemon (buildkitd) with
// BuildKit's client library and its Dockerfile frontend. The context and
// the Dockerfile go through the build's session, with the context's
// .dockerignore applied, as the docker engine's BuildKit builds do.
//
// The engine keeps the images it builds in an OCI image layout that
// dockyard manages, on the machine dockyard runs on (see store): BuildKit's
// OCI exporter sends each build's blobs there through the session, only
// those the layout lacks. Push, save, ls and incremental builds read that
// layout. A child's project parents are given to BuildKit as named
// contexts that point at exact manifests of the layout (see Pin): never a
// name that BuildKit would look up in a registry.
package buildkit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/containerd/platforms"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/moby/buildkit/client"

	"github.com/dockyard-build/dockyard/internal/engine"
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

// Engine builds images on a buildkitd.
type Engine struct {
	addr   string
	client *client.Client
	store  *store
	pins   pins
	// cache and keys are the registry's layer cache and credentials (see
	// SetRegistry).
	cache *LayerCache
	keys  authn.Keychain
}

var (
	_ engine.Engine    = (*Engine)(nil)
	_ engine.Exporter  = (*Engine)(nil)
	_ engine.Inspector = (*Engine)(nil)
	_ engine.Lister    = (*Engine)(nil)
	_ engine.Tagger    = (*Engine)(nil)
	_ engine.Loader    = (*Engine)(nil)
	_ engine.Pinner    = (*Engine)(nil)
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
	addr := opts.address()
	c, err := client.New(ctx, addr)
	if err != nil {
		return nil, fmt.Errorf("%w: buildkitd at %s: %w", engine.ErrUnavailable, addr, err)
	}
	return &Engine{addr: addr, client: c, store: st}, nil
}

// Name returns "buildkit".
func (e *Engine) Name() string { return "buildkit" }

// Address is the buildkitd the engine talks to.
func (e *Engine) Address() string { return e.addr }

// Ping checks that buildkitd answers and has a worker.
func (e *Engine) Ping(ctx context.Context) error {
	_, err := e.Platforms(ctx)
	return err
}

// Platforms lists the platforms buildkitd's workers build for, natively
// or under emulation, as os/arch[/variant].
func (e *Engine) Platforms(ctx context.Context) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	workers, err := e.client.ListWorkers(ctx)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("no answer within %s", pingTimeout)
		}
		return nil, fmt.Errorf("%w: buildkitd at %s: %w", engine.ErrUnavailable, e.addr, err)
	}
	var out []string
	for _, w := range workers {
		for _, p := range w.Platforms {
			if s := platforms.Format(platforms.Normalize(p)); !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: buildkitd at %s has no worker", engine.ErrUnavailable, e.addr)
	}
	return out, nil
}

// Close closes the connection to buildkitd. Images stay in the layout.
func (e *Engine) Close() error { return e.client.Close() }

// hexOf is a digest's hex part.
func hexOf(d string) string {
	_, h, _ := strings.Cut(d, ":")
	return h
}
