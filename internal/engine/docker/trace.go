package docker

import (
	"fmt"
	"io"
	"slices"
	"strings"

	controlapi "github.com/moby/buildkit/api/services/control"
	"github.com/moby/buildkit/client"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// trace follows BuildKit's status messages: it has engine.BuildKitLog
// write them to the logs as BuildKit's plain progress, and keeps what an
// error needs: the failed step and its last output lines, and the steps
// that started and did not end.
type trace struct {
	logs     io.Writer
	out      *engine.BuildKitLog // started by the first message
	vertices map[string]*vertex
	// errored is the vertex that reported an error, if any.
	errored *vertex
}

type vertex struct {
	num     int // in the order first seen
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

// write decodes one marshaled StatusResponse, renders it and follows it.
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
	if t.out == nil {
		t.out = engine.NewBuildKitLog(t.logs)
	}
	t.out.Write(client.NewSolveStatus(&s))
	for _, v := range s.Vertexes {
		if vx := t.vertex(v.Digest, v.Name); v.Started != nil {
			vx.started = true
		}
	}
	for _, l := range s.Logs {
		t.log(t.vertex(l.Vertex, ""), string(l.Msg))
	}
	for _, v := range s.Vertexes {
		if vx := t.vertex(v.Digest, ""); v.Completed != nil && !vx.done {
			vx.done, vx.started = true, true
			t.flush(vx)
			if v.Error != "" {
				t.errored = vx
			}
		}
	}
	return nil
}

// close waits until every line is in the logs.
func (t *trace) close() {
	if t.out != nil {
		t.out.Close()
		t.out = nil
	}
}

// log keeps a vertex's complete output lines.
func (t *trace) log(vx *vertex, msg string) {
	text := vx.partial + msg
	vx.partial = ""
	for line := range strings.Lines(text) {
		if !strings.HasSuffix(line, "\n") {
			vx.partial = line
			break
		}
		vx.tail.add(strings.TrimRight(line, "\r\n"))
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

// flush ends a vertex's last log line if it lacks a newline.
func (t *trace) flush(vx *vertex) {
	if vx.partial != "" {
		vx.tail.add(strings.TrimRight(vx.partial, "\r"))
		vx.partial = ""
	}
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
