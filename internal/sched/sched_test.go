package sched

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// gauge counts the fn calls running at once and keeps the peak. Tasks that
// call hold wait until want of them run together, so a test sees the limit
// reached, not only respected, without any clock; they then yield a while,
// so that a scheduler that lets more run would show it.
type gauge struct {
	running, peak atomic.Int64
	want          int64
	full          chan struct{}
	once          sync.Once
}

func newGauge(want int) *gauge {
	return &gauge{want: int64(want), full: make(chan struct{})}
}

func (g *gauge) enter() {
	n := g.running.Add(1)
	for p := g.peak.Load(); n > p && !g.peak.CompareAndSwap(p, n); p = g.peak.Load() {
	}
	if n >= g.want {
		g.once.Do(func() { close(g.full) })
	}
}

func (g *gauge) hold() {
	<-g.full
	for range 10 {
		runtime.Gosched()
	}
}

func (g *gauge) leave() { g.running.Add(-1) }

// statuses maps each outcome's ID to its status, for cmp.Diff.
func statuses(outcomes []Outcome) map[string]Status {
	m := make(map[string]Status, len(outcomes))
	for _, o := range outcomes {
		m[o.ID] = o.Status
	}
	return m
}

// allSucceeded is the statuses map of tasks that all succeeded.
func allSucceeded(tasks []Task) map[string]Status {
	m := make(map[string]Status, len(tasks))
	for _, t := range tasks {
		m[t.ID] = Succeeded
	}
	return m
}

func TestRunLimitsConcurrency(t *testing.T) {
	independent := make([]Task, 50)
	for i := range independent {
		independent[i] = Task{ID: fmt.Sprintf("t%d", i)}
	}
	fanOut := []Task{{ID: "root"}}
	var children []string
	for i := range 100 {
		id := fmt.Sprintf("child%d", i)
		fanOut = append(fanOut, Task{ID: id, Deps: []string{"root"}})
		children = append(children, id)
	}
	fanOut = append(fanOut, Task{ID: "sink", Deps: children})

	for _, tc := range []struct {
		name  string
		tasks []Task
		jobs  int
	}{
		{"independent", independent, 4},
		{"fan-out", fanOut, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGauge(tc.jobs)
			outcomes, err := Run(t.Context(), tc.tasks, Options{Jobs: tc.jobs}, func(_ context.Context, id string) error {
				g.enter()
				defer g.leave()
				if id != "root" && id != "sink" { // those run alone
					g.hold()
				}
				return nil
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if diff := cmp.Diff(allSucceeded(tc.tasks), statuses(outcomes)); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			if got := g.peak.Load(); got != int64(tc.jobs) {
				t.Errorf("peak concurrency = %d, want %d", got, tc.jobs)
			}
		})
	}
}

func TestRunSerialWhenJobsBelowTwo(t *testing.T) {
	tasks := make([]Task, 20)
	for i := range tasks {
		tasks[i] = Task{ID: fmt.Sprintf("t%d", i)}
	}
	for _, jobs := range []int{1, 0, -3} {
		t.Run(fmt.Sprint(jobs), func(t *testing.T) {
			g := newGauge(1)
			_, err := Run(t.Context(), tasks, Options{Jobs: jobs}, func(context.Context, string) error {
				g.enter()
				defer g.leave()
				runtime.Gosched() // give a second task every chance to overlap
				return nil
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if got := g.peak.Load(); got != 1 {
				t.Errorf("peak concurrency = %d, want 1", got)
			}
		})
	}
}

// randomDAG returns n tasks, each needing up to 3 earlier ones, listed in a
// shuffled order so that dependents often come before their dependencies.
func randomDAG(n int) []Task {
	rng := rand.New(rand.NewPCG(1, 2))
	tasks := make([]Task, n)
	for i := range tasks {
		tasks[i].ID = fmt.Sprintf("t%d", i)
		for range rng.IntN(4) {
			if i > 0 {
				tasks[i].Deps = append(tasks[i].Deps, fmt.Sprintf("t%d", rng.IntN(i)))
			}
		}
	}
	rng.Shuffle(n, func(i, j int) { tasks[i], tasks[j] = tasks[j], tasks[i] })
	return tasks
}

// events records, per task, when OnStart ran, when fn started and when fn
// finished, as positions in one sequence shared by all tasks.
type events struct {
	seq                   atomic.Int64
	hook, start, finished map[string]*atomic.Int64
}

func newEvents(tasks []Task) *events {
	e := &events{hook: map[string]*atomic.Int64{}, start: map[string]*atomic.Int64{}, finished: map[string]*atomic.Int64{}}
	for _, t := range tasks {
		e.hook[t.ID], e.start[t.ID], e.finished[t.ID] = new(atomic.Int64), new(atomic.Int64), new(atomic.Int64)
	}
	return e
}

func (e *events) fn(_ context.Context, id string) error {
	e.start[id].Store(e.seq.Add(1))
	runtime.Gosched()
	e.finished[id].Store(e.seq.Add(1))
	return nil
}

// checkOrder fails t if a task started before all its deps finished, or if
// OnStart did not come right before fn.
func (e *events) checkOrder(t *testing.T, tasks []Task) {
	t.Helper()
	for _, task := range tasks {
		start := e.start[task.ID].Load()
		if h := e.hook[task.ID].Load(); h == 0 || h > start {
			t.Errorf("%s: OnStart at %d, fn started at %d", task.ID, h, start)
		}
		for _, d := range task.Deps {
			if f := e.finished[d].Load(); f == 0 || f > start {
				t.Errorf("%s started at %d, before its dependency %s finished (at %d)", task.ID, start, d, f)
			}
		}
	}
}

func TestRunWaitsForDeps(t *testing.T) {
	diamond := []Task{
		{ID: "d", Deps: []string{"b", "c"}},
		{ID: "b", Deps: []string{"a"}},
		{ID: "c", Deps: []string{"a"}},
		{ID: "a"},
	}
	for _, tc := range []struct {
		name  string
		tasks []Task
	}{
		{"diamond", diamond},
		{"random", randomDAG(300)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEvents(tc.tasks)
			opts := Options{Jobs: 4, OnStart: func(id string) { e.hook[id].Store(e.seq.Add(1)) }}
			outcomes, err := Run(t.Context(), tc.tasks, opts, e.fn)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			var ids []string
			for _, o := range outcomes {
				ids = append(ids, o.ID)
			}
			var want []string
			for _, task := range tc.tasks {
				want = append(want, task.ID)
			}
			if diff := cmp.Diff(want, ids); diff != "" {
				t.Errorf("outcome order (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(allSucceeded(tc.tasks), statuses(outcomes)); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			e.checkOrder(t, tc.tasks)
		})
	}
}

func BenchmarkRun(b *testing.B) {
	const chains, length = 20, 50 // 1,000 tasks
	var tasks []Task
	for c := range chains {
		for i := range length {
			task := Task{ID: fmt.Sprintf("c%d-%d", c, i)}
			if i > 0 {
				task.Deps = []string{fmt.Sprintf("c%d-%d", c, i-1)}
			}
			tasks = append(tasks, task)
		}
	}
	noop := func(context.Context, string) error { return nil }
	for b.Loop() {
		if _, err := Run(b.Context(), tasks, Options{Jobs: 8}, noop); err != nil {
			b.Fatal(err)
		}
	}
}
