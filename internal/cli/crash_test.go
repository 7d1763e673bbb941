package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/dockyard-build/dockyard/internal/sched"
	"github.com/dockyard-build/dockyard/internal/workspace"
)

// bugLine is the one line a crash prints; its group is the log's path.
var bugLine = regexp.MustCompile(`^dockyard: bug: (.*panic: .+) \(this is a bug in dockyard, please report it; log: (.+)\)\n$`)

// crashRun runs a command that does what run does, as Main runs the
// commands, in a repository of its own.
func crashRun(t *testing.T, run func(g *globals) error) (code int, dir, stderr string) {
	t.Helper()
	dir = t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "src", "lib"), 0o755); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	g := &globals{dir: dir, stdout: &out, stderr: &errOut}
	cmd := &cobra.Command{Use: "dockyard", SilenceErrors: true, SilenceUsage: true,
		RunE: func(*cobra.Command, []string) error { return run(g) }}
	return g.execute(t.Context(), cmd, nil), dir, errOut.String()
}

// checkBug checks the exit code, the one line that stderr is and the log
// it names.
func checkBug(t *testing.T, code int, stderr, value string) {
	t.Helper()
	if code != exitBug {
		t.Errorf("exit code %d, want %d", code, exitBug)
	}
	m := bugLine.FindStringSubmatch(stderr)
	if m == nil || !strings.HasSuffix(m[1], value) {
		t.Fatalf("stderr does not end with the bug line for %q:\n%s", value, stderr)
	}
	log, err := os.ReadFile(m[2])
	if err != nil {
		t.Fatalf("the log the line names: %v", err)
	}
	if !bytes.Contains(log, []byte(value)) || !bytes.Contains(log, []byte("crash_test.go")) {
		t.Errorf("the log lacks the panic or its stack:\n%s", log)
	}
}

// TestPanicIsABug panics in a command that made a folder in the source
// tree: exit 3, one line naming the log, and the folder is gone.
func TestPanicIsABug(t *testing.T) {
	code, dir, stderr := crashRun(t, func(g *globals) error {
		ws, err := workspace.Open(g.dir)
		if err != nil {
			return err
		}
		g.atCrash(ws.Close)
		if err := ws.CopyDir("src/lib", "src/app/dependency/lib"); err != nil {
			return err
		}
		images := []string{"app"}
		return errors.New(images[len(images)]) // out of range: a real runtime panic
	})
	checkBug(t, code, stderr, "runtime error: index out of range [1] with length 1")
	if _, err := os.Stat(filepath.Join(dir, "src", "app")); !os.IsNotExist(err) {
		t.Errorf("the cleanup did not run: src/app is there (%v)", err)
	}
	if !strings.Contains(stderr, filepath.Join(dir, logDir)) {
		t.Errorf("the log is not in the repository's %s: %s", logDir, stderr)
	}
}

// TestTaskPanicIsABug panics in a task of the scheduler, in a goroutine
// of its own: the run ends as after a failure, and exits 3.
func TestTaskPanicIsABug(t *testing.T) {
	code, _, stderr := crashRun(t, func(*globals) error {
		_, err := sched.Run(context.Background(), []sched.Task{{ID: "app"}}, sched.Options{}, func(context.Context, string) error {
			var p *sched.Task
			_ = p.ID // a nil pointer: a real runtime panic
			return nil
		})
		return err
	})
	checkBug(t, code, stderr, "runtime error: invalid memory address or nil pointer dereference")
}
