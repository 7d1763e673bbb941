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
		Long: `clean removes what a dockyard run that died (killed, machine crashed) left
in the source tree: the dependency copies and generated folders it journaled,
and its temporary folders. It removes nothing dockyard did not create.`,
		Example: `  dockyard clean
  dockyard clean -C path/to/repo`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := g.resolveRoot(); err != nil {
				return err
			}
			if err := checkDotDir(g.dir); err != nil {
				return err
			}
			removed, err := workspace.Clean(g.dir)
			for _, p := range removed {
				fmt.Fprintf(g.stdout, "removed %s\n", p)
			}
			if err == nil && len(removed) == 0 {
				fmt.Fprintln(g.stderr, "nothing to clean")
			}
			return err
		},
	}
}
