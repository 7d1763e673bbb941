package embedded

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"sync"

	"github.com/dockyard-build/dockyard/internal/engine"
)

var (
	// stepLine is buildah's line announcing a step, "[2/3] STEP 1/4: RUN ..."
	// in a multi-stage build.
	stepLine = regexp.MustCompile(`^(\[\d+/\d+\] )?STEP \d+(/\d+)?: `)
	// stepFailure is buildah's error for a failed step.
	stepFailure = regexp.MustCompile(`(?s)^building at STEP "(.*?)": (.*)$`)
	// exitLine is what buildah's chroot helpers add to a failed RUN's
	// output; the error says it already.
	exitLine = regexp.MustCompile(`^subprocess exited with status \d+$`)
)

// output passes a worker's output on to the build's logs, line by line,
// and keeps the last lines of the current step for an error.
type output struct {
	logs io.Writer

	mu      sync.Mutex
	partial []byte
	tail    engine.Tail // the current step's last lines
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.partial = append(o.partial, p...)
	for {
		i := bytes.IndexByte(o.partial, '\n')
		if i < 0 {
			break
		}
		o.line(string(o.partial[:i]))
		o.partial = o.partial[i+1:]
	}
	return len(p), nil
}

// flush passes on a last line without a newline.
func (o *output) flush() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.partial) > 0 {
		o.line(string(o.partial))
		o.partial = nil
	}
}

func (o *output) line(l string) {
	l = strings.TrimRight(l, "\r")
	io.WriteString(o.logs, l+"\n")
	switch {
	case stepLine.MatchString(l):
		o.tail = nil
		return
	case exitLine.MatchString(l):
		return
	}
	o.tail.Add(l)
}

// failure turns the worker's error message into a StepError carrying the
// failing step's last lines, its message on one line.
func (o *output) failure(msg string) *engine.StepError {
	o.flush()
	o.mu.Lock()
	defer o.mu.Unlock()
	e := &engine.StepError{Message: msg, Output: o.tail}
	if m := stepFailure.FindStringSubmatch(msg); m != nil {
		e.Step, e.Message = m[1], m[2]
	}
	e.Message = plainMessage(e.Message)
	return e
}
