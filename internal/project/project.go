// Package project finds a repository's images in its three layouts
// (components, image folders, images declared in dockyard.yaml) and works
// out what each image needs: its project parents and external bases.
package project

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/graph"
)

// Kind says which layout declared an image.
type Kind string

// The layouts.
const (
	KindComponent Kind = "component" // src/<component>/build/<image>.dockerfile
	KindFolder    Kind = "folder"    // src/<image>/Dockerfile + image.yaml
	KindExplicit  Kind = "explicit"  // images: in dockyard.yaml
)

// Pos is a place in a file of the repository.
type Pos struct {
	File string // slash-separated, relative to the root
	Line int
}

func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// Image is one image the repository builds.
type Image struct {
	Name       string
	Kind       Kind
	Component  string // the component or image folder; "" for explicit images
	Dockerfile string // slash path relative to the root
	Context    string // slash path relative to the root
	Variant    string // the variant of a component Dockerfile, or ""
	Target     string
	Args       map[string]string // build args: declared ones plus the .env variables the Dockerfile declares
	Platforms  []string
	Tags       []string // tags or whole references from dockyard.yaml; empty means the registry's tag
	// CopyList is copied in before the build and removed after it; an
	// image folder's rendered templates other than its Dockerfile are
	// among them.
	CopyList []config.CopyItem
	// PreHook and PostHook are an explicit image's scripts, root-relative.
	PreHook, PostHook string
	Declared          Pos // where the image comes from

	Parents []Parent // project images it needs, sorted by name
	Bases   []string // external images it starts from or copies from
	// Pins maps each reference of the Dockerfile that names a project
	// image (after ARG expansion) to that image: the engine gets the
	// exact image built for it in its place.
	Pins map[string]string

	declaredDeps []dep // depends or prerequisite, resolved into Parents
}

// Parent is a project image another one needs, and why.
type Parent struct {
	Name string
	Via  string // "FROM", "COPY --from", "RUN --mount from", "component.dep", "prerequisite", "depends"
	At   Pos
	// Ref is the reference naming the parent in the Dockerfile, and
	// Matched the parent's reference it equals ("bare name" when it is
	// the parent's name); both are "" for a declared dependency.
	Ref     string
	Matched string
}

// Component is a pai 2 component: a folder of src with build/*.dockerfile.
type Component struct {
	Name     string
	Dir      string // slash path relative to the root
	Deps     []dep  // from build/component.dep or build/components.dep
	PreHook  string // build/build-pre.sh relative to the root, or ""
	PostHook string
	Images   []string
}

type dep struct {
	Name string
	At   Pos
}

// Project is everything found in one repository.
type Project struct {
	Root       string
	Config     *config.Config
	Variant    string
	Components []*Component
	Images     []*Image // sorted by name

	byName map[string]*Image
	comps  map[string]*Component
	// variantFiles are the Dockerfiles of variants not selected.
	variantFiles []VariantImage
	paths        *config.Paths // checks that paths stay in the repository
	// serviceImages are the entries of pai 0.5's service.yaml imagelist,
	// by image, and serviceFile its path; nil without one.
	serviceImages map[string]*config.ImageFile
	serviceFile   string
	parses        *parseCache
}

// VariantImage is a Dockerfile of a variant that was not selected.
type VariantImage struct {
	Name, Variant, File string
}

// Variants lists the variants that component Dockerfiles have, selected
// or not, sorted ("common" is none).
func (p *Project) Variants() []string {
	var out []string
	for _, v := range p.variantFiles {
		out = append(out, v.Variant)
	}
	for _, im := range p.Images {
		if im.Variant != "" {
			out = append(out, im.Variant)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// LeftOut lists the images that exist only as Dockerfiles of variants not
// selected, with the variant of each file, by image name.
func (p *Project) LeftOut() map[string][]VariantImage {
	out := map[string][]VariantImage{}
	for _, v := range p.variantFiles {
		if p.byName[v.Name] == nil {
			out[v.Name] = append(out[v.Name], v)
		}
	}
	return out
}

// Load finds every image under root and resolves their dependencies.
// variant selects <image>.<variant>.dockerfile files. Every problem found is
// reported, each on a line of the joined error.
func Load(root string, cfg *config.Config, variant string) (*Project, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	p := &Project{Root: abs, Config: cfg, Variant: variant, byName: map[string]*Image{}, comps: map[string]*Component{}}
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(p.discoverSrc())
	add(p.addExplicit())
	add(p.applyOverrides())
	add(p.checkPaths())
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := p.checkHooksAlways(); err != nil {
		return nil, err
	}
	sort.Slice(p.Images, func(i, j int) bool { return p.Images[i].Name < p.Images[j].Name })
	p.parses = openParseCache(abs)
	if err := p.resolve(); err != nil {
		return nil, err
	}
	return p, nil
}

// checkHooksAlways refuses hooks.always and hooks.inputs names that are
// no component, and hooks.inputs paths that leave the repository.
func (p *Project) checkHooksAlways() error {
	var errs []error
	names := slices.Clone(p.Config.Hooks.Always)
	for name, paths := range p.Config.Hooks.Inputs {
		names = append(names, name)
		for _, path := range paths {
			if err := config.Inside(p.Root, path); err != nil {
				errs = append(errs, &config.Problem{File: config.FileName, Msg: fmt.Sprintf("hooks.inputs of %s: %v", name, err)})
			}
		}
	}
	for _, name := range names {
		if p.comps[name] == nil {
			msg := fmt.Sprintf("hooks: unknown component %q", name)
			if s := graph.Suggest(name, p.ComponentNames()); len(s) > 0 {
				msg += fmt.Sprintf(" (did you mean %q?)", s[0])
			}
			errs = append(errs, &config.Problem{File: config.FileName, Msg: msg})
		}
	}
	return errors.Join(errs...)
}

// addImage registers an image, refusing a second image of the same name.
func (p *Project) addImage(im *Image) error {
	if old, ok := p.byName[im.Name]; ok {
		return &config.Problem{File: im.Declared.File, Line: im.Declared.Line,
			Msg: fmt.Sprintf("image %q is also declared by %s; image names must be unique", im.Name, old.Declared)}
	}
	p.byName[im.Name] = im
	p.Images = append(p.Images, im)
	return nil
}

// Image returns the image of that name, or nil.
func (p *Project) Image(name string) *Image { return p.byName[name] }

// Component returns the component of that name, or nil.
func (p *Project) Component(name string) *Component { return p.comps[name] }

// Graph returns the images and their parent edges.
func (p *Project) Graph() *graph.Graph {
	g := graph.New()
	for _, im := range p.Images {
		g.Add(im.Name)
		for _, par := range im.Parents {
			g.AddEdge(im.Name, par.Name)
		}
	}
	return g
}

// Exists reports whether a root-relative slash path exists.
func (p *Project) Exists(rel string) bool {
	_, err := os.Stat(p.Abs(rel))
	return err == nil
}

// SaveParses remembers the parsed Dockerfiles in .dockyard for the next
// run, when they changed. The caller has checked that .dockyard is a
// folder of the repository.
func (p *Project) SaveParses() error { return p.parses.save() }

// Abs returns the absolute path of a root-relative slash path.
func (p *Project) Abs(rel string) string {
	return filepath.Join(p.Root, filepath.FromSlash(rel))
}
