// Package sched runs interdependent tasks in dependency order, in parallel,
// with at most a given number running at once.
//
// Every task gets its own goroutine, which waits for the tasks it depends on
// and only then takes one of the Jobs slots: a task never holds a slot while
// it waits, so waiting cannot starve the tasks it waits for. By default the
// first failure cancels everything else (fail-fast); with Options.KeepGoing
// every task that does not depend on a failure still runs.
package sched

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
)

// Task is one unit of work with the IDs of the tasks it needs finished first.
type Task struct {
	ID   string
	Deps []string
}

// Options tune Run.
type Options struct {
	// Jobs is the most fn calls that run at once; <= 0 means 1.
	Jobs int
	// KeepGoing, on failure, goes on with every task that does not depend on a failure.
	KeepGoing bool
	// OnStart, if set, is called with a task's ID right after the task took a
	// slot and before fn runs for it.
	OnStart func(id string)
	// OnDone, if set, is called once per task as it reaches its final status,
	// tasks that never ran included, before any task that depends on it starts.
	//
	// Calls to OnStart and OnDone never overlap, so they need no locking of
	// their own; they should return quickly, as other tasks wait for them.
	OnDone func(Outcome)
}

// Status is how a task ended.
type Status int

const (
	// Succeeded means fn returned nil.
	Succeeded Status = iota
	// Failed means fn returned an error of its own.
	Failed
	// Skipped means a dependency failed or was skipped (with KeepGoing).
	Skipped
	// Canceled means the run was canceled, by fail-fast or by the caller's
	// context, before or while the task ran.
	Canceled
)

var statusNames = [...]string{"succeeded", "failed", "skipped", "canceled"}

func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return fmt.Sprintf("Status(%d)", int(s))
	}
	return statusNames[s]
}

// Outcome is how one task ended.
type Outcome struct {
	ID     string
	Status Status
	// Err is the task's own error (Failed), or why it did not run: for
	// Skipped it names the failed dependency, for Canceled it is the cause.
	Err error
}

// Run runs fn for every task once all of the task's dependencies succeeded,
// at most opts.Jobs at a time, and returns every task's outcome in the order
// of tasks.
//
// fn gets a context that is canceled when ctx ends or, fail-fast, when a task
// fails; the cause names the failed task. A task whose fn returns an error
// after that context was canceled is Canceled rather than Failed.
//
// The error is nil when every task succeeded; otherwise it is the first
// failure, as "<id>: <err>", or context.Cause(ctx) when ctx ended the run.
// Duplicate IDs, unknown dependencies and cycles are errors returned with nil
// outcomes before anything runs.
func Run(ctx context.Context, tasks []Task, opts Options, fn func(ctx context.Context, id string) error) ([]Outcome, error) {
	nodes, err := newNodes(tasks)
	if err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	r := &run{
		ctx:    runCtx,
		cancel: cancel,
		opts:   opts,
		fn:     fn,
		slots:  make(chan struct{}, max(opts.Jobs, 1)),
	}
	var wg sync.WaitGroup
	for _, n := range nodes {
		wg.Go(func() { r.do(n) })
	}
	wg.Wait()

	outcomes := make([]Outcome, len(nodes))
	for i, n := range nodes {
		outcomes[i] = n.out
	}
	if r.failed != nil {
		return outcomes, fmt.Errorf("%s: %w", r.failed.ID, r.failed.Err)
	}
	for _, o := range outcomes {
		if o.Status != Succeeded {
			return outcomes, context.Cause(ctx)
		}
	}
	return outcomes, nil
}

// node is a task being run; out is written once, before done is closed.
type node struct {
	id   string
	deps []*node
	done chan struct{}
	out  Outcome
}

// run is the state shared by the goroutines of one Run call.
type run struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	opts   Options
	fn     func(ctx context.Context, id string) error
	slots  chan struct{}

	mu     sync.Mutex // serializes the hooks and guards failed
	failed *Outcome   // the first failure
}

