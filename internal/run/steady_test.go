package run

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A no-op build runs no hook and copies nothing; a change to what a
// component's hooks read runs that component's steps again, and those of
// the components that copy it in.
func TestHooksSkippedByTheirInputs(t *testing.T) {
	f := newFixture(t)
	runs := filepath.Join(t.TempDir(), "runs")
	t.Setenv("HOOK_RUNS", runs)
	write(t, f.root, "src/lib/build/build-pre.sh", "echo lib >> \"$HOOK_RUNS\"\n")
	write(t, f.root, "src/app/build/build-pre.sh", "echo app >> \"$HOOK_RUNS\"\nmkdir -p generated; echo 1 > generated/stamp\n")
	ran := func() string {
		data, _ := os.ReadFile(runs)
		os.Remove(runs)
		return strings.Join(strings.Fields(string(data)), " ")
	}
	f.build(Options{})
	if got := ran(); got != "lib app" {
		t.Fatalf("first build ran %q", got)
	}
	if built, _ := f.build(Options{}); len(built) > 0 || ran() != "" {
		t.Errorf("a no-op build built %v and ran hooks", built)
	}
	if _, err := os.Stat(filepath.Join(f.root, "src/app/dependency")); err == nil {
		t.Error("the skipped copies left dependency/ behind")
	}

	write(t, f.root, "src/lib/lib.txt", "lib2")
	built, _ := f.build(Options{})
	if got := ran(); got != "lib app" {
		t.Errorf("a change in lib ran %q, want lib's and app's hooks", got)
	}
	if strings.Join(built, " ") != "app lib" {
		t.Errorf("built %v", built)
	}

	f.build(Options{RerunHooks: true})
	if got := ran(); got != "lib app" {
		t.Errorf("--rerun-hooks ran %q", got)
	}
	t.Setenv("STAMP", "2")
	f.build(Options{})
	if got := ran(); got != "lib app" {
		t.Errorf("a changed hooks.env variable ran %q, want every hook", got)
	}
	f.build(Options{})
	if got := ran(); got != "" {
		t.Errorf("a no-op after it ran %q", got)
	}
}

// A file a hook reads from outside its component, declared in hooks.inputs,
// runs the hook again when it changes, and the image says why it is built.
func TestHookInputs(t *testing.T) {
	f := newFixture(t)
	f.hookInputs = map[string][]string{"app": {"shared/x.txt"}}
	write(t, f.root, "shared/x.txt", "1")
	write(t, f.root, "src/app/build/build-pre.sh", "mkdir -p generated; cp ../../shared/x.txt generated/x\n")
	f.build(Options{})
	if built, _ := f.build(Options{}); len(built) > 0 {
		t.Fatalf("a no-op built %v", built)
	}
	write(t, f.root, "shared/x.txt", "2")
	if got := f.predict()["app"]; got != "build hook input shared/x.txt changed" {
		t.Errorf("plan says %q", got)
	}
	built, statuses := f.build(Options{})
	if strings.Join(built, " ") != "app" || statuses["app"] != "built file src/app/generated/x changed" {
		t.Errorf("built %v: %v", built, statuses)
	}
}
