package gitrepo

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRepositoryConfigRunsNothing checks that a repository's own
// configuration cannot make dockyard's git calls start a program, and that
// Describe and Head read the commit and the dirty state.
func TestRepositoryConfigRunsNothing(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	marker := filepath.Join(t.TempDir(), "ran")
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run("init", "-q")
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run("add", "f")
	run("commit", "-q", "-m", "one")
	hook := filepath.Join(dir, "hook.sh")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\ntouch "+marker+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	run("config", "core.fsmonitor", hook)

	ctx := context.Background()
	clean, err := Describe(ctx, dir)
	if err != nil || strings.HasSuffix(clean, "-dirty") || clean == "" {
		t.Fatalf("Describe of a clean tree = %q, %v", clean, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := Describe(ctx, dir); err != nil || got != clean+"-dirty" {
		t.Errorf("Describe of a changed tree = %q, %v; want %s-dirty", got, err, clean)
	}
	head, err := Head(ctx, dir)
	if err != nil || !strings.HasPrefix(head, clean) || len(head) != 40 {
		t.Errorf("Head = %q, %v; want the whole commit %s...", head, err, clean)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the repository's core.fsmonitor ran")
	}
	if _, err := Run(ctx, t.TempDir(), "ls-files"); !NotARepository(err) {
		t.Errorf("outside a work tree: %v, want NotARepository", err)
	}
}
