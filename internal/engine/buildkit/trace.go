package buildkit

import (
	"fmt"
	"io"
	"strings"

	"github.com/moby/buildkit/client"
	digest "github.com/opencontainers/go-digest"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// tailLines is how many output lines of a failing step an error carries.
const tailLines = 10

// trace turns BuildKit's status updates into lines numbered by vertex, as
// BuildKit's plain progress does: "#3 [2/3] RUN echo hi", "#3 hi",
// "#3 DONE 0.2s". It keeps each vertex's last lines for the error of a
// failed step.
type trace struct {
	logs     io.Writer
	vertices map[digest.Digest]*vertex
	errored  *vertex
}

type vertex struct {
	num     int
	name    string
	started bool
	done    bool
	partial string // log text after the last newline
	tail    []string
}

func newTrace(logs io.Writer) *trace {
	return &trace{logs: logs, vertices: map[digest.Digest]*vertex{}}
}

// write writes one status update's lines: starts, then logs, then ends.
func (t *trace) write(s *client.SolveStatus) {
	for _, v := range s.Vertexes {
		vx := t.vertex(v.Digest, v.Name)
		if v.Started != nil && !vx.started {
			vx.started = true
			t.printf(vx, "%s", vx.name)
		}
	}
	for _, l := range s.Logs {
		t.log(t.vertex(l.Vertex, ""), string(l.Data))
	}
	for _, v := range s.Vertexes {
		if vx := t.vertex(v.Digest, ""); v.Completed != nil && !vx.done {
			vx.done = true
			t.end(vx, v)
		}
	}
}

func (t *trace) log(vx *vertex, msg string) {
	text := vx.partial + msg
	vx.partial = ""
	for line := range strings.Lines(text) {
		if !strings.HasSuffix(line, "\n") {
			vx.partial = line
			break
		}
		t.line(vx, strings.TrimRight(line, "\r\n"))
	}
}

func (t *trace) end(vx *vertex, v *client.Vertex) {
	if !vx.started {
		vx.started = true
		t.printf(vx, "%s", vx.name)
	}
	t.flush(vx)
	switch {
	case v.Error != "":
		if t.errored == nil {
			t.errored = vx
		}
		t.printf(vx, "ERROR: %s", v.Error)
	case v.Cached:
		t.printf(vx, "CACHED")
	case v.Started != nil:
		t.printf(vx, "DONE %.1fs", v.Completed.Sub(*v.Started).Seconds())
	default:
		t.printf(vx, "DONE")
	}
}

func (t *trace) vertex(d digest.Digest, name string) *vertex {
	vx, ok := t.vertices[d]
	if !ok {
		vx = &vertex{num: len(t.vertices) + 1}
		t.vertices[d] = vx
	}
	if name != "" {
		vx.name = name
	}
	return vx
}

func (t *trace) line(vx *vertex, l string) {
	vx.tail = append(vx.tail, l)
	if len(vx.tail) > tailLines {
		vx.tail = vx.tail[1:]
	}
	t.printf(vx, "%s", l)
}

func (t *trace) flush(vx *vertex) {
	if vx.partial != "" {
		t.line(vx, strings.TrimRight(vx.partial, "\r"))
		vx.partial = ""
	}
}

func (t *trace) printf(vx *vertex, format string, args ...any) {
	fmt.Fprintf(t.logs, "#%d "+format+"\n", append([]any{vx.num}, args...)...)
}

// failure turns the solve's error into a StepError naming the failed
// step, with its last output lines, when a step failed.
func (t *trace) failure(err error) error {
	msg := strings.TrimPrefix(err.Error(), "failed to solve: ")
	if t.errored == nil {
		return fmt.Errorf("buildkitd: %s", msg)
	}
	t.flush(t.errored)
	return &engine.StepError{Message: msg, Step: t.errored.name, Output: t.errored.tail}
}
