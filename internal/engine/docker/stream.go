package docker

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	controlapi "github.com/moby/buildkit/api/services/control"
	"github.com/moby/buildkit/client"
	"github.com/moby/moby/api/types/jsonstream"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/engine/bkprogress"
)

// The classic builder's lines that announce a step's container and its
// removal, followed by the container's short ID.
const (
	runningIn = " ---> Running in "
	removing  = "Removing intermediate container "
)

// Aux message IDs of a BuildKit build.
const (
	auxTrace   = "moby.buildkit.trace"
	auxImageID = "moby.image.id"
)

// output reads an engine's JSON build messages: it writes their text to logs
// as lines, keeps the built image's ID, and turns an error message into a
// StepError.
type output struct {
	logs  io.Writer
	id    string
	trace *bkprogress.Trace
	// step and tail are the classic builder's current step and its output;
	// partial is text after the last newline it sent.
	step    string
	tail    engine.Tail
	partial string
	// containers are the classic builder's step containers that it
	// announced and has not said it removed.
	containers []string
}

func newOutput(logs io.Writer) *output {
	return &output{logs: logs, trace: bkprogress.New(logs)}
}

// read consumes messages until the stream ends or carries an error.
func (o *output) read(r io.Reader) error {
	defer o.trace.Close()
	dec := json.NewDecoder(r)
	for {
		var m jsonstream.Message
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			o.flush()
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading the build output: %w", err)
		}
		if m.Error != nil {
			return o.failure(m.Error.Message)
		}
		if err := o.handle(m); err != nil {
			return err
		}
	}
}

func (o *output) handle(m jsonstream.Message) error {
	switch {
	case m.Aux != nil && m.ID == auxTrace:
		return o.status(*m.Aux)
	case m.Aux != nil:
		var img struct{ ID string }
		if err := json.Unmarshal(*m.Aux, &img); err == nil && img.ID != "" {
			o.id = img.ID
		}
	case m.Stream != "":
		o.stream(m.Stream)
	case m.Status != "" && m.ID != "":
		fmt.Fprintf(o.logs, "%s: %s\n", m.ID, m.Status)
	case m.Status != "":
		fmt.Fprintln(o.logs, m.Status)
	}
	return nil
}

// stream writes the classic builder's text line by line.
func (o *output) stream(text string) {
	text = o.partial + text
	o.partial = ""
	for l := range strings.Lines(text) {
		if !strings.HasSuffix(l, "\n") {
			o.partial = l
			break
		}
		io.WriteString(o.logs, l)
		l = strings.TrimRight(l, "\r\n")
		switch {
		case strings.HasPrefix(l, "Step "):
			o.step, o.tail = l, nil
		case strings.HasPrefix(l, runningIn):
			o.containers = append(o.containers, strings.TrimSpace(strings.TrimPrefix(l, runningIn)))
		case strings.HasPrefix(l, removing):
			id := strings.TrimSpace(strings.TrimPrefix(l, removing))
			o.containers = slices.DeleteFunc(o.containers, func(c string) bool { return c == id })
		case strings.HasPrefix(l, " ---> "):
		case strings.TrimSpace(l) != "":
			o.tail.Add(l)
		}
	}
}

// flush ends the classic builder's last line if it lacks a newline.
func (o *output) flush() {
	if o.partial != "" {
		o.stream("\n")
	}
}

func (o *output) failure(msg string) error {
	o.flush()
	if se, ok := o.trace.Failed(msg); ok {
		return se
	}
	return &engine.StepError{Message: msg, Step: o.step, Output: o.tail}
}

// status writes one of the engine's BuildKit status messages (a
// marshaled StatusResponse) to the trace, and hands it as JSON to logs
// when logs takes raw status.
func (o *output) status(aux json.RawMessage) error {
	var raw []byte
	if err := json.Unmarshal(aux, &raw); err != nil {
		return fmt.Errorf("decoding BuildKit progress: %w", err)
	}
	var s controlapi.StatusResponse
	if err := s.UnmarshalVT(raw); err != nil {
		return fmt.Errorf("decoding BuildKit progress: %w", err)
	}
	if sw, ok := o.logs.(engine.StatusWriter); ok {
		if j, err := protojson.Marshal(&s); err == nil {
			sw.WriteStatus(j)
		}
	}
	o.trace.Write(client.NewSolveStatus(&s))
	return nil
}
