package publish

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Store reads and writes images of a registry that an engine keeps its
// images in (the buildkit engine's registry store), with the keychain's
// credentials and the pushes' retries.
type Store struct {
	keys *Keychain
}

// NewStore returns a Store using keys; nil means anonymous.
func NewStore(keys *Keychain) *Store {
	if keys == nil {
		keys = &Keychain{}
	}
	return &Store{keys: keys}
}

// Image reads the image ref names; found is false, without an error,
// when the registry has no such image. Its blobs are read when asked
// for, after ctx may have ended (save reads them later): they are not
// bound to it.
func (s *Store) Image(ctx context.Context, ref string) (v1.Image, bool, error) {
	return Fetch(context.WithoutCancel(ctx), ref, s.keys)
}

// Write pushes img to ref; blobs the repository has are not uploaded.
func (s *Store) Write(ctx context.Context, ref string, img v1.Image) error {
	r, err := name.ParseReference(ref)
	if err != nil {
		return err
	}
	err = remote.Write(r, img, remote.WithContext(ctx), remote.WithAuthFromKeychain(s.keys), remote.WithUserAgent("dockyard"),
		remote.WithRetryBackoff(DefaultBackoff), remote.WithRetryStatusCodes(retryCodes...), remote.WithRetryPredicate(transient))
	if err != nil {
		return fmt.Errorf("pushing %s: %w", ref, err)
	}
	return nil
}
