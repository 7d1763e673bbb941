// Package archive writes many images into one file, for sites that no
// registry reaches: the docker format that `docker load` accepts, or an
// OCI image layout in a tar. A layer shared by several images is stored
// once. A file whose name ends in .gz is gzip-compressed. It also reads
// such files back, whichever tool wrote them.
package archive

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/klauspost/pgzip"
)

// Formats of an archive.
const (
	Docker = "docker"
	OCI    = "oci"
)

// Formats lists the formats Write accepts.
var Formats = []string{Docker, OCI}

// Entry is an image and the references it is stored under.
type Entry struct {
	Image v1.Image
	// Index, when not nil, is a multi-platform image in place of Image;
	// only the OCI format holds it.
	Index v1.ImageIndex
	Refs  []string
}

// Write writes the entries to path in format. The file appears whole or
// not at all.
func Write(path, format string, entries []Entry) error {
	write := map[string]func(io.Writer, []Entry) error{Docker: writeDocker, OCI: writeOCI}[format]
	if write == nil {
		return fmt.Errorf("unknown archive format %q (want %s)", format, strings.Join(Formats, " or "))
	}
	// Made as any new file of the user's (0666 less the umask), in place
	// of path only once whole.
	f, commit, cleanup, err := pending(path)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer cleanup()
	if err := writeTo(f, strings.HasSuffix(path, ".gz"), func(w io.Writer) error { return write(w, entries) }); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := commit(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// writeTo runs write on f, through gzip when compress is set: pgzip
// compresses blocks on every core, where compress/gzip uses one.
func writeTo(f *os.File, compress bool, write func(io.Writer) error) error {
	if !compress {
		return write(f)
	}
	zw := pgzip.NewWriter(f)
	if err := write(zw); err != nil {
		return err
	}
	return zw.Close()
}

// tagOf parses ref as a tag; a reference without one gets latest, as
// docker does.
func tagOf(ref string) (name.Tag, string, error) {
	tag, err := name.NewTag(ref)
	if err != nil {
		return name.Tag{}, "", fmt.Errorf("image reference %q: %w", ref, err)
	}
	s := tag.String()
	if !strings.HasSuffix(s, ":"+tag.TagStr()) {
		s += ":" + tag.TagStr()
	}
	return tag, s, nil
}
