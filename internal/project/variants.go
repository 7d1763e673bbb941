package project

import (
	"fmt"
	"os"
	"path"
	"slices"

	"github.com/dockyard-build/dockyard/internal/config"
)

// componentImages chooses the images of component c's build folder, one
// Dockerfile per image name (the selected variant's, else the plain one),
// in the folder's order; the Dockerfiles of other variants are noted. The
// errors are those of single files; err is two Dockerfiles of one name.
func (p *Project) componentImages(c *Component, build string, entries []os.DirEntry) (images []*Image, errs []error, err error) {
	chosen := map[string]*Image{}
	var names []string
	for _, e := range entries {
		name, variant, err := p.dockerfileName(build, e)
		if err != nil {
			errs = append(errs, err)
		}
		if name == "" {
			continue
		}
		file := path.Join(build, e.Name())
		if variant != "" && variant != "common" && variant != p.Variant {
			p.variantFiles = append(p.variantFiles, VariantImage{Name: name, Variant: variant, File: file})
			continue
		}
		if variant == "common" {
			variant = "" // built always, like a plain Dockerfile
		}
		im := &Image{
			Name: name, Kind: KindComponent, Component: c.Name,
			Dockerfile: file, Context: c.Dir, Variant: variant,
			Declared: Pos{File: file},
		}
		old, seen := chosen[name]
		switch {
		case !seen:
			names = append(names, name)
			chosen[name] = im
		case p.variantRank(variant) > p.variantRank(old.Variant):
			chosen[name] = im
		case p.variantRank(variant) < p.variantRank(old.Variant):
		default:
			return nil, nil, &config.Problem{File: im.Dockerfile, Msg: fmt.Sprintf("image %q is also declared by %s; image names must be unique", name, old.Dockerfile)}
		}
	}
	for _, name := range names {
		images = append(images, chosen[name])
	}
	return images, errs, nil
}

// variantRank orders Dockerfiles of one image name: the selected variant's
// file specialises the plain and common ones.
func (p *Project) variantRank(variant string) int {
	if variant != "" && variant != "common" && variant == p.Variant {
		return 2
	}
	return 1
}

// builtinVariants are the suffixes pai's component Dockerfiles use.
var builtinVariants = []string{"common", "k8s", "yarn"}

// knownVariant reports whether v is a variant suffix: common, k8s, yarn,
// those of variants: in dockyard.yaml and the selected one.
func (p *Project) knownVariant(v string) bool {
	return v == p.Variant || slices.Contains(builtinVariants, v) || slices.Contains(p.Config.Variants, v)
}
