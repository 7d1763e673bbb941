package engine

import (
	"bytes"
	"context"
	"io"

	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/util/progress/progressui"
)

// BuildKitLog writes a build's BuildKit status updates to its logs as
// BuildKit's own plain progress does (progressui, what buildx --progress
// plain shows): each step as "#5 [2/3] RUN make", its output lines with
// the seconds since it started, its transfers, then "#5 DONE 2.1s". Blank
// lines between steps and the closing repeat of a failed step's output
// are left out: dockyard shows each failure once, in its failure block.
// Write and Close are called from one goroutine.
type BuildKitLog struct {
	ch   chan *client.SolveStatus
	done chan struct{}
}

// NewBuildKitLog starts rendering status updates into logs.
func NewBuildKitLog(logs io.Writer) *BuildKitLog {
	l := &BuildKitLog{ch: make(chan *client.SolveStatus, 16), done: make(chan struct{})}
	// The plain mode needs no terminal: NewDisplay cannot fail for it.
	d, _ := progressui.NewDisplay(&plainLines{w: logs}, progressui.PlainMode)
	go func() {
		defer close(l.done)
		_, _ = d.UpdateFrom(context.Background(), l.ch)
	}()
	return l
}

// Write renders one status update; the caller must not change it after.
func (l *BuildKitLog) Write(s *client.SolveStatus) { l.ch <- s }

// Close renders what is left and returns once every line is written.
func (l *BuildKitLog) Close() {
	close(l.ch)
	<-l.done
}

// plainLines passes progressui's plain output on line by line, without
// blank lines, and drops everything from the "------" line that starts
// the closing summary of failed steps: every line before it is a step's
// ("#N ...").
type plainLines struct {
	w       io.Writer
	partial []byte
	summary bool
}

func (p *plainLines) Write(b []byte) (int, error) {
	p.partial = append(p.partial, b...)
	for {
		i := bytes.IndexByte(p.partial, '\n')
		if i < 0 {
			return len(b), nil
		}
		line := bytes.Clone(p.partial[:i+1])
		p.partial = p.partial[i+1:]
		if string(line) == "------\n" {
			p.summary = true
		}
		if p.summary || len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if _, err := p.w.Write(line); err != nil {
			return len(b), err
		}
	}
}
