package docker

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/platform"
)

// pulls remembers the bases pulled in this run, so that images sharing a
// base pull it once.
type pulls struct {
	mu   sync.Mutex
	done map[string]*pull
}

type pull struct {
	once sync.Once
	err  error
}

// pullBases pulls req's bases for its platform (build --pull) before the
// build, which then finds them as local images. The build's own pull
// option would not do: it pulls every FROM, the pinned project parents
// too, and no registry has those.
func (e *Engine) pullBases(ctx context.Context, req engine.Request, logs io.Writer) error {
	creds, err := authConfigs(req)
	if err != nil {
		return err
	}
	for _, base := range req.Bases {
		p := e.pulls.get(base + " " + req.Platform)
		p.once.Do(func() { p.err = e.pullBase(ctx, base, req.Platform, creds, logs) })
		if p.err != nil {
			return p.err
		}
	}
	return nil
}

func (p *pulls) get(key string) *pull {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done == nil {
		p.done = map[string]*pull{}
	}
	if p.done[key] == nil {
		p.done[key] = &pull{}
	}
	return p.done[key]
}

// pullBase pulls one base, with the credentials of its registry; the
// engine's last word on it ("Status: Downloaded newer image for ...") goes
// to logs.
func (e *Engine) pullBase(ctx context.Context, ref, plat string, creds map[string]registry.AuthConfig, logs io.Writer) error {
	opts := client.ImagePullOptions{}
	if plat != "" {
		p, err := platform.Parse(plat)
		if err != nil {
			return err
		}
		opts.Platforms = []ocispec.Platform{p}
	}
	if c, ok := creds[registryKey(ref)]; ok {
		data, err := json.Marshal(c)
		if err != nil {
			return err
		}
		opts.RegistryAuth = base64.URLEncoding.EncodeToString(data)
	}
	fmt.Fprintf(logs, "pulling %s\n", ref)
	resp, err := e.api.ImagePull(ctx, ref, opts)
	if err != nil {
		return fmt.Errorf("pulling %s: %w", ref, err)
	}
	for msg, err := range resp.JSONMessages(ctx) {
		if err != nil {
			return fmt.Errorf("pulling %s: %w", ref, err)
		}
		if msg.Error != nil {
			return fmt.Errorf("pulling %s: %s", ref, msg.Error.Message)
		}
		if strings.HasPrefix(msg.Status, "Status: ") {
			fmt.Fprintln(logs, msg.Status)
		}
	}
	return nil
}

// registryKey is the key authConfigs gives the credentials of ref's
// registry under.
func registryKey(ref string) string {
	r, err := name.ParseReference(ref)
	if err != nil {
		return ""
	}
	if host := r.Context().RegistryStr(); host != engine.DockerHub {
		return host
	}
	return indexServer
}
