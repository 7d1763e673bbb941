package workspace

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func needBash(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
}

func TestRunHookEnvDirAndOrder(t *testing.T) {
	needBash(t)
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"src/web/build/build-pre.sh": `
echo "component=$DOCKYARD_COMPONENT tag=$DOCKYARD_IMAGE_TAG"
echo "in $(basename "$PWD")"
echo to-stderr >&2
echo to-stdout
printf 'no newline'
`})
	var out bytes.Buffer
	extra := []string{"DOCKYARD_COMPONENT=web", "DOCKYARD_IMAGE_TAG=v1"}
	if err := open(t, root).RunHook(context.Background(), "src/web/build/build-pre.sh", "src/web", extra, &out); err != nil {
		t.Fatal(err)
	}
	want := "component=web tag=v1\nin web\nto-stderr\nto-stdout\nno newline"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestRunHookFailure(t *testing.T) {
	needBash(t)
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"src/web/build/build-post.sh": `
for i in $(seq 1 30); do echo "line $i"; done
echo "last words" >&2
exit 3
`})
	err := open(t, root).RunHook(context.Background(), "src/web/build/build-post.sh", "src/web", nil, nil)
	var hook *HookError
	if !errors.As(err, &hook) {
		t.Fatalf("RunHook = %v, want a HookError", err)
	}
	if got, want := err.Error(), "src/web/build/build-post.sh exited with status 3"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	if hook.ExitCode != 3 {
		t.Errorf("exit code = %d, want 3", hook.ExitCode)
	}
}

func TestRunHookMissingFolder(t *testing.T) {
	needBash(t)
	root := t.TempDir()
	w := open(t, root)
	err := w.RunHook(context.Background(), "x.sh", "no/such/dir", nil, nil)
	if err == nil || !strings.Contains(err.Error(), "running x.sh") {
		t.Errorf("RunHook = %v, want an error running x.sh", err)
	}
	writeFiles(t, root, map[string]string{"ok.sh": "true"})
	if err := w.RunHook(context.Background(), filepath.FromSlash("ok.sh"), ".", nil, nil); err != nil {
		t.Errorf("RunHook = %v", err)
	}
}

// TestHookMayMakeItsFolderAnew lets a hook remove the generated/ dockyard
// made for it and make its own, as hooks written for pai do: that one is
// the run's too, kept and removed as dockyard's own.
func TestHookMayMakeItsFolderAnew(t *testing.T) {
	needBash(t)
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"src/web/build/build-pre.sh": "rm -rf generated && mkdir generated && echo made > generated/out\n"})
	before := listTree(t, root)
	w := open(t, root)
	if err := w.Claim("src/web/generated"); err != nil {
		t.Fatal(err)
	}
	if err := w.RunHook(context.Background(), "src/web/build/build-pre.sh", "src/web", nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Keep("src/web/generated", ".dockyard/artifacts/web"); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, listTree(t, root)); diff != "" {
		t.Errorf("tree after Close (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"out"}, names(t, root, ".dockyard/artifacts/web")); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
}
