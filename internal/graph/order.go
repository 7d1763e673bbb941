package graph

import (
	"container/heap"
	"fmt"
	"slices"
	"strings"
)

// Order returns all nodes parents-first. Among nodes ready at the same time
// the smallest name comes first, so the order is deterministic. A cycle
// gives a *CycleError.
func (g *Graph) Order() ([]string, error) {
	waiting := make(map[string]int, len(g.parents))
	ready := &minHeap{}
	for n, ps := range g.parents {
		waiting[n] = len(ps)
		if len(ps) == 0 {
			*ready = append(*ready, n)
		}
	}
	heap.Init(ready)
	order := make([]string, 0, len(g.parents))
	for ready.Len() > 0 {
		n := heap.Pop(ready).(string)
		order = append(order, n)
		for c := range g.children[n] {
			waiting[c]--
			if waiting[c] == 0 {
				heap.Push(ready, c)
			}
		}
	}
	if len(order) < len(g.parents) {
		return nil, g.cycle(waiting)
	}
	return order, nil
}

// CycleError is a dependency cycle. Path starts and ends with the same node:
// [a b c a] means a needs b, b needs c and c needs a.
type CycleError struct {
	Path []string
}

// Error returns "dependency cycle: a -> b -> c -> a".
func (e *CycleError) Error() string {
	return "dependency cycle: " + strings.Join(e.Path, " -> ")
}

// cycle finds the cycle to report among the nodes Order could not place
// (waiting > 0): it starts from the smallest node on a cycle and follows
// parents in sorted order.
func (g *Graph) cycle(waiting map[string]int) *CycleError {
	var stuck []string
	for n, w := range waiting {
		if w > 0 {
			stuck = append(stuck, n)
		}
	}
	slices.Sort(stuck)
	for _, start := range stuck {
		if path := g.pathBack(start, waiting); path != nil {
			return &CycleError{Path: path}
		}
	}
	// Unreachable: nodes left waiting always include a cycle.
	panic(fmt.Sprintf("graph: no cycle among %v", stuck))
}

// pathBack returns start, the parents walked and start again, or nil when
// start is on no cycle. Only nodes still waiting can be on a cycle.
func (g *Graph) pathBack(start string, waiting map[string]int) []string {
	seen := map[string]bool{}
	var path []string
	var visit func(n string) bool
	visit = func(n string) bool {
		path = append(path, n)
		for _, p := range g.Parents(n) {
			if p == start {
				path = append(path, p)
				return true
			}
			if waiting[p] > 0 && !seen[p] {
				seen[p] = true
				if visit(p) {
					return true
				}
			}
		}
		path = path[:len(path)-1]
		return false
	}
	if visit(start) {
		return path
	}
	return nil
}

// minHeap is a heap of names, smallest first.
type minHeap []string

func (h minHeap) Len() int           { return len(h) }
func (h minHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h minHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *minHeap) Push(x any)        { *h = append(*h, x.(string)) }
func (h *minHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
