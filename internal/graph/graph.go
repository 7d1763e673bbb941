// Package graph orders named nodes by their dependencies: which images must
// be built before which. It is pure and deterministic; every listing is
// sorted, and ties in a build order go to the smallest name.
package graph

import (
	"maps"
	"slices"
)

// Graph is a directed graph of named nodes; an edge from a child to a parent
// means the child needs the parent built first. The zero value is not
// usable; call New.
type Graph struct {
	parents  map[string]map[string]bool
	children map[string]map[string]bool
}

// New returns a graph of the given nodes and no edges.
func New(nodes ...string) *Graph {
	g := &Graph{parents: map[string]map[string]bool{}, children: map[string]map[string]bool{}}
	for _, n := range nodes {
		g.Add(n)
	}
	return g
}

// Add adds a node; adding it again does nothing.
func (g *Graph) Add(node string) {
	if _, ok := g.parents[node]; ok {
		return
	}
	g.parents[node] = map[string]bool{}
	g.children[node] = map[string]bool{}
}

// AddEdge records that child needs parent, adding either node as needed.
// A duplicate edge is ignored; an edge from a node to itself is a cycle.
func (g *Graph) AddEdge(child, parent string) {
	g.Add(child)
	g.Add(parent)
	g.parents[child][parent] = true
	g.children[parent][child] = true
}

// Nodes returns every node, sorted.
func (g *Graph) Nodes() []string {
	return slices.Sorted(maps.Keys(g.parents))
}

// Parents returns the nodes n needs, sorted.
func (g *Graph) Parents(n string) []string {
	return slices.Sorted(maps.Keys(g.parents[n]))
}

// Upstream returns the given nodes and every node they need, transitively,
// sorted.
func (g *Graph) Upstream(nodes ...string) []string {
	return walk(g.parents, nodes)
}

// Downstream returns the given nodes and every node that needs them,
// transitively, sorted.
func (g *Graph) Downstream(nodes ...string) []string {
	return walk(g.children, nodes)
}

// walk returns the nodes reachable from start along next, start included.
func walk(next map[string]map[string]bool, start []string) []string {
	seen := map[string]bool{}
	stack := slices.Clone(start)
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[n] {
			continue
		}
		seen[n] = true
		for m := range next[n] {
			stack = append(stack, m)
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// Subgraph returns the graph induced by the given nodes: those of them in g
// and the edges of g between them. Nodes not in g are ignored.
func (g *Graph) Subgraph(nodes []string) *Graph {
	sub := New()
	for _, n := range nodes {
		if _, ok := g.parents[n]; ok {
			sub.Add(n)
		}
	}
	for n := range sub.parents {
		for p := range g.parents[n] {
			if _, ok := sub.parents[p]; ok {
				sub.AddEdge(n, p)
			}
		}
	}
	return sub
}
