package sched

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestRunPanic checks that a task that panics fails like any other, with a
// *PanicError holding its stack, and that fail-fast cancels the rest.
func TestRunPanic(t *testing.T) {
	tasks := []Task{{ID: "crash"}, {ID: "sib"}, {ID: "child", Deps: []string{"crash"}}}
	outcomes, err := Run(t.Context(), tasks, Options{Jobs: 2}, func(ctx context.Context, id string) error {
		switch id {
		case "crash":
			ids := []string{id}
			return errors.New(ids[len(ids)]) // out of range: a real runtime panic
		case "sib":
			<-ctx.Done()
			return ctx.Err()
		}
		return nil
	})
	var p *PanicError
	if !errors.As(err, &p) {
		t.Fatalf("Run error = %v, want a *PanicError", err)
	}
	if !strings.HasPrefix(err.Error(), "crash: panic: runtime error: index out of range [1] with length 1") {
		t.Errorf("Run error = %q", err)
	}
	if !strings.Contains(string(p.Stack), "panic_test.go") {
		t.Errorf("the stack does not show where it panicked:\n%s", p.Stack)
	}
	want := map[string]Status{"crash": Failed, "sib": Canceled, "child": Canceled}
	for _, o := range outcomes {
		if o.Status != want[o.ID] {
			t.Errorf("%s: %v, want %v", o.ID, o.Status, want[o.ID])
		}
	}
}
