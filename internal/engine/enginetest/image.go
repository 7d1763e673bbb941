package enginetest

import (
	"archive/tar"
	"errors"
	"io"
	"path"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// maxContent is the size up to which a file's content is kept.
const maxContent = 64 << 10

// File is an entry of an image's filesystem.
type File struct {
	Type     byte // tar.TypeReg, tar.TypeDir, tar.TypeSymlink, ...
	Mode     int64
	UID, GID int
	Content  string // of small regular files
	Link     string // of symlinks and hard links
}

// Image is a built image as read back from the engine's store.
type Image struct {
	Ref    string
	Digest string // the config's digest, which is the image's ID
	Config *v1.ConfigFile
	Files  map[string]File // by path, without the leading slash
}

// Inspect reads ref from the engine (an engine.Exporter): its config and
// its whole filesystem, layers applied.
func Inspect(t *testing.T, e engine.Engine, ref string) *Image {
	t.Helper()
	img, err := exporter(t, e).Image(t.Context(), ref)
	if err != nil {
		t.Fatalf("reading %s back from the %s engine: %v", ref, e.Name(), err)
	}
	out := &Image{Ref: ref, Files: map[string]File{}}
	name, err := img.ConfigName()
	if err != nil {
		t.Fatalf("reading %s's config digest: %v", ref, err)
	}
	out.Digest = name.String()
	if out.Config, err = img.ConfigFile(); err != nil {
		t.Fatalf("reading %s's config: %v", ref, err)
	}
	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("reading %s's filesystem: %v", ref, err)
		}
		p := strings.TrimPrefix(path.Clean("/"+h.Name), "/")
		f := File{Type: h.Typeflag, Mode: h.Mode & 0o7777, UID: h.Uid, GID: h.Gid, Link: h.Linkname}
		if h.Typeflag == tar.TypeReg && h.Size <= maxContent {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatalf("reading %s in %s: %v", p, ref, err)
			}
			f.Content = string(b)
		}
		out.Files[p] = f
	}
	return out
}

// exporter returns e as an engine.Exporter, or fails the test.
func exporter(t *testing.T, e engine.Engine) engine.Exporter {
	t.Helper()
	x, ok := e.(engine.Exporter)
	if !ok {
		t.Fatalf("the %s engine cannot export images: the conformance suite reads results back with engine.Exporter", e.Name())
	}
	return x
}

// Under returns the paths of the regular files under dir, sorted.
func (im *Image) Under(dir string) []string {
	var out []string
	prefix := strings.Trim(dir, "/") + "/"
	for p, f := range im.Files {
		if strings.HasPrefix(p, prefix) && f.Type == tar.TypeReg {
			out = append(out, "/"+p)
		}
	}
	slices.Sort(out)
	return out
}

// Content returns the content of the regular file at p, failing the test
// when there is none.
func (im *Image) Content(t *testing.T, p string) string {
	t.Helper()
	f, ok := im.Files[strings.TrimPrefix(p, "/")]
	if !ok || f.Type != tar.TypeReg {
		t.Fatalf("%s has no file %s", im.Ref, p)
	}
	return f.Content
}

// Has reports whether the image has anything at p.
func (im *Image) Has(p string) bool {
	_, ok := im.Files[strings.TrimPrefix(p, "/")]
	return ok
}
