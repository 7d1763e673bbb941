package embedded

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/containers/common/libimage"
	"github.com/containers/image/v5/copy"
	ocilayout "github.com/containers/image/v5/oci/layout"
	"github.com/containers/image/v5/signature"
	istorage "github.com/containers/image/v5/storage"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/dockyard-build/dockyard/internal/engine"
)

var _ engine.Loader = (*Engine)(nil)

// Load writes img into the store under ref, moving ref from the image that
// had it. The image keeps its config, so its ID is its config digest as
// anywhere else. It goes through a temporary OCI layout under the store's
// directory, removed afterwards.
func (e *Engine) Load(ctx context.Context, ref string, img v1.Image) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.load(ctx, ref, img); err != nil {
		return fmt.Errorf("loading %s into the embedded store: %w", ref, err)
	}
	return nil
}

func (e *Engine) load(ctx context.Context, ref string, img v1.Image) error {
	named, err := libimage.NormalizeName(ref)
	if err != nil {
		return err
	}
	dest, err := istorage.Transport.ParseStoreReference(e.store, named.String())
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp(filepath.Join(e.root, tmpDir), "load-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return err
	}
	if err := p.AppendImage(img); err != nil {
		return fmt.Errorf("writing the image: %w", err)
	}
	src, err := ocilayout.NewReference(dir, "")
	if err != nil {
		return err
	}
	policy, err := signature.NewPolicyContext(&signature.Policy{
		Default: signature.PolicyRequirements{signature.NewPRInsecureAcceptAnything()},
	})
	if err != nil {
		return err
	}
	defer policy.Destroy()
	_, err = copy.Image(ctx, policy, dest, src, &copy.Options{SourceCtx: e.sys, DestinationCtx: e.sys})
	if err != nil && ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return err
}
