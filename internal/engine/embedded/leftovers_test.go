//go:build linux

package embedded

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"

	"github.com/containers/storage"

	"github.com/dockyard-build/dockyard/internal/testenv"
)

// TestRemoveLeftoversSparesRunningBuilds makes working containers as a
// build does: those of a build whose lock a live process holds stay, as
// does a container dockyard did not make; once the build's dockyard is
// gone (its lock free), its containers go.
func TestRemoveLeftoversSparesRunningBuilds(t *testing.T) {
	if os.Geteuid() != 0 {
		testenv.Missing(t, "the embedded engine needs root")
	}
	root := t.TempDir()
	e, err := New(context.Background(), Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.store.Shutdown(true) })
	const running, dead = "dockyard-0123456789ab", "dockyard-ba9876543210"
	for _, name := range []string{"app-" + running, "app-" + dead, dead, "the-users-own"} {
		if _, err := e.store.CreateContainer("", []string{name}, "", "", "", nil); err != nil {
			t.Fatal(err)
		}
	}
	release, err := e.holdBuild(running)
	if err != nil {
		t.Fatal(err)
	}
	removed, err := RemoveLeftovers(Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(removed)
	if want := []string{"app-" + dead, dead}; !slices.Equal(removed, want) {
		t.Errorf("removed %q, want %q", removed, want)
	}
	for _, name := range []string{"app-" + running, "the-users-own"} {
		if _, err := e.store.Container(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	release()
	if removed, err = RemoveLeftovers(Options{Root: root}); err != nil || !slices.Equal(removed, []string{"app-" + running}) {
		t.Errorf("after the build ended: removed %q, %v; want its container", removed, err)
	}
	if _, err := e.store.Container("app-" + running); !errors.Is(err, storage.ErrContainerUnknown) {
		t.Errorf("the ended build's container: %v", err)
	}
}
