package inputs

import (
	"testing"
)

func baseInputs() Inputs {
	return Inputs{
		Dockerfile: "d1", Target: "", Platform: "linux/amd64", Files: "f1",
		Args:    map[string]string{"A": "1", "B": "2"},
		Parents: map[string]string{"base": "k1"},
		Bases:   map[string]string{"debian:12": "sha256:aa"},
	}
}

// TestKeyParts checks that every input changes the key, and names the
// part FirstChange reports.
func TestKeyParts(t *testing.T) {
	tests := []struct {
		name   string
		change func(in *Inputs)
		want   Part
	}{
		{"dockerfile", func(in *Inputs) { in.Dockerfile = "d2" }, Part{Kind: "dockerfile"}},
		{"target", func(in *Inputs) { in.Target = "runtime" }, Part{Kind: "target"}},
		{"platform", func(in *Inputs) { in.Platform = "linux/arm64" }, Part{Kind: "platform"}},
		{"arg value", func(in *Inputs) { in.Args["B"] = "3" }, Part{Kind: "arg", Name: "B"}},
		{"arg added", func(in *Inputs) { in.Args["C"] = "" }, Part{Kind: "arg", Name: "C"}},
		{"arg removed", func(in *Inputs) { delete(in.Args, "A") }, Part{Kind: "arg", Name: "A"}},
		{"arg renamed", func(in *Inputs) { in.Args = map[string]string{"A": "1", "B2": "2"} }, Part{Kind: "arg", Name: "B"}},
		{"files", func(in *Inputs) { in.Files = "f2" }, Part{Kind: "files"}},
		{"parent key", func(in *Inputs) { in.Parents["base"] = "k2" }, Part{Kind: "parent", Name: "base"}},
		{"parent added", func(in *Inputs) { in.Parents["lib"] = "k3" }, Part{Kind: "parent", Name: "lib"}},
		{"base moved", func(in *Inputs) { in.Bases["debian:12"] = "sha256:bb" }, Part{Kind: "base", Name: "debian:12"}},
		{"base floating", func(in *Inputs) { in.Bases["debian:12"] = Floating }, Part{Kind: "base", Name: "debian:12"}},
		{"dockerfile before files", func(in *Inputs) { in.Files, in.Dockerfile = "f2", "d2" }, Part{Kind: "dockerfile"}},
		{"files before parents", func(in *Inputs) { in.Files, in.Parents["base"] = "f2", "k2" }, Part{Kind: "files"}},
		// A value must not be able to pass for another key's: quoting.
		{"arg quoting", func(in *Inputs) { in.Args = map[string]string{"A": "1\narg \"B\" \"2\""} }, Part{Kind: "arg", Name: "A"}},
	}
	old := baseInputs()
	oldKey := old.Key()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cur := baseInputs()
			tt.change(&cur)
			if cur.Key() == oldKey {
				t.Errorf("key did not change")
			}
			got, ok := FirstChange(&old, &cur)
			if !ok || got != tt.want {
				t.Errorf("FirstChange = %+v, %v; want %+v", got, ok, tt.want)
			}
		})
	}
}

func TestKeyStable(t *testing.T) {
	a, b := baseInputs(), baseInputs()
	// The same maps built in another order, and nil against empty.
	b.Args = map[string]string{"B": "2", "A": "1"}
	if a.Key() != b.Key() {
		t.Errorf("equal inputs have different keys")
	}
	a.Args, b.Args = nil, map[string]string{}
	if a.Key() != b.Key() {
		t.Errorf("nil and empty args have different keys")
	}
	if _, ok := FirstChange(&a, &b); ok {
		t.Errorf("FirstChange found a change between equal inputs")
	}
	if len(a.Key()) != 64 {
		t.Errorf("key %q is not 64 hex digits", a.Key())
	}
}
