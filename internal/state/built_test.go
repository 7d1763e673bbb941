package state

import (
	"testing"
	"time"
)

func TestCheckoutIsStableAndPerState(t *testing.T) {
	root := t.TempDir()
	s := Open(root, "docker")
	if id, err := s.Checkout(false); id != "" || err != nil {
		t.Fatalf("Checkout(false) before a build = %q, %v", id, err)
	}
	id, err := s.Checkout(true)
	if err != nil || len(id) != 32 {
		t.Fatalf("Checkout(true) = %q, %v", id, err)
	}
	if again, _ := Open(root, "embedded").Checkout(true); again != id {
		t.Errorf("another engine's store of the same checkout says %q, want %q", again, id)
	}
	if other, _ := Open(t.TempDir(), "docker").Checkout(true); other == id {
		t.Error("two checkouts have the same identity")
	}
}

func TestBuiltByImageAndPlatform(t *testing.T) {
	s := Open(t.TempDir(), "docker")
	first := Result{Image: "app", ID: "sha256:1", Refs: []string{"ns/app:1"}, Built: time.Unix(1, 0).UTC()}
	second := Result{Image: "app", ID: "sha256:2", Built: time.Unix(2, 0).UTC()}
	for _, r := range []Result{first, second} {
		if err := s.PutBuilt("linux/amd64", r); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutBuilt("linux/arm64", first); err != nil {
		t.Fatal(err)
	}
	got, err := s.Built()
	if err != nil {
		t.Fatal(err)
	}
	if got[[2]string{"app", "linux/amd64"}].ID != "sha256:2" || got[[2]string{"app", "linux/arm64"}].ID != "sha256:1" || len(got) != 2 {
		t.Errorf("Built = %v", got)
	}
	if other, _ := Open(t.TempDir(), "embedded").Built(); len(other) != 0 {
		t.Errorf("another engine sees %v", other)
	}
}
