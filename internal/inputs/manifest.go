package inputs

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// Entry is one file, folder or symlink of a build context.
type Entry struct {
	// Path is slash-separated and relative to the context.
	Path string
	// Mode holds the type bits and the permissions.
	Mode fs.FileMode
	// Digest is the sha256 of a regular file's content, in hex; a
	// symlink's target; "" for a folder or another type.
	Digest string
}

// kind is the type of an entry as the manifest writes it.
func (e Entry) kind() byte {
	switch {
	case e.Mode.IsDir():
		return 'd'
	case e.Mode&fs.ModeSymlink != 0:
		return 'l'
	case e.Mode.IsRegular():
		return 'f'
	}
	return 'o'
}

// Manifest is every entry of a context that .dockerignore keeps, sorted by
// path. Its digest is the "files" part of an input key.
type Manifest []Entry

func (m Manifest) sort() {
	sort.Slice(m, func(i, j int) bool { return m[i].Path < m[j].Path })
}

// encode writes the manifest's canonical form: a line per entry with its
// type, permissions, digest or quoted target, and quoted path. Timestamps,
// owners and sizes are not part of it.
func (m Manifest) encode(w io.Writer) error {
	for _, e := range m {
		content := e.Digest
		if e.kind() == 'l' {
			content = strconv.Quote(e.Digest)
		}
		if content == "" {
			content = "-"
		}
		if _, err := fmt.Fprintf(w, "%c %04o %s %s\n", e.kind(), unixPerm(e.Mode), content, strconv.Quote(e.Path)); err != nil {
			return err
		}
	}
	return nil
}

// Digest is the sha256 of the canonical form, in hex.
func (m Manifest) Digest() string {
	h := sha256.New()
	_ = m.encode(h)
	return hex.EncodeToString(h.Sum(nil))
}

// Compress returns the canonical form, gzipped, as the state stores it.
func (m Manifest) Compress() []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	_ = m.encode(zw)
	_ = zw.Close()
	return b.Bytes()
}

// Decompress reads what Compress wrote.
func Decompress(data []byte) (Manifest, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reading a stored manifest: %w", err)
	}
	var m Manifest
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		e, err := parseLine(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("reading a stored manifest: %w", err)
		}
		m = append(m, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading a stored manifest: %w", err)
	}
	return m, nil
}

func parseLine(line string) (Entry, error) {
	kind, rest, _ := strings.Cut(line, " ")
	perm, rest, _ := strings.Cut(rest, " ")
	var e Entry
	p, err := strconv.ParseUint(perm, 8, 32)
	if err != nil || len(kind) != 1 {
		return e, fmt.Errorf("bad line %q", line)
	}
	e.Mode = goPerm(uint32(p))
	switch kind[0] {
	case 'd':
		e.Mode |= fs.ModeDir
	case 'l':
		e.Mode |= fs.ModeSymlink
	case 'o':
		e.Mode |= fs.ModeIrregular
	}
	if kind[0] == 'l' {
		var n int
		if e.Digest, n, err = unquotePrefix(rest); err != nil {
			return e, fmt.Errorf("bad line %q", line)
		}
		rest = strings.TrimPrefix(rest[n:], " ")
	} else {
		e.Digest, rest, _ = strings.Cut(rest, " ")
		if e.Digest == "-" {
			e.Digest = ""
		}
	}
	if e.Path, err = strconv.Unquote(rest); err != nil {
		return e, fmt.Errorf("bad line %q", line)
	}
	return e, nil
}

// special maps Go's mode bits to the Unix ones above the permissions.
var special = []struct {
	mode fs.FileMode
	unix uint32
}{{fs.ModeSetuid, 0o4000}, {fs.ModeSetgid, 0o2000}, {fs.ModeSticky, 0o1000}}

// unixPerm returns the permissions with setuid, setgid and sticky as Unix
// writes them (0o4755).
func unixPerm(m fs.FileMode) uint32 {
	p := uint32(m.Perm())
	for _, s := range special {
		if m&s.mode != 0 {
			p |= s.unix
		}
	}
	return p
}

// goPerm is the inverse of unixPerm.
func goPerm(p uint32) fs.FileMode {
	m := fs.FileMode(p & 0o777)
	for _, s := range special {
		if p&s.unix != 0 {
			m |= s.mode
		}
	}
	return m
}

// unquotePrefix unquotes the quoted string s starts with and says how long
// its quoted form was.
func unquotePrefix(s string) (string, int, error) {
	q, err := strconv.QuotedPrefix(s)
	if err != nil {
		return "", 0, err
	}
	u, err := strconv.Unquote(q)
	return u, len(q), err
}

// Change is how one path differs between two manifests.
type Change struct {
	Path string
	What string // "changed", "added" or "removed"
}

// Diff returns the first path, in path order, that differs between old and
// cur; ok is false when they are the same.
func Diff(old, cur Manifest) (c Change, ok bool) {
	i, j := 0, 0
	for i < len(old) || j < len(cur) {
		switch {
		case j == len(cur) || (i < len(old) && old[i].Path < cur[j].Path):
			return Change{old[i].Path, "removed"}, true
		case i == len(old) || cur[j].Path < old[i].Path:
			return Change{cur[j].Path, "added"}, true
		case old[i] != cur[j]:
			return Change{cur[j].Path, "changed"}, true
		}
		i, j = i+1, j+1
	}
	return Change{}, false
}
