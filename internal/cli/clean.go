package cli

import (
	"fmt"

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
place since, or one holding files git tracks, stays.`,
		Example: `  dockyard clean
  dockyard clean -C path/to/repo`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkDotDir(g.dir); err != nil {
				return err
			}
			c, err := workspace.Clean(g.dir)
			for _, p := range c.Removed {
				fmt.Fprintf(g.stdout, "removed %s\n", p)
			}
			warnLeft(g, c.Left, c.Ignored)
			if err == nil && len(c.Removed) == 0 {
				fmt.Fprintln(g.stderr, "nothing to clean")
			}
			return err
		},
	}
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
