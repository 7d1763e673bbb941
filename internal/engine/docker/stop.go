package docker

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"slices"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// pollInterval is how often a stop looks again at a container that still
// runs.
const pollInterval = 100 * time.Millisecond

// A stop ends a build whose context was canceled, and finds out whether
// the engine confirms that nothing of the build runs any more.
//
// The engine stops a build when the build's request loses its client (both
// builders) and, for BuildKit, when asked to cancel it. Closing the
// request's connection would lose the rest of the engine's answer, which
// is how the engine tells what it did; so a stop closes only the sending
// side of the connection. The engine's HTTP server sees its client gone and
// cancels the build, and the answer ends once the build returned: the
// classic builder returns after it killed and removed the step's
// container, BuildKit's solver once the step's process exited. What the
// answer said is then checked: the classic builder's containers must be
// gone or stopped, and every BuildKit step that started must have ended.
// If the answer does not end within the engine's stop timeout
// (engine.StopTimeout), the stop closes
// the connection, and the stop is unconfirmed.
type stop struct {
	e       *Engine
	buildID string // BuildKit's build, which the engine is asked to cancel
	watched chan struct{}

	mu       sync.Mutex
	conn     net.Conn // the request's connection, once the transport has one
	halted   bool     // the context was canceled; the sending side is closed
	over     bool     // the request ended: its connection is not the build's any more
	abort    context.CancelFunc
	deadline time.Time
	problem  string // why the stop cannot be confirmed, once known
}

// ownConnection marks the context of a request that gets a connection of
// its own, closed after the answer: a stop may half-close it, so it must
// never go back to the client's pool.
type ownConnection struct{}

// closeOwnConnections is the client's request hook that gives requests
// marked with ownConnection a connection of their own.
func closeOwnConnections(req *http.Request) error {
	if req.Context().Value(ownConnection{}) != nil {
		req.Close = true
	}
	return nil
}

// watch returns the context for the build's request, which ctx does not
// cancel, and starts stopping the build when ctx is canceled. The caller
// must call end once the request ended, before closing its answer's body.
func (e *Engine) watch(ctx context.Context, buildID string) (*stop, context.Context) {
	s := &stop{e: e, buildID: buildID, watched: make(chan struct{})}
	reqCtx, abort := context.WithCancel(context.WithValue(context.WithoutCancel(ctx), ownConnection{}, true))
	s.abort = abort
	reqCtx = httptrace.WithClientTrace(reqCtx, &httptrace.ClientTrace{GotConn: s.gotConn})
	go func() {
		defer close(s.watched)
		select {
		case <-ctx.Done():
		case <-reqCtx.Done():
			return
		}
		s.halt()
		timer := time.NewTimer(time.Until(s.deadline))
		defer timer.Stop()
		select {
		case <-timer.C:
			s.mu.Lock()
			if !s.over {
				s.problem = fmt.Sprintf("the engine's answer to the build request did not end within %s of the cancel", s.e.stopTimeout)
			}
			s.mu.Unlock()
			abort()
		case <-reqCtx.Done():
		}
	}()
	return s, reqCtx
}

// gotConn learns the request's connection; a build halted already has its
// sending side closed at once.
func (s *stop) gotConn(info httptrace.GotConnInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conn = info.Conn
	if s.halted {
		s.closeWrite()
	}
}

// halt tells the engine to stop the build.
func (s *stop) halt() {
	s.mu.Lock()
	s.halted = true
	s.deadline = time.Now().Add(s.e.stopTimeout)
	if s.conn != nil && !s.over {
		s.closeWrite()
	}
	s.mu.Unlock()
	if s.buildID != "" {
		ctx, cancel := context.WithDeadline(context.Background(), s.deadline)
		defer cancel()
		_, _ = s.e.api.BuildCancel(ctx, s.buildID, client.BuildCancelOptions{})
	}
}

// closeWrite closes the connection's sending side, or the whole connection
// if it cannot close one side alone; then nothing tells when the engine
// stopped the build. s.mu is held.
func (s *stop) closeWrite() {
	if hc, ok := s.conn.(interface{ CloseWrite() error }); ok {
		if err := hc.CloseWrite(); err == nil {
			return
		}
	}
	s.problem = fmt.Sprintf("the connection to the engine (%T) cannot close its sending side alone", s.conn)
	s.abort()
}

// end marks the request over: its connection is left alone from now on.
// It returns whether the build was halted.
func (s *stop) end() bool {
	s.mu.Lock()
	s.over = true
	halted := s.halted
	s.mu.Unlock()
	s.abort()
	<-s.watched
	return halted
}

// confirm returns the error of a halted build: ctx's cause, with
// engine.ErrStopUnconfirmed when the engine did not confirm that the
// build ended. out is what the build's answer said; nil when there was
// none.
func (s *stop) confirm(ctx context.Context, out *output) error {
	cause := context.Cause(ctx)
	s.mu.Lock()
	problem, deadline := s.problem, s.deadline
	s.mu.Unlock()
	if deadline.IsZero() { // the build's answer ended before the halt
		deadline = time.Now().Add(s.e.stopTimeout)
	}
	if problem == "" && out != nil {
		problem = s.check(out, deadline)
	}
	if problem != "" {
		return fmt.Errorf("%w; %w: %s", cause, engine.ErrStopUnconfirmed, problem)
	}
	return cause
}

// check looks, until deadline, for what of the build may still run, once
// its answer ended: a BuildKit step that started and did not end, or a
// container of the classic builder's that still runs. It returns what it
// found, or "".
func (s *stop) check(out *output, deadline time.Time) string {
	if steps := out.trace.Unfinished(); len(steps) > 0 {
		return fmt.Sprintf("the engine did not report the end of %q", steps)
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	ids := slices.Clone(out.containers)
	for len(ids) > 0 {
		res, err := s.e.api.ContainerInspect(ctx, ids[0], client.ContainerInspectOptions{})
		switch {
		case cerrdefs.IsNotFound(err), err == nil && (res.Container.State == nil || !res.Container.State.Running):
			ids = ids[1:]
			continue
		case ctx.Err() != nil:
			return fmt.Sprintf("the step's container %s still runs %s after the cancel", ids[0], s.e.stopTimeout)
		case err != nil:
			return fmt.Sprintf("inspecting the step's container %s: %v", ids[0], err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(pollInterval):
		}
	}
	return ""
}
