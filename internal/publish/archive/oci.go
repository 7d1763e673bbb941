package archive

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Annotations of an OCI index entry that name the image: the OCI one, and
// the one containerd (and so docker) reads.
const (
	annotationRefName   = "org.opencontainers.image.ref.name"
	annotationImageName = "io.containerd.image.name"
)

// writeOCI lays the images out as an OCI image layout in a temporary
// directory (blobs by digest, so each is stored once), then writes the
// directory as a tar. Every reference is an entry of index.json.
func writeOCI(w io.Writer, entries []Entry) error {
	dir, err := os.MkdirTemp("", "dockyard-oci-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return err
	}
	for _, e := range entries {
		for _, r := range e.Refs {
			_, ref, err := tagOf(r)
			if err != nil {
				return err
			}
			ann := map[string]string{annotationRefName: ref, annotationImageName: ref}
			if e.Index != nil {
				err = p.AppendIndex(e.Index, layout.WithAnnotations(ann))
			} else {
				err = p.AppendImage(e.Image, layout.WithAnnotations(ann))
			}
			if err != nil {
				return fmt.Errorf("writing %s: %w", r, err)
			}
		}
	}
	return tarDir(w, dir)
}

// tarDir writes the files under dir as a tar, names relative to dir.
func tarDir(w io.Writer, dir string) error {
	tw := tar.NewWriter(w)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return tw.WriteHeader(&tar.Header{Name: filepath.ToSlash(rel) + "/", Mode: 0o755, Typeflag: tar.TypeDir, Format: tar.FormatPAX})
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		return writeEntry(tw, filepath.ToSlash(rel), fi.Size(), f)
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

// untar unpacks the tar's directories and regular files into dir; a name
// that would leave dir is an error.
func untar(open tarball.Opener, dir string) error {
	rc, err := open()
	if err != nil {
		return err
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if !filepath.IsLocal(hdr.Name) {
			return fmt.Errorf("archive entry %q leaves the archive", hdr.Name)
		}
		path := filepath.Join(dir, hdr.Name)
		switch hdr.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(path, 0o755)
		case tar.TypeReg:
			err = writeFile(path, tr)
		}
		if err != nil {
			return err
		}
	}
}

func writeFile(path string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
