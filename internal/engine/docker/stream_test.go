package docker

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/google/go-cmp/cmp"
	controlapi "github.com/moby/buildkit/api/services/control"
	"google.golang.org/protobuf/types/known/timestamppb"
)

func TestOutputClassic(t *testing.T) {
	stream := messages(t,
		map[string]any{"stream": "Step 1/2 : FROM base\n ---> 1234\n"},
		map[string]any{"stream": "Step 2/2 : RUN make\n ---> Running in 5678\n"},
		map[string]any{"stream": " ---> Running in 9abc\nRemoving intermediate container 9abc\n"},
		map[string]any{"stream": "compiling"},
		map[string]any{"stream": " a\nfailed\n"},
		map[string]any{"errorDetail": map[string]any{"message": "returned a non-zero code: 2"}, "error": "x"},
	)
	var logs strings.Builder
	o := newOutput(&logs)
	err := o.read(strings.NewReader(stream))
	want := &engine.StepError{Message: "returned a non-zero code: 2", Step: "Step 2/2 : RUN make", Output: []string{"compiling a", "failed"}}
	var got *engine.StepError
	if !errors.As(err, &got) {
		t.Fatalf("read() = %v, want a StepError", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	wantLogs := "Step 1/2 : FROM base\n ---> 1234\nStep 2/2 : RUN make\n ---> Running in 5678\n ---> Running in 9abc\n" +
		"Removing intermediate container 9abc\ncompiling a\nfailed\n"
	if logs.String() != wantLogs {
		t.Errorf("logs = %q, want %q", logs.String(), wantLogs)
	}
	// The containers the engine announced and did not say it removed.
	if diff := cmp.Diff([]string{"5678"}, o.containers); diff != "" {
		t.Errorf("containers (-want +got):\n%s", diff)
	}
}

func TestOutputBuildKit(t *testing.T) {
	start := time.Unix(100, 0)
	ts := func(d time.Duration) *timestamppb.Timestamp { return timestamppb.New(start.Add(d)) }
	stream := messages(t,
		traceMessage(t, &controlapi.StatusResponse{Vertexes: []*controlapi.Vertex{
			{Digest: "a", Name: "[1/2] FROM base", Started: ts(0), Completed: ts(0), Cached: true},
			{Digest: "b", Name: "[2/2] RUN make", Started: ts(0)},
			{Digest: "c", Name: "[2/3] RUN test", Started: ts(0)},
		}}),
		traceMessage(t, &controlapi.StatusResponse{Logs: []*controlapi.VertexLog{
			{Vertex: "b", Msg: []byte("compiling\nlinking"), Timestamp: ts(250 * time.Millisecond)},
		}}),
		traceMessage(t, &controlapi.StatusResponse{Vertexes: []*controlapi.Vertex{
			{Digest: "b", Name: "[2/2] RUN make", Started: ts(0), Completed: ts(1500 * time.Millisecond), Error: "exit code: 2"},
		}}),
		map[string]any{"errorDetail": map[string]any{"message": "executor failed: exit code: 2"}},
	)
	var logs strings.Builder
	o := newOutput(&logs)
	err := o.read(strings.NewReader(stream))
	want := &engine.StepError{Message: "executor failed: exit code: 2", Step: "[2/2] RUN make", Output: []string{"compiling", "linking"}}
	var got *engine.StepError
	if !errors.As(err, &got) {
		t.Fatalf("read() = %v, want a StepError", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	// BuildKit's plain progress (progressui): a block per step, the
	// output with its seconds into the step, without blank lines and
	// without the closing repeat of the failed step's output.
	wantLogs := "#1 [1/2] FROM base\n#1 CACHED\n#2 [2/3] RUN test\n#2 ...\n#3 [2/2] RUN make\n#3 0.250 compiling\n#3 0.250 linking\n#3 ERROR: exit code: 2\n"
	if diff := cmp.Diff(wantLogs, logs.String()); diff != "" {
		t.Errorf("logs (-want +got):\n%s", diff)
	}
	// The steps that started and whose end the engine did not report.
	if diff := cmp.Diff([]string{"[2/3] RUN test"}, o.trace.unfinished()); diff != "" {
		t.Errorf("unfinished (-want +got):\n%s", diff)
	}
}

func TestOutputImageID(t *testing.T) {
	for _, id := range []string{"", auxImageID} {
		stream := messages(t, map[string]any{"id": id, "aux": map[string]string{"ID": "sha256:abc"}})
		o := newOutput(&strings.Builder{})
		if err := o.read(strings.NewReader(stream)); err != nil {
			t.Fatal(err)
		}
		if o.id != "sha256:abc" {
			t.Errorf("id = %q, want sha256:abc", o.id)
		}
	}
}

// traceMessage returns the JSON message that carries s.
func traceMessage(t *testing.T, s *controlapi.StatusResponse) map[string]any {
	b, err := s.MarshalVT()
	if err != nil {
		t.Fatal(err)
	}
	return map[string]any{"id": auxTrace, "aux": b}
}

// messages returns ms as a JSON message stream.
func messages(t *testing.T, ms ...map[string]any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	for _, m := range ms {
		if err := enc.Encode(m); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}
