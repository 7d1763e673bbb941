package docker

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
)

// savedTar is what the engine's docker save wrote: a tar holding each
// image's config, its layers uncompressed, and manifest.json. The tar is
// indexed once; images read their files in place.
type savedTar struct {
	f        *os.File
	files    map[string]*io.SectionReader
	manifest tarball.Manifest
}

// indexTar finds where each file of the tar f lies.
func indexTar(f *os.File, size int64) (*savedTar, error) {
	t := &savedTar{f: f, files: map[string]*io.SectionReader{}}
	r := io.NewSectionReader(f, 0, size)
	tr := tar.NewReader(r)
	links := map[string]string{}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch hdr.Typeflag {
		case tar.TypeReg:
			// The tar reader stops at the start of the entry's data.
			off, err := r.Seek(0, io.SeekCurrent)
			if err != nil {
				return nil, err
			}
			t.files[path.Clean(hdr.Name)] = io.NewSectionReader(f, off, hdr.Size)
		case tar.TypeSymlink:
			links[path.Clean(hdr.Name)] = path.Join(path.Dir(hdr.Name), hdr.Linkname)
		}
	}
	for link, target := range links {
		if sr, ok := t.files[target]; ok {
			t.files[link] = sr
		}
	}
	m, ok := t.files["manifest.json"]
	if !ok {
		return nil, errors.New("the engine's tar has no manifest.json")
	}
	if err := json.NewDecoder(io.NewSectionReader(m, 0, m.Size())).Decode(&t.manifest); err != nil {
		return nil, fmt.Errorf("reading manifest.json: %w", err)
	}
	return t, nil
}

// image returns the image saved under ref.
func (t *savedTar) image(ref string) (v1.Image, error) {
	d, err := t.find(ref)
	if err != nil {
		return nil, err
	}
	cfg, ok := t.files[d.Config]
	if !ok {
		return nil, fmt.Errorf("the engine's tar has no %s", d.Config)
	}
	img := &savedImage{config: make([]byte, cfg.Size())}
	if _, err := cfg.ReadAt(img.config, 0); err != nil {
		return nil, err
	}
	cf, err := v1.ParseConfigFile(io.NewSectionReader(cfg, 0, cfg.Size()))
	if err != nil {
		return nil, err
	}
	if len(cf.RootFS.DiffIDs) != len(d.Layers) {
		return nil, fmt.Errorf("%s has %d layers and %d diff IDs", ref, len(d.Layers), len(cf.RootFS.DiffIDs))
	}
	for i, p := range d.Layers {
		data, ok := t.files[path.Clean(p)]
		if !ok {
			return nil, fmt.Errorf("the engine's tar has no %s", p)
		}
		img.layers = append(img.layers, &savedLayer{data: data, diffID: cf.RootFS.DiffIDs[i]})
	}
	return img, nil
}

// find finds an image of the tar by one of its tags, or by its ID.
func (t *savedTar) find(ref string) (*tarball.Descriptor, error) {
	if id, ok := strings.CutPrefix(ref, "sha256:"); ok {
		for i, d := range t.manifest {
			if path.Base(d.Config) == id+".json" || path.Base(d.Config) == id {
				return &t.manifest[i], nil
			}
		}
		return nil, fmt.Errorf("the engine's tar has no %s", ref)
	}
	want, err := name.NewTag(ref)
	if err != nil {
		return nil, err
	}
	for i, d := range t.manifest {
		for _, rt := range d.RepoTags {
			if got, err := name.NewTag(rt); err == nil && got.Name() == want.Name() {
				return &t.manifest[i], nil
			}
		}
	}
	return nil, fmt.Errorf("the engine's tar has no %s", ref)
}

// savedImage is an image of a savedTar, as a registry would hold it: a
// docker manifest whose layers are gzip-compressed.
type savedImage struct {
	config []byte
	layers []*savedLayer

	once     sync.Once
	manifest *v1.Manifest
	err      error
}

var _ v1.Image = (*savedImage)(nil)

func (i *savedImage) MediaType() (types.MediaType, error) { return types.DockerManifestSchema2, nil }
func (i *savedImage) RawConfigFile() ([]byte, error)      { return i.config, nil }
func (i *savedImage) ConfigFile() (*v1.ConfigFile, error) { return partial.ConfigFile(i) }
func (i *savedImage) ConfigName() (v1.Hash, error)        { return partial.ConfigName(i) }
func (i *savedImage) RawManifest() ([]byte, error)        { return partial.RawManifest(i) }
func (i *savedImage) Digest() (v1.Hash, error)            { return partial.Digest(i) }
func (i *savedImage) Size() (int64, error)                { return partial.Size(i) }

