package progress

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// clock is a test clock that moves only when told to.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// script plays a small build: a message, three images and a hook.
func script(t *testing.T, p *Progress, c *clock) {
	t.Helper()
	p.Message("engine: docker (engine at %s answers)", "unix:///var/run/docker.sock")
	p.Queued("base")
	p.QueuedStep("web:pre", "web", "build-pre.sh")
	p.Queued("web", "base")
	p.Queued("x", "web")
	p.Started("base")
	w := p.Log("base")
	io.WriteString(w, "step 1\nst")
	io.WriteString(w, "ep 2\r\nno newline")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	c.Add(3200 * time.Millisecond)
	p.Finished("base", "built", nil)
	p.Started("web")
	c.Add(time.Second)
	p.Finished("web", "failed", errors.New("exit status 1\nmore detail"))
	p.Finished("x", "skipped", errors.New("parent web failed"))
	p.Finished("y", "up-to-date", nil)
	p.Failure(webFailure)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

// webFailure is the failure of the script's web.
var webFailure = Failure{Task: "web", Step: "[2/2] RUN make", Error: "exit code: 2",
	Lines: []string{"cc: error: no input files"}, Log: "/logs/web.log"}

// webBlock is webFailure for people.
const webBlock = `
web failed at [2/2] RUN make
  | cc: error: no input files
  error: exit code: 2
  full log: /logs/web.log
`

func newTest(t *testing.T, mode string, out io.Writer, c *clock) *Progress {
	t.Helper()
	p, err := New(Options{Mode: mode, Out: out, LogDir: t.TempDir(), Now: c.Now, Width: 60})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPlain(t *testing.T) {
	var out bytes.Buffer
	c := newClock()
	script(t, newTest(t, Plain, &out, c), c)
	want := `engine: docker (engine at unix:///var/run/docker.sock answers)
[base] started
[base] step 1
[base] step 2
[base] no newline
[base] built in 3.2s
[web] started
[web] failed in 1.0s
[x] skipped: parent web failed
[y] up-to-date
` + webBlock
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("plain output (-want +got):\n%s", diff)
	}
}

func TestJSON(t *testing.T) {
	var out bytes.Buffer
	c := newClock()
	script(t, newTest(t, JSON, &out, c), c)
	var types []string
	byKey := map[string]map[string]any{}
	for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		if _, err := time.Parse(time.RFC3339Nano, m["time"].(string)); err != nil {
			t.Errorf("line %q: time: %v", line, err)
		}
		types = append(types, m["type"].(string))
		key, _ := m["task"].(string)
		byKey[m["type"].(string)+" "+key] = m
	}
	wantTypes := []string{"message", "queued", "queued", "queued", "queued", "started", "log", "log", "log",
		"finished", "started", "finished", "finished", "finished", "failure"}
	if diff := cmp.Diff(wantTypes, types); diff != "" {
		t.Errorf("event types (-want +got):\n%s", diff)
	}
	for key, want := range map[string]map[string]any{
		"message ": {"time": "2026-03-01T12:00:00Z", "type": "message",
			"line": "engine: docker (engine at unix:///var/run/docker.sock answers)"},
		"queued x":       {"time": "2026-03-01T12:00:00Z", "type": "queued", "task": "x", "waitsFor": []any{"web"}},
		"queued web:pre": {"time": "2026-03-01T12:00:00Z", "type": "queued", "task": "web:pre", "component": "web", "hook": "build-pre.sh"},
		"log base":       {"time": "2026-03-01T12:00:00Z", "type": "log", "task": "base", "line": "no newline"},
		"finished base":  {"time": "2026-03-01T12:00:03.2Z", "type": "finished", "task": "base", "status": "built", "seconds": 3.2},
		"finished web": {"time": "2026-03-01T12:00:04.2Z", "type": "finished", "task": "web", "status": "failed",
			"seconds": 1.0, "error": "exit status 1"},
		"finished y": {"time": "2026-03-01T12:00:04.2Z", "type": "finished", "task": "y", "status": "up-to-date"},
		"failure web": {"time": "2026-03-01T12:00:04.2Z", "type": "failure", "task": "web", "step": "[2/2] RUN make",
			"error": "exit code: 2", "lines": []any{"cc: error: no input files"}, "log": "/logs/web.log"},
	} {
		want["schemaVersion"] = float64(SchemaVersion)
		if diff := cmp.Diff(want, byKey[key]); diff != "" {
			t.Errorf("%s (-want +got):\n%s", key, diff)
		}
	}
}

func TestQuiet(t *testing.T) {
	var out bytes.Buffer
	c := newClock()
	p := newTest(t, Quiet, &out, c)
	script(t, p, c)
	if out.String() != webBlock {
		t.Errorf("quiet wrote %q, want only the failure's block", out.String())
	}
	got, err := os.ReadFile(p.LogPath("base"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "step 1\nstep 2\nno newline\n"; string(got) != want {
		t.Errorf("log file = %q, want %q", got, want)
	}
}

func TestNew(t *testing.T) {
	if _, err := New(Options{Mode: "fancy"}); err == nil || !strings.Contains(err.Error(), `"fancy"`) {
		t.Errorf("New(fancy) error = %v, want one naming the mode", err)
	}
	for mode, want := range map[string]string{"": Plain, Auto: Plain, TTY: TTY, JSON: JSON, Quiet: Quiet} {
		p, err := New(Options{Mode: mode, Out: &bytes.Buffer{}})
		if err != nil {
			t.Fatalf("New(%q): %v", mode, err)
		}
		if got := p.mode; got != want {
			t.Errorf("New(%q) renders as %q, want %q (off a terminal)", mode, got, want)
		}
		if err := p.Close(); err != nil {
			t.Error(err)
		}
	}
}

func TestEventsAfterCloseAreDropped(t *testing.T) {
	var out bytes.Buffer
	p := newTest(t, Plain, &out, newClock())
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p.Started("a")
	p.Message("late")
	w := p.Log("a")
	io.WriteString(w, "late line\n")
	w.Close()
	if err := p.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if out.Len() != 0 {
		t.Errorf("wrote after Close: %q", out.String())
	}
}
