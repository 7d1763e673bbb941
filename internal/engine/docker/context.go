package docker

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/moby/go-archive"
	"github.com/moby/patternmatcher/ignorefile"
)

// contextTar returns the build context as a tar stream for the classic
// builder, and the Dockerfile's name inside it. Files that the context's
// .dockerignore excludes are left out, but never the Dockerfile nor
// .dockerignore itself: the engine reads both, then drops them if
// .dockerignore lists them. A Dockerfile outside the context is added under
// a generated name, which is appended to .dockerignore so that it does not
// reach the image.
func contextTar(contextDir, dockerfile string) (io.ReadCloser, string, error) {
	excludes, err := readDockerignore(contextDir)
	if err != nil {
		return nil, "", err
	}
	excludes = append(excludes, "!.dockerignore")
	rel, err := filepath.Rel(contextDir, dockerfile)
	if err != nil {
		return nil, "", fmt.Errorf("locating %s: %w", dockerfile, err)
	}
	if filepath.IsLocal(rel) {
		rel = filepath.ToSlash(rel)
		tarball, err := tarDir(contextDir, append(excludes, "!"+rel))
		return tarball, rel, err
	}

	content, err := os.ReadFile(dockerfile)
	if err != nil {
		return nil, "", fmt.Errorf("reading the Dockerfile: %w", err)
	}
	sum := sha256.Sum256([]byte(dockerfile))
	name := ".dockyard-dockerfile-" + hex.EncodeToString(sum[:6])
	tarball, err := tarDir(contextDir, excludes)
	if err != nil {
		return nil, "", err
	}
	now := time.Now()
	newFile := func(name string) *tar.Header {
		return &tar.Header{Name: name, Mode: 0o644, Typeflag: tar.TypeReg, ModTime: now}
	}
	return archive.ReplaceFileTarWrapper(tarball, map[string]archive.TarModifierFunc{
		name: func(string, *tar.Header, io.Reader) (*tar.Header, []byte, error) {
			return newFile(name), content, nil
		},
		".dockerignore": func(_ string, h *tar.Header, r io.Reader) (*tar.Header, []byte, error) {
			var b bytes.Buffer
			if h == nil {
				// One made here ignores itself too, as the docker CLI's does.
				h = newFile(".dockerignore")
				b.WriteString(".dockerignore")
			} else if _, err := b.ReadFrom(r); err != nil {
				return nil, nil, err
			}
			b.WriteString("\n" + name + "\n")
			return h, b.Bytes(), nil
		},
	}), name, nil
}

// tarDir streams dir as a tar, owned by root, without what excludes match.
func tarDir(dir string, excludes []string) (io.ReadCloser, error) {
	tarball, err := archive.TarWithOptions(dir, &archive.TarOptions{
		ExcludePatterns: excludes,
		ChownOpts:       &archive.ChownOpts{UID: 0, GID: 0},
	})
	if err != nil {
		return nil, fmt.Errorf("archiving the build context %s: %w", dir, err)
	}
	return tarball, nil
}

// readDockerignore returns the patterns of dir/.dockerignore, if any.
func readDockerignore(dir string) ([]string, error) {
	f, err := os.Open(filepath.Join(dir, ".dockerignore"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading .dockerignore: %w", err)
	}
	defer f.Close()
	patterns, err := ignorefile.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", f.Name(), err)
	}
	return patterns, nil
}
