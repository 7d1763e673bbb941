package buildkit

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Two pools sharing their loads, as two dockyard processes do: the
// second's builds go where the first's are not, and what a closed or dead
// one recorded stops counting.
func TestSharedLoadsSpreadTwoPools(t *testing.T) {
	dir := t.TempDir()
	pools := make([]*pool, 2)
	for i := range pools {
		pools[i], _ = fakePool(t, fakeWorker("a", 2, "linux/amd64"), fakeWorker("b", 2, "linux/amd64"))
		var err error
		if pools[i].shared, err = openLoads(dir); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	var got []string
	var taken []*worker
	for _, p := range []*pool{pools[0], pools[1], pools[1], pools[0]} {
		w, err := p.acquire(ctx, "linux/amd64")
		if err != nil {
			t.Fatal(err)
		}
		got, taken = append(got, w.addr), append(taken, w)
	}
	// a 0+0, b 0+0 -> a; a 1, b 0 -> b; a 1, b 1 -> a; a 2, b 1 -> b.
	if diff := cmp.Diff([]string{"a", "b", "a", "b"}, got); diff != "" {
		t.Errorf("workers (-want +got):\n%s", diff)
	}
	others := pools[1].lockShared()
	pools[1].unlockShared(others)
	if others["a"] != 1 || others["b"] != 1 {
		t.Errorf("the first pool's loads seen by the second: %v, want a:1 b:1", others)
	}

	pools[0].release(taken[0])
	pools[0].release(taken[3])
	if err := pools[0].shared.close(); err != nil {
		t.Fatal(err)
	}
	others = pools[1].lockShared()
	pools[1].unlockShared(others)
	if len(others) != 0 {
		t.Errorf("loads of a closed pool still count: %v", others)
	}

	// A process that died left its file, and its lock is free.
	dead := filepath.Join(dir, "1-dead.json")
	if err := os.WriteFile(dead, []byte(`{"a": 2, "b": 2}`), 0o600); err != nil {
		t.Fatal(err)
	}
	others = pools[1].lockShared()
	pools[1].unlockShared(others)
	if len(others) != 0 {
		t.Errorf("loads of a dead process count: %v", others)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("the dead process's file is still there: %v", err)
	}
}
