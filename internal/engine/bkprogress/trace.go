// Package bkprogress follows a build's BuildKit status updates, for both
// engines that build with BuildKit (the docker engine's and buildkitd): it
// has engine.BuildKitLog write them to the logs as BuildKit's plain
// progress, and keeps what an error needs: the first failed step with its
// last output lines, and the steps that started and did not end.
package bkprogress

import (
	"io"
	"slices"
	"strings"

	"github.com/moby/buildkit/client"
	digest "github.com/opencontainers/go-digest"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// Trace follows one build's status updates; one goroutine calls it.
type Trace struct {
	logs     io.Writer
	out      *engine.BuildKitLog // started by the first update
	vertices map[digest.Digest]*vertex
	errored  *vertex // the first vertex that reported an error
}

type vertex struct {
	num     int // in the order first seen
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

// Write renders one status update and follows it; the caller must not
// change it after.
func (t *Trace) Write(s *client.SolveStatus) {
	for _, v := range s.Vertexes {
		if vx := t.vertex(v.Digest, v.Name); v.Started != nil {
			vx.started = true
		}
	}
	for _, l := range s.Logs {
		t.log(t.vertex(l.Vertex, ""), string(l.Data))
	}
	for _, v := range s.Vertexes {
		if vx := t.vertex(v.Digest, ""); v.Completed != nil && !vx.done {
			vx.done, vx.started = true, true
			t.flush(vx)
			if v.Error != "" && t.errored == nil {
				t.errored = vx
			}
		}
	}
	if t.out == nil {
		t.out = engine.NewBuildKitLog(t.logs)
	}
	t.out.Write(s)
}

// Close waits until every line is in the logs.
func (t *Trace) Close() {
	if t.out != nil {
		t.out.Close()
		t.out = nil
	}
}

// log keeps a vertex's complete output lines.
func (t *Trace) log(vx *vertex, msg string) {
	text := vx.partial + msg
	vx.partial = ""
	for line := range strings.Lines(text) {
		if !strings.HasSuffix(line, "\n") {
			vx.partial = line
			break
		}
		vx.tail.Add(strings.TrimRight(line, "\r\n"))
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

// flush keeps a vertex's last log line if it lacks a newline.
func (t *Trace) flush(vx *vertex) {
	if vx.partial != "" {
		vx.tail.Add(strings.TrimRight(vx.partial, "\r"))
		vx.partial = ""
	}
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
