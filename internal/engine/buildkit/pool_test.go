package buildkit

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// fakeDaemon answers ListWorkers with its platforms, or fails when down.
type fakeDaemon struct {
	daemon
	platforms []string
	down      atomic.Bool
}

func (f *fakeDaemon) ListWorkers(context.Context, ...client.ListWorkersOption) ([]*client.WorkerInfo, error) {
	if f.down.Load() {
		return nil, errors.New("connection refused")
	}
	var ps []ocispecs.Platform
	for _, p := range f.platforms {
		ps = append(ps, platforms.MustParse(p))
	}
	return []*client.WorkerInfo{{Platforms: ps}}, nil
}

func fakePool(t *testing.T, specs ...*worker) (*pool, *strings.Builder) {
	t.Helper()
	var warn strings.Builder
	p := newPool(specs, true, &warn)
	if err := p.start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return p, &warn
}

func fakeWorker(addr string, max int, ps ...string) *worker {
	return &worker{addr: addr, max: max, d: &fakeDaemon{platforms: ps}}
}

func TestPickLeastLoadedThenFirst(t *testing.T) {
	a, b := fakeWorker("a", 2, "linux/amd64"), fakeWorker("b", 4, "linux/amd64")
	p, _ := fakePool(t, a, b)
	var got []string
	for range 6 {
		w, err := p.acquire(context.Background(), "linux/amd64")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, w.addr)
	}
	// Loads: a 0/2 b 0/4 -> a; a 1/2 b 0/4 -> b; a 1/2 b 1/4 -> b;
	// a 1/2 b 2/4 -> a; a 2/2 full -> b; b -> 4/4.
	if want := "a b b a b b"; strings.Join(got, " ") != want {
		t.Errorf("order %q, want %q", strings.Join(got, " "), want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.acquire(ctx, "linux/amd64"); !errors.Is(err, context.Canceled) {
		t.Errorf("a full pool did not wait: %v", err)
	}
	p.release(a)
	if w, _ := p.acquire(context.Background(), "linux/amd64"); w != a {
		t.Errorf("freed slot not taken: %s", w.addr)
	}
}

func TestPickByPlatform(t *testing.T) {
	a := fakeWorker("a", 4, "linux/amd64", "linux/arm64")
	a.offers = []string{"linux/amd64"}
	b := fakeWorker("b", 1, "linux/amd64", "linux/arm64")
	p, _ := fakePool(t, a, b)
	for range 2 {
		w, err := p.acquire(context.Background(), "linux/arm64")
		if err != nil {
			t.Fatal(err)
		}
		if w != b {
			t.Fatalf("linux/arm64 went to %s", w.addr)
		}
		p.release(w)
	}
	if _, err := p.acquire(context.Background(), "linux/s390x"); !errors.Is(err, engine.ErrUnavailable) || !strings.Contains(err.Error(), "linux/s390x") {
		t.Errorf("unknown platform: %v", err)
	}
}

func TestSkipWorkerThatDoesNotAnswer(t *testing.T) {
	a, b := fakeWorker("a", 4, "linux/amd64"), fakeWorker("b", 4, "linux/amd64")
	a.d.(*fakeDaemon).down.Store(true)
	p, warn := fakePool(t, a, b)
	if !strings.Contains(warn.String(), "worker a skipped: ") || !strings.Contains(warn.String(), "trying it again in 2s") {
		t.Errorf("warning: %q", warn.String())
	}
	w, err := p.acquire(context.Background(), "")
	if err != nil || w != b {
		t.Fatalf("got %v, %v", w, err)
	}
	a.d.(*fakeDaemon).down.Store(false)
	a.retryAt = p.now()
	p.mu.Lock()
	wake := p.wake
	p.mu.Unlock()
	p.reprobe(context.Background())
	<-wake
	if w, _ := p.acquire(context.Background(), ""); w != a {
		t.Errorf("worker back after its probe not chosen: %s", w.addr)
	}
}

func TestLostOnlyWhenTheWorkerIsGone(t *testing.T) {
	a, b := fakeWorker("a", 4, "linux/amd64"), fakeWorker("b", 4, "linux/amd64")
	p, _ := fakePool(t, a, b)
	ctx := context.Background()
	if p.lost(ctx, a, &engine.StepError{Message: "exit code 1"}) {
		t.Error("a failed step counted as a lost worker")
	}
	if p.lost(ctx, a, errors.New("rpc error")) {
		t.Error("a worker that answers counted as lost")
	}
	a.d.(*fakeDaemon).down.Store(true)
	if !p.lost(ctx, a, errors.New("rpc error: Unavailable")) {
		t.Fatal("a worker that does not answer is not lost")
	}
	if w, _ := p.acquire(ctx, ""); w != b {
		t.Errorf("build went to the lost worker")
	}
}
