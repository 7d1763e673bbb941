//go:build linux

package embedded

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/containers/storage"
	"github.com/containers/storage/pkg/reexec"
	"github.com/sirupsen/logrus"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/engine/enginetest"
	"github.com/dockyard-build/dockyard/internal/testenv"
)

// tornCommitCommand is a helper that writes a layer into the store named
// by its argument and never finishes: its diff is its stdin. It says
// "writing" once the store reads the diff.
const tornCommitCommand = "dockyard-test-torn-commit"

func init() { reexec.Register(tornCommitCommand, tornCommitMain) }

func tornCommitMain() {
	store, err := openStore(os.Args[1], os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	_, _, err = store.PutLayer("", os.Args[2], nil, "", false, nil, &sayOnRead{r: os.Stdin})
	fmt.Fprintf(os.Stderr, "the layer was written: %v\n", err)
	os.Exit(1)
}

// sayOnRead says "writing" on stdout when it is first read.
type sayOnRead struct {
	r    io.Reader
	said bool
}

func (s *sayOnRead) Read(p []byte) (int, error) {
	if !s.said {
		s.said = true
		fmt.Println("writing")
	}
	return s.r.Read(p)
}

// layerTar is a layer's diff holding one file.
func layerTar(t *testing.T, name, content string) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write([]byte(content)); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestOpenRemovesATornCommit damages a store as a kill in the middle of a
// commit does: a process writing a layer is killed with SIGKILL while the
// store reads the layer's content. Opening the store then removes the
// incomplete layer, with one line of warning that names it; the layer
// under it stays, and the store takes new layers.
func TestOpenRemovesATornCommit(t *testing.T) {
	if os.Geteuid() != 0 {
		testenv.Missing(t, "the embedded engine needs root")
	}
	root := t.TempDir()
	var warnings strings.Builder
	e, err := New(context.Background(), Options{Root: root, Warn: &warnings})
	if err != nil {
		t.Fatal(err)
	}
	base, _, err := e.store.PutLayer("", "", nil, "", false, nil, bytes.NewReader(layerTar(t, "base", "base\n")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Shutdown(true); err != nil {
		t.Fatal(err)
	}

	cmd := reexec.Command(tornCommitCommand, root, base.ID)
	diff, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var helperErr bytes.Buffer
	cmd.Stderr = &helperErr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Half of a layer's content, then nothing more.
	full := layerTar(t, "torn", strings.Repeat("x", 1<<20))
	go diff.Write(full[:len(full)/2])
	if line, err := bufio.NewReader(out).ReadString('\n'); line != "writing\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the helper said %q, %v: %s", line, err, helperErr.String())
	}
	torn := incompleteLayers(t, root)
	if len(torn) != 1 {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("incomplete layers while the helper writes: %v; want one", torn)
	}
	cmd.Process.Kill()
	cmd.Wait()
	diff.Close()

	warnings.Reset()
	e, err = New(context.Background(), Options{Root: root, Warn: &warnings})
	if err != nil {
		t.Fatalf("opening the damaged store: %v", err)
	}
	t.Cleanup(func() { e.store.Shutdown(true) })
	want := regexp.MustCompile(`^warning: the embedded engine's store held layer ` + torn[0][:12] + `, left incomplete by a build killed while writing it; removed it\n$`)
	if !want.MatchString(warnings.String()) {
		t.Errorf("warnings: %q; want one line matching %s", warnings.String(), want)
	}
	if _, err := e.store.Layer(torn[0]); !errors.Is(err, storage.ErrLayerUnknown) {
		t.Errorf("the torn layer: %v; want it removed", err)
	}
	if left := incompleteLayers(t, root); len(left) != 0 {
		t.Errorf("incomplete layers after the open: %v", left)
	}
	if _, err := e.store.Layer(base.ID); err != nil {
		t.Errorf("the layer under the torn one: %v", err)
	}
	again, _, err := e.store.PutLayer("", base.ID, nil, "", false, nil, bytes.NewReader(full))
	if err != nil {
		t.Fatalf("writing the layer again: %v", err)
	}
	if again.ID == torn[0] {
		t.Errorf("the new layer reuses the torn one's ID")
	}
	warnings.Reset()
	if _, err := New(context.Background(), Options{Root: root, Warn: &warnings}); err != nil || warnings.Len() > 0 {
		t.Errorf("opening the repaired store: %v, warnings %q", err, warnings.String())
	}
}

// incompleteLayers lists the layers the store's layer file marks
// incomplete, read as another process sees it.
func incompleteLayers(t *testing.T, root string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, graphDir, "overlay-layers", "layers.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile(`"id":"([0-9a-f]{64})"[^{}]*"flags":\{"incomplete":true\}`).FindAllSubmatch(data, -1) {
		out = append(out, string(m[1]))
	}
	return out
}

// TestCancelNeverTearsACommit cancels a build while it writes a 50 MB layer
// into the store: Build returns only once the layer is written or rolled
// back, so that the store marks no layer incomplete, and the store builds
// on as before.
func TestCancelNeverTearsACommit(t *testing.T) {
	e := sharedEngine(t)
	buildBase(t, e, "commit-cancel-base")
	// The worker gets the time the commit takes on a loaded machine under
	// the race detector; past the bound it would be killed outright.
	e.stopTimeout = 2 * time.Minute
	t.Cleanup(func() { e.stopTimeout = engine.StopTimeout })
	dir := t.TempDir()
	enginetest.WriteFiles(t, dir, map[string]string{
		"Dockerfile": "FROM commit-cancel-base\nRUN head -c 50000000 /dev/zero >/big && echo written\n",
	})
	req := engine.Request{Image: "commit-cancel", ContextDir: dir, Dockerfile: filepath.Join(dir, "Dockerfile"), Tags: []string{"commit-cancel"}, NoCache: true}
	// The store, when this process next reads it, would remove a torn
	// layer and say so here.
	warnings := &enginetest.SyncBuffer{}
	logrus.SetOutput(warnings)
	t.Cleanup(func() { logrus.SetOutput(os.Stderr) })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	logs := &enginetest.SyncBuffer{}
	done := make(chan error, 1)
	go func() {
		_, err := e.Build(ctx, req, logs)
		done <- err
	}()
	// The RUN step wrote its file: the commit of its layer comes next.
	for !strings.Contains(logs.String(), "written\n") || len(incompleteLayers(t, testRoot)) == 0 {
		select {
		case err := <-done:
			t.Fatalf("the build ended before its layer was written (%v):\n%s", err, logs.String())
		case <-time.After(time.Millisecond):
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Build = %v, want context.Canceled", err)
	}
	cs, err := e.store.Containers()
	if err != nil {
		t.Fatal(err)
	}
	if torn := incompleteLayers(t, testRoot); len(torn) > 0 || warnings.String() != "" {
		t.Errorf("the cancel tore a commit: layers %v incomplete, store warnings %q; build log:\n%s", torn, warnings.String(), logs.String())
	}
	for _, c := range cs {
		t.Errorf("container %v is left in the store", c.Names)
	}
	req.Dockerfile = filepath.Join(dir, "again.dockerfile")
	enginetest.WriteFiles(t, dir, map[string]string{"again.dockerfile": "FROM commit-cancel-base\nRUN echo again >/again\n"})
	mustBuild(t, e, req)
}
