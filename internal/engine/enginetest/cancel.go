package enginetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// Time limits of the cancellation test.
const (
	startLimit  = 2 * time.Minute                     // for the RUN step to start
	returnLimit = engine.StopTimeout + 15*time.Second // for Build to return once canceled
)

// testCancel cancels a build while its RUN step sleeps, with one sleeper in
// a session of its own as a daemon would be. Build must return the
// cancellation once the engine confirmed that the step's processes ended:
// none may be alive when it returns, and no image is left behind.
func testCancel(t *testing.T, s *Suite) {
	if runtime.GOOS != "linux" {
		t.Skip("the test finds the build's processes in /proc")
	}
	// A unique argument marks the step's processes.
	secs := fmt.Sprint(3_000_000 + rand.IntN(1_000_000))
	dir := t.TempDir()
	WriteFiles(t, dir, map[string]string{"Dockerfile": "FROM " + s.Base + "\n" +
		"RUN setsid sleep " + secs + " & sleep " + secs + "\n"})
	name := s.Name(t, "image")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	var logs SyncBuffer
	go func() {
		_, err := s.Engine.Build(ctx, engine.Request{
			Image: "canceled", ContextDir: dir, Dockerfile: filepath.Join(dir, "Dockerfile"),
			Tags: []string{name}, Labels: map[string]string{Label: s.RunID},
		}, &logs)
		done <- err
	}()
	waitFor(t, startLimit, "the RUN step to start both sleepers", func() bool {
		select {
		case err := <-done:
			t.Fatalf("the build ended before it was canceled: %v\n%s", err, logs.String())
		default:
		}
		return len(sleepers(secs)) == 2
	})
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || errors.Is(err, engine.ErrStopUnconfirmed) {
			t.Errorf("Build returned %v, want the cancellation, confirmed", err)
		}
	case <-time.After(returnLimit):
		t.Fatalf("Build did not return within %s of its cancellation", returnLimit)
	}
	if alive := sleepers(secs); len(alive) > 0 {
		t.Errorf("the step's processes %v are alive after Build returned\n%s", alive, logs.String())
	}
	s.mustNotExist(t, name)
}

// sleepers returns the processes running "sleep secs".
func sleepers(secs string) []int {
	var out []int
	paths, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		args := bytes.Split(bytes.TrimRight(b, "\x00"), []byte{0})
		if len(args) == 2 && filepath.Base(string(args[0])) == "sleep" && string(args[1]) == secs {
			var pid int
			fmt.Sscan(filepath.Base(filepath.Dir(p)), &pid)
			out = append(out, pid)
		}
	}
	return out
}

// waitFor polls cond until it holds, failing the test after limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting %s for %s", limit, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// mustNotExist fails the test if the engine holds an image named ref.
func (s *Suite) mustNotExist(t *testing.T, ref string) {
	t.Helper()
	_, err := exporter(t, s.Engine).Image(t.Context(), ref)
	if !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("reading %s after a failed build: got %v, want engine.ErrNotFound", ref, err)
	}
}
