//go:build linux

package embedded

import (
	"context"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/engine/enginetest"
	"github.com/dockyard-build/dockyard/internal/testenv"
)

// buildBase builds a busybox image FROM scratch into e's store as name.
func buildBase(t *testing.T, e *Engine, name string) engine.Result {
	t.Helper()
	busybox, err := os.ReadFile("/usr/bin/busybox")
	if err != nil {
		testenv.Missing(t, "busybox-static is not installed (run scripts/setup.sh): %v", err)
	}
	dir := t.TempDir()
	enginetest.WriteFiles(t, dir, map[string]string{
		"Dockerfile": "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n",
	})
	if err := os.WriteFile(filepath.Join(dir, "busybox"), busybox, 0o755); err != nil {
		t.Fatal(err)
	}
	return mustBuild(t, e, engine.Request{Image: name, ContextDir: dir, Dockerfile: filepath.Join(dir, "Dockerfile"), Tags: []string{name}})
}

func mustBuild(t *testing.T, e *Engine, req engine.Request) engine.Result {
	t.Helper()
	var logs strings.Builder
	res, err := e.Build(t.Context(), req, &logs)
	if err != nil {
		t.Fatalf("%v\n%s", err, logs.String())
	}
	return res
}

// TestPullFromLocalRegistry builds FROM images of a registry on this
// machine, which speaks plain HTTP, named by 127.0.0.1:PORT and by
// localhost:PORT.
func TestPullFromLocalRegistry(t *testing.T) {
	e := sharedEngine(t)
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	res := buildBase(t, e, "pull-test-base")
	img, err := e.Image(t.Context(), "pull-test-base")
	if err != nil {
		t.Fatal(err)
	}
	ref, err := name.ParseReference("127.0.0.1:" + port + "/test/base:v1")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"127.0.0.1", "localhost"} {
		t.Run(host, func(t *testing.T) {
			dir := t.TempDir()
			enginetest.WriteFiles(t, dir, map[string]string{
				"Dockerfile": "FROM " + host + ":" + port + "/test/base:v1\nRUN echo pulled from " + host + " > /pulled\n",
			})
			tag := "pulled-from-" + host
			mustBuild(t, e, engine.Request{Image: tag, ContextDir: dir, Dockerfile: filepath.Join(dir, "Dockerfile"), Tags: []string{tag}})
			im := enginetest.Inspect(t, e, tag)
			if got := im.Content(t, "/pulled"); got != "pulled from "+host+"\n" {
				t.Errorf("/pulled = %q", got)
			}
			if base, _, _ := e.Inspect(t.Context(), host+":"+port+"/test/base:v1"); base.ID != res.ID {
				t.Errorf("the pulled base is %s, want %s", base.ID, res.ID)
			}
		})
	}
}

// TestLoadIntoAnotherStore moves an image from one store to a fresh one:
// the layers are written anew, and the image keeps its ID.
func TestLoadIntoAnotherStore(t *testing.T) {
	e := sharedEngine(t)
	res := buildBase(t, e, "load-test")
	img, err := e.Image(t.Context(), "load-test")
	if err != nil {
		t.Fatal(err)
	}
	other, err := New(context.Background(), Options{Root: filepath.Join(testRoot, "other")})
	if err != nil {
		t.Fatal(err)
	}
	defer other.store.Shutdown(true)
	if err := other.Load(t.Context(), "registry.example.com/team/loaded:v2", img); err != nil {
		t.Fatal(err)
	}
	info, ok, err := other.Inspect(t.Context(), "registry.example.com/team/loaded:v2")
	if err != nil || !ok || info.ID != res.ID || info.Refs[0] != "registry.example.com/team/loaded:v2" {
		t.Fatalf("Inspect = %+v, %t, %v; want ID %s", info, ok, err, res.ID)
	}
	im := enginetest.Inspect(t, other, "registry.example.com/team/loaded:v2")
	if f, ok := im.Files["bin/busybox"]; !ok || f.Mode&0o111 == 0 {
		t.Errorf("the loaded image lacks an executable /bin/busybox: %+v", f)
	}
}

func TestPrivilegeError(t *testing.T) {
	err := privilegeError(1000)
	for _, want := range []string{"needs root", "uid 1000", "sudo"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q: %v", want, err)
		}
	}
}
