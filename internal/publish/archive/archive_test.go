package archive

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
)

// family is a base image and two children that share its layers.
func family(t *testing.T) []Entry {
	t.Helper()
	base, err := random.Image(2048, 2)
	if err != nil {
		t.Fatal(err)
	}
	entries := []Entry{{Image: base, Refs: []string{"base", "127.0.0.1:5000/ns/base:v1"}}}
	for _, n := range []string{"left", "right"} {
		l, err := random.Layer(512, types.DockerLayer)
		if err != nil {
			t.Fatal(err)
		}
		img, err := mutate.AppendLayers(base, l)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, Entry{Image: img, Refs: []string{"127.0.0.1:5000/ns/" + n + ":v1"}})
	}
	return entries
}

// tarNames lists a tar's entries, decompressing it first when it is gzip.
func tarNames(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r io.Reader = bytes.NewReader(data)
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		if r, err = gzip.NewReader(r); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, hdr.Name)
	}
}

func count(names []string, f func(string) bool) int {
	n := 0
	for _, s := range names {
		if f(s) {
			n++
		}
	}
	return n
}

// ids maps each reference to its image's config digest (the image ID).
func ids(t *testing.T, entries []Entry) map[string]v1.Hash {
	t.Helper()
	out := map[string]v1.Hash{}
	for _, e := range entries {
		id, err := e.Image.ConfigName()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range e.Refs {
			out[r] = id
		}
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	entries := family(t)
	want := ids(t, entries)
	// References as they come back: with a tag always.
	want["base:latest"] = want["base"]
	delete(want, "base")
	for _, tt := range []struct{ format, file string }{
		{Docker, "images.tar"}, {Docker, "images.tar.gz"}, {OCI, "images.oci.tar"}, {OCI, "images.oci.tar.gz"},
	} {
		t.Run(tt.format+" "+tt.file, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.file)
			if err := Write(path, tt.format, entries); err != nil {
				t.Fatal(err)
			}
			names := tarNames(t, path)
			if tt.format == Docker {
				// 2 shared layers + 1 per child, each stored once.
				if n := count(names, func(s string) bool { return strings.HasSuffix(s, "/layer.tar") }); n != 4 {
					t.Errorf("%d layers stored, want 4: %v", n, names)
				}
			} else if n := count(names, func(s string) bool { return strings.HasPrefix(s, "blobs/sha256/") && s != "blobs/sha256/" }); n != 4+3+3 {
				t.Errorf("%d blobs stored, want 10 (4 layers, 3 configs, 3 manifests): %v", n, names)
			}
			a, err := Read(path)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			if a.Format != tt.format || len(a.Entries) != 3 {
				t.Fatalf("read %s with %d images", a.Format, len(a.Entries))
			}
			if diff := cmp.Diff(want, ids(t, a.Entries)); diff != "" {
				t.Errorf("images (-want +got):\n%s", diff)
			}
			for _, e := range a.Entries {
				layers, err := e.Image.Layers()
				if err != nil || len(layers) < 2 {
					t.Fatalf("%v: %d layers, %v", e.Refs, len(layers), err)
				}
				if _, err := layers[0].Uncompressed(); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

func TestReadRejects(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.tar")
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	writeEntry(tw, "hello.txt", 2, strings.NewReader("hi"))
	tw.Close()
	os.WriteFile(plain, buf.Bytes(), 0o644)

	escape := filepath.Join(dir, "escape.tar")
	buf.Reset()
	tw = tar.NewWriter(&buf)
	writeEntry(tw, "oci-layout", 2, strings.NewReader("{}"))
	writeEntry(tw, "../outside", 2, strings.NewReader("hi"))
	tw.Close()
	os.WriteFile(escape, buf.Bytes(), 0o644)

	for path, want := range map[string]string{
		plain:                             "not an image archive",
		escape:                            `archive entry "../outside" leaves the archive`,
		filepath.Join(dir, "missing.tar"): "no such file",
	} {
		_, err := Read(path)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Read(%s) = %v, want %q", filepath.Base(path), err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "outside")); err == nil {
		t.Error("an entry escaped")
	}
}

func TestWriteIsAtomic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "images.tar")
	err := Write(path, Docker, []Entry{{Image: family(t)[0].Image, Refs: []string{"Bad Ref"}}})
	if err == nil {
		t.Fatal("no error")
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 0 {
		t.Errorf("left %s behind", entries[0].Name())
	}
}
