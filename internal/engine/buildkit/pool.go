package buildkit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/client/llb"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/platform"
)

// Retrying a worker that does not answer: the first wait, doubled after
// each miss up to the last.
const (
	firstBackoff = 2 * time.Second
	maxBackoff   = time.Minute
)

// maxAttempts bounds how many workers one build is tried on when the
// workers it ran on are lost.
const maxAttempts = 3

// daemon is what the engine calls of a buildkitd's client.
type daemon interface {
	ListWorkers(ctx context.Context, opts ...client.ListWorkersOption) ([]*client.WorkerInfo, error)
	Solve(ctx context.Context, def *llb.Definition, opt client.SolveOpt, status chan *client.SolveStatus) (*client.SolveResponse, error)
	Close() error
}

var _ daemon = (*client.Client)(nil)

// worker is one buildkitd of the pool.
type worker struct {
	addr string
	d    daemon
	// offers are the platforms the configuration gives it; empty means
	// those the daemon says it builds.
	offers []string
	max    int

	// The rest is guarded by the pool's lock.
	platforms []string
	up        bool
	probing   bool
	active    int
	retryAt   time.Time
	backoff   time.Duration
}

// pool chooses a worker for each build: among those that answer and
// build the platform, the least loaded (active builds / max_builds), then
// the first in the configuration. A worker that does not answer is
// probed again after a back-off.
type pool struct {
	mu      sync.Mutex
	workers []*worker
	// wake is closed, and replaced, whenever a slot frees or a worker
	// comes back.
	wake chan struct{}
	// once probes the pool's workers when it starts.
	once sync.Once
	// pooled is true for the workers of a configured pool, whose builds
	// name their worker, and false for the one daemon of buildkit.address.
	pooled bool
	warn   io.Writer
	now    func() time.Time
	// shared, when set, shares the workers' loads with the user's other
	// dockyard processes: their builds count in the choice of a worker.
	shared     *loads
	sharedWarn sync.Once
}

// sharedPoll is how often a build waiting for a slot looks again while
// other processes' builds fill the workers: their ends do not wake it.
const sharedPoll = 500 * time.Millisecond

func newPool(workers []*worker, pooled bool, warn io.Writer) *pool {
	if warn == nil {
		warn = io.Discard
	}
	return &pool{workers: workers, wake: make(chan struct{}), pooled: pooled, warn: warn, now: time.Now}
}

// start probes the one daemon of an engine without a pool, each time as
// Ping did before pools; and every worker of a pool once, failing when
// none answers.
func (p *pool) start(ctx context.Context) error {
	if !p.pooled {
		return p.probe(ctx, p.workers[0])
	}
	p.once.Do(func() {
		var wg sync.WaitGroup
		for _, w := range p.workers {
			wg.Go(func() { _ = p.probe(ctx, w) })
		}
		wg.Wait()
	})
	p.mu.Lock()
	defer p.mu.Unlock()
	if !slices.ContainsFunc(p.workers, func(w *worker) bool { return w.up }) {
		return fmt.Errorf("%w: no worker of the pool answers (%s)", engine.ErrUnavailable, p.addresses())
	}
	return nil
}

// probe asks w which platforms it builds and marks it up or down.
func (p *pool) probe(ctx context.Context, w *worker) error {
	list, err := listPlatforms(ctx, w)
	p.mu.Lock()
	defer p.mu.Unlock()
	w.probing = false
	if err != nil {
		p.down(w, err)
		return err
	}
	w.platforms = list
	if len(w.offers) > 0 {
		w.platforms = w.offers
	}
	w.up, w.backoff = true, 0
	p.signal()
	return nil
}

// down marks w as not answering and schedules its next probe; p.mu is held.
func (p *pool) down(w *worker, err error) {
	w.up = false
	w.backoff = min(max(2*w.backoff, firstBackoff), maxBackoff)
	w.retryAt = p.now().Add(w.backoff)
	if p.pooled {
		fmt.Fprintf(p.warn, "warning: worker %s skipped: %v; trying it again in %s\n", w.addr, err, w.backoff)
	}
}

