// Package inputs computes images' input keys: what an image is built from,
// hashed. It walks build contexts as the engine sees them (.dockerignore
// applied, dropped files never read), hashes files in parallel through a
// stat cache kept under .dockyard/, and names the first input that differs
// between two builds, so that every decision can be explained.
package inputs

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
)

// keyVersion starts the text an input key hashes; changing how keys are
// taken changes it, so that old keys never match new ones.
const keyVersion = "dockyard input key v1"

// Floating marks an external base whose digest neither the engine nor the
// registry could tell: the key holds its reference only.
const Floating = "floating"

// Inputs are the parts of an image's input key.
type Inputs struct {
	// Dockerfile is the sha256 of the Dockerfile's bytes.
	Dockerfile string `json:"dockerfile"`
	Target     string `json:"target,omitempty"`
	// Platform is os/arch[/variant], the engine's own when none is asked.
	Platform string `json:"platform"`
	// Args are the resolved build args the image gets.
	Args map[string]string `json:"args,omitempty"`
	// Files is the digest of the context's manifest.
	Files string `json:"files"`
	// Parents maps each project parent to its input key.
	Parents map[string]string `json:"parents,omitempty"`
	// Bases maps each external base to its digest, or Floating.
	Bases map[string]string `json:"bases,omitempty"`
	// Extra maps each file or folder the component's hooks read from
	// outside the context (hooks.inputs) to the digest of its content.
	Extra map[string]string `json:"extra,omitempty"`
}

// Key is the sha256, in hex, of the inputs' canonical text.
func (in *Inputs) Key() string {
	h := sha256.New()
	in.write(h)
	return hex.EncodeToString(h.Sum(nil))
}

func (in *Inputs) write(w io.Writer) {
	fmt.Fprintf(w, "%s\ndockerfile %s\ntarget %q\nplatform %q\nfiles %s\n", keyVersion, in.Dockerfile, in.Target, in.Platform, in.Files)
	pairs := func(what string, m map[string]string) {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			fmt.Fprintf(w, "%s %s %s\n", what, strconv.Quote(k), strconv.Quote(m[k]))
		}
	}
	pairs("arg", in.Args)
	pairs("parent", in.Parents)
	pairs("base", in.Bases)
	pairs("extra", in.Extra)
}

// Part names an input that differs between two builds.
type Part struct {
	// Kind is "dockerfile", "target", "platform", "arg", "files",
	// "parent", "base" or "extra".
	Kind string
	// Name is the build arg, parent or base; "" for the others.
	Name string
}

// FirstChange returns the first part that differs from old to cur, in the
// order of the Part kinds, and false when none does.
func FirstChange(old, cur *Inputs) (Part, bool) {
	switch {
	case old.Dockerfile != cur.Dockerfile:
		return Part{Kind: "dockerfile"}, true
	case old.Target != cur.Target:
		return Part{Kind: "target"}, true
	case old.Platform != cur.Platform:
		return Part{Kind: "platform"}, true
	}
	if name, ok := firstDiff(old.Args, cur.Args); ok {
		return Part{Kind: "arg", Name: name}, true
	}
	if old.Files != cur.Files {
		return Part{Kind: "files"}, true
	}
	if name, ok := firstDiff(old.Parents, cur.Parents); ok {
		return Part{Kind: "parent", Name: name}, true
	}
	if name, ok := firstDiff(old.Bases, cur.Bases); ok {
		return Part{Kind: "base", Name: name}, true
	}
	if name, ok := firstDiff(old.Extra, cur.Extra); ok {
		return Part{Kind: "extra", Name: name}, true
	}
	return Part{}, false
}

// firstDiff returns the first key, in order, whose value differs or that
// only one map has.
func firstDiff(a, b map[string]string) (string, bool) {
	keys := slices.Sorted(maps.Keys(a))
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		va, oka := a[k]
		vb, okb := b[k]
		if oka != okb || va != vb {
			return k, true
		}
	}
	return "", false
}
