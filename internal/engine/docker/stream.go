package docker

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/moby/moby/api/types/jsonstream"
)

// tailLines is how many output lines of a failing step an error carries.
const tailLines = 10

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
	trace *trace
	// step and tail are the classic builder's current step and its output;
	// partial is text after the last newline it sent.
	step    string
	tail    lines
	partial string
	// containers are the classic builder's step containers that it
	// announced and has not said it removed.
	containers []string
}

func newOutput(logs io.Writer) *output {
	return &output{logs: logs, trace: newTrace(logs)}
}

// read consumes messages until the stream ends or carries an error.
func (o *output) read(r io.Reader) error {
	defer o.trace.close()
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
		var status []byte
		if err := json.Unmarshal(*m.Aux, &status); err != nil {
			return fmt.Errorf("decoding BuildKit progress: %w", err)
		}
		return o.trace.write(status)
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
			o.step, o.tail = l, lines{}
		case strings.HasPrefix(l, runningIn):
			o.containers = append(o.containers, strings.TrimSpace(strings.TrimPrefix(l, runningIn)))
		case strings.HasPrefix(l, removing):
			id := strings.TrimSpace(strings.TrimPrefix(l, removing))
			o.containers = slices.DeleteFunc(o.containers, func(c string) bool { return c == id })
		case strings.HasPrefix(l, " ---> "):
		case strings.TrimSpace(l) != "":
			o.tail.add(l)
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
	if step, out, ok := o.trace.failed(); ok {
		return &engine.StepError{Message: msg, Step: step, Output: out}
	}
	return &engine.StepError{Message: msg, Step: o.step, Output: o.tail}
}

// lines keeps the last tailLines lines added.
type lines []string

func (ls *lines) add(l string) {
	if len(*ls) == tailLines {
		*ls = (*ls)[1:]
	}
	*ls = append(*ls, l)
}
