package workspace

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"
)

// HookError is a hook that exited with a non-zero status.
type HookError struct {
	Script   string // root-relative
	ExitCode int    // 128+N when signal N killed it
}

func (e *HookError) Error() string {
	return fmt.Sprintf("%s exited with status %d", e.Script, e.ExitCode)
}

// RunHook runs `bash <script>` in dir (both root-relative) with the
// environment plus extra (KEY=VALUE, overriding), writing its stdout and
// stderr, merged in order, to out. Canceling ctx kills the hook's whole
// process group and returns ctx's cause. The hook dies with dockyard, and
// what it leaves running is ended when the run ends (see runEnv).
func (w *Workspace) RunHook(ctx context.Context, script, dir string, extra []string, out io.Writer) error {
	if out == nil {
		out = io.Discard
	}
	mark, err := w.procsEnv()
	if err != nil {
		return err
	}
	script = filepath.ToSlash(script)
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(w.dir, filepath.FromSlash(script)))
	cmd.Dir = filepath.Join(w.dir, filepath.FromSlash(dir))
	cmd.Env = append(append(os.Environ(), extra...), mark)
	// One writer for both: exec then uses one pipe, which keeps the order.
	cmd.Stdout, cmd.Stderr = out, out
	// Stop waiting for output soon after the hook ends, even if something
	// it left running in the background still holds the pipe.
	cmd.WaitDelay = 2 * time.Second
	setGroup(cmd)
	// The parent-death signal follows the thread that starts the hook:
	// no other goroutine may end that thread while the hook runs.
	runtime.LockOSThread()
	err = cmd.Run()
	runtime.UnlockOSThread()
	if aerr := w.adopt(); aerr != nil {
		return fmt.Errorf("after %s: %w", script, aerr)
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return context.Cause(ctx)
	case errors.Is(err, exec.ErrWaitDelay) && cmd.ProcessState.Success():
		return nil
	case errors.As(err, &exit):
		return &HookError{Script: script, ExitCode: exitStatus(exit.ProcessState)}
	}
	return fmt.Errorf("running %s: %w", script, err)
}
