package progress

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestLogNeverLeavesLogDir puts a symlink to a file outside the log
// folder where a task's log goes: the file outside stays as it was, and
// the trouble is reported.
func TestLogNeverLeavesLogDir(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "passwd")
	if err := os.WriteFile(outside, []byte("root:x:0:0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "app.log")); err != nil {
		t.Fatal(err)
	}
	p, err := New(Options{Mode: Quiet, Out: io.Discard, LogDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	w := p.Log("app")
	io.WriteString(w, "build output\n")
	w.Close()
	if err := p.Close(); err == nil {
		t.Error("no error for a log that a symlink leads out")
	}
	if data, _ := os.ReadFile(outside); string(data) != "root:x:0:0\n" {
		t.Errorf("the file outside was written: %q", data)
	}
}
