package buildkit

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/distribution/reference"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// pinRepo is the repository of the names Pin gives. Its domain is
// reserved (RFC 2606): were a pin's named context missing, BuildKit would
// find no registry there rather than another image.
const pinRepo = "dockyard-pin.invalid/"

// pins are the named contexts of the pins in use: pin name to the
// frontend's context value, with how many builds use each.
type pins struct {
	mu sync.Mutex
	to map[string]string
	n  map[string]int
}

// Pin names the image id for a child's FROM or COPY --from: a name whose
// named context, which Build passes to the Dockerfile frontend when the
// Dockerfile names it, is the image's manifest in the layout
// (oci-layout://dockyard@sha256:...), served through the build's session.
// BuildKit reads that manifest and nothing else: no tag is looked up.
func (e *Engine) Pin(_ context.Context, id string) (string, func(), error) {
	desc, ok, err := e.store.find(id)
	if err != nil {
		return "", nil, err
	}
	if !ok {
		return "", nil, fmt.Errorf("pinning %s: %w", id, engine.ErrNotFound)
	}
	name := pinRepo + hexOf(id)
	e.pins.mu.Lock()
	defer e.pins.mu.Unlock()
	if e.pins.to == nil {
		e.pins.to, e.pins.n = map[string]string{}, map[string]int{}
	}
	e.pins.to[name] = contextValue(desc)
	e.pins.n[name]++
	return name, func() { e.pins.release(name) }, nil
}

func (p *pins) release(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.n[name]--; p.n[name] <= 0 {
		delete(p.n, name)
		delete(p.to, name)
	}
}

// contexts returns the named contexts of the pins and of the layout's
// images that a Dockerfile may build on (FROM, COPY --from, RUN --mount
// from=): those whose name it holds as a word, or a build arg holds as
// its value (FROM ${BASE}). The frontend uses those a FROM or a --from
// resolves to and ignores the others. The layout's images resolve as a
// Docker engine's local images do, to the image a name has when the build
// starts; a project parent is always a pin.
func (e *Engine) contexts(req engine.Request, dockerfile []byte) (map[string]string, error) {
	list, err := e.store.entries()
	if err != nil {
		return nil, err
	}
	candidates := map[string]string{}
	for _, d := range list {
		if n := d.Annotations[annotationName]; n != "" {
			candidates[n] = contextValue(d)
		}
	}
	e.pins.mu.Lock()
	maps.Copy(candidates, e.pins.to)
	e.pins.mu.Unlock()
	text := string(dockerfile)
	out := map[string]string{}
	for name, value := range candidates {
		key, err := contextKey(name)
		if err != nil {
			continue
		}
		if holdsWord(text, key) || holdsWord(text, name) || slices.ContainsFunc(slices.Collect(maps.Values(req.Args)), func(v string) bool {
			k, err := contextKey(v)
			return err == nil && k == key
		}) {
			out[key] = value
		}
	}
	return out, nil
}

// holdsWord reports whether text holds ref with no reference character
// right before or after it.
func holdsWord(text, ref string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], ref)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(ref)
		if (start == 0 || !refChar(text[start-1])) && (end == len(text) || !refChar(text[end])) {
			return true
		}
		i = start + 1
	}
}

// refChar reports whether c may be part of an image reference.
func refChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._-/:@", c) >= 0
}

// contextKey is the name the Dockerfile frontend looks a named context up
// by: the familiar form without ":latest".
func contextKey(ref string) (string, error) {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(reference.FamiliarString(named), ":latest"), nil
}
