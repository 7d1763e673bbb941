package engine

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/moby/buildkit/client"
	digest "github.com/opencontainers/go-digest"
)

// A failed step's output is written once, as it comes: progressui's
// closing repeat of it, and its blank lines, are left out.
func TestBuildKitLogShowsAFailureOnce(t *testing.T) {
	start := time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { t := start.Add(d); return &t }
	run := digest.FromString("run")
	var out strings.Builder
	l := NewBuildKitLog(&out)
	l.Write(&client.SolveStatus{Vertexes: []*client.Vertex{{Digest: run, Name: "[2/2] RUN make", Started: at(0)}}})
	l.Write(&client.SolveStatus{Logs: []*client.VertexLog{{Vertex: run, Data: []byte("cc: error\n"), Timestamp: *at(1500 * time.Millisecond)}}})
	l.Write(&client.SolveStatus{Vertexes: []*client.Vertex{{Digest: run, Name: "[2/2] RUN make", Started: at(0), Completed: at(2 * time.Second), Error: "exit code: 2"}}})
	l.Close()
	want := "#1 [2/2] RUN make\n#1 1.500 cc: error\n#1 ERROR: exit code: 2\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("logs (-want +got):\n%s", diff)
	}
}
