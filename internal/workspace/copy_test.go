package workspace

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheck(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"src/web/dependency/x": "mine", "src/api/generated": "a file"})
	w := open(t, root)
	err := w.Check("src/web/dependency", "src/web/generated", "src/api/generated", "src/web/dependency")
	var conflicts []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var c *ConflictError
		if !errors.As(e, &c) {
			t.Fatalf("not a ConflictError: %v", e)
		}
		conflicts = append(conflicts, c.Path)
	}
	if diff := cmp.Diff([]string{"src/web/dependency", "src/api/generated"}, conflicts); diff != "" {
		t.Errorf("conflicts (-want +got):\n%s", diff)
	}
	want := "src/web/dependency exists and was not made by dockyard; move it away or remove it (dockyard never deletes what it did not create)"
	if first, _, _ := strings.Cut(err.Error(), "\n"); first != want {
		t.Errorf("message = %q, want %q", first, want)
	}
	if err := w.Check("src/web/generated", "src/lib/dependency"); err != nil {
		t.Errorf("Check of absent paths = %v", err)
	}
	if err := w.Check("../elsewhere"); err == nil {
		t.Error("Check accepted a path outside the repository")
	}
}

func TestCopyDirTree(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"src/lib/run.sh":       "#!/bin/sh",
		"src/lib/conf/a.yaml":  "a: 1",
		"src/lib/.git/HEAD":    "ref",
		"src/lib/empty/.keep":  "",
		"src/lib/secret.txt":   "s",
		"src/lib/conf/b/c.txt": "c",
	})
	lib := filepath.Join(root, "src/lib")
	os.Chmod(filepath.Join(lib, "run.sh"), 0o755)
	os.Chmod(filepath.Join(lib, "secret.txt"), 0o600)
	if err := os.Symlink("conf/a.yaml", filepath.Join(lib, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc", filepath.Join(lib, "abs")); err != nil {
		t.Fatal(err)
	}
	w := open(t, root)
	if err := w.CopyDir("src/lib", "src/web/dependency/lib"); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(root, "src/web/dependency/lib")
	for _, p := range []string{"run.sh", "secret.txt", "conf/a.yaml", "conf/b/c.txt", "empty/.keep"} {
		src, got := mustLstat(t, lib, p), mustLstat(t, dst, p)
		if runtime.GOOS != "windows" && got.Mode() != src.Mode() {
			t.Errorf("%s: mode %v, want %v", p, got.Mode(), src.Mode())
		}
		a, _ := os.ReadFile(filepath.Join(lib, p))
		b, _ := os.ReadFile(filepath.Join(dst, p))
		if string(a) != string(b) {
			t.Errorf("%s: content %q, want %q", p, b, a)
		}
	}
	for link, want := range map[string]string{"link": "conf/a.yaml", "abs": "/etc"} {
		if got, err := os.Readlink(filepath.Join(dst, link)); err != nil || got != want {
			t.Errorf("%s: Readlink = %q, %v; want a symlink to %q", link, got, err, want)
		}
	}
	if _, err := os.Lstat(filepath.Join(dst, ".git")); err == nil {
		t.Error(".git was copied")
	}
	journal, _ := os.ReadFile(filepath.Join(root, ".dockyard/journal"))
	for _, rec := range []string{
		`{"op":"add","path":"src/web","dir":true}`,
		`{"op":"add","path":"src/web/dependency","dir":true}`,
		`{"op":"add","path":"src/web/dependency/lib","dir":true}`,
		`{"op":"made","path":"src/web/dependency/lib"`,
	} {
		if !strings.Contains(string(journal), rec) {
			t.Errorf("journal lacks %s:\n%s", rec, journal)
		}
	}
	if err := w.CopyDir("src/lib", "src/web/dependency/lib"); err == nil {
		t.Error("copying onto dockyard's own copy again succeeded")
	}
	if err := w.CopyDir("src/lib/run.sh", "src/web/x"); err == nil {
		t.Error("CopyDir of a file succeeded")
	}
}

func TestCopyDirIntoItselfDoesNotRecurse(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"src/lib/a.txt": "a", "src/lib/sub/b.txt": "b"})
	w := open(t, root)
	if err := w.CopyDir("src/lib", "src/lib/dependency/lib"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"src", "src/lib", "src/lib/a.txt",
		"src/lib/dependency", "src/lib/dependency/lib", "src/lib/dependency/lib/a.txt",
		"src/lib/dependency/lib/sub", "src/lib/dependency/lib/sub/b.txt",
		"src/lib/sub", "src/lib/sub/b.txt",
	}
	if diff := cmp.Diff(want, listTree(t, root)); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
}

