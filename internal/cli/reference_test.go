package cli

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

var update = flag.Bool("update", false, "rewrite docs/reference and docs/man from the commands")

// referenceDate is the date the man pages carry: fixed, so that they
// change only when the commands do.
var referenceDate = time.Date(2026, time.November, 1, 0, 0, 0, 0, time.UTC)

// TestCommandReference checks that the markdown command reference
// (docs/reference) and the man pages (docs/man) are what cobra's doc
// generator makes of the commands as they are; -update rewrites them.
func TestCommandReference(t *testing.T) {
	root := newRootCmd(&globals{stdout: io.Discard, stderr: io.Discard})
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	noGenTag(root)
	md, man := t.TempDir(), t.TempDir()
	if err := doc.GenMarkdownTree(root, md); err != nil {
		t.Fatal(err)
	}
	header := &doc.GenManHeader{Title: "DOCKYARD", Section: "1", Date: &referenceDate, Source: "dockyard", Manual: "dockyard manual"}
	if err := doc.GenManTree(root, header, man); err != nil {
		t.Fatal(err)
	}
	for generated, want := range map[string]string{md: "../../docs/reference", man: "../../docs/man"} {
		if *update {
			if err := os.RemoveAll(want); err != nil {
				t.Fatal(err)
			}
			if err := os.CopyFS(want, os.DirFS(generated)); err != nil {
				t.Fatal(err)
			}
			continue
		}
		sameFiles(t, generated, want)
	}
}

// noGenTag leaves out the generator's line with today's date, in every
// command's page.
func noGenTag(cmd *cobra.Command) {
	cmd.DisableAutoGenTag = true
	for _, c := range cmd.Commands() {
		noGenTag(c)
	}
}

// sameFiles fails the test for each file of got that want lacks or holds
// otherwise, and each file of want that got lacks.
func sameFiles(t *testing.T, got, want string) {
	t.Helper()
	const fix = "run: go test ./internal/cli -run TestCommandReference -update"
	gotNames, _ := filepath.Glob(filepath.Join(got, "*"))
	for _, g := range gotNames {
		name := filepath.Base(g)
		a, _ := os.ReadFile(g)
		b, err := os.ReadFile(filepath.Join(want, name))
		if err != nil || string(a) != string(b) {
			t.Errorf("%s/%s is not current; %s", want, name, fix)
		}
	}
	wantNames, _ := filepath.Glob(filepath.Join(want, "*"))
	for _, w := range wantNames {
		if _, err := os.Stat(filepath.Join(got, filepath.Base(w))); err != nil {
			t.Errorf("%s is of no command any more; %s", w, fix)
		}
	}
}
