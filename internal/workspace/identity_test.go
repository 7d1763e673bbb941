package workspace

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRecoveryRemovesOnlyWhatDockyardMade crashes runs that claimed a
// generated/ and lets someone else make one in its place: recovery leaves
// every such folder and its files where they are.
func TestRecoveryRemovesOnlyWhatDockyardMade(t *testing.T) {
	for name, after := range map[string]func(t *testing.T, root string){
		// The user makes generated/ after the crash, as pai's users did.
		"made again by the user": func(t *testing.T, root string) {
			if err := os.RemoveAll(filepath.Join(root, "src/app/generated")); err != nil {
				t.Fatal(err)
			}
			writeFiles(t, root, map[string]string{"src/app/generated/notes.txt": "the user's"})
		},
		// The user removes it and makes an empty one of the same name:
		// it may even get the same inode number.
		"made again, empty": func(t *testing.T, root string) {
			gen := filepath.Join(root, "src/app/generated")
			if err := os.RemoveAll(gen); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(gen, 0o755); err != nil {
				t.Fatal(err)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			writeFiles(t, root, map[string]string{"src/app/Dockerfile": "FROM x"})
			w := open(t, root)
			if err := w.Claim("src/app/generated"); err != nil {
				t.Fatal(err)
			}
			w.crash()
			after(t, root)
			before := treeHash(t, root)
			cleaned, err := Clean(root)
			if err != nil {
				t.Fatal(err)
			}
			if len(cleaned.Removed) != 0 {
				t.Errorf("Clean removed %q", cleaned.Removed)
			}
			if treeHash(t, root) != before {
				t.Errorf("Clean changed the user's tree: %v", listTree(t, root))
			}
		})
	}
}

// TestRecoveryOfAnUnconfirmedClaim replays the journal of a run that
// claimed generated/ for a hook and died before the hook made it; the user
// made it then. Recovery leaves it.
func TestRecoveryOfAnUnconfirmedClaim(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		".dockyard/journal":           `{"op":"add","path":"src/app/generated","dir":true,"step":true}` + "\n",
		"src/app/generated/README.md": "the user's",
	})
	before := treeHash(t, root)
	w := open(t, root)
	if len(w.Recovered) != 0 {
		t.Errorf("Recovered = %q", w.Recovered)
	}
	if treeHash(t, root) != before {
		t.Errorf("recovery changed the user's tree: %v", listTree(t, root))
	}
}

// TestRecoveryNeverRemovesWhatGitHolds replays journals that name .git,
// and a folder dockyard made into which a git checkout brought tracked
// files: all stay, and git status stays clean.
func TestRecoveryNeverRemovesWhatGitHolds(t *testing.T) {
	root := gitRepo(t, map[string]string{"src/app/generated/README": "tracked", "src/app/Dockerfile": "FROM x"})
	if err := os.RemoveAll(filepath.Join(root, "src/app/generated")); err != nil {
		t.Fatal(err)
	}
	w := open(t, root)
	if err := w.Claim("src/app/generated"); err != nil {
		t.Fatal(err)
	}
	w.crash()
	git(t, root, "checkout", "--", "src/app/generated")

	// Lines a hand could add: .git itself and a folder of it, with the
	// identities they have now.
	var extra []string
	for _, p := range []string{".git", ".git/refs", "src/.git"} {
		if p == "src/.git" {
			writeFiles(t, root, map[string]string{"src/.git/HEAD": "a nested repository's"})
		}
		id := idOf(t, root, p)
		extra = append(extra,
			`{"op":"add","path":"`+p+`","dir":true,"step":true}`,
			`{"op":"add","path":"`+p+`","dir":true}`,
			`{"op":"made","path":"`+p+`","id":"`+id+`"}`)
	}
	appendJournal(t, root, extra...)
	before := treeHash(t, root)

	if _, err := Clean(root); err != nil {
		t.Logf("Clean: %v", err)
	}
	if treeHash(t, root) != before {
		t.Errorf("Clean changed the tree: %v", listTree(t, root))
	}
	for _, p := range []string{".git/HEAD", ".git/refs", "src/.git/HEAD", "src/app/generated/README"} {
		mustLstat(t, root, p)
	}
	if out := git(t, root, "status", "--porcelain"); out != "" {
		t.Errorf("git status after Clean:\n%s", out)
	}
}

// idOf is the identity of the path p under root.
func idOf(t *testing.T, root, p string) string {
	t.Helper()
	r, err := os.OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	id, err := (&Workspace{root: r}).identify(p, false)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// gitRepo makes a git repository holding files, all committed.
func gitRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	root := t.TempDir()
	writeFiles(t, root, files)
	git(t, root, "init", "-q")
	git(t, root, "add", "-A")
	git(t, root, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "init")
	return root
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// appendJournal adds lines to the journal a crashed run left.
func appendJournal(t *testing.T, root string, lines ...string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(root, ".dockyard", "journal"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(strings.Join(lines, "\n") + "\n"); err != nil {
		t.Fatal(err)
	}
}
