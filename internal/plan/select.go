package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dockyard-build/dockyard/internal/graph"
	"github.com/dockyard-build/dockyard/internal/project"
)

// selectImages returns the selected images and all their upstream, and
// the images -s and -i named (nil when they named none).
func selectImages(p *project.Project, g *graph.Graph, sel Selection) (names, named []string, err error) {
	if named, err = selectNamed(p, g, sel); err != nil {
		return nil, nil, err
	}
	if named == nil {
		names = g.Nodes()
	} else {
		names = g.Upstream(named...)
	}
	if sel.Changed == nil {
		return names, named, nil
	}
	selected := map[string]bool{}
	for _, n := range names {
		selected[n] = true
	}
	var roots []string
	for _, n := range g.Downstream(sel.Changed...) {
		if selected[n] {
			roots = append(roots, n)
		}
	}
	return g.Upstream(roots...), named, nil
}

// selectNamed returns the images -s and -i name, or nil when they name none.
func selectNamed(p *project.Project, g *graph.Graph, sel Selection) ([]string, error) {
	if len(sel.Components) == 0 && len(sel.Images) == 0 {
		return nil, nil
	}
	roots, unknown := []string{}, []string(nil) // roots is not nil: -s of a component without images names none
	for _, c := range sel.Components {
		comp := p.Component(strings.ToLower(c))
		if comp == nil {
			unknown = append(unknown, describe("component", c, p.ComponentNames()))
			continue
		}
		roots = append(roots, comp.Images...)
	}
	leftOut := p.LeftOut()
	for _, name := range sel.Images {
		if vs := leftOut[name]; p.Image(name) == nil && len(vs) > 0 {
			unknown = append(unknown, fmt.Sprintf("image %q exists only as a variant: %s; choose it with --variant %s", name, variantFiles(vs), vs[0].Variant))
			continue
		}
		if p.Image(name) == nil {
			unknown = append(unknown, describe("image", name, g.Nodes()))
			continue
		}
		roots = append(roots, name)
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(unknown, "; "))
	}
	return roots, nil
}

// variantFiles lists variant Dockerfiles as "k8s (src/x/build/x.k8s.dockerfile)".
func variantFiles(vs []project.VariantImage) string {
	var parts []string
	for _, v := range vs {
		parts = append(parts, fmt.Sprintf("%s (%s)", v.Variant, v.File))
	}
	return strings.Join(parts, ", ")
}

// LeftOutNote says which images a plan without a variant leaves out, and
// how to include them; "" when it leaves none out.
func LeftOutNote(p *project.Project) string {
	leftOut := p.LeftOut()
	if p.Variant != "" || len(leftOut) == 0 {
		return ""
	}
	var names []string
	for name := range leftOut {
		names = append(names, name)
	}
	sort.Strings(names)
	variants := map[string]bool{}
	for i, name := range names {
		var vs []string
		for _, v := range leftOut[name] {
			vs = append(vs, v.Variant)
			variants[v.Variant] = true
		}
		names[i] = name + " (" + strings.Join(vs, ", ") + ")"
	}
	var all []string
	for v := range variants {
		all = append(all, v)
	}
	sort.Strings(all)
	verb := "images exist"
	if len(names) == 1 {
		verb = "image exists"
	}
	return fmt.Sprintf("%d %s only in variants, left out without one: %s; choose one with --variant %s or variant: in dockyard.yaml (pai's build used k8s)",
		len(names), verb, strings.Join(names, ", "), strings.Join(all, "|"))
}

func describe(what, name string, known []string) string {
	msg := fmt.Sprintf("unknown %s %q", what, name)
	if s := graph.Suggest(name, known); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %q?)", s[0])
	} else if len(known) == 0 {
		msg += fmt.Sprintf(" (the project has no %ss)", what)
	}
	return msg
}
