package project

import (
	"cmp"
	"errors"
	"fmt"
	"maps"

	"github.com/dockyard-build/dockyard/internal/graph"
)

// applyOverrides puts the command line's overrides (Config.Overrides) in
// place on the images, before their paths are checked and their
// Dockerfiles read, so that they count as if the project said them. An
// override naming no image is an error with a "did you mean".
func (p *Project) applyOverrides() error {
	var errs []error
	for _, name := range p.Config.OverriddenImages() {
		if p.byName[name] == nil {
			msg := fmt.Sprintf("--set: unknown image %q", name)
			if s := graph.Suggest(name, p.ImageNames()); len(s) > 0 {
				msg += fmt.Sprintf(" (did you mean %q?)", s[0])
			}
			errs = append(errs, errors.New(msg))
		}
	}
	for _, im := range p.Images {
		o := p.Config.OverrideFor(im.Name)
		if o.Args != nil {
			args := maps.Clone(im.Args)
			if args == nil {
				args = map[string]string{}
			}
			maps.Copy(args, o.Args)
			im.Args = args
		}
		if o.Tags != nil {
			im.Tags = o.Tags
		}
		if o.Platforms != nil {
			im.Platforms = o.Platforms
		}
		im.Target = cmp.Or(o.Target, im.Target)
		im.Dockerfile = cmp.Or(o.Dockerfile, im.Dockerfile)
		im.Context = cmp.Or(o.Context, im.Context)
	}
	return errors.Join(errs...)
}
