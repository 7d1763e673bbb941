// Package bkprogress turns BuildKit's status updates into lines numbered
// by vertex, as BuildKit's plain progress does: "#3 [2/3] RUN echo hi",
// "#3 hi", "#3 DONE 0.2s". Both engines that build with BuildKit (the
// docker engine's and buildkitd) write their builds' progress through it.
package bkprogress

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/moby/buildkit/client"
	digest "github.com/opencontainers/go-digest"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// Trace writes a build's status updates as lines, and keeps each vertex's
// last lines for the error of a failed step.
type Trace struct {
	logs     io.Writer
	vertices map[digest.Digest]*vertex
	errored  *vertex // the first vertex that reported an error
}

type vertex struct {
	num     int
	name    string
	started bool
	done    bool
	partial string // log text after the last newline
	tail    engine.Tail
}

// New returns a trace that writes to logs.
func New(logs io.Writer) *Trace {
	return &Trace{logs: logs, vertices: map[digest.Digest]*vertex{}}
}

// Write writes one status update's lines: starts, then logs, then ends,
// as one update may carry all three.
func (t *Trace) Write(s *client.SolveStatus) {
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

// log writes a vertex's complete output lines and keeps the rest.
func (t *Trace) log(vx *vertex, msg string) {
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
func (t *Trace) end(vx *vertex, v *client.Vertex) {
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

// vertex returns the vertex with digest d, numbering it when first seen.
func (t *Trace) vertex(d digest.Digest, name string) *vertex {
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

func (t *Trace) line(vx *vertex, l string) {
	vx.tail.Add(l)
	t.printf(vx, "%s", l)
}

// flush ends a vertex's last log line if it lacks a newline.
func (t *Trace) flush(vx *vertex) {
	if vx.partial != "" {
		t.line(vx, strings.TrimRight(vx.partial, "\r"))
		vx.partial = ""
	}
}

func (t *Trace) printf(vx *vertex, format string, args ...any) {
	fmt.Fprintf(t.logs, "#%d "+format+"\n", append([]any{vx.num}, args...)...)
}

// Failed returns a StepError for the engine's error message msg naming
// the first step that failed, with its last output lines; false when no
// step failed.
func (t *Trace) Failed(msg string) (*engine.StepError, bool) {
	if t.errored == nil {
		return nil, false
	}
	t.flush(t.errored)
	return &engine.StepError{Message: msg, Step: t.errored.name, Output: t.errored.tail}, true
}

// Unfinished returns the names of the vertices that started and did not
// end, in the order they were first seen.
func (t *Trace) Unfinished() []string {
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
