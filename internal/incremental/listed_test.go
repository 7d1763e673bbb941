package incremental

import (
	"context"
	"testing"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/state"
)

// listingEngine counts the lists it is asked for.
type listingEngine struct {
	heldEngine
	lists *int
}

func (e listingEngine) List(context.Context, ...string) ([]engine.ImageInfo, error) {
	*e.lists++
	return []engine.ImageInfo{{ID: "sha256:asked"}}, nil
}

// TestListedEarly checks that a list the caller started early is the one
// used, without asking the engine again, and that without one (the early
// list failed) the engine is asked.
func TestListedEarly(t *testing.T) {
	for _, tt := range []struct {
		name      string
		early     []engine.ImageInfo
		ok        bool
		want      string
		wantLists int
	}{
		{"early list", []engine.ImageInfo{{ID: "sha256:early"}}, true, "sha256:early", 0},
		{"early list failed", nil, false, "sha256:asked", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			lists := 0
			st := state.Open(t.TempDir(), "fake")
			if _, err := st.Checkout(true); err != nil {
				t.Fatal(err)
			}
			inc := &Incremental{Engine: listingEngine{lists: &lists}, Store: st}
			inc.Listed = func() ([]engine.ImageInfo, bool) { return tt.early, tt.ok }
			held := inc.listed(context.Background())
			if _, ok := held[tt.want]; !ok || len(held) != 1 {
				t.Errorf("held %v, want only %s", held, tt.want)
			}
			if lists != tt.wantLists {
				t.Errorf("the engine was asked %d times, want %d", lists, tt.wantLists)
			}
		})
	}
}
