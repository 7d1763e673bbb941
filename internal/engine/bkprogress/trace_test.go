package bkprogress

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/moby/buildkit/client"

	"github.com/dockyard-build/dockyard/internal/engine"
)

func TestTrace(t *testing.T) {
	var out strings.Builder
	tr := New(&out)
	start := time.Unix(100, 0)
	end := start.Add(1500 * time.Millisecond)
	tr.Write(&client.SolveStatus{Vertexes: []*client.Vertex{
		{Digest: "sha256:a", Name: "[1/2] FROM base", Started: &start, Completed: &start, Cached: true},
		{Digest: "sha256:b", Name: "[2/2] RUN make", Started: &start},
		{Digest: "sha256:c", Name: "[2/2] RUN other", Started: &start},
	}})
	var logs strings.Builder
	for i := range engine.TailLines + 2 {
		fmt.Fprintf(&logs, "line %d\n", i)
	}
	logs.WriteString("no newline")
	tr.Write(&client.SolveStatus{Logs: []*client.VertexLog{{Vertex: "sha256:b", Data: []byte(logs.String())}}})
	if diff := cmp.Diff([]string{"[2/2] RUN make", "[2/2] RUN other"}, tr.Unfinished()); diff != "" {
		t.Errorf("unfinished (-want +got):\n%s", diff)
	}
	tr.Write(&client.SolveStatus{Vertexes: []*client.Vertex{
		{Digest: "sha256:b", Started: &start, Completed: &end, Error: "exit code: 2"},
		{Digest: "sha256:c", Started: &start, Completed: &end, Error: "canceled"},
	}})
	if _, ok := (&Trace{}).Failed("x"); ok {
		t.Errorf("a trace without errors reports a failed step")
	}
	se, ok := tr.Failed("process did not complete")
	if !ok {
		t.Fatal("no failed step")
	}
	if se.Step != "[2/2] RUN make" || len(se.Output) != engine.TailLines || se.Output[engine.TailLines-1] != "no newline" || se.Output[0] != "line 3" {
		t.Errorf("step error = %+v, want the first failed step and its last %d lines", se, engine.TailLines)
	}
	tr.Close()
	text := out.String()
	for _, want := range []string{"#1 [1/2] FROM base\n", "line 11\n", "no newline\n", "ERROR: exit code: 2\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("progress lacks %q:\n%s", want, text)
		}
	}
	if len(tr.Unfinished()) != 0 {
		t.Errorf("unfinished = %v after every vertex ended", tr.Unfinished())
	}
}
