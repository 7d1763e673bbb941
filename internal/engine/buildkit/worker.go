package buildkit

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// A worker running builds of a pool is asked every heartbeat whether it
// still answers; missing that many answers in a row, it is lost. A cut
// network leaves a build waiting on a connection that carries nothing,
// without an error.
const (
	heartbeat = 5 * time.Second
	misses    = 2
)

// errLost is the cause of a try canceled because its worker stopped
// answering.
var errLost = errors.New("the worker stopped answering")

// watch cancels the try of ctx with errLost when w misses its heartbeats;
// the returned func ends the watch.
func watch(ctx context.Context, w *worker, cancel context.CancelCauseFunc) func() {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(heartbeat)
		defer t.Stop()
		missed := 0
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			missed++
			if _, err := listPlatforms(ctx, w); err == nil || ctx.Err() != nil {
				missed = 0
			}
			if missed >= misses {
				cancel(fmt.Errorf("%w: no answer to %d heartbeats", errLost, misses))
				return
			}
		}
	}()
	return func() { close(done) }
}

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
