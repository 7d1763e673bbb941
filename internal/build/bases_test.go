package build

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/dockyard-build/dockyard/internal/inputs"
	"github.com/dockyard-build/dockyard/internal/project"
	"github.com/dockyard-build/dockyard/internal/state"
)

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
		return NewIncremental(&project.Project{Root: root}, &fakeEngine{images: map[string][]string{}}, "fake")
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
