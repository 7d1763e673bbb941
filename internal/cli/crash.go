package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dockyard-build/dockyard/internal/sched"
)

// errCrashed is why a run's context ends when dockyard panics.
var errCrashed = errors.New("dockyard crashed")

// atCrash registers what must run even when dockyard panics: removing what
// the run made in the source tree, above all. Registered functions run
// last first; each must be safe to call again after the command ran it.
func (g *globals) atCrash(f func() error) {
	g.cleanups = append(g.cleanups, f)
}

// crashed handles a panic of the command: it stops what still runs,
// cleans up, keeps the stack in a log file and says, on one line, that
// this is a bug and where the log is. It returns exitBug.
func (g *globals) crashed(cancel context.CancelCauseFunc, value any, stack []byte) int {
	cancel(errCrashed)
	var failed []error
	for i := len(g.cleanups) - 1; i >= 0; i-- {
		failed = append(failed, runCleanup(g.cleanups[i]))
	}
	g.reportBug(fmt.Sprintf("panic: %v", value), stack)
	if err := errors.Join(failed...); err != nil {
		fmt.Fprintf(g.stderr, "dockyard: cleaning up after the crash: %s\n", firstLine(err.Error()))
	}
	return exitBug
}

// runCleanup runs one cleanup; a cleanup that panics too is an error, so
// that the others still run.
func runCleanup(f func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return f()
}

// bugError returns the panic of a task that the scheduler turned into an
// error, if err holds one.
func bugError(err error) (*sched.PanicError, bool) {
	return errors.AsType[*sched.PanicError](err)
}

// reportBug writes what a panic said and its stack to a log file and
// prints one line: that this is a bug, and where the log is.
func (g *globals) reportBug(what string, stack []byte) {
	where := "the log could not be written"
	if path, err := g.writeCrashLog(what, stack); err == nil {
		where = "log: " + path
	}
	g.printError(fmt.Errorf("bug: %s (this is a bug in dockyard, please report it; %s)", firstLine(what), where), exitBug)
}

// writeCrashLog keeps a crash's stack in .dockyard/logs of the repository
// when that folder can take it, else in the temporary folder.
func (g *globals) writeCrashLog(what string, stack []byte) (string, error) {
	dir := filepath.Join(g.dir, filepath.FromSlash(logDir))
	if !realDir(filepath.Join(g.dir, dotDir)) || !realDir(dir) && os.Mkdir(dir, 0o755) != nil {
		dir = os.TempDir()
	}
	f, err := os.CreateTemp(dir, "crash-*.log")
	if err != nil {
		return "", err
	}
	_, err = fmt.Fprintf(f, "dockyard %s\nargs: %q\n\n%s\n\n%s", versionString(), os.Args[1:], what, stack)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return f.Name(), err
}

// realDir reports whether path is a folder, not a symlink to one.
func realDir(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode().Type() == fs.ModeDir
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
