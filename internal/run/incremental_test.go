package run

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/incremental"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/progress"
	"github.com/dockyard-build/dockyard/internal/project"
	"github.com/dockyard-build/dockyard/internal/report"
	"github.com/dockyard-build/dockyard/internal/state"
	"github.com/dockyard-build/dockyard/internal/workspace"
)

// fakeEngine keeps images in memory: an ID per build, with their refs.
type fakeEngine struct {
	mu     sync.Mutex
	images map[string][]string // ID -> refs
	built  []string
}

var (
	_ engine.Inspector = (*fakeEngine)(nil)
	_ engine.Tagger    = (*fakeEngine)(nil)
)

func (e *fakeEngine) Name() string               { return "fake" }
func (e *fakeEngine) Ping(context.Context) error { return nil }
func (e *fakeEngine) Close() error               { return nil }
func (e *fakeEngine) forget(id string)           { e.mu.Lock(); delete(e.images, id); e.mu.Unlock() }
func (e *fakeEngine) take() (built []string) {
	e.mu.Lock()
	built, e.built = e.built, nil
	e.mu.Unlock()
	return
}
func (e *fakeEngine) Tag(_ context.Context, id string, refs []string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.images[id] = append(e.images[id], refs...)
	return nil
}

func (e *fakeEngine) Build(_ context.Context, req engine.Request, _ io.Writer) (engine.Result, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id := fmt.Sprintf("sha256:%064d", len(e.images)+len(e.built)+1)
	e.images[id] = req.Tags
	e.built = append(e.built, req.Image)
	slices.Sort(e.built)
	return engine.Result{ID: id}, nil
}

func (e *fakeEngine) Inspect(_ context.Context, ref string) (engine.ImageInfo, bool, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for id, refs := range e.images {
		if id == ref || slices.Contains(refs, ref) {
			return engine.ImageInfo{ID: id, Refs: refs}, true, nil
		}
	}
	return engine.ImageInfo{}, false, nil
}

// repo is a project of four components: b is FROM a; app copies lib
// through component.dep, with the file lib's post-build hook keeps, and has
// a pre-build hook writing what $STAMP says.
var repo = map[string]string{
	"src/a/a.txt":                  "a1",
	"src/a/.dockerignore":          "*.log\n",
	"src/a/debug.log":              "noise",
	"src/a/build/a.dockerfile":     "FROM scratch\nCOPY a.txt /\n",
	"src/b/build/b.dockerfile":     "FROM a\n",
	"src/lib/lib.txt":              "lib1",
	"src/lib/build/lib.dockerfile": "FROM scratch\n",
	"src/lib/build/build-post.sh":  "mkdir -p generated; echo lib > generated/version\n",
	"src/app/build/component.dep":  "lib\n",
	"src/app/build/build-pre.sh":   "mkdir -p generated; echo \"${STAMP:-1}\" > generated/stamp\n",
	"src/app/build/app.dockerfile": "FROM scratch\nCOPY . /\n",
}

// listingEngine also lists its images, as plan prefers for many images.
type listingEngine struct{ *fakeEngine }

var _ engine.Lister = listingEngine{}

func (e listingEngine) List(context.Context, ...string) ([]engine.ImageInfo, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []engine.ImageInfo
	for id, refs := range e.images {
		out = append(out, engine.ImageInfo{ID: id, Refs: refs})
	}
	return out, nil
}

type fixture struct {
	t    *testing.T
	root string
	eng  *fakeEngine
	// planEngine is what plan sees: eng, or eng that lists.
	planEngine engine.Engine
	// hookInputs is hooks.inputs of the configuration.
	hookInputs map[string][]string
}

func newFixture(t *testing.T) *fixture {
	root := t.TempDir()
	for rel, content := range repo {
		write(t, root, rel, content)
	}
	eng := &fakeEngine{images: map[string][]string{}}
	return &fixture{t: t, root: root, eng: eng, planEngine: eng}
}

func write(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) plan() (*project.Project, *plan.Plan) {
	f.t.Helper()
	cfg := config.Default()
	cfg.Hooks.Env = []string{"STAMP"}
	cfg.Hooks.Inputs = f.hookInputs
	p, err := project.Load(f.root, cfg, "")
	if err != nil {
		f.t.Fatal(err)
	}
	pl, err := plan.New(p, plan.Selection{})
	if err != nil {
		f.t.Fatal(err)
	}
	return p, pl
}

// predict returns what plan would say: status and reason per image.
func (f *fixture) predict() map[string]string {
	f.t.Helper()
	p, pl := f.plan()
	if _, err := incremental.New(p, f.planEngine, "fake").Predict(context.Background(), pl); err != nil {
		f.t.Fatal(err)
	}
	out := map[string]string{}
	for _, im := range pl.Images {
		out[im.Name] = im.Status + " " + im.Reason
	}
	return out
}

