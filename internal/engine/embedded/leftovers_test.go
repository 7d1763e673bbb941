//go:build linux

package embedded

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/containers/storage"

	"github.com/dockyard-build/dockyard/internal/testenv"
)

// TestRemoveLeftoversSparesRunningBuilds makes working containers as
// builds do: those of a build whose dockyard died (its lock free) go;
// those of a build whose lock a live process holds stay, as do those of a
// build without a lock (a dockyard of before the locks may run it) and a
// container dockyard did not make. Once the running build ends, its
// containers go too.
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
	const running, dead, unlocked = "dockyard-0123456789ab", "dockyard-ba9876543210", "dockyard-00000000ffff"
	for _, name := range []string{"app-" + running, "app-" + dead, dead, "app-" + unlocked, "the-users-own"} {
		if _, err := e.store.CreateContainer("", []string{name}, "", "", "", nil); err != nil {
			t.Fatal(err)
		}
	}
	release, err := e.holdBuild(running)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, buildsDir, dead), nil, 0o600); err != nil {
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
	for _, name := range []string{"app-" + running, "app-" + unlocked, "the-users-own"} {
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
	if locks, _ := os.ReadDir(filepath.Join(root, buildsDir)); len(locks) != 0 {
		t.Errorf("lock files left: %v", locks)
	}
}
