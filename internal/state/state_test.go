package state

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dockyard-build/dockyard/internal/inputs"
)

func record(image, key, source, files string) *Record {
	return &Record{
		Result:    Result{Image: image, ID: "sha256:" + key, Refs: []string{image}, Built: time.Unix(1, 0).UTC()},
		Key:       key,
		Inputs:    inputs.Inputs{Platform: "linux/amd64", Files: files},
		SourceKey: source,
		Source:    inputs.Inputs{Platform: "linux/amd64", Files: files},
	}
}

func TestEmpty(t *testing.T) {
	s := Open(t.TempDir(), "docker")
	recs, err := s.Records()
	if err != nil || len(recs) != 0 {
		t.Fatalf("Records of no state = %v, %v", recs, err)
	}
	if rec, res, err := s.Find("a", "linux/amd64", "k"); rec != nil || res != nil || err != nil {
		t.Errorf("Find = %v, %v, %v", rec, res, err)
	}
	if m, err := s.Manifest("d"); m != nil || err != nil {
		t.Errorf("Manifest = %v, %v", m, err)
	}
}

func TestPutAndFind(t *testing.T) {
	root := t.TempDir()
	s := Open(root, "docker")
	m := inputs.Manifest{{Path: "a.txt", Mode: 0o644, Digest: "aa"}}
	r := record("app", "k1", "s1", m.Digest())
	if err := s.Put(r, m); err != nil {
		t.Fatal(err)
	}
	got, res, err := s.Find("app", "linux/amd64", "k1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, got); diff != "" {
		t.Errorf("Find's record (-want +got):\n%s", diff)
	}
	if res == nil || res.ID != "sha256:k1" {
		t.Errorf("Find's result for k1 = %v", res)
	}
	found, err := s.LookupSources(map[string]string{"app": "s1", "other": "s1", "lib": "s2"})
	if err != nil || len(found) != 1 || found["app"].Key != "k1" || found["app"].ID != "sha256:k1" {
		t.Errorf("LookupSources = %v, %v", found, err)
	}
	if got, _ := s.Manifest(m.Digest()); !cmp.Equal(got, m) {
		t.Errorf("Manifest = %v", got)
	}
	// Another engine's state is apart.
	if _, res, _ := Open(root, "embedded").Find("app", "linux/amd64", "k1"); res != nil {
		t.Errorf("the embedded engine sees docker's key")
	}
	// Another image with the same inputs gets labels of its own: no match.
	if _, res, _ := s.Find("other", "linux/amd64", "k1"); res != nil {
		t.Errorf("another image's key is found")
	}
	if err := s.Forget("app", "k1"); err != nil {
		t.Fatal(err)
	}
	if _, res, _ := s.Find("app", "linux/amd64", "k1"); res != nil {
		t.Errorf("a forgotten key is still found")
	}
}

func TestPrune(t *testing.T) {
	s := Open(t.TempDir(), "docker")
	m1 := inputs.Manifest{{Path: "a", Mode: 0o644, Digest: "1"}}
	m2 := inputs.Manifest{{Path: "a", Mode: 0o644, Digest: "2"}}
	if err := s.Put(record("app", "k1", "s1", m1.Digest()), m1); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(record("app", "k2", "s2", m2.Digest()), m2); err != nil {
		t.Fatal(err)
	}
	if err := s.Forget("app", "k1"); err != nil {
		t.Fatal(err)
	}
	if err := s.Prune(); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Manifest(m1.Digest()); got != nil {
		t.Errorf("a manifest no record names was kept")
	}
	if got, _ := s.Manifest(m2.Digest()); got == nil {
		t.Errorf("the record's manifest was dropped")
	}
	if found, _ := s.LookupSources(map[string]string{"app": "s1"}); len(found) != 0 {
		t.Errorf("LookupSources after prune = %v", found)
	}
	if found, _ := s.LookupSources(map[string]string{"app": "s2"}); len(found) != 1 {
		t.Errorf("LookupSources after prune = %v", found)
	}
}

// TestConcurrent writes from many goroutines through two stores of one
// file, as a build and a plan running at once would.
func TestConcurrent(t *testing.T) {
	root := t.TempDir()
	stores := []*Store{Open(root, "docker"), Open(root, "docker")}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			s := stores[i%2]
			name := fmt.Sprintf("img%d", i)
			if err := s.Put(record(name, "k"+name, "s"+name, "f")); err != nil {
				t.Error(err)
			}
			if _, err := s.Records(); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	recs, err := stores[0].Records()
	if err != nil || len(recs) != 20 {
		t.Errorf("got %d records, %v; want 20", len(recs), err)
	}
}
