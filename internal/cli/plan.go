package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/project"
	"github.com/spf13/cobra"
)

// selectOptions are the flags that choose images, shared by plan and build.
type selectOptions struct {
	components []string
	images     []string
	variant    string
	tags       []string
	since      string
}

func (s *selectOptions) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringSliceVarP(&s.components, "service", "s", nil, "build only these components and what they need")
	f.StringSliceVarP(&s.images, "image", "i", nil, "build only these images and what they need")
	f.StringVar(&s.variant, "variant", "", "also use <image>.<variant>.dockerfile files")
	f.StringVar(&s.since, "since", "", "only the images whose inputs changed since this git commit, their descendants, and what they need")
	f.StringArrayVar(&s.tags, "tag", nil, "tag images with this instead of the configured tags; may hold {git} and {key}; repeat for several")
}

// makePlan loads the project and plans the selected images.
func (g *globals) makePlan(s selectOptions) (*project.Project, *plan.Plan, error) {
	p, err := g.loadProject(s.variant, s.tags)
	if err != nil {
		return nil, nil, err
	}
	sel := plan.Selection{Components: s.components, Images: s.images}
	if s.since != "" {
		if sel.Changed, err = changedImages(context.Background(), p, s.since); err != nil {
			return nil, nil, err
		}
	}
	pl, err := plan.New(p, sel)
	if err != nil {
		return nil, nil, &usageError{err}
	}
	return p, pl, nil
}

type planOptions struct {
	*globals
	selectOptions
	output string
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
the components' copies and hooks run; build decides again once they ran.`,
		Example: `  dockyard plan
  dockyard plan -s rest-server -o json
  dockyard plan --since origin/main
  dockyard plan -c ./cluster-config --variant k8s
  dockyard plan -o mermaid > images.mmd`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(plan.Formats, opts.output) {
				return usageErrorf("unknown output format %q (want one of %s)", opts.output, strings.Join(plan.Formats, ", "))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runPlan(cmd.Context(), opts)
		},
	}
	opts.selectOptions.register(cmd)
	cmd.Flags().StringVarP(&opts.output, "output", "o", "text", "output format: "+strings.Join(plan.Formats, ", "))
	return cmd
}

func runPlan(ctx context.Context, opts *planOptions) error {
	p, pl, err := opts.makePlan(opts.selectOptions)
	if err != nil {
		return err
	}
	if note := plan.LeftOutNote(p); note != "" {
		fmt.Fprintf(opts.stderr, "note: %s\n", note)
	}
	if err := predict(ctx, opts, p, pl); err != nil {
		return err
	}
	if err := planEngine(ctx, opts, p.Config.Engine, pl); err != nil {
		return err
	}
	return pl.Write(opts.stdout, opts.output)
}
