package embedded

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/containers/storage/pkg/reexec"
	"golang.org/x/sys/unix"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// waitDelay bounds how long a finished worker's output may stay open,
// held by a process that escaped it.
const waitDelay = 5 * time.Second

// Build builds req's image in a worker and returns its ID (the config
// digest) and size. The worker's output goes to logs as lines; canceling
// ctx ends what the worker started, then the worker, once a commit in
// flight finished or was rolled back (see stopWorker), waits until all of
// it is dead, and removes the build's working containers.
func (e *Engine) Build(ctx context.Context, req engine.Request, logs io.Writer) (engine.Result, error) {
	res, err := e.build(ctx, req, logs)
	if err != nil {
		return engine.Result{}, e.stops.Failed(req, logs, err)
	}
	return res, nil
}

// UnconfirmedStops names the canceled builds that may still run: processes
// that did not die within engine.StopTimeout of the cancel.
func (e *Engine) UnconfirmedStops() error { return e.stops.Err() }

func (e *Engine) build(ctx context.Context, req engine.Request, logs io.Writer) (engine.Result, error) {
	if fi, err := os.Stat(req.ContextDir); err != nil || !fi.IsDir() || !filepath.IsAbs(req.ContextDir) {
		return engine.Result{}, fmt.Errorf("build context %s is not an absolute path to a directory", req.ContextDir)
	}
	if !filepath.IsAbs(req.Dockerfile) {
		return engine.Result{}, fmt.Errorf("dockerfile %s is not an absolute path", req.Dockerfile)
	}
	suffix := make([]byte, 6)
	rand.Read(suffix)
	j := job{Root: e.root, Request: req, Suffix: "dockyard-" + hex.EncodeToString(suffix)}
	auth, err := req.BaseCredentials()
	if err != nil {
		return engine.Result{}, fmt.Errorf("finding the credentials to pull the bases with: %w", err)
	}
	j.Auth = auth
	release, err := e.holdBuild(j.Suffix)
	if err != nil {
		return engine.Result{}, err
	}
	defer release()
	id, err := e.runWorker(ctx, j, logs)
	if err != nil {
		return engine.Result{}, err
	}
	e.mu.Lock()
	size, err := e.store.ImageSize(id)
	e.mu.Unlock()
	if err != nil {
		return engine.Result{}, fmt.Errorf("reading the size of the built image %s: %w", id, err)
	}
	return engine.Result{ID: "sha256:" + id, Size: size}, nil
}

// runWorker runs j in a worker and returns the built image's ID.
func (e *Engine) runWorker(ctx context.Context, j job, logs io.Writer) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", context.Cause(ctx)
	}
	// The parent-death signal follows the thread that starts the worker:
	// no other goroutine may end that thread while the worker runs.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	stdin, toWorker, err := os.Pipe()
	if err != nil {
		return "", fmt.Errorf("starting a build worker: %w", err)
	}
	defer toWorker.Close()
	fromWorker, result, err := os.Pipe()
	if err != nil {
		stdin.Close()
		return "", fmt.Errorf("starting a build worker: %w", err)
	}
	defer fromWorker.Close()
	out := &output{logs: logs}
	cmd := reexec.Command(workerCommand)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, out, out
	cmd.ExtraFiles = []*os.File{result}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: parentDeathSignal}
	cmd.WaitDelay = waitDelay
	err = cmd.Start()
	stdin.Close()
	result.Close()
	if err != nil {
		return "", fmt.Errorf("starting a build worker: %w", err)
	}
	if err := json.NewEncoder(toWorker).Encode(j); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return "", fmt.Errorf("sending the request to the build worker: %w", err)
	}
	var o outcome
	decoded := make(chan error, 1)
	go func() { decoded <- json.NewDecoder(fromWorker).Decode(&o) }()
	// exited learns of the worker's end without reaping it: until
	// cmd.Wait reaps it, its pid and process group cannot be reused, so
	// killing them is safe.
	exited := make(chan struct{})
	go func() {
		var info unix.Siginfo
		for unix.Waitid(unix.P_PID, cmd.Process.Pid, &info, unix.WEXITED|unix.WNOWAIT, nil) == unix.EINTR {
		}
		close(exited)
	}()
	select {
	case <-exited:
	case <-ctx.Done():
		return "", e.stopWorker(ctx, cmd, exited, out, j.Suffix, func() outcome {
			if <-decoded != nil {
				return outcome{}
			}
			return o
		})
	}
	werr := cmd.Wait()
	out.flush()
	if derr := <-decoded; derr != nil {
		return "", fmt.Errorf("the build worker stopped without a result (%v)%s", werr, tailOf(out))
	}
	if o.Error != "" {
		return "", out.failure(o.Error)
	}
	return o.ID, nil
}

// stopWorker stops a canceled build and returns ctx's cause, with
// engine.ErrStopUnconfirmed if something of it may still run. It asks the
// worker to cancel the build (cancelSignal): the worker ends what the build
// runs and lets a commit in flight finish or roll back, so that no layer
// is torn. A worker that has not exited by killAllFor before stopTimeout
// is killed with everything under it (killWorker), by stopTimeout; a
// commit it was writing is then left incomplete, for the next opening of
// the store to remove (see openStore). stopWorker then reaps the worker
// and removes the build's working containers that buildah left. result is
// what the worker sent back, once it exited.
func (e *Engine) stopWorker(ctx context.Context, cmd *exec.Cmd, exited <-chan struct{}, out *output, suffix string, result func() outcome) error {
	cause := context.Cause(ctx)
	cmd.Process.Signal(cancelSignal)
	var left []int
	select {
	case <-exited:
		cmd.Wait()
		left = result().Left
	case <-time.After(max(e.stopTimeout-killAllFor, 0)):
		if err := killWorker(cmd.Process.Pid, exited, time.Now().Add(min(killAllFor, e.stopTimeout))); err != nil {
			// The worker may outlive this call: reap it whenever it ends.
			go cmd.Wait()
			return fmt.Errorf("%w; %w: %w %s after the cancel", cause, engine.ErrStopUnconfirmed, err, e.stopTimeout)
		}
		cmd.Wait()
	}
	out.flush()
	if len(left) > 0 {
		return fmt.Errorf("%w; %w: processes %v of the build did not die %s after the cancel", cause, engine.ErrStopUnconfirmed, left, e.stopTimeout)
	}
	return errors.Join(cause, e.removeContainers(suffix))
}

// removeContainers removes the working containers of a canceled build:
// their names end in suffix. The store drops the layers a killed worker's
// commit left incomplete by itself (see openStore).
func (e *Engine) removeContainers(suffix string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	cs, err := e.store.Containers()
	if err != nil {
		return fmt.Errorf("listing the canceled build's containers: %w", err)
	}
	var errs []error
	for _, c := range cs {
		for _, n := range c.Names {
			if strings.HasSuffix(n, suffix) || strings.Contains(n, suffix+"-") {
				if err := e.store.DeleteContainer(c.ID); err != nil {
					errs = append(errs, fmt.Errorf("removing the canceled build's container %s: %w", n, err))
				}
				break
			}
		}
	}
	return errors.Join(errs...)
}

// tailOf formats the last lines a worker wrote, for an error.
func tailOf(o *output) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var b strings.Builder
	for _, l := range o.tail {
		b.WriteString("\n  " + l)
	}
	return b.String()
}
