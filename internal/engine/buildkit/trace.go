package buildkit

import (
	"fmt"
	"io"
	"strings"

	"github.com/moby/buildkit/client"
	digest "github.com/opencontainers/go-digest"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// tailLines is how many output lines of a failing step an error carries.
const tailLines = 10

// trace follows BuildKit's status updates: engine.BuildKitLog writes them
// to the logs as BuildKit's plain progress, and the trace keeps each
// vertex's last lines for the error of a failed step. Logs that take
// BuildKit's own messages (rawjson) get each update as well.
type trace struct {
	logs     io.Writer
	out      *engine.BuildKitLog
	vertices map[digest.Digest]*vertex
	errored  *vertex
}

type vertex struct {
	name    string
	partial string // log text after the last newline
	tail    []string
}

func newTrace(logs io.Writer) *trace {
	return &trace{logs: logs, out: engine.NewBuildKitLog(logs), vertices: map[digest.Digest]*vertex{}}
}

// write renders one status update and follows it.
func (t *trace) write(s *client.SolveStatus) {
	if sw, ok := t.logs.(engine.StatusWriter); ok {
		for _, resp := range s.Marshal() {
			if raw, err := protojson.Marshal(resp); err == nil {
				sw.WriteStatus(raw)
			}
		}
	}
	for _, v := range s.Vertexes {
		t.vertex(v.Digest, v.Name)
	}
	for _, l := range s.Logs {
		t.log(t.vertex(l.Vertex, ""), string(l.Data))
	}
	for _, v := range s.Vertexes {
		if v.Completed != nil && v.Error != "" && t.errored == nil {
			t.errored = t.vertex(v.Digest, "")
		}
	}
	t.out.Write(s)
}

// close waits until every line is in the logs.
func (t *trace) close() { t.out.Close() }

func (t *trace) log(vx *vertex, msg string) {
	text := vx.partial + msg
	vx.partial = ""
	for line := range strings.Lines(text) {
		if !strings.HasSuffix(line, "\n") {
			vx.partial = line
			break
		}
		vx.add(strings.TrimRight(line, "\r\n"))
	}
}

func (t *trace) vertex(d digest.Digest, name string) *vertex {
	vx, ok := t.vertices[d]
	if !ok {
		vx = &vertex{}
		t.vertices[d] = vx
	}
	if name != "" {
		vx.name = name
	}
	return vx
}

func (vx *vertex) add(l string) {
	vx.tail = append(vx.tail, l)
	if len(vx.tail) > tailLines {
		vx.tail = vx.tail[1:]
	}
}

// failure turns the solve's error into a StepError naming the failed
// step, with its last output lines, when a step failed.
func (t *trace) failure(err error) error {
	msg := strings.TrimPrefix(err.Error(), "failed to solve: ")
	if t.errored == nil {
		return fmt.Errorf("buildkitd: %s", msg)
	}
	if vx := t.errored; vx.partial != "" {
		vx.add(strings.TrimRight(vx.partial, "\r"))
		vx.partial = ""
	}
	return &engine.StepError{Message: msg, Step: t.errored.name, Output: t.errored.tail}
}
