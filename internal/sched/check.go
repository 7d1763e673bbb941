package sched

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// newNodes turns tasks into linked nodes, in the same order. It reports
// duplicate IDs, every unknown dependency, and a dependency cycle, which
// would otherwise leave Run waiting forever.
func newNodes(tasks []Task) ([]*node, error) {
	nodes := make([]*node, len(tasks))
	byID := make(map[string]*node, len(tasks))
	for i, t := range tasks {
		if _, dup := byID[t.ID]; dup {
			return nil, fmt.Errorf("duplicate task %q", t.ID)
		}
		nodes[i] = &node{id: t.ID, done: make(chan struct{})}
		byID[t.ID] = nodes[i]
	}
	var errs []error
	for i, t := range tasks {
		for _, id := range t.Deps {
			d, ok := byID[id]
			if !ok {
				errs = append(errs, fmt.Errorf("task %q: unknown dependency %q", t.ID, id))
				continue
			}
			nodes[i].deps = append(nodes[i].deps, d)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cycle := findCycle(nodes); cycle != nil {
		return nil, fmt.Errorf("dependency cycle: %s", strings.Join(cycle, " -> "))
	}
	return nodes, nil
}

// findCycle returns the IDs along one dependency cycle, the first repeated
// at the end ("a", "b", "a" when a needs b and b needs a), or nil if there
// is none.
func findCycle(nodes []*node) []string {
	const (
		onPath = iota + 1 // the zero value is "not visited yet"
		cleared
	)
	state := make(map[*node]int, len(nodes))
	var path []*node
	var visit func(n *node) []string
	visit = func(n *node) []string {
		switch state[n] {
		case cleared:
			return nil
		case onPath:
			var ids []string
			for _, p := range path[slices.Index(path, n):] {
				ids = append(ids, p.id)
			}
			return append(ids, n.id)
		}
		state[n] = onPath
		path = append(path, n)
		for _, d := range n.deps {
			if cycle := visit(d); cycle != nil {
				return cycle
			}
		}
		path = path[:len(path)-1]
		state[n] = cleared
		return nil
	}
	for _, n := range nodes {
		if cycle := visit(n); cycle != nil {
			return cycle
		}
	}
	return nil
}
