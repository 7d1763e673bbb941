package docker

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/moby/go-archive"
	"github.com/tonistiigi/fsutil"

	"github.com/dockyard-build/dockyard/internal/buildcontext"
	"github.com/dockyard-build/dockyard/internal/engine"
)

// contextTar returns the build context of req as a tar stream for the
// classic builder, and the Dockerfile's name inside it: what the context's
// rules (buildcontext) keep.
//
// The engine reads the Dockerfile and .dockerignore from the tar, then
// drops both if .dockerignore lists them. So when the context's
// .dockerignore is the ignore file in force, both are sent whatever it
// says. Otherwise (the Dockerfile lies outside the context, or its own
// <name>.dockerignore applies) the Dockerfile is added under a generated
// name, which is appended to the tar's .dockerignore so that the engine
// drops it; when the rules leave .dockerignore out, the tar's one is made
// here and ignores itself too, as the docker CLI's does.
func contextTar(req engine.Request) (io.ReadCloser, string, error) {
	rules, err := req.Rules()
	if err != nil {
		return nil, "", err
	}
	rel, err := filepath.Rel(req.ContextDir, req.Dockerfile)
	if err != nil {
		return nil, "", fmt.Errorf("locating %s: %w", req.Dockerfile, err)
	}
	contextIgnore := filepath.Join(req.ContextDir, buildcontext.IgnoreFile)
	if filepath.IsLocal(rel) && (rules.File == "" || rules.File == contextIgnore) {
		rel = filepath.ToSlash(rel)
		tarball, err := tarDir(rules, req.ContextDir, buildcontext.IgnoreFile, rel)
		return tarball, rel, err
	}

	content, err := os.ReadFile(req.Dockerfile)
	if err != nil {
		return nil, "", fmt.Errorf("reading the Dockerfile: %w", err)
	}
	sum := sha256.Sum256([]byte(req.Dockerfile))
	name := ".dockyard-dockerfile-" + hex.EncodeToString(sum[:6])
	tarball, err := tarDir(rules, req.ContextDir)
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
		buildcontext.IgnoreFile: func(_ string, h *tar.Header, r io.Reader) (*tar.Header, []byte, error) {
			var b bytes.Buffer
			if h == nil {
				h = newFile(buildcontext.IgnoreFile)
				b.WriteString(buildcontext.IgnoreFile)
			} else if _, err := b.ReadFrom(r); err != nil {
				return nil, nil, err
			}
			b.WriteString("\n" + name + "\n")
			return h, b.Bytes(), nil
		},
	}), name, nil
}

// tarDir streams dir as a tar of what rules keep, and of the
// dir-relative paths in keep, owned by root.
func tarDir(rules *buildcontext.Rules, dir string, keep ...string) (io.ReadCloser, error) {
	fsys, err := rules.FS(dir, keep...)
	if err != nil {
		return nil, fmt.Errorf("archiving the build context: %w", err)
	}
	r, w := io.Pipe()
	go func() {
		err := fsutil.WriteTar(context.Background(), fsys, w)
		if err != nil {
			err = fmt.Errorf("archiving the build context %s: %w", dir, err)
		}
		w.CloseWithError(err)
	}()
	return r, nil
}
