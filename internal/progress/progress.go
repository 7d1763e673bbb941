// Package progress shows what a build is doing while it runs and keeps every
// task's whole log in a file.
//
// A Progress takes events (a task queued, started, finished, a line of its
// output, a message of dockyard's own) from many goroutines at once and hands
// them, one at a time, to a renderer chosen by mode: tty (a live view redrawn
// in place), plain (every line prefixed with its task), json (one event per
// line) or quiet (nothing). Library code never prints; it reports here.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Modes of rendering.
const (
	Auto  = "auto"  // TTY when Out is a terminal, else Plain
	TTY   = "tty"   // a live view redrawn in place
	Plain = "plain" // every line as "[task] line"
	JSON  = "json"  // one JSON event per line
	Quiet = "quiet" // nothing
	// RawJSON is JSON with BuildKit's own status messages as well, where
	// the engine has them, as buildx's rawjson.
	RawJSON = "rawjson"
)

// Modes lists every mode, Auto first.
var Modes = []string{Auto, TTY, Plain, JSON, RawJSON, Quiet}

// IsJSON reports whether mode writes JSON events only.
func IsJSON(mode string) bool { return mode == JSON || mode == RawJSON }

// Options configure New.
type Options struct {
	// Mode is one of Modes; "" means Auto.
	Mode string
	// Out receives the rendering (stderr); nil discards it.
	Out io.Writer
	// LogDir receives each task's whole log as LogDir/<name>.log. It is
	// created if missing; "" keeps no log files.
	LogDir string
	// Now is the clock; nil means time.Now. Tests inject one.
	Now func() time.Time
	// Width is the tty mode's line width; 0 asks the terminal, falling back to 100.
	Width int
}

// Progress receives events and renders them. Its methods are safe for
// concurrent use.
type Progress struct {
	opts Options
	mode string // resolved: never Auto

	mu     sync.Mutex // guards everything below, and every write to Out
	r      renderer
	tasks  map[string]*task
	closed bool
	// logs is LogDir: log files are opened through it, so that a symlink
	// in its place never leads a log out of it.
	logs *os.Root

	stop chan struct{}  // closed by Close to end the ticker
	done sync.WaitGroup // the ticker goroutine
}

// renderer turns events into output. Its methods are called with Progress.mu held.
type renderer interface {
	render(e event)
	tick()  // periodically, for live views
	close() // once, from Progress.Close
}

// New returns a Progress rendering in opts.Mode to opts.Out.
func New(opts Options) (*Progress, error) {
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	mode := opts.Mode
	switch mode {
	case "", Auto:
		mode = Plain
		if isTerminalWriter(opts.Out) && os.Getenv("TERM") != "dumb" {
			mode = TTY
		}
	case TTY, Plain, JSON, RawJSON, Quiet:
	default:
		return nil, fmt.Errorf("unknown progress mode %q (want one of %s)", opts.Mode, strings.Join(Modes, ", "))
	}
	p := &Progress{opts: opts, mode: mode, tasks: map[string]*task{}, stop: make(chan struct{})}
	if opts.LogDir != "" {
		if err := os.MkdirAll(opts.LogDir, 0o755); err != nil {
			return nil, fmt.Errorf("creating log directory: %w", err)
		}
		logs, err := os.OpenRoot(opts.LogDir)
		if err != nil {
			return nil, fmt.Errorf("opening log directory: %w", err)
		}
		p.logs = logs
	}
	switch mode {
	case TTY:
		p.r = newTTY(opts.Out, opts.Now, widthFunc(opts.Out, opts.Width), colorWanted())
		p.done.Add(1)
		go p.ticker()
	case Plain:
		p.r = plainRenderer{out: opts.Out}
	case JSON, RawJSON:
		p.r = newJSON(opts.Out)
	default:
		p.r = quietRenderer{out: opts.Out}
	}
	return p, nil
}

// ticker lets a live view redraw about ten times a second.
func (p *Progress) ticker() {
	defer p.done.Done()
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			if !p.closed {
				p.r.tick()
			}
			p.mu.Unlock()
		}
	}
}

// task returns the state of the named task, creating it. p.mu must be held.
func (p *Progress) task(name string) *task {
	t := p.tasks[name]
	if t == nil {
		t = &task{name: name}
		p.tasks[name] = t
	}
	return t
}

// emit stamps e with the time and renders it, unless p is closed.
func (p *Progress) emit(e event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.emitLocked(e)
}

func (p *Progress) emitLocked(e event) {
	if p.closed {
		return
	}
	e.Time = p.opts.Now()
	p.r.render(e)
}

// Queued reports that task, an image, waits to run, after the tasks it
// waits for.
func (p *Progress) Queued(task string, waitsFor ...string) {
	p.emit(event{Type: "queued", Task: task, Deps: waitsFor})
}

// QueuedStep reports that task, a step of a component rather than an
// image (its hooks, its copies: what), waits to run. The live view shows
// it under the component's name and counts only images.
func (p *Progress) QueuedStep(task, component, what string, waitsFor ...string) {
	p.emit(event{Type: "queued", Task: task, Deps: waitsFor, Step: &Step{Component: component, What: what}})
}

// Step is a task that is a component's step, not an image.
type Step struct {
	Component string `json:"component"`
	What      string `json:"hook"`
}

// Started reports that task began; Finished measures its seconds from here.
func (p *Progress) Started(task string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.task(task)
	t.started = p.opts.Now()
	p.emitLocked(event{Type: "started", Task: task})
}

// Finished reports that task ended with status ("built", "failed", "skipped",
// "canceled", "succeeded", "up-to-date") and, if not nil, err.
func (p *Progress) Finished(task, status string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e := event{Type: "finished", Task: task, Status: status}
	if t := p.tasks[task]; t != nil && !t.started.IsZero() {
		e.Started = true
		e.Seconds = p.opts.Now().Sub(t.started).Seconds()
		t.started = time.Time{}
	}
	if err != nil {
		e.Error = err.Error()
	}
	p.emitLocked(e)
}

// Failure shows, once, why a task failed: the step, its last lines, the
// error and where the whole log is. The caller reports each failed task's
// Failure as the run ends, after the task's Finished.
func (p *Progress) Failure(f Failure) {
	p.emit(event{Type: "failure", Task: f.Task, Failure: &f})
}

// Message reports a line of dockyard's own, formatted as by fmt.Sprintf.
func (p *Progress) Message(format string, args ...any) {
	p.emit(event{Type: "message", Line: fmt.Sprintf(format, args...)})
}

// Close stops the live view, renders the final state and closes every log
// file still open. Events after Close are dropped.
func (p *Progress) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.r.close()
	p.closed = true
	var first error
	for _, t := range p.tasks {
		if err := t.closeFile(); err != nil && first == nil {
			first = err
		}
	}
	if p.logs != nil {
		p.logs.Close()
	}
	p.mu.Unlock()
	close(p.stop)
	p.done.Wait()
	return first
}
