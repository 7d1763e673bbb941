package docker

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/build"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/engine/enginetest"
)

// fakeBuilder is a Docker engine's API for one classic build: it starts a
// RUN step in container "c0ffee", then, when the build's client goes away,
// behaves as its fields say.
type fakeBuilder struct {
	// ignoreCancel keeps the answer open whatever the client does.
	ignoreCancel bool
	// running is what inspecting the step's container says once the
	// build stopped; false means the container is gone.
	running bool

	started  chan struct{} // closed once the step runs
	canceled chan error    // what writing the answer after the cancel gave
	// closes is whether the build's request asked for a connection of
	// its own, which no other request reuses after a half-close.
	closes bool
}

func (f *fakeBuilder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasSuffix(r.URL.Path, "/_ping"):
		w.Header().Set("Api-Version", "1.41")
		w.Header().Set("Ostype", "linux")
	case strings.HasSuffix(r.URL.Path, "/build"):
		io.Copy(io.Discard, r.Body)
		f.closes = r.Close
		enc := json.NewEncoder(w)
		enc.Encode(map[string]string{"stream": "Step 1/2 : RUN sleep 1000\n"})
		enc.Encode(map[string]string{"stream": " ---> Running in c0ffee\n"})
		w.(http.Flusher).Flush()
		close(f.started)
		if f.ignoreCancel {
			<-f.canceled // closed when the test ends
			return
		}
		// The client's half-close cancels the request's context; the
		// answer still reaches it.
		<-r.Context().Done()
		err := enc.Encode(map[string]any{"errorDetail": map[string]string{"message": "build cancelled"}, "error": "build cancelled"})
		w.(http.Flusher).Flush()
		f.canceled <- err
	case strings.HasSuffix(r.URL.Path, "/containers/c0ffee/json") && f.running:
		json.NewEncoder(w).Encode(map[string]any{"Id": "c0ffee", "State": map[string]any{"Running": true}})
	default:
		http.Error(w, `{"message": "No such container"}`, http.StatusNotFound)
	}
}

func TestBuildCancelConfirmation(t *testing.T) {
	tests := []struct {
		name        string
		fake        fakeBuilder
		unconfirmed string // what the error says, if the stop is not confirmed
	}{
		{"the engine stops the build", fakeBuilder{}, ""},
		{"the engine keeps answering", fakeBuilder{ignoreCancel: true}, "did not end within 1s"},
		{"the step's container still runs", fakeBuilder{running: true}, "container c0ffee still runs 1s after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &tt.fake
			f.started, f.canceled = make(chan struct{}), make(chan error, 1)
			sock := filepath.Join(t.TempDir(), "docker.sock")
			l, err := net.Listen("unix", sock)
			if err != nil {
				t.Fatal(err)
			}
			srv := &http.Server{Handler: f}
			go srv.Serve(l)
			t.Cleanup(func() {
				if f.ignoreCancel {
					close(f.canceled)
				}
				srv.Close()
			})
			t.Setenv("DOCKER_HOST", "unix://"+sock)
			e, err := New(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			e.builder, e.stopTimeout = build.BuilderV1, time.Second

			dir := t.TempDir()
			enginetest.WriteFiles(t, dir, map[string]string{"Dockerfile": "FROM scratch\nRUN sleep 1000\n"})
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			logs := &enginetest.SyncBuffer{}
			errc := make(chan error, 1)
			go func() {
				_, err := e.Build(ctx, engine.Request{Image: "slow", ContextDir: dir, Dockerfile: filepath.Join(dir, "Dockerfile")}, logs)
				errc <- err
			}()
			<-f.started
			if !f.closes {
				t.Error("the build's request did not ask for a connection of its own")
			}
			cancel()
			select {
			case err = <-errc:
			case <-time.After(10 * time.Second):
				t.Fatal("Build did not return")
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Build() = %v, want the cancellation", err)
			}
			if tt.unconfirmed == "" {
				if errors.Is(err, engine.ErrStopUnconfirmed) || e.UnconfirmedStops() != nil {
					t.Errorf("Build() = %v, UnconfirmedStops() = %v; want the stop confirmed", err, e.UnconfirmedStops())
				}
				if werr := <-f.canceled; werr != nil {
					t.Errorf("the engine could not answer after the cancel: %v", werr)
				}
				return
			}
			if !errors.Is(err, engine.ErrStopUnconfirmed) || !strings.Contains(err.Error(), tt.unconfirmed) {
				t.Errorf("Build() = %v, want ErrStopUnconfirmed saying %q", err, tt.unconfirmed)
			}
			if !strings.Contains(logs.String(), "dockyard: context canceled; "+engine.ErrStopUnconfirmed.Error()) {
				t.Errorf("the build's log does not say that the stop is unconfirmed:\n%s", logs)
			}
			if u := e.UnconfirmedStops(); !errors.Is(u, engine.ErrStopUnconfirmed) || !strings.Contains(u.Error(), "the build of slow ") {
				t.Errorf("UnconfirmedStops() = %v, want it to name slow", u)
			}
		})
	}
}