// build runs a build and returns the images built and each image's
// status and reason.
func (f *fixture) build(opts Options) ([]string, map[string]string) {
	f.t.Helper()
	p, pl := f.plan()
	ws, err := workspace.Open(f.root)
	if err != nil {
		f.t.Fatal(err)
	}
	prog, _ := progress.New(progress.Options{Mode: progress.Quiet})
	rep := report.New(f.root, "fake", time.Now(), Images(pl))
	opts.Jobs = 2
	r := &Runner{Project: p, Plan: pl, Engine: f.eng, Workspace: ws, Progress: prog, Report: rep, Options: opts,
		Incremental: incremental.New(p, f.eng, "fake")}
	err = r.Run(context.Background())
	if cerr := ws.Close(); err == nil {
		err = cerr
	}
	prog.Close()
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]string{}
	for _, im := range rep.Images {
		out[im.Name] = im.Status + " " + im.Reason
	}
	return f.eng.take(), out
}

func TestIncremental(t *testing.T) { testIncremental(t, newFixture(t)) }

// TestIncrementalListing has plan list the engine's images instead of
// inspecting them one by one.
func TestIncrementalListing(t *testing.T) {
	f := newFixture(t)
	f.planEngine = listingEngine{f.eng}
	testIncremental(t, f)
}

func testIncremental(t *testing.T, f *fixture) {
	want := map[string]string{"a": "build not built before", "b": "build not built before", "lib": "build not built before", "app": "build not built before"}
	if diff := cmp.Diff(want, f.predict()); diff != "" {
		t.Errorf("first plan (-want +got):\n%s", diff)
	}
	built, _ := f.build(Options{})
	if diff := cmp.Diff([]string{"a", "app", "b", "lib"}, built); diff != "" {
		t.Errorf("first build built (-want +got):\n%s", diff)
	}
	steps := []struct {
		name      string
		change    func()
		plan      map[string]string // only the images not up to date
		built     []string
		reasons   map[string]string // of the build, only the images built
		buildOpts Options
	}{
		{name: "nothing", change: func() {}},
		{name: "touch", change: func() {
			later := time.Now().Add(time.Hour)
			os.Chtimes(filepath.Join(f.root, "src/a/a.txt"), later, later)
		}},
		{name: "ignored file", change: func() { write(t, f.root, "src/a/debug.log", "more") }},
		{
			name:    "context file",
			change:  func() { write(t, f.root, "src/a/a.txt", "a2") },
			plan:    map[string]string{"a": "build file src/a/a.txt changed", "b": "build parent a rebuilt"},
			built:   []string{"a", "b"},
			reasons: map[string]string{"a": "built file src/a/a.txt changed", "b": "built parent a rebuilt"},
		},
		{
			name:    "dependency folder",
			change:  func() { write(t, f.root, "src/lib/lib.txt", "lib2") },
			plan:    map[string]string{"lib": "build file src/lib/lib.txt changed", "app": "build file src/app/dependency/lib/lib.txt changed"},
			built:   []string{"app", "lib"},
			reasons: map[string]string{"lib": "built file src/lib/lib.txt changed", "app": "built file src/app/dependency/lib/lib.txt changed"},
		},
		{
			name:    "hook output, which plan cannot foresee",
			change:  func() { t.Setenv("STAMP", "2") },
			built:   []string{"app"},
			reasons: map[string]string{"app": "built file src/app/generated/stamp changed"},
		},
		{
			name:    "back to an earlier state",
			change:  func() { write(t, f.root, "src/a/a.txt", "a1") },
			plan:    map[string]string{},
			built:   nil,
			reasons: map[string]string{},
		},
		{
			name: "image removed",
			change: func() {
				built, err := state.Open(f.root, f.eng.Name()).Built()
				if err != nil {
					t.Fatal(err)
				}
				f.eng.forget(built[[2]string{"b", ""}].ID)
			},
			plan:    map[string]string{"b": "build image missing"},
			built:   []string{"b"},
			reasons: map[string]string{"b": "built image missing"},
		},
		{
			name:      "no cache",
			change:    func() {},
			built:     []string{"a", "app", "b", "lib"},
			reasons:   map[string]string{"a": "built forced", "b": "built forced", "lib": "built forced", "app": "built forced"},
			buildOpts: Options{NoCache: true},
		},
	}
	for _, s := range steps {
		s.change()
		got := map[string]string{}
		for name, v := range f.predict() {
			if v != "up-to-date " {
				got[name] = v
			}
		}
		if diff := cmp.Diff(s.plan, got, cmpEmpty); diff != "" {
			t.Errorf("%s: plan (-want +got):\n%s", s.name, diff)
		}
		built, statuses := f.build(s.buildOpts)
		if diff := cmp.Diff(s.built, built, cmpEmpty); diff != "" {
			t.Errorf("%s: built (-want +got):\n%s", s.name, diff)
		}
		reasons := map[string]string{}
		for name, v := range statuses {
			if v != "up-to-date " {
				reasons[name] = v
			}
		}
		if diff := cmp.Diff(s.reasons, reasons, cmpEmpty); diff != "" {
			t.Errorf("%s: build (-want +got):\n%s", s.name, diff)
		}
	}
}

// cmpEmpty treats nil and empty maps and slices alike.
var cmpEmpty = cmp.FilterValues(func(a, b any) bool {
	return lenOf(a) == 0 && lenOf(b) == 0
}, cmp.Comparer(func(_, _ any) bool { return true }))

func lenOf(v any) int {
	switch v := v.(type) {
	case map[string]string:
		return len(v)
	case []string:
		return len(v)
	}
	return -1
}
