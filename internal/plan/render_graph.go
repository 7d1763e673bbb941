package plan

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// The graph pictures (dot, mermaid, html) share these: images grouped by
// component, external bases marked, each image's status, short edge labels.

// edgeLabel is the short label of an edge of the picture: none for FROM,
// the most common, and a word for the others.
func edgeLabel(via string) string {
	switch via {
	case "FROM":
		return ""
	case "COPY --from":
		return "copy"
	case "RUN --mount from":
		return "mount"
	case "component.dep":
		return "dep"
	case "prerequisite":
		return "prereq"
	}
	return via
}

// statusWord is an image's status as the picture says it.
func statusWord(im Image) string {
	switch im.Status {
	case StatusBuild:
		return "to build"
	case StatusUpToDate:
		return "up to date"
	}
	return ""
}

// groups are the components with more than one image in the plan, each
// with its images in plan order: a picture draws a box around each.
func (pl *Plan) groups() ([]string, map[string][]Image) {
	byComp := map[string][]Image{}
	var names []string
	for _, im := range pl.Images {
		if im.Component == "" {
			continue
		}
		if _, ok := byComp[im.Component]; !ok {
			names = append(names, im.Component)
		}
		byComp[im.Component] = append(byComp[im.Component], im)
	}
	names = slices.DeleteFunc(names, func(c string) bool { return len(byComp[c]) < 2 })
	return names, byComp
}

// bases lists the plan's external bases, each once, in plan order.
func (pl *Plan) bases() []string {
	var out []string
	for _, im := range pl.Images {
		for _, b := range im.Bases {
			if !slices.Contains(out, b) {
				out = append(out, b)
			}
		}
	}
	return out
}

// dotStyle colours an image's node by its status.
var dotStyle = map[string]string{StatusBuild: "#ffe0b2", StatusUpToDate: "#c8e6c9"}

// writeDot draws parent -> child edges, the direction builds flow.
func (pl *Plan) writeDot(w io.Writer) error {
	b := &strings.Builder{}
	b.WriteString("digraph dockyard {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fillcolor=white];\n")
	node := func(indent string, im Image) {
		label := im.Name
		if s := statusWord(im); s != "" {
			label += "\\n" + s
		}
		fmt.Fprintf(b, "%s%q [label=\"%s\"", indent, im.Name, strings.ReplaceAll(label, `"`, `\"`))
		if c := dotStyle[im.Status]; c != "" {
			fmt.Fprintf(b, ", fillcolor=%q", c)
		}
		b.WriteString("];\n")
	}
	groups, byComp := pl.groups()
	for _, c := range groups {
		fmt.Fprintf(b, "  subgraph %q {\n    label=%q;\n    style=dashed;\n", "cluster_"+c, "component "+c)
		for _, im := range byComp[c] {
			node("    ", im)
		}
		b.WriteString("  }\n")
	}
	for _, im := range pl.Images {
		if !slices.Contains(groups, im.Component) {
			node("  ", im)
		}
	}
	for _, base := range pl.bases() {
		fmt.Fprintf(b, "  %q [shape=box, style=dashed, fontcolor=gray40, label=\"%s\\nexternal\"];\n", base, base)
	}
	for _, im := range pl.Images {
		for _, base := range im.Bases {
			fmt.Fprintf(b, "  %q -> %q [style=dashed, color=gray50];\n", base, im.Name)
		}
		for _, p := range im.Parents {
			if l := edgeLabel(p.Via); l != "" {
				fmt.Fprintf(b, "  %q -> %q [label=%q];\n", p.Name, im.Name, l)
			} else {
				fmt.Fprintf(b, "  %q -> %q;\n", p.Name, im.Name)
			}
		}
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeMermaid gives nodes numbered IDs, since image names may hold
// characters mermaid reads as syntax.
func (pl *Plan) writeMermaid(w io.Writer) error {
	b := &strings.Builder{}
	b.WriteString("graph LR\n")
	id := map[string]string{}
	for i, im := range pl.Images {
		id[im.Name] = fmt.Sprintf("i%d", i+1)
	}
	node := func(indent string, im Image) {
		label := im.Name
		if s := statusWord(im); s != "" {
			label += "<br/><small>" + s + "</small>"
		}
		fmt.Fprintf(b, "%s%s[\"%s\"]", indent, id[im.Name], label)
		if im.Status != "" {
			fmt.Fprintf(b, ":::%s", strings.ReplaceAll(im.Status, "-", ""))
		}
		b.WriteString("\n")
	}
	groups, byComp := pl.groups()
	for i, c := range groups {
		fmt.Fprintf(b, "  subgraph c%d[\"component %s\"]\n", i+1, c)
		for _, im := range byComp[c] {
			node("    ", im)
		}
		b.WriteString("  end\n")
	}
	for _, im := range pl.Images {
		if !slices.Contains(groups, im.Component) {
			node("  ", im)
		}
	}
	for i, base := range pl.bases() {
		id[base] = fmt.Sprintf("e%d", i+1)
		fmt.Fprintf(b, "  %s[\"%s<br/><small>external</small>\"]:::external\n", id[base], base)
	}
	for _, im := range pl.Images {
		for _, base := range im.Bases {
			fmt.Fprintf(b, "  %s -.-> %s\n", id[base], id[im.Name])
		}
		for _, p := range im.Parents {
			if l := edgeLabel(p.Via); l != "" {
				fmt.Fprintf(b, "  %s -->|%s| %s\n", id[p.Name], l, id[im.Name])
			} else {
				fmt.Fprintf(b, "  %s --> %s\n", id[p.Name], id[im.Name])
			}
		}
	}
	b.WriteString("  classDef build fill:#ffe0b2\n  classDef uptodate fill:#c8e6c9\n  classDef external stroke-dasharray:4 3,color:#666\n")
	_, err := io.WriteString(w, b.String())
	return err
}
