package inputs

import (
	"io/fs"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestManifestRoundTrip(t *testing.T) {
	m := Manifest{
		{Path: "a dir", Mode: fs.ModeDir | 0o755},
		{Path: "a dir/file with spaces\n", Mode: 0o644, Digest: "ab12"},
		{Path: "bin/tool", Mode: 0o755 | fs.ModeSetuid | fs.ModeSticky, Digest: "cd34"},
		{Path: "link", Mode: fs.ModeSymlink | 0o777, Digest: "../a dir/\"quoted\" target"},
		{Path: "pipe", Mode: fs.ModeIrregular | 0o600},
	}
	got, err := Decompress(m.Compress())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if got.Digest() != m.Digest() {
		t.Errorf("digest changed in the round trip")
	}
}

func TestDiff(t *testing.T) {
	f := func(path, digest string) Entry { return Entry{Path: path, Mode: 0o644, Digest: digest} }
	old := Manifest{f("a", "1"), f("b", "2"), f("d", "4")}
	tests := []struct {
		name string
		cur  Manifest
		want Change
		ok   bool
	}{
		{"same", Manifest{f("a", "1"), f("b", "2"), f("d", "4")}, Change{}, false},
		{"changed", Manifest{f("a", "1"), f("b", "9"), f("d", "4")}, Change{"b", "changed"}, true},
		{"added", Manifest{f("a", "1"), f("b", "2"), f("c", "3"), f("d", "4")}, Change{"c", "added"}, true},
		{"removed", Manifest{f("a", "1"), f("d", "4")}, Change{"b", "removed"}, true},
		{"removed last", Manifest{f("a", "1"), f("b", "2")}, Change{"d", "removed"}, true},
		{"added last", Manifest{f("a", "1"), f("b", "2"), f("d", "4"), f("e", "5")}, Change{"e", "added"}, true},
		{"mode", Manifest{f("a", "1"), {Path: "b", Mode: 0o755, Digest: "2"}, f("d", "4")}, Change{"b", "changed"}, true},
	}
	for _, tt := range tests {
		got, ok := Diff(old, tt.cur)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: Diff = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}
