package sched

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestRunRejectsBadTasks(t *testing.T) {
	for _, tc := range []struct {
		name  string
		tasks []Task
		want  string
	}{
		{
			name:  "unknown deps",
			tasks: []Task{{ID: "a", Deps: []string{"x"}}, {ID: "b", Deps: []string{"a", "y"}}},
			want:  "task \"a\": unknown dependency \"x\"\ntask \"b\": unknown dependency \"y\"",
		},
		{
			name:  "duplicate",
			tasks: []Task{{ID: "a"}, {ID: "a"}},
			want:  `duplicate task "a"`,
		},
		{
			name:  "cycle",
			tasks: []Task{{ID: "root"}, {ID: "a", Deps: []string{"root", "b"}}, {ID: "b", Deps: []string{"c"}}, {ID: "c", Deps: []string{"a"}}},
			want:  "dependency cycle: a -> b -> c -> a",
		},
		{
			name:  "self",
			tasks: []Task{{ID: "a", Deps: []string{"a"}}},
			want:  "dependency cycle: a -> a",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			outcomes, err := Run(t.Context(), tc.tasks, Options{}, func(_ context.Context, id string) error {
				t.Errorf("%s ran", id)
				return nil
			})
			if err == nil || err.Error() != tc.want {
				t.Errorf("Run error = %v, want %q", err, tc.want)
			}
			if outcomes != nil {
				t.Errorf("outcomes = %v, want nil", outcomes)
			}
		})
	}
}

func TestRunNoTasks(t *testing.T) {
	outcomes, err := Run(t.Context(), nil, Options{}, nil)
	if err != nil || len(outcomes) != 0 {
		t.Errorf("Run(nil) = %v, %v; want no outcomes and no error", outcomes, err)
	}
}

// TestRunHooks checks that OnStart comes once for each task that runs and
// OnDone once for every task, with its final outcome, in every kind of run.
// The maps are written without locks: -race checks that calls never overlap.
func TestRunHooks(t *testing.T) {
	tasks := []Task{{ID: "a"}, {ID: "b", Deps: []string{"a"}}, {ID: "c"}, {ID: "d", Deps: []string{"c"}}}
	fail := func(_ context.Context, id string) error {
		if id == "a" {
			return errBoom
		}
		return nil
	}
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		opts Options
		fn   func(context.Context, string) error
	}{
		{"success", t.Context(), Options{Jobs: 2}, func(context.Context, string) error { return nil }},
		{"fail-fast", t.Context(), Options{Jobs: 1}, fail},
		{"keep-going", t.Context(), Options{Jobs: 2, KeepGoing: true}, fail},
		{"canceled", canceled, Options{Jobs: 2}, fail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			started := map[string]int{}
			done := map[string]Outcome{}
			var ran atomic.Int64
			tc.opts.OnStart = func(id string) { started[id]++ }
			tc.opts.OnDone = func(o Outcome) {
				if _, dup := done[o.ID]; dup {
					t.Errorf("OnDone called twice for %s", o.ID)
				}
				done[o.ID] = o
			}
			outcomes, _ := Run(tc.ctx, tasks, tc.opts, func(ctx context.Context, id string) error {
				ran.Add(1)
				return tc.fn(ctx, id)
			})
			want := map[string]Outcome{}
			for _, o := range outcomes {
				want[o.ID] = o
			}
			if diff := cmp.Diff(want, done, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("OnDone outcomes (-want +got):\n%s", diff)
			}
			for id, n := range started {
				if n != 1 {
					t.Errorf("OnStart called %d times for %s", n, id)
				}
			}
			if int64(len(started)) != ran.Load() {
				t.Errorf("OnStart called for %d tasks, fn for %d", len(started), ran.Load())
			}
		})
	}
}

func TestStatusString(t *testing.T) {
	got := []string{Succeeded.String(), Failed.String(), Skipped.String(), Canceled.String(), Status(9).String()}
	want := []string{"succeeded", "failed", "skipped", "canceled", "Status(9)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("String (-want +got):\n%s", diff)
	}
}
