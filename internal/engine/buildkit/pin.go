package buildkit

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/distribution/reference"

	"github.com/dockyard-build/dockyard/internal/dockerfile"
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
	e.pins.to[name] = "oci-layout://" + storeID + "@" + desc.Digest.String()
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

// lookup returns the named context of a pin.
func (p *pins) lookup(name string) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	v, ok := p.to[name]
	return v, ok
}

// contexts returns the named contexts of the images a Dockerfile builds
// on (FROM, COPY --from, RUN --mount from=) that are pins or images of the
// layout, by the key the frontend looks them up with. The layout's images
// resolve as a Docker engine's local images do, to the image a name has
// when the build starts; a project parent is always a pin.
func (e *Engine) contexts(req engine.Request, data []byte) (map[string]string, error) {
	f, err := dockerfile.Parse(filepath.Base(req.Dockerfile), data, req.Args, req.Target)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, r := range slices.Concat(f.Bases(), f.CopySources(), f.MountSources()) {
		key, err := contextKey(r.Name)
		if err != nil {
			continue // the frontend says what is wrong with it
		}
		if v, ok := e.pins.lookup(r.Name); ok {
			out[key] = v
			continue
		}
		desc, ok, err := e.store.find(r.Name)
		if err != nil {
			return nil, err
		}
		if ok {
			out[key] = "oci-layout://" + storeID + "@" + desc.Digest.String()
		}
	}
	return out, nil
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
