package publish

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
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

// Fetch reads the image ref names from its registry with the keychain's
// credentials; found is false, without an error, when the registry has no
// such image.
func Fetch(ctx context.Context, ref string, keys *Keychain) (img v1.Image, found bool, err error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return nil, false, err
	}
	img, err = remote.Image(r, remote.WithContext(ctx), remote.WithAuthFromKeychain(keys))
	if terr, ok := errors.AsType[*transport.Error](err); ok && terr.StatusCode == http.StatusNotFound {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading %s: %w", ref, err)
	}
	return img, true, nil
}

// Has reports whether the registry holds ref; a registry that does not
// answer holds nothing.
func Has(ctx context.Context, ref string, keys *Keychain) bool {
	r, err := name.ParseReference(ref)
	if err != nil {
		return false
	}
	_, err = remote.Head(r, remote.WithContext(ctx), remote.WithAuthFromKeychain(keys))
	return err == nil
}
