package buildkit

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// unlimited is the build slots of the one daemon of an engine without a
// pool: as many as the scheduler starts.
const unlimited = 1 << 20

// dial makes w's client, with mTLS when w has the files; it does not
// connect yet.
func dial(ctx context.Context, w Worker) (*client.Client, error) {
	var opts []client.ClientOpt
	if w.CA != "" {
		host := strings.TrimPrefix(w.Address, "tcp://")
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		opts = append(opts, client.WithServerConfig(host, w.CA), client.WithCredentials(w.Cert, w.Key))
	}
	c, err := client.New(ctx, w.Address, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: buildkitd at %s: %w", engine.ErrUnavailable, w.Address, err)
	}
	return c, nil
}

// Probe dials w and lists the platforms it builds: those of its
// configuration when it answers, else what the daemon says.
func Probe(ctx context.Context, w Worker) ([]string, error) {
	d, err := dial(ctx, w)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	list, err := listPlatforms(ctx, &worker{addr: w.Address, d: d})
	if err != nil || len(w.Platforms) == 0 {
		return list, err
	}
	return w.Platforms, nil
}

// listPlatforms lists what w's daemon builds, natively or emulated.
func listPlatforms(ctx context.Context, w *worker) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	workers, err := w.d.ListWorkers(ctx)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("no answer within %s", pingTimeout)
		}
		return nil, fmt.Errorf("%w: buildkitd at %s: %w", engine.ErrUnavailable, w.addr, err)
	}
	var out []string
	for _, wi := range workers {
		for _, pl := range wi.Platforms {
			if s := platforms.Format(platforms.Normalize(pl)); !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: buildkitd at %s has no worker", engine.ErrUnavailable, w.addr)
	}
	return out, nil
}

// normalizePlatform writes a platform as containerd does.
func normalizePlatform(s string) string {
	pl, err := platforms.Parse(s)
	if err != nil {
		return s
	}
	return platforms.Format(platforms.Normalize(pl))
}
