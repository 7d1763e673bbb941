package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/engine/buildkit"
	"github.com/dockyard-build/dockyard/internal/engine/embedded"
	"github.com/dockyard-build/dockyard/internal/state"
	"github.com/dockyard-build/dockyard/internal/workspace"
	"github.com/spf13/cobra"
)

func newCleanCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "clean",
		Short: "Finish the cleanup of an interrupted run",
		Long: `clean finishes what a dockyard run that died (killed, machine crashed) left:
it ends the processes its hooks left running, then removes from the source tree
the dependency copies and generated folders it journaled, and its temporary
folders. It removes only what dockyard made, as it made it: a folder made in its
place since, or one holding files git tracks, stays. In the embedded engine's
store it removes the working containers of builds whose dockyard died, with
their mounts and the processes still running in them. In the buildkit engine's
image store it removes the older builds of this checkout's images (those its
state no longer holds as an image's last build) and the blobs no image uses.`,
		Example: `  dockyard clean
  dockyard clean -C path/to/repo`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := g.resolveRoot(); err != nil {
				return err
			}
			if err := checkDotDir(g.dir); err != nil {
				return err
			}
			c, err := workspace.Clean(g.dir)
			for _, p := range c.Removed {
				fmt.Fprintf(g.stdout, "removed %s\n", p)
			}
			warnLeft(g, c.Left, c.Ignored)
			containers, serr := g.cleanStore(cmd.Context())
			if err = errors.Join(err, serr); err == nil && len(c.Removed)+containers == 0 {
				fmt.Fprintln(g.stderr, "nothing to clean")
			}
			return err
		},
	}
}

// cleanStore removes the working containers, with their mounts and the
// processes still running in them, that embedded builds left in the store
// when their dockyard died. The store is the --root flag's, else
// dockyard.yaml's root, else the default one. It returns how many it
// removed.
func (g *globals) cleanStore(ctx context.Context) (int, error) {
	if g.root == "" {
		cfg, err := config.Load(g.dir)
		if err != nil {
			return 0, fmt.Errorf("finding the embedded engine's store: %w", err)
		}
		g.setStoreRoot(cfg)
	}
	names, err := embedded.RemoveLeftovers(embedded.Options{Root: g.root, Warn: g.stderr})
	for _, n := range names {
		fmt.Fprintf(g.stdout, "removed working container %s of the embedded engine\n", n)
	}
	pruned, perr := g.pruneBuildKit(ctx)
	return len(names) + pruned, errors.Join(err, perr)
}

// pruneBuildKit removes from the buildkit engine's image layout the older
// builds of this checkout's images, which its state no longer holds, and
// the blobs no image uses (see buildkit.Engine.Prune). It returns how many
// images and blobs it removed.
func (g *globals) pruneBuildKit(ctx context.Context) (int, error) {
	st := state.Open(g.dir, "buildkit")
	checkout, err := st.Checkout(false)
	if err != nil || checkout == "" {
		return 0, err
	}
	keep, err := st.Current()
	if err != nil {
		return 0, err
	}
	pr, err := buildkit.PruneStore(ctx, cmp.Or(g.root, embedded.DefaultRoot()), checkout, func(id string) bool { return keep[id] })
	if errors.Is(err, engine.ErrBusy) {
		fmt.Fprintf(g.stderr, "note: the buildkit engine's image store was not pruned: %v\n", err)
		return 0, nil
	}
	gone := map[string]bool{}
	for _, id := range pr.Images {
		gone[id] = true
		fmt.Fprintf(g.stdout, "removed image %s, an older build, from the buildkit engine's store\n", id)
	}
	if pr.Blobs > 0 {
		fmt.Fprintf(g.stdout, "removed %d blobs (%s) no image uses from the buildkit engine's store\n", pr.Blobs, humanSize(pr.Bytes))
	}
	return len(pr.Images) + pr.Blobs, errors.Join(err, st.ForgetIDs(gone))
}

// warnLeft says what a dead run's journal named that dockyard left in
// place, and which of its records it did not act on.
func warnLeft(g *globals, left, ignored []string) {
	for _, l := range left {
		fmt.Fprintf(g.stderr, "warning: %s\n", l)
	}
	for _, i := range ignored {
		fmt.Fprintf(g.stderr, "warning: ignored %s\n", i)
	}
}
