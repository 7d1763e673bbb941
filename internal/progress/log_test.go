package progress

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLogConcurrent has many tasks write their lines in random pieces at
// once: every output line must be whole and carry its task's prefix, and
// every log file exactly its task's lines, in order.
func TestLogConcurrent(t *testing.T) {
	const tasks, lines = 16, 300
	var out bytes.Buffer
	p := newTest(t, Plain, &out, newClock())
	want := map[string][]string{}
	for i := range tasks {
		name := fmt.Sprintf("task %d", i)
		for j := range lines {
			want[name] = append(want[name], fmt.Sprintf("line %d of %s %s", j, name, strings.Repeat("x", j%37)))
		}
	}
	var wg sync.WaitGroup
	for name, ls := range want {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(len(name)), uint64(name[len(name)-1])))
			w := p.Log(name)
			data := []byte(strings.Join(ls, "\n")) // the last line comes without a newline: Close flushes it
			for len(data) > 0 {
				n := min(1+rng.IntN(40), len(data))
				if _, err := w.Write(data[:n]); err != nil {
					t.Error(err)
					return
				}
				data = data[n:]
			}
			if err := w.Close(); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}

	lineRE := regexp.MustCompile(`^\[(task \d+)\] line (\d+) of (task \d+) x*$`)
	next := map[string]int{}
	for _, l := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		m := lineRE.FindStringSubmatch(l)
		if m == nil || m[1] != m[3] {
			t.Fatalf("output line %q is not one whole line of its task", l)
		}
		if n, _ := strconv.Atoi(m[2]); n != next[m[1]] {
			t.Fatalf("output line %q: want line %d of %s", l, next[m[1]], m[1])
		}
		next[m[1]]++
	}
	for name, ls := range want {
		if next[name] != lines {
			t.Errorf("%s: %d lines in the output, want %d", name, next[name], lines)
		}
		got, err := os.ReadFile(p.LogPath(name))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(strings.Join(ls, "\n")+"\n", string(got)); diff != "" {
			t.Errorf("%s log file (-want +got):\n%s", name, diff)
		}
	}
}

func TestLogFileReplacedThenAppended(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "web.log")
	if err := os.WriteFile(path, []byte("old run\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := New(Options{Mode: Quiet, LogDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"first\n", "second\n"} {
		w := p.Log("web")
		io.WriteString(w, s)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "first\nsecond\n" {
		t.Errorf("log file = %q, want the old log replaced, then both writers' lines", got)
	}
}

// TestNoteKeepsTheLastLog checks that a task that only notes (an image up
// to date) or opens its log and says nothing leaves the log of its last
// run as it was, while what it notes is rendered and kept for Tail.
func TestNoteKeepsTheLastLog(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "web.log")
	if err := os.WriteFile(path, []byte("the last build\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	p, err := New(Options{Mode: Plain, Out: &out, LogDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	w := p.Log("web")
	p.Note("web", "up to date")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Log("quiet").Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "the last build\n" {
		t.Errorf("log file = %q, want the last build's log untouched", got)
	}
	if !strings.Contains(out.String(), "[web] up to date") {
		t.Errorf("output %q lacks the note", out.String())
	}
	if got := p.Tail("web", 1); !cmp.Equal(got, []string{"up to date"}) {
		t.Errorf("Tail = %q, want the note", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "quiet.log")); !os.IsNotExist(err) {
		t.Errorf("a task that said nothing made a log file: %v", err)
	}
}

func TestLongPartialLineIsSplit(t *testing.T) {
	p := newTest(t, Quiet, io.Discard, newClock())
	w := p.Log("a")
	io.WriteString(w, strings.Repeat("y", maxLine+5))
	if got := p.Tail("a", 5); len(got) != 1 || len(got[0]) != maxLine+5 {
		t.Errorf("Tail after an overlong partial line: %d lines", len(got))
	}
	w.Close()
	p.Close()
}

func TestTail(t *testing.T) {
	p := newTest(t, Quiet, io.Discard, newClock())
	w := p.Log("a")
	for i := range 250 {
		fmt.Fprintf(w, "line %d\n", i)
	}
	w.Close()
	if diff := cmp.Diff([]string{"line 247", "line 248", "line 249"}, p.Tail("a", 3)); diff != "" {
		t.Errorf("Tail(a, 3) (-want +got):\n%s", diff)
	}
	all := p.Tail("a", 1000)
	if len(all) != tailKeep || all[0] != "line 50" || all[tailKeep-1] != "line 249" {
		t.Errorf("Tail(a, 1000) = %d lines from %q to %q, want the last %d", len(all), all[0], all[len(all)-1], tailKeep)
	}
	if got := p.Tail("a", 0); got != nil {
		t.Errorf("Tail(a, 0) = %q", got)
	}
	if got := p.Tail("nobody", 3); got != nil {
		t.Errorf("Tail(nobody, 3) = %q", got)
	}
	p.Close()
}

func TestLogPath(t *testing.T) {
	dir := t.TempDir()
	p, err := New(Options{Mode: Quiet, LogDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for task, want := range map[string]string{
		"web":             "web.log",
		"web pre-hook":    "web_pre-hook.log",
		"a/b":             "a_b.log",
		"web linux/arm64": "web_linux_arm64.log",
		"v1.2_x":          "v1.2_x.log",
		"../x":            "_._x.log",
		"":                "_.log",
	} {
		if got := p.LogPath(task); got != filepath.Join(dir, want) {
			t.Errorf("LogPath(%q) = %q, want %q", task, got, filepath.Join(dir, want))
		}
	}
	noDir, _ := New(Options{Mode: Quiet})
	if got := noDir.LogPath("web"); got != "" {
		t.Errorf("LogPath without LogDir = %q, want \"\"", got)
	}
	noDir.Close()
}
