package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/spf13/cobra"
)

type planOptions struct {
	*globals
	selectOptions
	format string
	pull   bool
	// listed is the Docker engine's list that runPlan started early (see
	// listEarly), or nil.
	listed func() ([]engine.ImageInfo, bool)
}

func newPlanCmd(g *globals, runF func(context.Context, *planOptions) error) *cobra.Command {
	opts := &planOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show what a build would do, parents first",
		Long: `plan lists the images of the repository in build order, each with its
component, Dockerfile, context, project parents (and why), external bases and
the references it will get, and whether a build would build it or find it up
to date, and why: the first input that changed since its last build (a context
file, the Dockerfile, a build arg, a parent, a base), or "not built before",
"image missing". It builds nothing. The decision is a prediction made before
the components' copies and hooks run; build decides again once they ran.
--pull predicts build --pull: every base's digest is asked of its registry.`,
		Example: `  dockyard plan
  dockyard plan -s rest-server --format json
  dockyard plan --since origin/main
  dockyard plan -c ./cluster-config --variant k8s
  dockyard plan --format mermaid > images.mmd
  dockyard plan --format html > plan.html      # the graph and the table, one page`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.formatAlias(cmd)
			if !slices.Contains(plan.Formats, opts.format) {
				return usageErrorf("unknown format %q (want one of %s)", opts.format, strings.Join(plan.Formats, ", "))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runPlan(cmd.Context(), opts)
		},
	}
	opts.selectOptions.register(cmd, true)
	registerFormat(cmd, &opts.format, plan.Formats)
	cmd.Flags().BoolVar(&opts.pull, "pull", false, "ask the registry for every base's newest digest, as build --pull does")
	return cmd
}

func runPlan(ctx context.Context, opts *planOptions) error {
	opts.listed = opts.listEarly(ctx)
	p, pl, err := opts.makePlan(ctx, opts.selectOptions)
	if err != nil {
		return err
	}
	if note := plan.LeftOutNote(p); note != "" {
		fmt.Fprintf(opts.stderr, "note: %s\n", note)
	}
	c, err := chooseEngine(ctx, p.Config.Engine)
	if err != nil {
		return err
	}
	if c.docker != nil {
		defer c.docker.Close()
	}
	if err := predict(ctx, opts, p, pl, c); err != nil {
		return err
	}
	if err := planEngine(ctx, opts, c, pl); err != nil {
		return err
	}
	return pl.Write(opts.stdout, opts.format)
}
