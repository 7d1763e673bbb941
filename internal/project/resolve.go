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
	for i, im := range p.Images {
		if errs[i] == nil {
			errs[i] = p.link(im, files[i])
		}
	}
	return errors.Join(errs...)
}

// parse reads an image's Dockerfile and settles its build args: the image's
// own, then dockyard.yaml's, then the .env variables the Dockerfile declares.
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
	f, err := dockerfile.Parse(im.Dockerfile, data, args, im.Target)
	if err != nil {
		return nil, err
	}
	if err := refusePasswordArgs(im, data, f, p.Config); err != nil {
		return nil, err
	}
	own := im.Args
	im.Args = map[string]string{}
	for k, v := range args {
		_, global := p.Config.Args[k]
		_, mine := own[k]
		if global || mine || f.Declares(k) {
			im.Args[k] = v
		}
	}
	return f, nil
}

// link records an image's parents and external bases.
func (p *Project) link(im *Image, f *dockerfile.File) error {
	parents := map[string]Parent{}
	addParent := func(par Parent) {
		if _, ok := parents[par.Name]; !ok {
			parents[par.Name] = par
		}
	}
	var bases []string
	seenBase := map[string]bool{}
	refs := func(via string, list []dockerfile.Ref) {
		for _, r := range list {
			name := refName(r.Name)
			if _, ok := p.byName[name]; ok && name != im.Name {
				addParent(Parent{Name: name, Via: via, At: Pos{File: im.Dockerfile, Line: r.Line}})
			} else if !seenBase[r.Name] {
				seenBase[r.Name] = true
				bases = append(bases, r.Name)
			}
		}
	}
	refs("FROM", f.Bases())
	refs("COPY --from", f.CopySources())

	var errs []error
	if c := p.comps[im.Component]; c != nil && im.Kind == KindComponent {
		for _, d := range c.Deps {
			dc := p.comps[d.Name]
			if dc == nil {
				errs = append(errs, unknown(d, "component", p.componentNames()))
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
			errs = append(errs, unknown(d, "image", p.imageNames()))
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

func (p *Project) componentNames() []string {
	names := make([]string, 0, len(p.comps))
	for n := range p.comps {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (p *Project) imageNames() []string {
	names := make([]string, 0, len(p.Images))
	for _, im := range p.Images {
		names = append(names, im.Name)
	}
	return names
}
