package cli

import (
	"errors"
	"fmt"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/engine/embedded"
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
their mounts and the processes still running in them.`,
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
			containers, serr := g.cleanStore()
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
func (g *globals) cleanStore() (int, error) {
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
	return len(names), err
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
