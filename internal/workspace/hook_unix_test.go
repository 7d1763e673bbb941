//go:build unix

package workspace

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRunHookCancelKillsTheGroup(t *testing.T) {
	needBash(t)
	root := t.TempDir()
	// The hook's child, in the background, holds the output pipe open too.
	writeFiles(t, root, map[string]string{"hook.sh": `
sleep 60 &
echo $! > sleep.pid
wait
`})
	cause := errors.New("interrupted")
	ctx, cancel := context.WithCancelCause(context.Background())
	done := make(chan error, 1)
	w := open(t, root)
	go func() { done <- w.RunHook(ctx, "hook.sh", ".", nil, nil) }()

	var pid int
	for deadline := time.Now().Add(10 * time.Second); pid == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the hook did not start sleep")
		}
		b, _ := os.ReadFile(filepath.Join(root, "sleep.pid"))
		if s := strings.TrimSpace(string(b)); strings.HasSuffix(string(b), "\n") {
			pid, _ = strconv.Atoi(s)
		}
	}
	start := time.Now()
	cancel(cause)
	select {
	case err := <-done:
		if !errors.Is(err, cause) {
			t.Errorf("RunHook = %v, want the cancel cause", err)
		}
	case <-time.After(time.Second):
		t.Fatal("RunHook did not return within a second of canceling")
	}
	for !gone(pid) {
		if time.Since(start) > time.Second {
			t.Fatalf("sleep (pid %d) still runs a second after canceling", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// gone reports whether the process has ended (a zombie waiting for a
// parent to reap it has ended too).
func gone(pid int) bool {
	if errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
		return true
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	_, after, _ := strings.Cut(string(stat), ") ")
	return strings.HasPrefix(after, "Z")
}

func TestRunHookKilledBySignal(t *testing.T) {
	needBash(t)
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"hook.sh": "kill -TERM $$"})
	err := open(t, root).RunHook(context.Background(), "hook.sh", ".", nil, nil)
	var hook *HookError
	if !errors.As(err, &hook) || hook.ExitCode != 128+int(syscall.SIGTERM) {
		t.Errorf("RunHook = %v, want exit status %d", err, 128+int(syscall.SIGTERM))
	}
}
