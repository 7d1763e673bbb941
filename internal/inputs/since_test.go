package inputs

import (
	"context"
	"os/exec"
	"slices"
	"testing"
)

func TestTouches(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, tree)
	s := NewScanner(root)
	src := Source{Context: "ctx", Dockerfile: "docker/ctx.dockerfile", Overlays: []Overlay{{Src: "lib", Dst: "dependency/lib"}}}
	for file, want := range map[string]bool{
		"ctx/a.txt":             true,
		"ctx/sub/b.txt":         true,
		"ctx/.dockerignore":     true,
		"ctx/keep.log":          true,
		"docker/ctx.dockerfile": true,
		"lib/lib.txt":           true,
		"ctx/debug.log":         false,
		"ctx/ignored/big.bin":   false,
		"ctx/.git/HEAD":         false,
		"lib/.git/HEAD":         false,
		"other/file":            false,
		"ctxother/file":         false,
	} {
		got, err := s.Touches(src, file)
		if err != nil || got != want {
			t.Errorf("Touches(%s) = %v, %v; want %v", file, got, err, want)
		}
	}
}

func TestChangedSince(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.txt": "a", "b.txt": "b", "sub/c.txt": "c", ".gitignore": "*.tmp\n"})
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", root, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run("init", "-q")
	run("add", ".")
	run("commit", "-q", "-m", "one")
	write("a.txt", "A")(t, root)                                 // unstaged
	writeTree(t, root, map[string]string{"new.txt": "n"})        // untracked
	writeTree(t, root, map[string]string{"junk.tmp": "ignored"}) // ignored by git
	remove("b.txt")(t, root)                                     // deleted
	got, err := ChangedSince(context.Background(), root, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a.txt", "b.txt", "new.txt"}; !slices.Equal(got, want) {
		t.Errorf("ChangedSince = %v, want %v", got, want)
	}
	if _, err := ChangedSince(context.Background(), root, "no-such-ref"); err == nil {
		t.Errorf("no error for an unknown ref")
	}
}
