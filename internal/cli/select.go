package cli

import (
	"context"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/project"
)

// selectOptions are the flags that choose the images and settle what they
// are, shared by plan, build, push, save and ls.
type selectOptions struct {
	components []string
	images     []string
	variant    string
	tags       []string
	since      string
	buildArgs  []string
	sets       []string
	platforms  []string
}

// register adds the flags to cmd. plan and build take what the selected
// images need along; push, save and ls take only the images named.
func (s *selectOptions) register(cmd *cobra.Command, upstream bool) {
	f := cmd.Flags()
	scope := ", not their parents"
	if upstream {
		scope = " and what they need"
	}
	f.StringSliceVarP(&s.components, "component", "s", nil, "only the images of these components"+scope+" (--service, as pai called it, is the same)")
	f.StringSliceVarP(&s.images, "image", "i", nil, "only these images"+scope)
	f.StringVar(&s.variant, "variant", "", "also use IMAGE.VARIANT.dockerfile files")
	f.StringVar(&s.since, "since", "", "only the images whose inputs changed since this git commit, their descendants, and what they need")
	f.StringArrayVarP(&s.tags, "tag", "t", nil, "tag images with this instead of the configured tags; may hold {git} and {key}; repeat for several")
	f.StringArrayVar(&s.buildArgs, "build-arg", nil, "set a build arg of every image, NAME=VALUE; repeat for several")
	f.StringArrayVar(&s.sets, "set", nil, "override a field of an image, IMAGE.FIELD=VALUE (IMAGE may be *; FIELD: "+strings.Join(config.SetFields, ", ")+")")
	f.StringSliceVar(&s.platforms, "platform", nil, "build every image for this platform (os/arch[/variant])")
}

// normalizeFlag takes pai's --service for --component.
func normalizeFlag(_ *pflag.FlagSet, name string) pflag.NormalizedName {
	if name == "service" {
		name = "component"
	}
	return pflag.NormalizedName(name)
}

// overrides turns --build-arg, --platform and --set into the images'
// overrides: --build-arg and --platform count for every image, as
// --set '*.args.NAME=VALUE' and --set '*.platform=P' would.
func (s *selectOptions) overrides() (map[string]*config.Override, error) {
	out := map[string]*config.Override{}
	var sets []string
	for _, a := range s.buildArgs {
		name, value, ok := strings.Cut(a, "=")
		if !ok || name == "" {
			return nil, usageErrorf("--build-arg %s: want NAME=VALUE", a)
		}
		sets = append(sets, config.AllImages+".args."+name+"="+value)
	}
	if len(s.platforms) > 0 {
		sets = append(sets, config.AllImages+".platform="+strings.Join(s.platforms, ","))
	}
	for _, set := range append(sets, s.sets...) {
		if err := config.ParseSet(out, set); err != nil {
			return nil, &usageError{err}
		}
	}
	return out, nil
}

// makePlan loads the project and plans the selected images.
func (g *globals) makePlan(ctx context.Context, s selectOptions) (*project.Project, *plan.Plan, error) {
	p, err := g.loadProject(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	sel := plan.Selection{Components: s.components, Images: s.images}
	if s.since != "" {
		if sel.Changed, err = changedImages(ctx, p, s.since); err != nil {
			return nil, nil, err
		}
	}
	pl, err := plan.New(p, sel)
	if err != nil {
		return nil, nil, &usageError{err}
	}
	return p, pl, nil
}
