package sched

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var errBoom = errors.New("boom")

func TestRunFailFast(t *testing.T) {
	// sib blocks until canceled; fail fails once sib runs; after and child
	// wait for them and must never run.
	tasks := []Task{
		{ID: "fail"},
		{ID: "sib"},
		{ID: "after", Deps: []string{"sib"}},
		{ID: "child", Deps: []string{"fail"}},
	}
	sibStarted := make(chan struct{})
	outcomes, err := Run(t.Context(), tasks, Options{Jobs: 3}, func(ctx context.Context, id string) error {
		switch id {
		case "sib":
			close(sibStarted)
			<-ctx.Done()
			return ctx.Err()
		case "fail":
			<-sibStarted
			return errBoom
		}
		t.Errorf("%s ran after a failure", id)
		return nil
	})
	if !errors.Is(err, errBoom) || err.Error() != "fail: boom" {
		t.Errorf("Run error = %v, want fail: boom", err)
	}
	want := map[string]Status{"fail": Failed, "sib": Canceled, "after": Canceled, "child": Canceled}
	if diff := cmp.Diff(want, statuses(outcomes)); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	for _, o := range outcomes[1:] {
		if !errors.Is(o.Err, errBoom) || !strings.Contains(o.Err.Error(), "fail failed") {
			t.Errorf("%s: Err = %v, want the cause naming fail", o.ID, o.Err)
		}
	}
}

func TestRunFailFastStartsNothingNew(t *testing.T) {
	// Ten ready tasks, two slots: the first to start blocks until canceled,
	// the second fails. No other may start, even on a slot freed later.
	tasks := make([]Task, 10)
	for i := range tasks {
		tasks[i] = Task{ID: fmt.Sprintf("t%d", i)}
	}
	var calls atomic.Int64
	outcomes, err := Run(t.Context(), tasks, Options{Jobs: 2}, func(ctx context.Context, _ string) error {
		switch calls.Add(1) {
		case 1:
			<-ctx.Done()
			return errors.New("interrupted")
		case 2:
			return errBoom
		}
		return nil
	})
	if !errors.Is(err, errBoom) {
		t.Errorf("Run error = %v, want %v", err, errBoom)
	}
	if got := calls.Load(); got != 2 {
		t.Errorf("fn called %d times, want 2", got)
	}
	count := map[Status]int{}
	for _, o := range outcomes {
		count[o.Status]++
	}
	if diff := cmp.Diff(map[Status]int{Failed: 1, Canceled: 9}, count); diff != "" {
		t.Errorf("status counts (-want +got):\n%s", diff)
	}
}

func TestRunKeepGoing(t *testing.T) {
	tasks := []Task{
		{ID: "a"},
		{ID: "b", Deps: []string{"a"}},
		{ID: "c", Deps: []string{"b"}},
		{ID: "d"},
		{ID: "e", Deps: []string{"d"}},
		{ID: "f", Deps: []string{"d", "a"}},
	}
	aDone := make(chan struct{})
	opts := Options{Jobs: 2, KeepGoing: true, OnDone: func(o Outcome) {
		if o.ID == "a" {
			close(aDone)
		}
	}}
	outcomes, err := Run(t.Context(), tasks, opts, func(ctx context.Context, id string) error {
		switch id {
		case "a":
			return errBoom
		case "d": // runs beside a, and must not be canceled by its failure
			<-aDone
			return ctx.Err()
		}
		return nil
	})
	if !errors.Is(err, errBoom) || err.Error() != "a: boom" {
		t.Errorf("Run error = %v, want a: boom", err)
	}
	want := map[string]Status{"a": Failed, "b": Skipped, "c": Skipped, "d": Succeeded, "e": Succeeded, "f": Skipped}
	if diff := cmp.Diff(want, statuses(outcomes)); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	for _, o := range outcomes {
		if o.Status == Skipped && (!errors.Is(o.Err, errBoom) || o.Err.Error() != "dependency a failed: boom") {
			t.Errorf("%s: Err = %v, want dependency a failed: boom", o.ID, o.Err)
		}
	}
	// The short form names a as the parent of b and as further up for c.
	short := map[string]string{}
	for _, o := range outcomes {
		if fe, ok := errors.AsType[*FailedError](o.Err); ok {
			short[o.ID] = fe.Short()
		}
	}
	if want := map[string]string{"b": "parent a failed", "c": "a failed upstream", "f": "parent a failed"}; !cmp.Equal(want, short) {
		t.Errorf("short reasons = %v, want %v", short, want)
	}
}

func TestRunKeepGoingDiamond(t *testing.T) {
	tasks := []Task{{ID: "a"}, {ID: "b", Deps: []string{"a"}}, {ID: "c", Deps: []string{"a"}}, {ID: "d", Deps: []string{"b", "c"}}}
	outcomes, err := Run(t.Context(), tasks, Options{Jobs: 4, KeepGoing: true}, func(_ context.Context, id string) error {
		if id == "b" {
			return errBoom
		}
		return nil
	})
	if !errors.Is(err, errBoom) {
		t.Errorf("Run error = %v, want %v", err, errBoom)
	}
	want := map[string]Status{"a": Succeeded, "b": Failed, "c": Succeeded, "d": Skipped}
	if diff := cmp.Diff(want, statuses(outcomes)); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if got := outcomes[3].Err; got == nil || !strings.Contains(got.Error(), "dependency b failed") {
		t.Errorf("d: Err = %v, want it to name b", got)
	}
}

func TestRunContextCanceled(t *testing.T) {
	errInterrupt := errors.New("interrupt")
	ctx, cancel := context.WithCancelCause(t.Context())
	defer cancel(nil)
	tasks := []Task{{ID: "a"}, {ID: "b", Deps: []string{"a"}}, {ID: "c"}}
	aStarted, cFinished := make(chan struct{}), make(chan struct{})
	go func() {
		<-aStarted
		<-cFinished
		cancel(errInterrupt)
	}()
	outcomes, err := Run(ctx, tasks, Options{Jobs: 2}, func(ctx context.Context, id string) error {
		switch id {
		case "a": // an error after cancellation counts as Canceled
			close(aStarted)
			<-ctx.Done()
			return errors.New("killed")
		case "c":
			close(cFinished)
		}
		return nil
	})
	if err != errInterrupt {
		t.Errorf("Run error = %v, want %v", err, errInterrupt)
	}
	want := []Outcome{
		{ID: "a", Status: Canceled, Err: errInterrupt},
		{ID: "b", Status: Canceled, Err: errInterrupt},
		{ID: "c", Status: Succeeded},
	}
	if diff := cmp.Diff(want, outcomes, cmpopts.EquateErrors()); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
}

func TestRunContextCanceledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancelCause(t.Context())
	cancel(errBoom)
	tasks := []Task{{ID: "a"}, {ID: "b", Deps: []string{"a"}}}
	outcomes, err := Run(ctx, tasks, Options{Jobs: 2}, func(_ context.Context, id string) error {
		t.Errorf("%s ran", id)
		return nil
	})
	if err != errBoom {
		t.Errorf("Run error = %v, want %v", err, errBoom)
	}
	if diff := cmp.Diff(map[string]Status{"a": Canceled, "b": Canceled}, statuses(outcomes)); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
}
