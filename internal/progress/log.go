package progress

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

const (
	// tailKeep is how many of a task's last lines are kept in memory for Tail.
	tailKeep = 200
	// maxLine is the longest partial line held back; a longer one is passed
	// on as a line of its own rather than growing without bound.
	maxLine = 64 << 10
)

// task is what Progress keeps about one task. Guarded by Progress.mu.
type task struct {
	name    string
	started time.Time // zero unless running
	file    *os.File  // open while some writer is
	created bool      // the log file was made by this Progress; reopen to append
	writers int       // open writers counting on file
	err     error     // the first log file error
	tail    ring
}

func (t *task) fail(err error) {
	if err != nil && t.err == nil {
		t.err = err
	}
}

func (t *task) closeFile() error {
	if t.file != nil {
		if err := t.file.Close(); err != nil {
			t.fail(fmt.Errorf("closing log of %s: %w", t.name, err))
		}
		t.file = nil
	}
	return t.err
}

// Log returns a writer for task's output. It splits what it is given into
// lines, holding back a partial last line until the next Write or Close, and
// passes every whole line to the task's log file, the renderer and Tail, all
// at once so that lines of parallel tasks never mix. Close flushes a partial
// line and, once the task's last writer closed, closes the file.
//
// The file is opened when the first line comes, so that a task that says
// nothing leaves the log of its last run alone (see Note). The first file
// a Progress opens for a name replaces an old log file of that name; later
// ones append to it. Trouble with the file does not stop the rendering:
// the first such error is returned by Close, and by Progress.Close.
func (p *Progress) Log(task string) io.WriteCloser {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.task(task)
	w := &logWriter{p: p, t: t}
	if p.opts.LogDir == "" || p.closed {
		return w
	}
	w.counted = true
	t.writers++
	return w
}

// open opens t's log file for a line to come, if a writer counts on it.
func (p *Progress) open(t *task) {
	if t.file != nil || t.writers == 0 || t.err != nil || p.closed {
		return
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if t.created {
		flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	f, err := p.logs.OpenFile(safeName(t.name)+".log", flag, 0o644)
	if err != nil {
		t.fail(fmt.Errorf("opening log of %s: %w", t.name, err))
		return
	}
	t.file, t.created = f, true
}

// Note renders a line of task's, and keeps it for Tail, without writing
// it to the task's log file: a task that found nothing to do says so
// there, and its log file keeps what its last run that did something
// wrote.
func (p *Progress) Note(task, line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.task(task)
	t.tail.add(line)
	p.emitLocked(event{Type: "log", Task: t.name, Line: line})
}

// LogPath returns the file that keeps task's log: LogDir/<task>.log with
// every character other than ASCII letters, digits, '-', '_' and a '.' that
// does not lead replaced by '_' ("web pre-hook" → "web_pre-hook.log").
// It returns "" when there is no LogDir.
func (p *Progress) LogPath(task string) string {
	if p.opts.LogDir == "" {
		return ""
	}
	return filepath.Join(p.opts.LogDir, safeName(task)+".log")
}

func safeName(s string) string {
	if s == "" {
		return "_"
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == '.' && i > 0:
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// Tail returns the last n lines written for task (at most the last 200).
func (p *Progress) Tail(task string, n int) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t := p.tasks[task]; t != nil {
		return t.tail.last(n)
	}
	return nil
}

// lines passes whole lines of t to its file, its tail and the renderer.
func (p *Progress) lines(t *task, lines []string) {
	if len(lines) == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.open(t)
	if t.file != nil {
		var b bytes.Buffer
		for _, l := range lines {
			b.WriteString(l)
			b.WriteByte('\n')
		}
		if _, err := t.file.Write(b.Bytes()); err != nil {
			t.fail(fmt.Errorf("writing log of %s: %w", t.name, err))
		}
	}
	for _, l := range lines {
		t.tail.add(l)
		p.emitLocked(event{Type: "log", Task: t.name, Line: l})
	}
}

// logWriter is what Log returns. Its own mutex keeps a partial line whole
// when one writer is shared (as stdout and stderr of one command).
type logWriter struct {
	p       *Progress
	t       *task
	counted bool // counted in t.writers

	mu     sync.Mutex
	buf    []byte
	closed bool
}

func (w *logWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return 0, fmt.Errorf("writing log of %s: %w", w.t.name, os.ErrClosed)
	}
	w.buf = append(w.buf, b...)
	var lines []string
	rest := w.buf
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			break
		}
		lines = append(lines, string(bytes.TrimSuffix(rest[:i], []byte("\r"))))
		rest = rest[i+1:]
	}
	if len(rest) >= maxLine {
		lines = append(lines, string(rest))
		rest = nil
	}
	w.buf = append(w.buf[:0], rest...)
	w.p.lines(w.t, lines)
	return len(b), nil
}

// WriteStatus takes one of BuildKit's own status messages for the task
// (engine.StatusWriter): the rawjson mode passes it on as a "buildkit"
// event; the others have its lines already.
func (w *logWriter) WriteStatus(status []byte) {
	if w.p.mode == RawJSON {
		w.p.emit(event{Type: "buildkit", Task: w.t.name, Raw: slices.Clone(status)})
	}
}

func (w *logWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	if len(w.buf) > 0 {
		w.p.lines(w.t, []string{string(bytes.TrimSuffix(w.buf, []byte("\r")))})
		w.buf = nil
	}
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	if w.counted {
		w.t.writers--
		if w.t.writers == 0 {
			return w.t.closeFile()
		}
	}
	return w.t.err
}

// ring holds the last tailKeep lines of a task.
type ring struct {
	lines []string
	next  int // where the next line goes once lines is full
}

func (r *ring) add(l string) {
	if len(r.lines) < tailKeep {
		r.lines = append(r.lines, l)
		return
	}
	r.lines[r.next] = l
	r.next = (r.next + 1) % tailKeep
}

func (r *ring) last(n int) []string {
	if n <= 0 {
		return nil
	}
	ordered := append(append([]string(nil), r.lines[r.next:]...), r.lines[:r.next]...)
	if n < len(ordered) {
		ordered = ordered[len(ordered)-n:]
	}
	return ordered
}
