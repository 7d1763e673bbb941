package buildkit

import (
	"context"
	"fmt"

	"github.com/docker/cli/cli/config/types"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/session"
	"github.com/moby/buildkit/session/auth/authprovider"
)

// cacheTag is the tag of an image's layer cache in the registry.
const cacheTag = "dockyard-buildcache"

// LayerCache keeps BuildKit's layer cache of each image in a registry,
// so that another machine's buildkitd reuses the layers of every stage
// (mode=max), even when the image's input key changed.
type LayerCache struct {
	// Repository is the registry repository of an image's cache.
	Repository func(image string) string
}

// ref is the cache of one image's builds for a platform ("" for the
// engine's own): each platform has its own, or each export would replace
// the other's.
func (c *LayerCache) ref(image, platform string) string {
	tag := cacheTag
	if platform != "" {
		tag += "-" + sanitize(platform)
	}
	return c.Repository(image) + ":" + tag
}

// SetRegistry makes the engine keep its layer cache in a registry, and
// gives buildkitd the credentials keys holds for pulls and pushes.
func (e *Engine) SetRegistry(cache *LayerCache, keys authn.Keychain) {
	e.cache, e.keys = cache, keys
}

// applyCache adds the layer cache's import and export to a solve.
func (e *Engine) applyCache(opt *client.SolveOpt, image, platform string) {
	if e.cache == nil {
		return
	}
	ref := e.cache.ref(image, platform)
	opt.CacheImports = append(opt.CacheImports, client.CacheOptionsEntry{Type: "registry", Attrs: map[string]string{"ref": ref}})
	opt.CacheExports = append(opt.CacheExports, client.CacheOptionsEntry{Type: "registry", Attrs: map[string]string{"ref": ref, "mode": "max"}})
}

// auth serves buildkitd the credentials of the engine's keychain, else
// of the docker config.
func (e *Engine) auth() session.Attachable {
	keys := e.keys
	if keys == nil {
		keys = authn.DefaultKeychain
	}
	return authprovider.NewDockerAuthProvider(authprovider.DockerAuthProviderConfig{
		AuthConfigProvider: func(ctx context.Context, host string, _ []string, _ authprovider.ExpireCachedAuthCheck) (types.AuthConfig, error) {
			reg, err := name.NewRegistry(host)
			if err != nil {
				return types.AuthConfig{}, err
			}
			a, err := authn.Resolve(ctx, keys, reg)
			if err != nil {
				return types.AuthConfig{}, fmt.Errorf("credentials for %s: %w", host, err)
			}
			cfg, err := authn.Authorization(ctx, a)
			if err != nil {
				return types.AuthConfig{}, fmt.Errorf("credentials for %s: %w", host, err)
			}
			return types.AuthConfig{Username: cfg.Username, Password: cfg.Password, Auth: cfg.Auth,
				IdentityToken: cfg.IdentityToken, RegistryToken: cfg.RegistryToken, ServerAddress: host}, nil
		},
	})
}

// sanitize makes a platform a tag's part: linux/arm64 -> linux-arm64.
func sanitize(platform string) string {
	out := []byte(platform)
	for i, c := range out {
		if c == '/' {
			out[i] = '-'
		}
	}
	return string(out)
}