func TestUserDependencyFolderIsNeverTouched(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"src/lib/a.txt":                 "a",
		"src/web/dependency/lib/own.go": "the user's vendored copy",
		"src/web/generated/keep.txt":    "the user's",
	})
	hash := treeHash(t, root)
	w := open(t, root)
	err := w.Check("src/web/dependency", "src/web/generated")
	var conflict *ConflictError
	if !errors.As(err, &conflict) || conflict.Path != "src/web/dependency" {
		t.Fatalf("Check = %v, want a ConflictError for src/web/dependency", err)
	}
	err = w.CopyDir("src/lib", "src/web/dependency/lib")
	if !errors.As(err, &conflict) || conflict.Path != "src/web/dependency/lib" {
		t.Errorf("CopyDir = %v, want a ConflictError for src/web/dependency/lib", err)
	}
	if err := w.Claim("src/web/generated"); !errors.As(err, &conflict) {
		t.Errorf("Claim = %v, want a ConflictError", err)
	}
	if err := w.Release("src/web/dependency"); err == nil {
		t.Error("Release of the user's folder succeeded")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := treeHash(t, root); got != hash {
		t.Errorf("the user's tree changed: %v", listTree(t, root))
	}
}

func TestCopyRefusesEscapingSymlink(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	writeFiles(t, outside, map[string]string{"secret": "s"})
	writeFiles(t, root, map[string]string{"src/web/Dockerfile": "FROM x"})
	if err := os.Symlink(outside, filepath.Join(root, "src/out")); err != nil {
		t.Fatal(err)
	}
	w := open(t, root)
	for _, src := range []string{"src/out", "src/out/secret", "../" + filepath.Base(outside)} {
		if err := w.Copy(src, "src/web/copy"); err == nil {
			t.Errorf("Copy(%s) succeeded", src)
		}
	}
	if _, err := os.Lstat(filepath.Join(root, "src/web/copy")); err == nil {
		t.Error("a refused copy left its destination")
	}
}

func TestCopyFileReleaseAndKeep(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"src/web/build/list.txt":      "x",
		".dockyard/artifacts/web/old": "from the last run",
		"src/web/Dockerfile":          "FROM x",
		"src/api/Dockerfile":          "FROM x",
	})
	w := open(t, root)
	if err := w.Copy("src/web/build/list.txt", "src/web/ctx/list.txt"); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(root, "src/web/ctx/list.txt")); err != nil || string(b) != "x" {
		t.Fatalf("copied file = %q, %v", b, err)
	}
	if err := w.Release("src/web/ctx/list.txt"); err != nil {
		t.Fatal(err)
	}
	mustLstat(t, root, "src/web/ctx") // the parent stays journaled until Close
	if err := w.Release("src/web/ctx/list.txt"); err == nil {
		t.Error("releasing twice succeeded")
	}

	for _, c := range []string{"web", "api"} {
		if err := w.Claim("src/" + c + "/generated"); err != nil {
			t.Fatal(err)
		}
	}
	writeFiles(t, root, map[string]string{"src/web/generated/out.bin": "new"})
	os.Chmod(filepath.Join(root, "src/web/generated"), 0o555) // read-only, as hooks leave some
	if err := w.Keep("src/web/generated", ".dockyard/artifacts/web"); err != nil {
		t.Fatal(err)
	}
	if err := w.Keep("src/api/generated", ".dockyard/artifacts/api"); err != nil {
		t.Errorf("Keep of a generated/ the hook did not make: %v", err)
	}
	if diff := cmp.Diff([]string{"out.bin"}, names(t, root, ".dockyard/artifacts/web")); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
	if err := w.Keep("src/web/Dockerfile", "artifacts/web"); err == nil {
		t.Error("Keep outside .dockyard succeeded")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"src/web/ctx", "src/web/generated", "src/api/generated"} {
		if _, err := os.Lstat(filepath.Join(root, p)); err == nil {
			t.Errorf("%s survived Close", p)
		}
	}
}

func names(t *testing.T, root, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(root, dir))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func TestCloseRemovesReadOnlyTrees(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"src/lib/ro/file": "x"})
	w := open(t, root)
	if err := w.Claim("src/lib/generated"); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, root, map[string]string{"src/lib/generated/mod/a/b.go": "x"})
	for _, d := range []string{"src/lib/generated/mod/a", "src/lib/generated/mod"} {
		os.Chmod(filepath.Join(root, d), 0o555)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(root, "src/lib/generated")); err == nil {
		t.Error("read-only generated/ survived Close")
	}
}
