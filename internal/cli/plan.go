package cli

import (
	"context"
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
}

func (s *selectOptions) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringSliceVarP(&s.components, "service", "s", nil, "build only these components and what they need")
	f.StringSliceVarP(&s.images, "image", "i", nil, "build only these images and what they need")
	f.StringVar(&s.variant, "variant", "", "also use <image>.<variant>.dockerfile files")
}

// makePlan loads the project and plans the selected images.
func (g *globals) makePlan(s selectOptions) (*project.Project, *plan.Plan, error) {
	p, err := g.loadProject(s.variant)
	if err != nil {
		return nil, nil, err
	}
	pl, err := plan.New(p, plan.Selection{Components: s.components, Images: s.images})
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
the references it will get. It builds nothing.`,
		Example: `  dockyard plan
  dockyard plan -s rest-server -o json
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

func runPlan(_ context.Context, opts *planOptions) error {
	_, pl, err := opts.makePlan(opts.selectOptions)
	if err != nil {
		return err
	}
	return pl.Write(opts.stdout, opts.output)
}
