package docker

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/engine/enginetest"
)

func TestPingUnavailable(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	e, err := New(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	err = e.Ping(t.Context())
	if !errors.Is(err, engine.ErrUnavailable) {
		t.Fatalf("Ping() = %v, want an error wrapping ErrUnavailable", err)
	}
	for _, want := range []string{"unix:///nonexistent/docker.sock does not answer", "start dockerd or set DOCKER_HOST"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error is not one line: %q", err)
	}
}

func TestNewRejectsBadDockerBuildkit(t *testing.T) {
	t.Setenv("DOCKER_BUILDKIT", "maybe")
	if _, err := New(t.Context()); err == nil {
		t.Fatal("New() succeeded with DOCKER_BUILDKIT=maybe")
	}
}

func TestBuildCancel(t *testing.T) {
	forEachBuilder(t, func(t *testing.T, e *Engine) {
		base := baseImage(t, e)
		// A sleep no other test runs, to find its process.
		secs := 30000 + time.Now().UnixNano()%10000
		if e.builder == "1" {
			secs += 10000
		}
		dir := t.TempDir()
		enginetest.WriteFiles(t, dir, map[string]string{
			"Dockerfile": fmt.Sprintf("FROM %s\nRUN echo started && sleep %d\n", base, secs),
		})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		logs := &enginetest.SyncBuffer{}
		errc := make(chan error, 1)
		go func() {
			_, err := e.Build(ctx, engine.Request{
				Image:      "slow",
				ContextDir: dir,
				Dockerfile: filepath.Join(dir, "Dockerfile"),
				Tags:       []string{uniqueName(t)},
			}, logs)
			errc <- err
		}()
		cmdline := fmt.Sprintf("sleep\x00%d", secs)
		waitFor(t, "the build's sleep to start", func() bool { return processRuns(cmdline) })
		cancel()
		select {
		case err := <-errc:
			if !errors.Is(err, context.Canceled) || errors.Is(err, engine.ErrStopUnconfirmed) {
				t.Errorf("Build() = %v, want context.Canceled, confirmed\n%s", err, logs)
			}
		case <-time.After(engine.StopTimeout + 15*time.Second):
			t.Fatalf("Build() did not return after cancel\n%s", logs)
		}
		// Build returns once the engine confirmed that the step ended.
		if processRuns(cmdline) {
			t.Errorf("the build's sleep still runs after Build returned\n%s", logs)
		}
		if err := e.UnconfirmedStops(); err != nil {
			t.Errorf("UnconfirmedStops() = %v", err)
		}
	})
}

// waitFor polls cond for up to a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// processRuns reports whether a process on this machine has a command line
// that contains cmdline (arguments separated by NUL).
func processRuns(cmdline string) bool {
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		if b, err := os.ReadFile(p); err == nil && strings.Contains(string(b), cmdline) {
			return true
		}
	}
	return false
}