func (i *savedImage) Layers() ([]v1.Layer, error) {
	ls := make([]v1.Layer, len(i.layers))
	for n, l := range i.layers {
		ls[n] = l
	}
	return ls, nil
}

// Manifest describes the config and the compressed layers; it compresses
// each layer whose digest is not known yet.
func (i *savedImage) Manifest() (*v1.Manifest, error) {
	i.once.Do(func() {
		m := &v1.Manifest{SchemaVersion: 2, MediaType: types.DockerManifestSchema2}
		cfgHash, cfgSize, err := v1.SHA256(bytes.NewReader(i.config))
		if err != nil {
			i.err = err
			return
		}
		m.Config = v1.Descriptor{MediaType: types.DockerConfigJSON, Size: cfgSize, Digest: cfgHash}
		for _, l := range i.layers {
			d, err := l.compressedDigest()
			if err != nil {
				i.err = err
				return
			}
			m.Layers = append(m.Layers, v1.Descriptor{MediaType: types.DockerLayer, Size: d.size, Digest: d.digest})
		}
		i.manifest = m
	})
	return i.manifest, i.err
}

func (i *savedImage) LayerByDigest(h v1.Hash) (v1.Layer, error) {
	for _, l := range i.layers {
		if d, err := l.Digest(); err == nil && d == h {
			return l, nil
		}
	}
	return nil, fmt.Errorf("no layer %s", h)
}

func (i *savedImage) LayerByDiffID(h v1.Hash) (v1.Layer, error) {
	for _, l := range i.layers {
		if l.diffID == h {
			return l, nil
		}
	}
	return nil, fmt.Errorf("no layer with diff ID %s", h)
}

// savedLayer is a layer of a savedTar, uncompressed in place.
type savedLayer struct {
	data   *io.SectionReader
	diffID v1.Hash
}

var _ v1.Layer = (*savedLayer)(nil)

func (l *savedLayer) DiffID() (v1.Hash, error)             { return l.diffID, nil }
func (l *savedLayer) MediaType() (types.MediaType, error)  { return types.DockerLayer, nil }
func (l *savedLayer) UncompressedSize() (int64, error)     { return l.data.Size(), nil }
func (l *savedLayer) Uncompressed() (io.ReadCloser, error) { return io.NopCloser(l.reader()), nil }

func (l *savedLayer) reader() io.Reader { return io.NewSectionReader(l.data, 0, l.data.Size()) }

// Compressed streams the layer through gzip, the same bytes every time.
func (l *savedLayer) Compressed() (io.ReadCloser, error) {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(compress(pw, l.reader())) }()
	return pr, nil
}

func (l *savedLayer) Digest() (v1.Hash, error) {
	d, err := l.compressedDigest()
	return d.digest, err
}

func (l *savedLayer) Size() (int64, error) {
	d, err := l.compressedDigest()
	return d.size, err
}

func compress(w io.Writer, r io.Reader) error {
	zw, err := gzip.NewWriterLevel(w, gzip.DefaultCompression)
	if err != nil {
		return err
	}
	if _, err := io.Copy(zw, r); err != nil {
		return err
	}
	return zw.Close()
}

// compressed is a layer's digest and size once compressed.
type compressed struct {
	digest v1.Hash
	size   int64
}

// digests keeps, by diff ID, what compressing a layer gave. Compression
// is deterministic, so the same content always gives the same digest: a
// layer that many images share is compressed once to describe them all,
// and not again to find out that a registry has it.
var digests sync.Map // v1.Hash -> *digestOnce

type digestOnce struct {
	once sync.Once
	c    compressed
	err  error
}

func (l *savedLayer) compressedDigest() (compressed, error) {
	v, _ := digests.LoadOrStore(l.diffID, &digestOnce{})
	d := v.(*digestOnce)
	d.once.Do(func() {
		h := sha256.New()
		cw := &countingWriter{w: h}
		if d.err = compress(cw, l.reader()); d.err == nil {
			d.c = compressed{digest: v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}, size: cw.n}
		}
	})
	if d.err != nil {
		digests.CompareAndDelete(l.diffID, d) // a later call tries again
	}
	return d.c, d.err
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
