// Package enginetest is the conformance suite every engine passes: the same
// builds, checked the same way, by reading the built image back from the
// engine's store (its config and its filesystem), never by trusting a
// status. An engine's package runs it from a test:
//
//	func TestConformance(t *testing.T) {
//		enginetest.Run(t, newEngine(t))
//	}
//
// The engine must implement engine.Exporter. Every image the suite builds
// carries the label Label with the run's ID as its value, so that the
// caller can remove them afterwards (see New).
// The suite needs Debian's busybox-static: its base image is FROM scratch
// plus /usr/bin/busybox.
package enginetest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/testenv"
)

// Label marks the images the suite builds; its value is the run's ID.
const Label = "dev.dockyard.conformance"

// Suite is one run of the conformance suite against one engine.
type Suite struct {
	Engine engine.Engine
	// RunID is the value of Label on the run's images.
	RunID string
	// Base is the run's base image: FROM scratch plus a static busybox,
	// its applets linked in /bin, and /etc/passwd, /etc/group and /tmp.
	Base string
}

// Run runs the suite against e: New(e).Run(t).
func Run(t *testing.T, e engine.Engine) { New(e).Run(t) }

// New prepares a run of the suite against e.
func New(e engine.Engine) *Suite { return &Suite{Engine: e, RunID: randomHex(4)} }

// Run runs the suite's cases as parallel subtests of t, and returns when
// they are done.
func (s *Suite) Run(t *testing.T) {
	s.Base = s.baseImage(t)
	t.Run("cases", func(t *testing.T) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				c.run(t, s)
			})
		}
	})
}

var cases = []struct {
	name string
	run  func(*testing.T, *Suite)
}{
	{"SingleStage", testSingleStage},
	{"MultiStageTarget", testMultiStageTarget},
	{"BuildArgs", testBuildArgs},
	{"CopyFrom", testCopyFrom},
	{"Dockerignore", testDockerignore},
	{"ContextRules", testContextRules},
	{"FailingRun", testFailingRun},
	{"Cancel", testCancel},
	{"ManyFiles", testManyFiles},
	{"StoreAccess", testStoreAccess},
}

// baseImage builds the run's base image.
func (s *Suite) baseImage(t *testing.T) string {
	t.Helper()
	busybox, err := os.ReadFile("/usr/bin/busybox")
	if err != nil {
		testenv.Missing(t, "busybox-static is not installed (run scripts/setup.sh): %v", err)
	}
	dir := t.TempDir()
	// The run's own first step keeps its images out of the layer cache of
	// other tests' identical steps: removing theirs cannot break its
	// builds, nor removing its theirs. It is built without the cache:
	// after FROM scratch, the Docker engine's classic builder looks for a
	// cached step among every image without a parent, and fails the step
	// when another test or suite removes one of them meanwhile.
	WriteFiles(t, dir, map[string]string{
		"Dockerfile": "FROM scratch\nLABEL " + Label + ".base=" + s.RunID + "\nCOPY busybox /bin/busybox\n" +
			"RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n" +
			"RUN mkdir -p /etc /tmp && chmod 1777 /tmp && echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd && echo 'root:x:0:' > /etc/group\n",
	})
	if err := os.WriteFile(filepath.Join(dir, "busybox"), busybox, 0o755); err != nil {
		t.Fatal(err)
	}
	name := s.Name(t, "base")
	if _, err := s.Build(t, engine.Request{Dockerfile: filepath.Join(dir, "Dockerfile"), Tags: []string{name}, NoCache: true}); err != nil {
		t.Fatalf("building the base image: %v", err)
	}
	return name
}

// Build runs req with the suite's label and returns the result; a missing
// context means the Dockerfile's directory. The engine's logs are kept
// in the test's log.
func (s *Suite) Build(t *testing.T, req engine.Request) (engine.Result, error) {
	t.Helper()
	if req.Image == "" {
		req.Image = "conformance"
	}
	if req.ContextDir == "" {
		req.ContextDir = filepath.Dir(req.Dockerfile)
	}
	labels := map[string]string{Label: s.RunID}
	for k, v := range req.Labels {
		labels[k] = v
	}
	req.Labels = labels
	var logs SyncBuffer
	res, err := s.Engine.Build(t.Context(), req, &logs)
	t.Logf("%s engine, %s:\n%s", s.Engine.Name(), req.Image, logs.String())
	return res, err
}

// MustBuild builds a Dockerfile (its directory as context), failing the
// test on an error, and returns the result.
func (s *Suite) MustBuild(t *testing.T, req engine.Request) engine.Result {
	t.Helper()
	res, err := s.Build(t, req)
	if err != nil {
		t.Fatalf("building %s: %v", req.Image, err)
	}
	return res
}

var unsafeChars = regexp.MustCompile(`[^a-z0-9]+`)

// Name returns an image name unique to the test, the run and the role.
func (s *Suite) Name(t *testing.T, role string) string {
	n := strings.Trim(unsafeChars.ReplaceAllString(strings.ToLower(t.Name()), "-"), "-")
	return "conformance-" + n + "-" + role + "-" + s.RunID
}

// WriteFiles creates files (path: content) under dir.
func WriteFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// SyncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
