package workspace

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// tailLines is how much of a failed hook's output a HookError keeps.
const tailLines = 20

// HookError is a hook that exited with a non-zero status.
type HookError struct {
	Script   string   // root-relative
	ExitCode int      // 128+N when signal N killed it
	Tail     []string // the last lines of its output
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
	h := &hookOutput{out: out}
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(w.dir, filepath.FromSlash(script)))
	cmd.Dir = filepath.Join(w.dir, filepath.FromSlash(dir))
	cmd.Env = append(append(os.Environ(), extra...), mark)
	// One writer for both: exec then uses one pipe, which keeps the order.
	cmd.Stdout, cmd.Stderr = h, h
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
		return &HookError{Script: script, ExitCode: exitStatus(exit.ProcessState), Tail: h.tail()}
	}
	return fmt.Errorf("running %s: %w", script, err)
}

// hookOutput passes a hook's output on and keeps its last lines.
type hookOutput struct {
	out     io.Writer
	mu      sync.Mutex
	lines   []string // complete lines, at most tailLines
	partial []byte   // the line being written
}

func (h *hookOutput) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	rest := p
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			h.partial = append(h.partial, rest...)
			break
		}
		line := string(append(h.partial, rest[:i]...))
		h.partial = h.partial[:0]
		h.lines = append(h.lines, strings.TrimSuffix(line, "\r"))
		if len(h.lines) > tailLines {
			h.lines = h.lines[len(h.lines)-tailLines:]
		}
		rest = rest[i+1:]
	}
	return h.out.Write(p)
}

// tail returns the last lines written, the unfinished one included.
func (h *hookOutput) tail() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	lines := append([]string(nil), h.lines...)
	if len(h.partial) > 0 {
		lines = append(lines, string(h.partial))
	}
	if len(lines) > tailLines {
		lines = lines[len(lines)-tailLines:]
	}
	return lines
}
