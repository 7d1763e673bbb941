package archive

import (
	"archive/tar"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/klauspost/compress/gzip"
)

// Archive is a file of images read back. Its images read the file, or
// what Read unpacked of it, until Close.
type Archive struct {
	// Format is Docker or OCI.
	Format  string
	Entries []Entry

	files   []*os.File
	tempDir string
}

// Read opens an archive: one Write wrote, one of docker save, or an OCI
// image layout as a tar; gzip-compressed or not, whatever its name.
func Read(path string) (*Archive, error) {
	a := &Archive{}
	if err := a.read(path); err != nil {
		a.Close()
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return a, nil
}

func (a *Archive) read(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	a.files = append(a.files, f)
	magic := make([]byte, 2)
	if _, err := io.ReadFull(f, magic); err != nil {
		return errors.New("not an image archive: too short")
	}
	if bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		if f, err = a.gunzip(f); err != nil {
			return err
		}
	}
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	open := func() (io.ReadCloser, error) { return io.NopCloser(io.NewSectionReader(f, 0, fi.Size())), nil }
	names, err := list(open)
	if err != nil {
		return err
	}
	switch {
	case names["oci-layout"]:
		a.Format = OCI
		return a.readOCI(open)
	case names["manifest.json"]:
		a.Format = Docker
		return a.readDocker(open)
	}
	return errors.New("not an image archive: it has neither manifest.json nor oci-layout")
}

// gunzip decompresses f into a temporary file whose name is removed at
// once, and returns it.
func (a *Archive) gunzip(f *os.File) (*os.File, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return nil, err
	}
	out, err := os.CreateTemp("", "dockyard-archive-*.tar")
	if err != nil {
		return nil, err
	}
	os.Remove(out.Name())
	a.files = append(a.files, out)
	if _, err := io.Copy(out, zr); err != nil {
		return nil, fmt.Errorf("decompressing: %w", err)
	}
	return out, nil
}

// list returns the names of the tar's entries.
func list(open tarball.Opener) (map[string]bool, error) {
	rc, err := open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	names := map[string]bool{}
	tr := tar.NewReader(rc)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return names, nil
		}
		if err != nil {
			return nil, fmt.Errorf("not an image archive: %w", err)
		}
		names[filepath.Clean(hdr.Name)] = true
	}
}

func (a *Archive) readDocker(open tarball.Opener) error {
	m, err := tarball.LoadManifest(open)
	if err != nil {
		return err
	}
	for _, d := range m {
		if len(d.RepoTags) == 0 {
			return fmt.Errorf("image %s has no reference to load it under", d.Config)
		}
		tag, err := name.NewTag(d.RepoTags[0])
		if err != nil {
			return fmt.Errorf("image reference %q: %w", d.RepoTags[0], err)
		}
		img, err := tarball.Image(open, &tag)
		if err != nil {
			return fmt.Errorf("reading %s: %w", d.RepoTags[0], err)
		}
		a.Entries = append(a.Entries, Entry{Image: img, Refs: d.RepoTags})
	}
	return nil
}

// readOCI unpacks the layout into a temporary directory and reads an
// image per digest, with the references index.json gives it.
func (a *Archive) readOCI(open tarball.Opener) error {
	dir, err := os.MkdirTemp("", "dockyard-oci-*")
	if err != nil {
		return err
	}
	a.tempDir = dir
	if err := untar(open, dir); err != nil {
		return err
	}
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return err
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return err
	}
	byDigest := map[string]int{}
	for _, desc := range im.Manifests {
		ref := desc.Annotations[annotationImageName]
		if ref == "" {
			ref = desc.Annotations[annotationRefName]
		}
		if ref == "" {
			return fmt.Errorf("image %s has no reference to load it under", desc.Digest)
		}
		if !desc.MediaType.IsImage() {
			return fmt.Errorf("%s is a %s; only single-platform images can be loaded", ref, desc.MediaType)
		}
		if i, ok := byDigest[desc.Digest.String()]; ok {
			a.Entries[i].Refs = append(a.Entries[i].Refs, ref)
			continue
		}
		img, err := idx.Image(desc.Digest)
		if err != nil {
			return fmt.Errorf("reading %s: %w", ref, err)
		}
		byDigest[desc.Digest.String()] = len(a.Entries)
		a.Entries = append(a.Entries, Entry{Image: img, Refs: []string{ref}})
	}
	return nil
}

// Close releases the files and removes what Read unpacked.
func (a *Archive) Close() error {
	var errs []error
	for _, f := range a.files {
		errs = append(errs, f.Close())
	}
	if a.tempDir != "" {
		errs = append(errs, os.RemoveAll(a.tempDir))
	}
	return errors.Join(errs...)
}
