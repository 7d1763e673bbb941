package progress

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var escapes = regexp.MustCompile(`\x1b\[[?0-9;]*[A-Za-z]`)

// screen returns what p wrote so far, escape sequences removed; it locks p
// because the ticker may be writing.
func screen(p *Progress, out *bytes.Buffer) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return escapes.ReplaceAllString(strings.ReplaceAll(out.String(), "\r", ""), "")
}

// redraw draws the live view now rather than waiting for the ticker.
func redraw(p *Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.r.tick()
}

func TestTTYFinal(t *testing.T) {
	var out bytes.Buffer
	c := newClock()
	script(t, newTest(t, TTY, &out, c), c)
	got := escapes.ReplaceAllString(out.String(), "")
	for _, want := range []string{
		"engine: docker (engine at unix:///var/run/docker.sock answers)\n",
		"✔ base  built 3.2s\n",
		"✖ web  failed 1.0s\n",
		"- x  skipped: parent web failed\n",
		"✔ y  up-to-date\n",
	} {
		if n := strings.Count(got, want); n != 1 {
			t.Errorf("%q printed %d times, want once, in:\n%s", want, n, got)
		}
	}
	if !strings.HasSuffix(got, "building: 0 running, 4 done, 0 waiting\n") {
		t.Errorf("output does not end with the final header and a newline:\n%q", got)
	}
	if !strings.Contains(out.String(), "\x1b[") {
		t.Error("no escape sequences: nothing was redrawn in place")
	}
}

func TestTTYLive(t *testing.T) {
	var out bytes.Buffer
	c := newClock()
	p := newTest(t, TTY, &out, c) // 60 columns
	for i := range 14 {
		p.Queued(fmt.Sprintf("img%02d", i))
	}
	for i := range 12 {
		p.Started(fmt.Sprintf("img%02d", i))
	}
	c.Add(2500 * time.Millisecond)
	w := p.Log("img00")
	io.WriteString(w, "\x1b[1mStep 1/9\x1b[0m : FROM alpine\n"+strings.Repeat("long output ", 20)+"\n\n")
	redraw(p)
	got := screen(p, &out)
	for _, want := range []string{
		"building: 12 running, 0 done, 2 waiting\n",
		"  img00  2.5s  long output long output",
		"  img09  2.5s\n",
		"  … and 2 more\n",
		"  waiting: img12 (for a slot), img13 (for a slot)\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("live view lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "img10  ") {
		t.Errorf("live view shows more than %d running tasks:\n%s", maxLive, got)
	}
	for _, l := range strings.Split(got, "\n") {
		if n := utf8.RuneCountInString(l); n >= 60 {
			t.Errorf("line of %d runes is not within the width of 60: %q", n, l)
		}
	}
	w.Close()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestCleanLine(t *testing.T) {
	for in, want := range map[string]string{
		"\x1b[31mred\x1b[0m\tok": "red ok",
		"10%\r50%":               "50%",
		"  a\x07b  ":             "ab",
		"":                       "",
		"héllo":                  "héllo",
	} {
		if got := cleanLine(in); got != want {
			t.Errorf("cleanLine(%q) = %q, want %q", in, got, want)
		}
	}
	if got := truncate("abcdefghijklmnop", 12); got != "abcdefghijk…" {
		t.Errorf("truncate = %q", got)
	}
}

func TestTTYStyle(t *testing.T) {
	for _, noColor := range []string{"", "1"} {
		t.Setenv("NO_COLOR", noColor)
		var out bytes.Buffer
		c := newClock()
		p := newTest(t, TTY, &out, c)
		p.Queued("base")
		p.Queued("web", "base")
		p.Started("base")
		redraw(p)
		if got := screen(p, &out); !strings.Contains(got, "  waiting: web (for base)\n") {
			t.Errorf("the waiting line does not name what web waits for:\n%s", got)
		}
		p.Finished("base", "built", nil)
		p.Started("web")
		p.Finished("web", "failed", errors.New("boom"))
		p.Summary(Summary{Images: 2, Built: 1, Failed: 1, Seconds: 3.25})
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		raw := out.String()
		if !strings.HasPrefix(raw, hideCursor) || !strings.HasSuffix(raw, showCursor) {
			t.Errorf("the cursor is not hidden while drawing and shown after: %q", raw)
		}
		if colored := strings.Contains(raw, red+"✖"+reset); colored != (noColor == "") {
			t.Errorf("NO_COLOR=%q: red failure mark = %v", noColor, colored)
		}
		if got := screen(p, &out); !strings.HasSuffix(got, "2 images in 3.2s: 1 built, 1 failed\n") {
			t.Errorf("the summary is not the last line:\n%s", got)
		}
	}
}

// TestTTYSteps: a component's steps show under the component's name, and
// the header counts images only.
func TestTTYSteps(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	var out bytes.Buffer
	c := newClock()
	p := newTest(t, TTY, &out, c)
	p.QueuedStep("web:pre", "web", "build-pre.sh")
	p.Queued("web", "web:pre")
	p.Started("web:pre")
	redraw(p)
	got := screen(p, &out)
	for _, want := range []string{
		"building: 0 running, 0 done, 1 waiting; 1 step running\n",
		"  web build-pre.sh  0.0s\n",
		"  waiting: web (for web build-pre.sh)\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("live view lacks %q:\n%s", want, got)
		}
	}
	p.Finished("web:pre", "succeeded", nil)
	p.Started("web")
	p.Finished("web", "built", nil)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	got = screen(p, &out)
	if !strings.Contains(got, "  ↳ web build-pre.sh  succeeded 0.0s\n✔ web  built 0.0s\n") {
		t.Errorf("the step is not shown under the component:\n%s", got)
	}
	if !strings.HasSuffix(got, "building: 0 running, 1 done, 0 waiting\n") {
		t.Errorf("the header counts steps:\n%s", got)
	}
}
