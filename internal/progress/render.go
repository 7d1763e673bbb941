package progress

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// event is one thing that happened, as a renderer sees it.
type event struct {
	Time    time.Time
	Type    string // queued, started, log, finished, failure, message
	Task    string
	Deps    []string // queued only: the tasks it waits for
	Status  string   // finished only
	Started bool     // finished only: the task had started, so Seconds counts
	Seconds float64  // finished only
	Line    string   // log and message
	Error   string   // finished only
	Failure *Failure // failure only
	Summary *Summary // summary only
	Step    *Step    // queued only: the task is a component's step
	Raw     []byte   // buildkit only: BuildKit's status message, JSON
}

// outcome says how a finished task ended: "built in 3.2s", "failed in
// 1.0s" (the failure's block tells why), "skipped: parent web failed".
func outcome(e event) string {
	s := e.Status
	if s == "" {
		s = "finished"
	}
	if e.Started {
		s += fmt.Sprintf(" in %.1fs", e.Seconds)
	}
	if e.Error != "" && e.Status != statusFailed {
		s += ": " + firstLine(e.Error)
	}
	return s
}

// statusFailed is the status of a task that failed: its error is shown
// once, in its failure block.
const statusFailed = "failed"

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return strings.TrimSuffix(l, "\r")
}

// plainRenderer writes every line prefixed by its task, for logs and pipes.
type plainRenderer struct{ out io.Writer }

func (r plainRenderer) render(e event) {
	switch e.Type {
	case "log":
		fmt.Fprintf(r.out, "[%s] %s\n", e.Task, e.Line)
	case "started":
		fmt.Fprintf(r.out, "[%s] started\n", e.Task)
	case "finished":
		fmt.Fprintf(r.out, "[%s] %s\n", e.Task, outcome(e))
	case "failure":
		io.WriteString(r.out, e.Failure.text())
	case "summary":
		fmt.Fprintln(r.out, e.Summary.text())
	case "message":
		fmt.Fprintln(r.out, strings.TrimSuffix(e.Line, "\n"))
	}
}

func (plainRenderer) tick()  {}
func (plainRenderer) close() {}

// quietRenderer writes only the failures' blocks.
type quietRenderer struct{ out io.Writer }

func (r quietRenderer) render(e event) {
	if e.Type == "failure" {
		io.WriteString(r.out, e.Failure.text())
	}
}

func (quietRenderer) tick()  {}
func (quietRenderer) close() {}
