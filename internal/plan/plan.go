// Package plan turns a project and a selection into the ordered list of
// images to build, each with its parents, bases and references. It is pure:
// it reads nothing and runs nothing.
package plan

import (
	"fmt"

	"github.com/dockyard-build/dockyard/internal/project"
)

// SchemaVersion is the version of the JSON form of a Plan.
const SchemaVersion = 1

// Plan is the images to build, parents first.
type Plan struct {
	SchemaVersion int       `json:"schemaVersion"`
	Root          string    `json:"root"`
	Variant       string    `json:"variant,omitempty"`
	Registry      *Registry `json:"registry,omitempty"`
	// Engine is the engine a build would use, and EngineReason why.
	Engine       string `json:"engine,omitempty"`
	EngineReason string `json:"engineReason,omitempty"`
	// Workers are the buildkit engine's pool, when it has one.
	Workers []Worker `json:"workers,omitempty"`
	Images  []Image  `json:"images"`

	named map[string]bool // the images the selection named; nil when it named none
}

// Named returns the images the selection named, with -i or through their
// component with -s, without the parents the plan added for them (push and
// save ship only those); every image when it named none.
func (pl *Plan) Named() []*Image {
	var out []*Image
	for i := range pl.Images {
		if im := &pl.Images[i]; pl.named == nil || pl.named[im.Name] {
			out = append(out, im)
		}
	}
	return out
}

// Registry is where the images' references point.
type Registry struct {
	Domain    string `json:"domain,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	Tag       string `json:"tag"`
}

// Image is one image of the plan.
type Image struct {
	Name       string            `json:"name"`
	Kind       project.Kind      `json:"kind"`
	Component  string            `json:"component,omitempty"`
	Dockerfile string            `json:"dockerfile"`
	Context    string            `json:"context"`
	Variant    string            `json:"variant,omitempty"`
	Target     string            `json:"target,omitempty"`
	Parents    []Parent          `json:"parents"`
	Bases      []string          `json:"bases"`
	Refs       []string          `json:"refs"`
	Args       map[string]string `json:"args,omitempty"`
	Platforms  []string          `json:"platforms,omitempty"`

	// Key is the input key when it is known before the run, Status "build"
	// or "up-to-date", and Reason why it builds: the caller fills them in.
	Key    string `json:"key,omitempty"`
	Status string `json:"status,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Builds are, for an image of several platforms, each platform's
	// build and, with a pool of workers, where it would go; the caller
	// fills them in.
	Builds []Build `json:"builds,omitempty"`
	// Hooks says, for an image of a component with copies or hooks,
	// whether a build would run them ("run") or skip them because their
	// inputs did not change ("skip"); the caller fills it in.
	Hooks string `json:"hooks,omitempty"`

	keyRefs []string // references waiting for the input key
}

// Build is one platform's build of an image: whether it would be built,
// why, its input key when known, and the workers of the pool that could
// take it (Worker when only one can).
type Build struct {
	Platform string   `json:"platform"`
	Status   string   `json:"status,omitempty"`
	Reason   string   `json:"reason,omitempty"`
	Key      string   `json:"key,omitempty"`
	Worker   string   `json:"worker,omitempty"`
	Workers  []string `json:"workers,omitempty"`
}

// Worker is a buildkitd of the build's pool, as the plan found it.
type Worker struct {
	Address   string   `json:"address"`
	Enabled   bool     `json:"enabled"`
	Answers   bool     `json:"answers"`
	Error     string   `json:"error,omitempty"`
	Platforms []string `json:"platforms,omitempty"`
	MaxBuilds int      `json:"maxBuilds,omitempty"`
}

// The statuses of an image.
const (
	StatusBuild    = "build"
	StatusUpToDate = "up-to-date"
)

// Parent is a project image that must be built first, and why.
type Parent struct {
	Name string `json:"name"`
	Via  string `json:"via"`
	At   string `json:"at"`
	// Ref is the reference naming the parent in the Dockerfile, Matched
	// the parent's reference it equals, or "bare name".
	Ref     string `json:"ref,omitempty"`
	Matched string `json:"matched,omitempty"`
}

// Selection narrows a plan to some components and images and everything
// they need; empty means every image.
type Selection struct {
	Components []string
	Images     []string
	// Changed, when not nil, keeps of the above only these images and
	// their descendants, with what they need (--since).
	Changed []string
}

// New orders the selected images of p, parents first, ties broken by name.
func New(p *project.Project, sel Selection) (*Plan, error) {
	g := p.Graph()
	names, named, err := selectImages(p, g, sel)
	if err != nil {
		return nil, err
	}
	order, err := g.Subgraph(names).Order()
	if err != nil {
		return nil, fmt.Errorf("ordering images: %w", err)
	}
	pl := &Plan{SchemaVersion: SchemaVersion, Root: p.Root, Variant: p.Variant, Images: []Image{}}
	if named != nil {
		pl.named = map[string]bool{}
		for _, n := range named {
			pl.named[n] = true
		}
	}
	reg := p.Config.Registry
	if reg.Configured() {
		pl.Registry = &Registry{Domain: reg.Domain, Namespace: reg.Namespace, Tag: reg.Tag}
	}
	for _, name := range order {
		im := p.Image(name)
		refs, keyRefs, err := references(p, im)
		if err != nil {
			return nil, err
		}
		platforms := im.Platforms
		if len(platforms) == 0 {
			platforms = p.Config.Platforms
		}
		step := Image{
			Name: im.Name, Kind: im.Kind, Component: im.Component, Dockerfile: im.Dockerfile,
			Context: im.Context, Variant: im.Variant, Target: im.Target, Parents: []Parent{},
			Bases: append([]string{}, im.Bases...), Refs: refs, Platforms: platforms, keyRefs: keyRefs,
		}
		if len(im.Args) > 0 {
			step.Args = im.Args
		}
		for _, par := range im.Parents {
			step.Parents = append(step.Parents, Parent{Name: par.Name, Via: par.Via, At: par.At.String(), Ref: par.Ref, Matched: par.Matched})
		}
		pl.Images = append(pl.Images, step)
	}
	return pl, nil
}
