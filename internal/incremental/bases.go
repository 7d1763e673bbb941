package incremental

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/inputs"
	"github.com/dockyard-build/dockyard/internal/publish"
	"github.com/dockyard-build/dockyard/internal/state"
)

type baseDigest struct {
	once   sync.Once
	digest string
}

// base returns an external base's digest, once per run: the digest a
// reference pins; else the engine's image ID when it holds the image;
// else the config digest the registry gives for the platform, as
// recorded in the state within baseTTL or asked now; else
// inputs.Floating. With Pull the registry is asked first, and the engine
// and the state are only fallbacks for a registry that does not answer.
func (inc *Incremental) base(ctx context.Context, ref, platform string) string {
	inc.mu.Lock()
	b := inc.bases[ref+" "+platform]
	if b == nil {
		b = &baseDigest{}
		inc.bases[ref+" "+platform] = b
	}
	inc.mu.Unlock()
	b.once.Do(func() { b.digest = inc.resolve(ctx, ref, platform) })
	return b.digest
}

// How long what a registry said of a base's digest is believed: a tag may
// move, and a registry that did not answer may answer again.
const (
	baseTTL        = time.Hour
	unansweredTTL  = 10 * time.Minute
	baseAskTimeout = 3 * time.Second
)

func (inc *Incremental) resolve(ctx context.Context, ref, platform string) string {
	if _, digest, ok := strings.Cut(ref, "@"); ok {
		return digest
	}
	if inc.Pull {
		if digest, err := inc.ask(ctx, ref, platform); err == nil {
			return digest
		}
	}
	if insp, ok := inc.Engine.(engine.Inspector); ok {
		if info, found, err := insp.Inspect(ctx, ref); err == nil && found {
			return info.ID
		}
	}
	if b, ok := inc.recordedBase(ref + " " + platform); ok {
		return cmp.Or(b.Digest, inputs.Floating)
	}
	if inc.Pull {
		return inputs.Floating
	}
	digest, err := inc.ask(ctx, ref, platform)
	if err != nil {
		return inputs.Floating
	}
	return digest
}

// ask asks the registry for a base's config digest and notes the answer,
// or that there was none, for the state.
func (inc *Incremental) ask(ctx context.Context, ref, platform string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, baseAskTimeout)
	defer cancel()
	digest, err := publish.ConfigDigest(ctx, ref, platform, inc.Keychain)
	inc.mu.Lock()
	inc.asked[ref+" "+platform] = state.Base{Digest: digest, At: time.Now().UTC()}
	inc.mu.Unlock()
	return digest, err
}

// recordedBase returns what the state says of a base, when it is recent.
func (inc *Incremental) recordedBase(key string) (state.Base, bool) {
	inc.recordedOnce.Do(func() {
		inc.recorded, _ = inc.Store.Bases()
	})
	b, ok := inc.recorded[key]
	ttl := baseTTL
	if b.Digest == "" {
		ttl = unansweredTTL
	}
	return b, ok && time.Since(b.At) < ttl
}

// Floating lists the external bases whose digest could not be had: no
// engine copy, and no answer from the registry, now or recently.
func (inc *Incremental) Floating() []string {
	inc.mu.Lock()
	defer inc.mu.Unlock()
	var refs []string
	for key, b := range inc.bases {
		if b.digest == inputs.Floating {
			ref, _, _ := strings.Cut(key, " ")
			refs = append(refs, ref)
		}
	}
	slices.Sort(refs)
	return slices.Compact(refs)
}

// SaveBases records what registries said of bases' digests in this run.
func (inc *Incremental) SaveBases() error {
	inc.mu.Lock()
	defer inc.mu.Unlock()
	return inc.Store.PutBases(inc.asked)
}
