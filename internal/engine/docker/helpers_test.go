package docker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/engine/enginetest"
	"github.com/dockyard-build/dockyard/internal/testenv"
)

// builders are the engine's two build paths; every build test runs on both.
var builders = []struct {
	name    string
	version build.BuilderVersion
}{
	{"buildkit", build.BuilderBuildKit},
	{"classic", build.BuilderV1},
}

// forEachBuilder runs f as a subtest per builder, with an engine forced to
// that builder.
func forEachBuilder(t *testing.T, f func(t *testing.T, e *Engine)) {
	testenv.NeedDocker(t)
	for _, b := range builders {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			e, err := New(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { e.Close() })
			e.builder = b.version
			f(t, e)
		})
	}
}

// testLabel marks the first step of each test's base image.
const testLabel = "dev.dockyard.test"

var unsafeChars = regexp.MustCompile(`[^a-z0-9]+`)

// uniqueName returns an image name no other test uses.
func uniqueName(t *testing.T) string {
	b := make([]byte, 4)
	rand.Read(b)
	name := strings.Trim(unsafeChars.ReplaceAllString(strings.ToLower(t.Name()), "-"), "-")
	return "dockyard-test-" + name + "-" + hex.EncodeToString(b)
}

// buildImage runs req, removes its tags when the test ends, and returns the
// result and the logs. Removing a tag prunes the image's untagged parents:
// the test's own, since every test builds on a base of its own.
func buildImage(t *testing.T, e *Engine, req engine.Request) (engine.Result, string, error) {
	t.Helper()
	if req.Image == "" {
		req.Image = "test"
	}
	if req.ContextDir == "" {
		req.ContextDir = filepath.Dir(req.Dockerfile)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for _, tag := range req.Tags {
			e.api.ImageRemove(ctx, tag, client.ImageRemoveOptions{Force: true, PruneChildren: true})
		}
	})
	var logs enginetest.SyncBuffer
	res, err := e.Build(t.Context(), req, &logs)
	return res, logs.String(), err
}

// baseImage builds a busybox image FROM scratch and returns its bare name.
// The engine is shared, by tests that run at once and by other suites, and
// the classic builder's cache joins their builds. So the base is built
// without the cache: after FROM scratch, the classic builder's cache probe
// reads every image of the engine that has no parent, and fails the step
// ("unable to find image") when anyone removes one meanwhile. Its first
// step, a label with its name, makes the base the test's own, and so are
// the children built on it, which the cache looks for only among its
// children: removing a test's images with their untagged parents never
// touches another test's.
func baseImage(t *testing.T, e *Engine) string {
	t.Helper()
	busybox, err := os.ReadFile("/usr/bin/busybox")
	if err != nil {
		testenv.Missing(t, "busybox-static is not installed (run scripts/setup.sh): %v", err)
	}
	dir := t.TempDir()
	name := uniqueName(t) + "-base"
	enginetest.WriteFiles(t, dir, map[string]string{
		"busybox": string(busybox),
		"Dockerfile": "FROM scratch\nLABEL " + testLabel + "=" + name + "\n" +
			"COPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n",
	})
	if err := os.Chmod(filepath.Join(dir, "busybox"), 0o755); err != nil {
		t.Fatal(err)
	}
	req := engine.Request{Dockerfile: filepath.Join(dir, "Dockerfile"), Tags: []string{name}, NoCache: true}
	if _, logs, err := buildImage(t, e, req); err != nil {
		t.Fatalf("building the base image: %v\n%s", err, logs)
	}
	return name
}

// run runs cmd in a container of image and returns its output.
func run(t *testing.T, image string, cmd ...string) string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "docker", append([]string{"run", "--rm", image}, cmd...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("docker run %s %v: %v\n%s", image, cmd, err, out)
	}
	return string(out)
}
