package project

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"sort"
	"sync"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/dockerfile"
	"github.com/dockyard-build/dockyard/internal/graph"
)

// resolve reads every Dockerfile (in parallel) and turns FROM, COPY --from,
// component.dep, prerequisite and depends into parent edges.
func (p *Project) resolve() error {
	files := make([]*dockerfile.File, len(p.Images))
	errs := make([]error, len(p.Images))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				files[i], errs[i] = p.parse(p.Images[i])
			}
		})
	}
	for i := range p.Images {
		next <- i
	}
	close(next)
	wg.Wait()
	m, err := p.newMatcher()
	if err != nil {
		return err
	}
	for i, im := range p.Images {
		if errs[i] == nil {
			errs[i] = p.link(im, files[i], m)
		}
	}
	return errors.Join(errs...)
}

// parse reads an image's Dockerfile and settles its build args: of the
// image's own, dockyard.yaml's and the .env variables, in that order of
// precedence, those the Dockerfile declares.
func (p *Project) parse(im *Image) (*dockerfile.File, error) {
	data, err := os.ReadFile(p.Abs(im.Dockerfile))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", im.Dockerfile, err)
	}
	args := map[string]string{}
	for _, k := range withoutPasswords(p.Config) {
		args[k] = p.Config.Env.Values[k]
	}
	for k, v := range p.Config.Args {
		args[k] = v
	}
	for k, v := range im.Args {
		args[k] = v
	}
	f, err := p.parses.parse(im.Dockerfile, data, args, im.Target)
	if err != nil {
		return nil, err
	}
	if err := refusePasswordArgs(im, data, f, p.Config); err != nil {
		return nil, err
	}
	// Only the args the Dockerfile declares have an effect: they alone
	// are passed, and so enter the input key; a shared arg one image uses
	// does not rebuild the others.
	im.Args = map[string]string{}
	for k, v := range args {
		if f.Declares(k) {
			im.Args[k] = v
		}
	}
	return f, nil
}

// link records an image's parents, with the references naming them, and
// its external bases.
func (p *Project) link(im *Image, f *dockerfile.File, m *matcher) error {
	parents := map[string]Parent{}
	addParent := func(par Parent) {
		if _, ok := parents[par.Name]; !ok {
			parents[par.Name] = par
		}
	}
	var bases []string
	seenBase := map[string]bool{}
	im.Pins = map[string]string{}
	refs := func(via string, list []dockerfile.Ref) {
		for _, r := range list {
			if mt, ok := m.lookup(r.Name); ok && mt.image != im.Name {
				addParent(Parent{Name: mt.image, Via: via, At: Pos{File: im.Dockerfile, Line: r.Line}, Ref: r.Name, Matched: mt.why})
				im.Pins[r.Name] = mt.image
			} else if !seenBase[r.Name] {
				seenBase[r.Name] = true
				bases = append(bases, r.Name)
			}
		}
	}
	refs("FROM", f.Bases())
	refs("COPY --from", f.CopySources())
	refs("RUN --mount from", f.MountSources())

	var errs []error
	if c := p.comps[im.Component]; c != nil && im.Kind == KindComponent {
		for _, d := range c.Deps {
			dc := p.comps[d.Name]
			if dc == nil {
				errs = append(errs, unknown(d, "component", p.ComponentNames()))
				continue
			}
			for _, name := range dc.Images {
				addParent(Parent{Name: name, Via: "component.dep", At: d.At})
			}
		}
	}
	via := map[Kind]string{KindFolder: "prerequisite", KindExplicit: "depends"}[im.Kind]
	for _, d := range im.declaredDeps {
		if _, ok := p.byName[d.Name]; !ok {
			errs = append(errs, unknown(d, "image", p.ImageNames()))
			continue
		}
		addParent(Parent{Name: d.Name, Via: via, At: d.At})
	}
	for _, par := range parents {
		im.Parents = append(im.Parents, par)
	}
	sort.Slice(im.Parents, func(i, j int) bool { return im.Parents[i].Name < im.Parents[j].Name })
	im.Bases = bases
	return errors.Join(errs...)
}

func unknown(d dep, what string, known []string) error {
	msg := fmt.Sprintf("unknown %s %q", what, d.Name)
	if s := graph.Suggest(d.Name, known); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %q?)", s[0])
	}
	return &config.Problem{File: d.At.File, Line: d.At.Line, Msg: msg}
}

// ComponentNames lists the components' names, sorted.
func (p *Project) ComponentNames() []string {
	names := make([]string, 0, len(p.comps))
	for n := range p.comps {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ImageNames lists the images' names, in the project's order (by name
// once loaded).
func (p *Project) ImageNames() []string {
	names := make([]string, 0, len(p.Images))
	for _, im := range p.Images {
		names = append(names, im.Name)
	}
	return names
}
