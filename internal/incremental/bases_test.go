package incremental

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/inputs"
	"github.com/dockyard-build/dockyard/internal/project"
	"github.com/dockyard-build/dockyard/internal/state"
)

// heldEngine holds images, each under one reference, and builds none.
type heldEngine map[string]string // reference -> ID

var _ engine.Inspector = heldEngine{}

func (heldEngine) Name() string               { return "fake" }
func (heldEngine) Ping(context.Context) error { return nil }
func (heldEngine) Close() error               { return nil }
func (heldEngine) Build(context.Context, engine.Request, io.Writer) (engine.Result, error) {
	return engine.Result{}, errors.New("this engine builds nothing")
}

func (e heldEngine) Inspect(_ context.Context, ref string) (engine.ImageInfo, bool, error) {
	id, ok := e[ref]
	return engine.ImageInfo{ID: id, Refs: []string{ref}}, ok, nil
}

// A base the engine does not hold is asked of its registry once; the
// answer, or the lack of one, is kept in the state for the next runs.
func TestBaseDigestsAreRecorded(t *testing.T) {
	srv := httptest.NewServer(registry.New())
	host := strings.TrimPrefix(srv.URL, "http://")
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	ref := host + "/lib/base:1"
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
	want, _ := img.ConfigName()
	root := t.TempDir()
	newInc := func() *Incremental {
		return New(&project.Project{Root: root}, heldEngine{}, "fake")
	}
	ctx := context.Background()

	first := newInc()
	if got := first.base(ctx, ref, "linux/amd64"); got != want.String() {
		t.Fatalf("first run: %s, want %s", got, want)
	}
	gone := host[:strings.LastIndex(host, ":")] + ":1/lib/gone:1"
	if got := first.base(ctx, gone, "linux/amd64"); got != inputs.Floating {
		t.Fatalf("a registry that does not answer gives %s", got)
	}
	if err := first.SaveBases(); err != nil {
		t.Fatal(err)
	}
	if got := first.Floating(); len(got) != 1 || got[0] != gone {
		t.Errorf("Floating = %v", got)
	}

	srv.Close()
	second := newInc()
	if got := second.base(ctx, ref, "linux/amd64"); got != want.String() {
		t.Errorf("with the registry gone, the recorded digest: got %s, want %s", got, want)
	}
	if got := second.base(ctx, gone, "linux/amd64"); got != inputs.Floating {
		t.Errorf("the recorded lack of an answer: got %s", got)
	}
	if recorded, _ := state.Open(root, "other").Bases(); len(recorded) != 2 {
		t.Errorf("recorded for every engine: %v", recorded)
	}
}

// With Pull the registry is asked first: a tag that moved is seen although
// the engine holds the old image and the state recorded its digest a
// moment ago; a registry that does not answer leaves the engine's copy.
func TestPullAsksTheRegistryFirst(t *testing.T) {
	srv := httptest.NewServer(registry.New())
	host := strings.TrimPrefix(srv.URL, "http://")
	ref := host + "/lib/base:1"
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	push := func() string {
		img, err := random.Image(64, 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := remote.Write(r, img); err != nil {
			t.Fatal(err)
		}
		cfg, _ := img.ConfigName()
		return cfg.String()
	}
	old := push()
	root := t.TempDir()
	eng := heldEngine{ref: old}
	newInc := func(pull bool) *Incremental {
		inc := New(&project.Project{Root: root}, eng, "fake")
		inc.Pull = pull
		return inc
	}
	ctx := context.Background()
	asked := newInc(true)
	if got := asked.base(ctx, ref, "linux/amd64"); got != old {
		t.Fatalf("before the tag moved: %s, want %s", got, old)
	}
	if err := asked.SaveBases(); err != nil {
		t.Fatal(err)
	}

	moved := push()
	if got := newInc(false).base(ctx, ref, "linux/amd64"); got != old {
		t.Errorf("without Pull, the engine's copy: got %s, want %s", got, old)
	}
	if got := newInc(true).base(ctx, ref, "linux/amd64"); got != moved {
		t.Errorf("with Pull, the registry's: got %s, want %s", got, moved)
	}
	srv.Close()
	if got := newInc(true).base(ctx, ref, "linux/amd64"); got != old {
		t.Errorf("with Pull and the registry gone, the engine's copy: got %s, want %s", got, old)
	}
}
