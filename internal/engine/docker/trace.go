package docker

import (
	"fmt"
	"io"
	"slices"
	"strings"

	controlapi "github.com/moby/buildkit/api/services/control"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// trace turns BuildKit's status messages into lines numbered by vertex, as
// BuildKit's plain progress does: "#3 [2/3] RUN echo hi", "#3 hi",
// "#3 DONE 0.2s".
type trace struct {
	logs     io.Writer
	vertices map[string]*vertex
	// errored is the vertex that reported an error, if any.
	errored *vertex
}

type vertex struct {
	num     int
	name    string
	started bool
	done    bool
	// partial is log text after the last newline; tail the last lines.
	partial string
	tail    lines
}

func newTrace(logs io.Writer) *trace {
	return &trace{logs: logs, vertices: map[string]*vertex{}}
}

// write decodes one marshaled StatusResponse and writes its lines.
func (t *trace) write(b []byte) error {
	var s controlapi.StatusResponse
	if err := s.UnmarshalVT(b); err != nil {
		return fmt.Errorf("decoding BuildKit progress: %w", err)
	}
	if sw, ok := t.logs.(engine.StatusWriter); ok {
		if raw, err := protojson.Marshal(&s); err == nil {
			sw.WriteStatus(raw)
		}
	}
	// Starts first, then logs, then ends: one message may carry all three.
	for _, v := range s.Vertexes {
		vx := t.vertex(v.Digest, v.Name)
		if v.Started != nil && !vx.started {
			vx.started = true
			t.printf(vx, "%s", vx.name)
		}
	}
	for _, l := range s.Logs {
		t.log(t.vertex(l.Vertex, ""), string(l.Msg))
	}
	for _, v := range s.Vertexes {
		if vx := t.vertex(v.Digest, ""); v.Completed != nil && !vx.done {
			vx.done = true
			t.end(vx, v)
		}
	}
	return nil
}

// log writes a vertex's complete output lines and keeps the rest.
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

// end writes how a vertex finished.
func (t *trace) end(vx *vertex, v *controlapi.Vertex) {
	if !vx.started {
		vx.started = true
		t.printf(vx, "%s", vx.name)
	}
	t.flush(vx)
	switch {
	case v.Error != "":
		t.errored = vx
		t.printf(vx, "ERROR: %s", v.Error)
	case v.Cached:
		t.printf(vx, "CACHED")
	case v.Started != nil:
		d := v.Completed.AsTime().Sub(v.Started.AsTime())
		t.printf(vx, "DONE %.1fs", d.Seconds())
	default:
		t.printf(vx, "DONE")
	}
}

// vertex returns the vertex with digest d, numbering it when first seen.
func (t *trace) vertex(d, name string) *vertex {
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
	vx.tail.add(l)
	t.printf(vx, "%s", l)
}

// flush ends a vertex's last log line if it lacks a newline.
func (t *trace) flush(vx *vertex) {
	if vx.partial != "" {
		t.line(vx, strings.TrimRight(vx.partial, "\r"))
		vx.partial = ""
	}
}

func (t *trace) printf(vx *vertex, format string, args ...any) {
	fmt.Fprintf(t.logs, "#%d "+format+"\n", append([]any{vx.num}, args...)...)
}

// failed returns the failing vertex's name and last output lines.
func (t *trace) failed() (string, []string, bool) {
	if t.errored == nil {
		return "", nil, false
	}
	t.flush(t.errored)
	return t.errored.name, t.errored.tail, true
}

// unfinished returns the names of the vertices that started and did not
// end, in the order they were first seen.
func (t *trace) unfinished() []string {
	var vs []*vertex
	for _, vx := range t.vertices {
		if vx.started && !vx.done {
			vs = append(vs, vx)
		}
	}
	slices.SortFunc(vs, func(a, b *vertex) int { return a.num - b.num })
	names := make([]string, len(vs))
	for i, vx := range vs {
		names[i] = vx.name
	}
	return names
}
