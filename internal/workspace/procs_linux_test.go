package workspace

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHooksDieWithDockyard kills a dockyard process (the test binary, see
// TestHelperProcess) with SIGKILL while its hook runs, and the hook left a
// process in the background that writes into the tree later. The hook
// dies with dockyard; Clean ends the process it left before removing
// what the run made; nothing is written afterwards.
func TestHooksDieWithDockyard(t *testing.T) {
	needBash(t)
	root, pids := t.TempDir(), t.TempDir()
	writeFiles(t, root, map[string]string{
		"src/app/Dockerfile": "FROM x",
		"src/app/build/build-pre.sh": `
( sleep 2; mkdir -p generated; echo late > generated/late.txt; echo late > late.txt ) &
echo $! > "$PIDS/orphan.pid"
echo $$ > "$PIDS/hook.pid"
sleep 60
`,
	})
	before := treeHash(t, root)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"=hook", "ROOT="+root, "PIDS="+pids, "GORACE=atexit_sleep_ms=0")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	hook, orphan := waitPID(t, pids, "hook.pid"), waitPID(t, pids, "orphan.pid")
	t.Cleanup(func() {
		syscall.Kill(hook, syscall.SIGKILL)
		syscall.Kill(orphan, syscall.SIGKILL)
	})
	cmd.Process.Kill()
	cmd.Wait()
	start := time.Now()
	for !gone(hook) {
		if time.Since(start) > 2*time.Second {
			t.Fatalf("the hook (pid %d) still runs 2s after dockyard died", hook)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := Clean(root); err != nil {
		t.Fatal(err)
	}
	if !gone(orphan) {
		t.Errorf("the process the hook left (pid %d) still runs after Clean", orphan)
	}
	time.Sleep(time.Until(start.Add(3 * time.Second)))
	if treeHash(t, root) != before {
		t.Errorf("the tree changed after Clean: %v", listTree(t, root))
	}
}

// waitPID waits for a process id written to dir/name.
func waitPID(t *testing.T, dir, name string) int {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		if s, ok := strings.CutSuffix(string(b), "\n"); ok {
			if pid, err := strconv.Atoi(s); err == nil {
				return pid
			}
		}
	}
	t.Fatalf("no %s within 10s", name)
	return 0
}