// signal wakes the builds waiting for a worker; p.mu is held.
func (p *pool) signal() {
	close(p.wake)
	p.wake = make(chan struct{})
}

// platforms lists what the workers that answer build.
func (p *pool) platforms() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, w := range p.workers {
		if w.up {
			for _, pl := range w.platforms {
				if !slices.Contains(out, pl) {
					out = append(out, pl)
				}
			}
		}
	}
	return out
}

// acquire takes a build slot of a worker that builds plat ("" for
// any), waiting while every such worker is full.
func (p *pool) acquire(ctx context.Context, plat string) (*worker, error) {
	want := plat
	if plat != "" {
		want = platform.Normalize(plat)
	}
	for {
		p.reprobe(ctx)
		others := p.lockShared()
		p.mu.Lock()
		w, can := p.pick(want, others)
		if w != nil {
			w.active++
			p.writeShared()
			p.mu.Unlock()
			p.unlockShared(others)
			return w, nil
		}
		wake, wait := p.wake, p.nextProbe()
		if len(others) > 0 {
			wait = min(wait, sharedPoll)
		}
		p.mu.Unlock()
		p.unlockShared(others)
		if !can {
			return nil, fmt.Errorf("%w: no worker that answers builds %s", engine.ErrUnavailable, cmp.Or(plat, "this image"))
		}
		timer := time.NewTimer(wait)
		select {
		case <-wake:
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return nil, context.Cause(ctx)
		}
		timer.Stop()
	}
}

// pick is the least loaded worker with a free slot that builds platform,
// and whether any worker that answers builds it; a worker's load counts
// the builds others (other processes) run on it. p.mu is held.
func (p *pool) pick(platform string, others map[string]int) (best *worker, can bool) {
	bestLoad := 0
	for _, w := range p.workers {
		if !w.up || (platform != "" && !slices.Contains(w.platforms, platform)) {
			continue
		}
		can = true
		load := w.active + others[w.addr]
		if load >= w.max {
			continue
		}
		if best == nil || load*best.max < bestLoad*w.max {
			best, bestLoad = w, load
		}
	}
	return best, can
}

// nextProbe is how long until a worker that is down is probed again.
func (p *pool) nextProbe() time.Duration {
	wait := maxBackoff
	for _, w := range p.workers {
		if !w.up {
			wait = min(wait, max(w.retryAt.Sub(p.now()), 10*time.Millisecond))
		}
	}
	return wait
}

// reprobe probes, in the background, the workers that are down and due.
func (p *pool) reprobe(ctx context.Context) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, w := range p.workers {
		if !w.up && !w.probing && !p.now().Before(w.retryAt) {
			w.probing = true
			go func() { _ = p.probe(context.WithoutCancel(ctx), w) }()
		}
	}
}

// release gives w's slot back.
func (p *pool) release(w *worker) {
	defer p.unlockShared(p.lockShared())
	p.mu.Lock()
	defer p.mu.Unlock()
	w.active--
	p.writeShared()
	p.signal()
}

// lost reports whether a build's failure on w came from losing w rather
// than from the build itself; a lost worker is marked down. A failed step
// is the build's own, as is any failure of a worker that still answers,
// unless its heartbeats went unanswered (errLost).
func (p *pool) lost(ctx context.Context, w *worker, err error) bool {
	if _, ok := errors.AsType[*engine.StepError](err); ok {
		return false
	}
	if !errors.Is(err, errLost) {
		if _, perr := listPlatforms(ctx, w); perr == nil {
			return false
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down(w, err)
	return true
}

// addresses lists the workers' addresses, which never change.
func (p *pool) addresses() string {
	var out []string
	for _, w := range p.workers {
		out = append(out, w.addr)
	}
	return strings.Join(out, ", ")
}
