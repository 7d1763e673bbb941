package embedded

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/containers/common/libimage"
	"github.com/containers/common/pkg/config"
	"github.com/containers/image/v5/types"
	"github.com/containers/storage"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// pullBases pulls req's bases for its platform (build --pull) before the
// build, which then finds them in the store. buildah's own "always" pull
// policy would not do: it applies to every FROM, and refuses the project
// parents, which the build names by image ID.
func pullBases(ctx context.Context, store storage.Store, sys *types.SystemContext, req engine.Request) error {
	rt, err := libimage.RuntimeFromStore(store, &libimage.RuntimeOptions{SystemContext: sys})
	if err != nil {
		return err
	}
	opts := &libimage.PullOptions{}
	opts.Writer = os.Stdout
	if req.Platform != "" {
		parts := strings.Split(req.Platform, "/")
		opts.OS, opts.Architecture = parts[0], parts[1]
		if len(parts) == 3 {
			opts.Variant = parts[2]
		}
	}
	for _, base := range req.Bases {
		fmt.Printf("pulling %s\n", base)
		if _, err := rt.Pull(ctx, base, config.PullPolicyAlways, opts); err != nil {
			return fmt.Errorf("pulling %s: %w", base, err)
		}
	}
	return nil
}
