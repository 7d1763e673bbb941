package embedded

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"

	"github.com/containers/storage"
	"golang.org/x/sys/unix"

	"github.com/dockyard-build/dockyard/internal/procs"
)

// buildsDir, in the store's directory, holds a lock file for each running
// build, named after the suffix of its working containers' names. The
// engine's process holds the lock while the build runs; the system
// releases it when that process dies, even by SIGKILL.
const buildsDir = "builds"

// suffixPattern finds the suffix dockyard gives a build's working
// containers in their names.
var suffixPattern = regexp.MustCompile(`dockyard-[0-9a-f]{12}`)

// holdBuild marks the build whose containers' names carry suffix as
// running, until release is called. Release keeps the lock file, free,
// when the build left containers: clean then removes them.
func (e *Engine) holdBuild(suffix string) (release func(), err error) {
	dir := filepath.Join(e.root, buildsDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("marking the build as running: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, suffix), os.O_RDWR|os.O_CREATE, 0o600)
	if err == nil {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX)
	}
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, fmt.Errorf("marking the build as running: %w", err)
	}
	return func() {
		if !e.hasContainers(suffix) {
			os.Remove(f.Name())
		}
		f.Close()
	}, nil
}

// hasContainers reports whether the store holds working containers of the
// build whose containers' names carry suffix.
func (e *Engine) hasContainers(suffix string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	cs, err := e.store.Containers()
	return err != nil || slices.ContainsFunc(cs, func(c storage.Container) bool { return containerSuffix(c) == suffix })
}

// endedBuilds returns the suffixes of the builds that ran in a dockyard
// that died: their lock file is there, and no live process holds it.
// Without a lock file, a build is not known to have ended: a dockyard that
// predates the locks may be running it.
func endedBuilds(root string) map[string]bool {
	names, _ := filepath.Glob(filepath.Join(root, buildsDir, "dockyard-*"))
	out := map[string]bool{}
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		if unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB) == nil {
			out[filepath.Base(name)] = true
		}
		f.Close()
	}
	return out
}

// RemoveLeftovers removes what builds left in the store when the dockyard
// that ran them died: it ends the processes still running in their working
// containers, then removes the containers, which unmounts them. The
// containers of builds that still run, and those dockyard did not make,
// stay. It returns the names of the containers it removed. Without such
// builds, or without root, it leaves the store unopened.
func RemoveLeftovers(opts Options) ([]string, error) {
	root, err := opts.root()
	if err != nil {
		return nil, err
	}
	ended := endedBuilds(root)
	if len(ended) == 0 || os.Geteuid() != 0 {
		return nil, nil
	}
	store, err := openStore(root, opts.warn())
	if err != nil {
		return nil, err
	}
	defer store.Shutdown(false)
	cs, err := store.Containers()
	if err != nil {
		return nil, fmt.Errorf("listing the store's containers: %w", err)
	}
	var removed []string
	var errs []error
	for _, c := range cs {
		if !ended[containerSuffix(c)] {
			continue
		}
		if err := removeLeftover(store, c); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, c.Names[0])
	}
	if len(errs) == 0 {
		for suffix := range ended {
			os.Remove(filepath.Join(root, buildsDir, suffix))
		}
	}
	return removed, errors.Join(errs...)
}

// containerSuffix is the suffix dockyard gave a working container's name,
// or "" for a container dockyard did not make.
func containerSuffix(c storage.Container) string {
	for _, n := range c.Names {
		if s := suffixPattern.FindString(n); s != "" {
			return s
		}
	}
	return ""
}

// removeLeftover ends what runs in a container, then removes it.
func removeLeftover(store storage.Store, c storage.Container) error {
	if layer, err := store.Layer(c.LayerID); err == nil && layer.MountPoint != "" {
		if err := killIn(layer.MountPoint); err != nil {
			return fmt.Errorf("removing the working container %s: %w", c.Names[0], err)
		}
	}
	// A container that is gone by now (the killed build's worker, dying
	// too, may remove it first) needs no removing.
	err := store.DeleteContainer(c.ID)
	if err != nil && !errors.Is(err, storage.ErrNotAContainer) && !errors.Is(err, storage.ErrContainerUnknown) {
		return fmt.Errorf("removing the working container %s: %w", c.Names[0], err)
	}
	return nil
}

// killIn kills the processes whose root directory is dir, as a RUN step's
// are in its container's file system, until none is left.
func killIn(dir string) error {
	var st unix.Stat_t
	if err := unix.Stat(dir, &st); err != nil {
		return nil // not mounted: nothing can run in it
	}
	deadline := time.Now().Add(killAllFor)
	more := func() bool { return time.Now().Before(deadline) }
	if procs.Kill(func() []int { return rootedAt(st.Dev, st.Ino) }, more) {
		return nil
	}
	return fmt.Errorf("processes still start in %s after %s of killing them", dir, killAllFor)
}

// rootedAt lists the live processes whose root directory is the one of
// device dev and inode ino.
func rootedAt(dev, ino uint64) []int {
	roots, _ := filepath.Glob("/proc/[0-9]*/root")
	var pids []int
	for _, r := range roots {
		var st unix.Stat_t
		if unix.Stat(r, &st) != nil || st.Dev != dev || st.Ino != ino {
			continue
		}
		var pid int
		if _, err := fmt.Sscanf(filepath.Base(filepath.Dir(r)), "%d", &pid); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}
