//go:build linux

package embedded

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/dockyard-build/dockyard/internal/engine/enginetest"
	"github.com/dockyard-build/dockyard/internal/testenv"
)

// The tests share one store, removed when they end.
var (
	testRoot   string
	openOnce   sync.Once
	testEngine *Engine
	openErr    error
)

func TestMain(m *testing.M) {
	if Init() {
		return // the test binary ran as a build worker or a buildah helper
	}
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	// Under -race, each helper process (workers, buildah's copiers and
	// chroot helpers: this binary) would sleep a second as it exits.
	if os.Getenv("GORACE") == "" {
		os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	dir, err := os.MkdirTemp("", "dockyard-embedded-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	testRoot = dir
	code := m.Run()
	if testEngine != nil {
		testEngine.store.Shutdown(true)
	}
	if err := os.RemoveAll(dir); err != nil {
		fmt.Fprintf(os.Stderr, "removing the test store: %v\n", err)
	}
	return code
}

// sharedEngine returns the engine on the tests' store; without root the
// test skips, or fails in CI.
func sharedEngine(t *testing.T) *Engine {
	t.Helper()
	if os.Geteuid() != 0 {
		testenv.Missing(t, "the embedded engine needs root")
	}
	openOnce.Do(func() { testEngine, openErr = New(context.Background(), Options{Root: testRoot}) })
	if openErr != nil {
		t.Fatal(openErr)
	}
	return testEngine
}

func TestConformance(t *testing.T) {
	e := sharedEngine(t)
	enginetest.Run(t, e)
	// Canceled and failed builds left no working container behind.
	cs, err := e.store.Containers()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		t.Errorf("container %v is left in the store", c.Names)
	}
}
