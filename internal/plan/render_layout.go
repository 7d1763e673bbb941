package plan

import (
	"cmp"
	"slices"
	"strings"
)

// Sizes of the HTML picture, in pixels.
const (
	boxW, boxH = 190, 46
	gapX, gapY = 70, 18
	margin     = 20
)

// box is a node of the picture: an image or an external base, placed.
type box struct {
	Name, Sub, Class string // Class: build, up-to-date, external, or ""
	X, Y             int
	layer, order     int
}

// arrow is an edge of the picture, from the right of one box to the left
// of another.
type arrow struct {
	X1, Y1, X2, Y2 int
	Label, Class   string // Class: "external" for a base's edge
}

// picture is the plan laid out in layers: external bases first, then each
// image one layer right of its furthest parent.
type picture struct {
	Boxes  []*box
	Arrows []arrow
	W, H   int
}

// layout places the plan's boxes and arrows. Within a layer, boxes follow
// the mean height of their parents, which keeps most arrows from crossing.
func (pl *Plan) layout() picture {
	boxes := map[string]*box{}
	var order []*box
	add := func(b *box) { boxes[b.Name] = b; order = append(order, b) }
	first := 0
	for _, base := range pl.bases() {
		add(&box{Name: base, Sub: "external", Class: "external"})
		first = 1
	}
	for _, im := range pl.Images { // parents come first in a plan
		sub := statusWord(im)
		if im.Component != "" && im.Component != im.Name {
			sub = strings.TrimSuffix(im.Component+" · "+sub, " · ")
		}
		b := &box{Name: im.Name, Sub: sub, Class: im.Status, layer: first}
		for _, p := range im.Parents {
			b.layer = max(b.layer, boxes[p.Name].layer+1)
		}
		add(b)
	}
	pl.place(order, boxes)
	pic := picture{Boxes: order}
	for _, b := range order {
		pic.W, pic.H = max(pic.W, b.X+boxW+margin), max(pic.H, b.Y+boxH+margin)
	}
	for _, im := range pl.Images {
		to := boxes[im.Name]
		for _, base := range im.Bases {
			pic.Arrows = append(pic.Arrows, link(boxes[base], to, "", "external"))
		}
		for _, p := range im.Parents {
			pic.Arrows = append(pic.Arrows, link(boxes[p.Name], to, edgeLabel(p.Via), ""))
		}
	}
	return pic
}

// place sets each box's position, layer by layer.
func (pl *Plan) place(order []*box, boxes map[string]*box) {
	parents := map[string][]string{}
	for _, im := range pl.Images {
		parents[im.Name] = append(slices.Clone(im.Bases), parentNames(im.Parents)...)
	}
	layers := map[int][]*box{}
	top := 0
	for _, b := range order {
		layers[b.layer] = append(layers[b.layer], b)
		top = max(top, b.layer)
	}
	for l := 0; l <= top; l++ {
		row := layers[l]
		mean := func(b *box) float64 {
			ps := parents[b.Name]
			if len(ps) == 0 {
				return float64(b.order)
			}
			sum := 0
			for _, p := range ps {
				sum += boxes[p].order
			}
			return float64(sum) / float64(len(ps))
		}
		slices.SortStableFunc(row, func(a, b *box) int { return cmp.Compare(mean(a), mean(b)) })
		for i, b := range row {
			b.order = i
			b.X = margin + l*(boxW+gapX)
			b.Y = margin + i*(boxH+gapY)
		}
	}
}

func parentNames(ps []Parent) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}

// link is the arrow from box a to box b.
func link(a, b *box, label, class string) arrow {
	return arrow{X1: a.X + boxW, Y1: a.Y + boxH/2, X2: b.X, Y2: b.Y + boxH/2, Label: label, Class: class}
}
