package buildkit

import (
	"testing"

	"github.com/dockyard-build/dockyard/internal/engine/enginetest"
	"github.com/dockyard-build/dockyard/internal/testenv"
)

// newEngine opens the engine on the tests' buildkitd, with an image
// layout of the test's own that goes with it.
func newEngine(t *testing.T) *Engine {
	t.Helper()
	addr := testenv.NeedBuildKit(t)
	e, err := New(t.Context(), Options{Address: addr, Root: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if err := e.Ping(t.Context()); err != nil {
		testenv.Missing(t, "%v", err)
	}
	return e
}

// TestConformance runs the engines' conformance suite on buildkitd.
func TestConformance(t *testing.T) {
	enginetest.Run(t, newEngine(t))
}
