package progress

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// event is one thing that happened, as a renderer sees it.
type event struct {
	Time    time.Time
	Type    string // queued, started, log, finished, message
	Task    string
	Status  string  // finished only
	Started bool    // finished only: the task had started, so Seconds counts
	Seconds float64 // finished only
	Line    string  // log and message
	Error   string  // finished only
}

// outcome says how a finished task ended: "built in 3.2s", "failed in 1.0s:
// <first line of the error>", "skipped: <error>".
func outcome(e event) string {
	s := e.Status
	if s == "" {
		s = "finished"
	}
	if e.Started {
		s += fmt.Sprintf(" in %.1fs", e.Seconds)
	}
	if e.Error != "" {
		s += ": " + firstLine(e.Error)
	}
	return s
}

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
	case "message":
		fmt.Fprintln(r.out, strings.TrimSuffix(e.Line, "\n"))
	}
}

func (plainRenderer) tick()  {}
func (plainRenderer) close() {}

// jsonRenderer writes one JSON object per event and line.
type jsonRenderer struct{ enc *json.Encoder }

func newJSON(out io.Writer) jsonRenderer {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	return jsonRenderer{enc: enc}
}

// jsonEvent is the wire form of an event; empty fields are left out.
type jsonEvent struct {
	Time    string  `json:"time"`
	Type    string  `json:"type"`
	Task    string  `json:"task,omitempty"`
	Status  string  `json:"status,omitempty"`
	Seconds float64 `json:"seconds,omitempty"`
	Line    string  `json:"line,omitempty"`
	Error   string  `json:"error,omitempty"`
}

func (r jsonRenderer) render(e event) {
	_ = r.enc.Encode(jsonEvent{
		Time:    e.Time.Format(time.RFC3339Nano),
		Type:    e.Type,
		Task:    e.Task,
		Status:  e.Status,
		Seconds: math.Round(e.Seconds*1000) / 1000,
		Line:    e.Line,
		Error:   e.Error,
	})
}

func (jsonRenderer) tick()  {}
func (jsonRenderer) close() {}

// quietRenderer writes nothing; the caller reports failures itself.
type quietRenderer struct{}

func (quietRenderer) render(event) {}
func (quietRenderer) tick()        {}
func (quietRenderer) close()       {}
