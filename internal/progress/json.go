package progress

import (
	"encoding/json"
	"io"
	"math"
	"time"
)

// SchemaVersion is the version of the json mode's events; every event
// carries it. docs/progress.md describes the events.
const SchemaVersion = 1

// jsonRenderer writes one JSON object per event and line.
type jsonRenderer struct{ enc *json.Encoder }

func newJSON(out io.Writer) jsonRenderer {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	return jsonRenderer{enc: enc}
}

// jsonEvent is the wire form of an event; empty fields are left out.
type jsonEvent struct {
	SchemaVersion int      `json:"schemaVersion"`
	Time          string   `json:"time"`
	Type          string   `json:"type"`
	Task          string   `json:"task,omitempty"`
	WaitsFor      []string `json:"waitsFor,omitempty"`
	Status        string   `json:"status,omitempty"`
	Seconds       float64  `json:"seconds,omitempty"`
	Line          string   `json:"line,omitempty"`
	Error         string   `json:"error,omitempty"`
	*Failure
	*Step
	Summary  *Summary        `json:"summary,omitempty"`
	BuildKit json.RawMessage `json:"buildkit,omitempty"`
	Hint     string          `json:"hint,omitempty"`
	ExitCode int             `json:"exitCode,omitempty"`
}

func (r jsonRenderer) render(e event) {
	je := jsonEvent{
		SchemaVersion: SchemaVersion,
		Time:          e.Time.Format(time.RFC3339Nano),
		Type:          e.Type,
		Task:          e.Task,
		WaitsFor:      e.Deps,
		Status:        e.Status,
		Seconds:       math.Round(e.Seconds*1000) / 1000,
		Line:          e.Line,
		Error:         firstLine(e.Error),
		Failure:       e.Failure,
		Summary:       e.Summary,
		Step:          e.Step,
		BuildKit:      e.Raw,
	}
	if e.Failure != nil {
		je.Error = e.Failure.Error
	}
	_ = r.enc.Encode(je)
}

func (jsonRenderer) tick()  {}
func (jsonRenderer) close() {}

// WriteError writes, as the json mode's last event, the error that ends
// a command, its hint and the exit code, so that a command in that mode
// writes nothing but JSON.
func WriteError(w io.Writer, now time.Time, msg, hint string, exitCode int) error {
	return newJSON(w).enc.Encode(jsonEvent{
		SchemaVersion: SchemaVersion, Time: now.Format(time.RFC3339Nano), Type: "error",
		Error: msg, Hint: hint, ExitCode: exitCode,
	})
}

// WriteMessage writes a message of dockyard's own in the json mode's form,
// for messages before a Progress exists.
func WriteMessage(w io.Writer, now time.Time, line string) error {
	return newJSON(w).enc.Encode(jsonEvent{
		SchemaVersion: SchemaVersion, Time: now.Format(time.RFC3339Nano), Type: "message", Line: line,
	})
}
