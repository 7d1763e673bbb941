package publish

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// ConfigDigest asks the registry for the config digest of ref's image for
// a platform ("linux/amd64[/v8]"), with the keychain's credentials: what
// an external base's digest is when the engine does not hold it. It makes
// one attempt, bounded by ctx: a registry that does not answer is an
// error at once, never a retry.
func ConfigDigest(ctx context.Context, ref, platform string, keys *Keychain) (string, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return "", err
	}
	goos, arch, _ := strings.Cut(platform, "/")
	arch, variant, _ := strings.Cut(arch, "/")
	opts := []remote.Option{remote.WithContext(ctx), remote.WithPlatform(v1.Platform{OS: goos, Architecture: arch, Variant: variant})}
	if keys != nil {
		opts = append(opts, remote.WithAuthFromKeychain(keys))
	}
	img, err := remote.Image(r, opts...)
	if err != nil {
		return "", fmt.Errorf("resolving %s: %w", ref, err)
	}
	cfg, err := img.ConfigName()
	if err != nil {
		return "", fmt.Errorf("resolving %s: %w", ref, err)
	}
	return cfg.String(), nil
}
