package archive

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// writeDocker writes the entries as docker save does: each image's config
// as <digest>.json, each layer uncompressed once as <diffid>/layer.tar,
// and manifest.json listing every image with its references. Layers are
// stored as docker stores them, so neither side compresses them and the
// file is what `docker save | gzip` would give.
func writeDocker(w io.Writer, entries []Entry) error {
	tw := tar.NewWriter(w)
	written := map[string]bool{}
	var manifest tarball.Manifest
	for _, e := range entries {
		d, err := describe(e)
		if err != nil {
			return err
		}
		cfg, err := e.Image.RawConfigFile()
		if err != nil {
			return fmt.Errorf("reading the config of %s: %w", e.Refs[0], err)
		}
		if !written[d.Config] {
			if err := writeEntry(tw, d.Config, int64(len(cfg)), bytes.NewReader(cfg)); err != nil {
				return err
			}
			written[d.Config] = true
		}
		layers, err := e.Image.Layers()
		if err != nil {
			return fmt.Errorf("reading the layers of %s: %w", e.Refs[0], err)
		}
		for i, l := range layers {
			if written[d.Layers[i]] {
				continue
			}
			if err := writeLayer(tw, d.Layers[i], l); err != nil {
				return fmt.Errorf("writing a layer of %s: %w", e.Refs[0], err)
			}
			written[d.Layers[i]] = true
		}
		manifest = append(manifest, d)
	}
	m, err := json.Marshal(manifest)
	if err != nil {
		return err
	}
	if err := writeEntry(tw, "manifest.json", int64(len(m)), bytes.NewReader(m)); err != nil {
		return err
	}
	return tw.Close()
}

// describe is an entry's line of manifest.json.
func describe(e Entry) (tarball.Descriptor, error) {
	var d tarball.Descriptor
	if e.Index != nil {
		return d, fmt.Errorf("%s has several platforms, which docker load cannot take: save it with --format oci", e.Refs[0])
	}
	if len(e.Refs) == 0 {
		return d, fmt.Errorf("an image without a reference cannot be loaded by docker")
	}
	for _, r := range e.Refs {
		_, s, err := tagOf(r)
		if err != nil {
			return d, err
		}
		d.RepoTags = append(d.RepoTags, s)
	}
	cfg, err := e.Image.ConfigName()
	if err != nil {
		return d, fmt.Errorf("reading the config of %s: %w", e.Refs[0], err)
	}
	d.Config = cfg.Hex + ".json"
	cf, err := e.Image.ConfigFile()
	if err != nil {
		return d, fmt.Errorf("reading the config of %s: %w", e.Refs[0], err)
	}
	for _, id := range cf.RootFS.DiffIDs {
		d.Layers = append(d.Layers, id.Hex+"/layer.tar")
	}
	return d, nil
}

// writeLayer stores a layer uncompressed. A tar entry needs its size
// first: a layer that does not know it is read twice.
func writeLayer(tw *tar.Writer, path string, l v1.Layer) error {
	size, err := partial.UncompressedSize(l)
	if err != nil {
		return err
	}
	rc, err := l.Uncompressed()
	if err != nil {
		return err
	}
	defer rc.Close()
	return writeEntry(tw, path, size, rc)
}

func writeEntry(tw *tar.Writer, path string, size int64, r io.Reader) error {
	hdr := &tar.Header{Name: path, Size: size, Mode: 0o644, Typeflag: tar.TypeReg, ModTime: time.Unix(0, 0), Format: tar.FormatPAX}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	n, err := io.Copy(tw, r)
	if err == nil && n != size {
		err = fmt.Errorf("%s: read %d bytes, expected %d", path, n, size)
	}
	return err
}
