package workspace

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The test binary doubles as a second dockyard process: see TestHelperProcess.
const helperEnv = "DOCKYARD_WORKSPACE_HELPER"

func TestOpenRecoversAfterCrash(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"src/lib/a.txt": "a", "src/web/Dockerfile": "FROM lib"})
	hash := treeHash(t, root)
	// A real process dies mid-run: it copies, claims, a hook writes, exit(1).
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"=crash", "ROOT="+root, "GORACE=atexit_sleep_ms=0")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "crashing") {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(root, "src/web/dependency/lib/a.txt")); err != nil {
		t.Fatalf("the crashed run left no copy behind: %v", err)
	}
	w := open(t, root)
	want := []string{"src/web/dependency/lib", "src/web/dependency", "src/web/generated"}
	if diff := cmp.Diff(want, w.Recovered); diff != "" {
		t.Errorf("Recovered (-want +got):\n%s", diff)
	}
	if got := treeHash(t, root); got != hash {
		t.Errorf("after recovery the tree is %v", listTree(t, root))
	}
}

func TestCleanAfterCrash(t *testing.T) {
	root := t.TempDir()
	// A leftover in .dockyard/tmp that no journal lists is dockyard's too.
	writeFiles(t, root, map[string]string{"src/lib/a.txt": "a", "src/web/Dockerfile": "FROM lib", ".dockyard/tmp/old/x": "x"})
	w := open(t, root)
	if err := w.CopyDir("src/lib", "src/web/dependency/lib"); err != nil {
		t.Fatal(err)
	}
	tmp, err := w.TempDir("ctx-")
	if err != nil {
		t.Fatal(err)
	}
	w.crash()

	cleaned, err := Clean(root)
	if err != nil {
		t.Fatal(err)
	}
	removed := cleaned.Removed
	tmpRel := ".dockyard/tmp/" + filepath.Base(tmp)
	want := []string{"src/web/dependency/lib", tmpRel, "src/web/dependency", ".dockyard/tmp/old"}
	if diff := cmp.Diff(want, removed); diff != "" {
		t.Errorf("Clean removed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"src", "src/lib", "src/lib/a.txt", "src/web", "src/web/Dockerfile"}, listTree(t, root)); diff != "" {
		t.Errorf("tree after Clean (-want +got):\n%s", diff)
	}
	cleaned, err = Clean(root)
	if err != nil || len(cleaned.Removed) != 0 {
		t.Errorf("second Clean = %q, %v; want nothing", cleaned.Removed, err)
	}
}

func TestRecoveryLeavesWhatChanged(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"user/full/x":    "the user's, made after dockyard only journaled the name",
		"user/file":      "not empty",
		"user/replaced":  "dockyard made a folder here; the user put a file",
		"user/inode/x":   "made again by the user",
		"src/broken/dir": "",
	})
	os.Remove(filepath.Join(root, "src/broken/dir"))
	os.Mkdir(filepath.Join(root, "src/broken/dir"), 0o755) // empty, as dockyard left it
	journal := strings.Join([]string{
		`{"op":"add","path":"user/full","dir":true}`,
		`{"op":"add","path":"user/file"}`,
		`{"op":"add","path":"user/replaced","dir":true}`,
		`{"op":"made","path":"user/replaced","id":"1:1"}`,
		`{"op":"add","path":"user/inode","dir":true}`,
		`{"op":"made","path":"user/inode","id":"1:1"}`,
		`{"op":"add","path":"src/broken/dir","dir":true}`,
		`{"op":"add","path":"../outside","dir":true}`,
		`{"op":"add","path":"user","dir":true}`,
		`{"op":"drop","path":"user"}`,
		`{"op":"add","path":"user/gone","dir":tr`, // torn by the crash
	}, "\n")
	writeFiles(t, root, map[string]string{".dockyard/journal": journal})
	w := open(t, root)
	if diff := cmp.Diff([]string{"src/broken/dir"}, w.Recovered); diff != "" {
		t.Errorf("Recovered (-want +got):\n%s", diff)
	}
	wantLeft := []string{"user/file", "user/full", "user/replaced"}
	if idOf(t, root, "user/inode") != "" {
		wantLeft = []string{"user/file", "user/full", "user/inode", "user/replaced"}
	}
	var left []string
	for _, l := range w.Left {
		p, _, _ := strings.Cut(l, " ")
		left = append(left, p)
	}
	if diff := cmp.Diff(wantLeft, left); diff != "" {
		t.Errorf("Left (-want +got):\n%s", diff)
	}
	for _, p := range []string{"user/full/x", "user/file", "user/replaced", "user/inode/x"} {
		mustLstat(t, root, p)
	}
}

func TestLockedByAnotherProcess(t *testing.T) {
	root := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"=hold", "ROOT="+root, "GORACE=atexit_sleep_ms=0")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "locked\n" {
		t.Fatalf("helper said %q", line)
	}
	_, err := Open(root)
	var locked *LockedError
	if !errors.As(err, &locked) || locked.PID != cmd.Process.Pid {
		t.Fatalf("Open = %v, want a LockedError naming pid %d", err, cmd.Process.Pid)
	}
	want := "another dockyard run (pid " + strconv.Itoa(cmd.Process.Pid) + ") is using " + root + "; wait for it to finish"
	if err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}

func TestLockedInThisProcess(t *testing.T) {
	root := t.TempDir()
	w := open(t, root)
	_, err := Open(root)
	var locked *LockedError
	if !errors.As(err, &locked) || locked.PID != os.Getpid() {
		t.Fatalf("second Open = %v, want a LockedError naming pid %d", err, os.Getpid())
	}
	w.Close()
	w2, err := Open(root)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	w2.Close()
}

// TestHelperProcess is a second dockyard process for the tests above.
func TestHelperProcess(t *testing.T) {
	root := os.Getenv("ROOT")
	switch os.Getenv(helperEnv) {
	case "hold":
		w, err := Open(root)
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		fmt.Println("locked")
		os.Stdin.Read(make([]byte, 1)) // until the test closes stdin
		w.Close()
		os.Exit(0)
	case "crash":
		w, err := Open(root)
		if err == nil {
			err = w.CopyDir("src/lib", "src/web/dependency/lib")
		}
		if err == nil {
			err = w.Claim("src/web/generated")
		}
		if err == nil {
			err = os.MkdirAll(filepath.Join(root, "src/web/generated/out"), 0o755)
		}
		fmt.Println("crashing", err)
		os.Exit(1)
	case "hook":
		w, err := Open(root)
		if err == nil {
			err = w.Claim("src/app/generated")
		}
		if err == nil {
			err = w.RunHook(context.Background(), "src/app/build/build-pre.sh", "src/app", nil, os.Stdout)
		}
		fmt.Println("the hook ended", err)
		os.Exit(1)
	}
}
