package progress

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

const (
	maxLive      = 10                     // running tasks shown; the rest are counted
	defaultWidth = 100                    // columns when the terminal does not say
	redrawEvery  = 100 * time.Millisecond // at most this often, ticker and events alike
)

// ttyRenderer keeps a small live block at the bottom of the terminal,
// redrawn in place: a header and one line per running task. Finished tasks
// and messages are printed once above it, where they stay.
type ttyRenderer struct {
	out   io.Writer
	now   func() time.Time
	width func() int
	color bool // colour the marks: a terminal, and NO_COLOR unset

	seen     bool                // some task was reported: the block is worth showing
	steps    map[string]*Step    // the tasks that are components' steps, not images
	waiting  map[string][]string // the tasks each waiting task waits for
	running  []*liveTask         // in the order they started
	done     int
	pending  []string // permanent lines not yet printed
	drawn    int      // lines of the block on screen
	last     string   // the block as last drawn
	lastDraw time.Time
	// cursorHidden is set once the cursor was hidden for drawing.
	cursorHidden bool
}

type liveTask struct {
	name  string
	start time.Time
	line  string // latest non-blank log line, cleaned
}

func newTTY(out io.Writer, now func() time.Time, width func() int, color bool) *ttyRenderer {
	return &ttyRenderer{out: out, now: now, width: width, color: color, waiting: map[string][]string{}, steps: map[string]*Step{}}
}

func (r *ttyRenderer) find(name string) int {
	for i, l := range r.running {
		if l.name == name {
			return i
		}
	}
	return -1
}

func (r *ttyRenderer) render(e event) {
	switch e.Type {
	case "queued":
		r.seen = true
		if e.Step != nil {
			r.steps[e.Task] = e.Step
		}
		if r.find(e.Task) < 0 {
			r.waiting[e.Task] = e.Deps
		}
	case "started":
		r.seen = true
		delete(r.waiting, e.Task)
		if i := r.find(e.Task); i >= 0 {
			r.running[i].start = e.Time
		} else {
			r.running = append(r.running, &liveTask{name: e.Task, start: e.Time})
		}
	case "log":
		if i := r.find(e.Task); i >= 0 {
			if l := cleanLine(e.Line); l != "" {
				r.running[i].line = l
			}
		}
		return // the ticker shows it
	case "finished":
		r.seen = true
		delete(r.waiting, e.Task)
		if i := r.find(e.Task); i >= 0 {
			r.running = append(r.running[:i], r.running[i+1:]...)
		}
		if r.steps[e.Task] == nil {
			r.done++
		}
		r.pending = append(r.pending, r.finishedLine(e))
	case "summary":
		// The summary stands for the live block from now on.
		r.seen = false
		r.pending = append(r.pending, r.paint(summaryColor(e.Summary), e.Summary.text()))
	case "failure":
		r.pending = append(r.pending, strings.Split(strings.TrimSuffix(e.Failure.text(), "\n"), "\n")...)
	case "message":
		r.pending = append(r.pending, strings.Split(strings.TrimSuffix(e.Line, "\n"), "\n")...)
	}
	if time.Since(r.lastDraw) >= redrawEvery {
		r.draw()
	}
}

func (r *ttyRenderer) tick() { r.draw() }

// close draws the final state, which stays on screen, and shows the
// cursor again.
func (r *ttyRenderer) close() {
	r.draw()
	if r.cursorHidden {
		_, _ = io.WriteString(r.out, showCursor)
	}
}

// finishedLine is the permanent line of a finished task: "✔ web  built
// 3.2s", the mark green, or red for a failure.
func (r *ttyRenderer) finishedLine(e event) string {
	mark, color := r.paint(green, "✔"), green
	switch e.Status {
	case statusFailed:
		mark, color = r.paint(red, "✖"), red
	case "skipped", "canceled":
		mark, color = "-", ""
	}
	if r.steps[e.Task] != nil {
		mark = "  ↳" // under the component's images
	}
	s := fmt.Sprintf("%s %s  %s", mark, r.label(e.Task), r.paint(color, e.Status))
	if e.Started {
		s += fmt.Sprintf(" %.1fs", e.Seconds)
	}
	if e.Error != "" && e.Status != statusFailed {
		s += ": " + firstLine(e.Error)
	}
	return s
}

// block renders the live block, each line ending in a newline.
func (r *ttyRenderer) block() string {
	if !r.seen {
		return ""
	}
	lines := []string{r.header()}
	now := r.now()
	for i, l := range r.running {
		if i == maxLive {
			lines = append(lines, fmt.Sprintf("  … and %d more", len(r.running)-maxLive))
			break
		}
		s := fmt.Sprintf("  %s  %.1fs", r.label(l.name), now.Sub(l.start).Seconds())
		if l.line != "" {
			s += "  " + l.line
		}
		lines = append(lines, s)
	}
	if w := r.waitingLine(); w != "" {
		lines = append(lines, w)
	}
	w := r.width() - 1 // never the last column: a wrapped line would break the count
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(truncate(l, w))
		b.WriteByte('\n')
	}
	return b.String()
}

// draw moves up over the block on screen, clears it, prints the pending
// permanent lines and then the block anew. It skips a redraw that would
// change nothing.
func (r *ttyRenderer) draw() {
	block := r.block()
	if len(r.pending) == 0 && block == r.last {
		return
	}
	var b strings.Builder
	if !r.cursorHidden {
		b.WriteString(hideCursor)
		r.cursorHidden = true
	}
	if r.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", r.drawn)
	}
	b.WriteString("\r\x1b[J")
	for _, l := range r.pending {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	b.WriteString(block)
	_, _ = io.WriteString(r.out, b.String())
	r.drawn = strings.Count(block, "\n")
	r.last, r.pending, r.lastDraw = block, nil, time.Now()
}

// cleanLine makes a log line fit for one line of the live view: only what
// follows its last carriage return, without escape sequences or control
// characters, tabs as spaces, trimmed.
func cleanLine(s string) string {
	if i := strings.LastIndexByte(s, '\r'); i >= 0 {
		s = s[i+1:]
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\x1b' && i+1 < len(s) && s[i+1] == '[': // CSI: skip to its final byte
			for i += 2; i < len(s) && (s[i] < 0x40 || s[i] > 0x7e); i++ {
			}
		case c == '\t':
			b.WriteByte(' ')
		case c < 0x20 || c == 0x7f:
		default:
			b.WriteByte(c)
		}
	}
	return strings.TrimSpace(b.String())
}

// truncate cuts s to at most w runes, marking a cut with "…".
func truncate(s string, w int) string {
	w = max(w, 10)
	if utf8.RuneCountInString(s) <= w {
		return s
	}
	r := []rune(s)
	return string(r[:w-1]) + "…"
}

// isTerminalWriter reports whether w is a file open on a terminal.
func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && isTerminal(f.Fd())
}

// widthFunc returns how to learn the tty mode's line width: fixed if given,
// else from the terminal each time (it may be resized), else defaultWidth.
func widthFunc(w io.Writer, fixed int) func() int {
	if fixed > 0 {
		return func() int { return fixed }
	}
	f, ok := w.(interface{ Fd() uintptr })
	if !ok || !isTerminal(f.Fd()) {
		return func() int { return defaultWidth }
	}
	return func() int {
		if c := termWidth(f.Fd()); c > 0 {
			return c
		}
		return defaultWidth
	}
}