// do takes n from waiting to its final status.
func (r *run) do(n *node) {
	if s, err := r.waitDeps(n); err != nil {
		r.finish(n, s, err)
		return
	}
	if !r.takeSlot() {
		r.finish(n, Canceled, context.Cause(r.ctx))
		return
	}
	s, err := r.call(n)
	// Fail-fast cancels in finish, before the slot is freed, so no task can
	// take that slot and start after a failure.
	r.finish(n, s, err)
	<-r.slots
}

// waitDeps waits for n's dependencies. It returns nil when all of them
// succeeded, and otherwise the status n ends with and why.
func (r *run) waitDeps(n *node) (Status, error) {
	for _, d := range n.deps {
		select {
		case <-d.done:
		case <-r.ctx.Done():
			return Canceled, context.Cause(r.ctx)
		}
	}
	// A dependency ends Canceled only once the run is canceled, so checking
	// the context first also covers those, and keeps fail-fast runs from
	// reporting Skipped for some tasks and Canceled for others by chance.
	if r.ctx.Err() != nil {
		return Canceled, context.Cause(r.ctx)
	}
	for _, d := range n.deps {
		switch d.out.Status {
		case Failed:
			return Skipped, &FailedError{Task: d.id, Dependency: true, Parent: true, Err: d.out.Err}
		case Skipped:
			if fe, ok := d.out.Err.(*FailedError); ok {
				return Skipped, &FailedError{Task: fe.Task, Dependency: true, Err: fe.Err}
			}
			return Skipped, d.out.Err
		}
	}
	return Succeeded, nil
}

// takeSlot waits for a free slot and reports whether it got one before the
// run was canceled.
func (r *run) takeSlot() bool {
	select {
	case r.slots <- struct{}{}:
	case <-r.ctx.Done():
		return false
	}
	if r.ctx.Err() != nil { // both were ready and select chose the slot
		<-r.slots
		return false
	}
	return true
}

// call runs fn for n, which holds a slot.
func (r *run) call(n *node) (Status, error) {
	if r.opts.OnStart != nil {
		r.mu.Lock()
		r.opts.OnStart(n.id)
		r.mu.Unlock()
	}
	err := r.safeCall(n.id)
	switch {
	case err == nil:
		return Succeeded, nil
	case r.ctx.Err() != nil:
		return Canceled, context.Cause(r.ctx)
	default:
		return Failed, err
	}
}

// safeCall calls fn; a panic in it fails the task with a *PanicError, so
// that the run ends as after any failure, its cleanup included, instead of
// taking the process down.
func (r *run) safeCall(id string) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	return r.fn(r.ctx, id)
}

// FailedError is why a task did not run, or stopped: Task failed. For a
// Skipped task, Task is a dependency (its parent when Parent is set, else
// further up); for a Canceled one, the failure that ended a fail-fast run.
type FailedError struct {
	Task       string
	Dependency bool
	Parent     bool
	Err        error
}

func (e *FailedError) Error() string {
	if e.Dependency {
		return fmt.Sprintf("dependency %s failed: %v", e.Task, e.Err)
	}
	return fmt.Sprintf("%s failed: %v", e.Task, e.Err)
}

func (e *FailedError) Unwrap() error { return e.Err }

// Short says in a few words which task failed: "parent a failed", "a
// failed upstream", "a failed".
func (e *FailedError) Short() string {
	switch {
	case e.Parent:
		return "parent " + e.Task + " failed"
	case e.Dependency:
		return e.Task + " failed upstream"
	}
	return e.Task + " failed"
}

// PanicError is a task that panicked: a bug. Stack is where it panicked.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// finish records n's outcome, cancels the run on a fail-fast failure, tells
// OnDone, and then releases n's dependents.
func (r *run) finish(n *node, s Status, err error) {
	n.out = Outcome{ID: n.id, Status: s, Err: err}
	r.mu.Lock()
	if s == Failed && r.failed == nil {
		first := n.out
		r.failed = &first
		if !r.opts.KeepGoing {
			r.cancel(&FailedError{Task: n.id, Err: err})
		}
	}
	if r.opts.OnDone != nil {
		r.opts.OnDone(n.out)
	}
	r.mu.Unlock()
	close(n.done)
}
