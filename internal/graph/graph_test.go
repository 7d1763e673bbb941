package graph

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// build makes a graph of nodes and "child parent" edges.
func build(nodes []string, edges [][2]string) *Graph {
	g := New(nodes...)
	for _, e := range edges {
		g.AddEdge(e[0], e[1])
	}
	return g
}

func TestStructure(t *testing.T) {
	g := build([]string{"z", "a", "a"}, [][2]string{{"app", "base"}, {"app", "base"}, {"app", "lib"}, {"cli", "base"}})
	g.Add("base")
	if diff := cmp.Diff([]string{"a", "app", "base", "cli", "lib", "z"}, g.Nodes()); diff != "" {
		t.Errorf("Nodes mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"base", "lib"}, g.Parents("app")); diff != "" {
		t.Errorf("Parents mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"app", "base", "cli"}, g.Downstream("base")); diff != "" {
		t.Errorf("Downstream mismatch (-want +got):\n%s", diff)
	}
	if got := g.Parents("missing"); len(got) != 0 {
		t.Errorf("Parents(missing) = %v, want none", got)
	}
}

func TestOrder(t *testing.T) {
	tests := []struct {
		name  string
		nodes []string
		edges [][2]string
		want  []string
	}{
		{"empty", nil, nil, nil},
		{"ties by name", []string{"c", "a", "b"}, nil, []string{"a", "b", "c"}},
		{"chain", nil, [][2]string{{"a", "b"}, {"b", "c"}, {"c", "d"}}, []string{"d", "c", "b", "a"}},
		{
			"diamond", nil,
			[][2]string{{"app", "left"}, {"app", "right"}, {"left", "base"}, {"right", "base"}},
			[]string{"base", "left", "right", "app"},
		},
		{
			"fan-out", nil,
			[][2]string{{"z", "base"}, {"m", "base"}, {"a", "base"}},
			[]string{"base", "a", "m", "z"},
		},
		{
			// "b" becomes ready after "a" is built, before "y": the smallest
			// ready name wins, not the order of discovery.
			"ready set is a heap", []string{"y", "z"},
			[][2]string{{"b", "a"}, {"c", "z"}},
			[]string{"a", "b", "y", "z", "c"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := build(tt.nodes, tt.edges).Order()
			if err != nil {
				t.Fatalf("Order: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Order mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOrderCycle(t *testing.T) {
	tests := []struct {
		name  string
		edges [][2]string
		want  []string
		msg   string
	}{
		{"self", [][2]string{{"a", "a"}}, []string{"a", "a"}, "dependency cycle: a -> a"},
		{"two", [][2]string{{"b", "a"}, {"a", "b"}}, []string{"a", "b", "a"}, "dependency cycle: a -> b -> a"},
		{
			"three", [][2]string{{"a", "b"}, {"b", "c"}, {"c", "a"}},
			[]string{"a", "b", "c", "a"}, "dependency cycle: a -> b -> c -> a",
		},
		{
			// "app" needs the cycle but is not on it; "base" is fine.
			"smallest node on a cycle", [][2]string{
				{"app", "x"}, {"x", "z"}, {"z", "y"}, {"y", "x"}, {"x", "base"},
			},
			[]string{"x", "z", "y", "x"}, "dependency cycle: x -> z -> y -> x",
		},
		{
			// "b" gets built; from "a" the walk goes to "c", whose sorted
			// parents reach "a" before "d".
			"parents in sorted order", [][2]string{
				{"a", "b"}, {"a", "c"}, {"c", "d"}, {"c", "a"}, {"d", "a"},
			},
			[]string{"a", "c", "a"}, "dependency cycle: a -> c -> a",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := build(nil, tt.edges).Order()
			ce, ok := err.(*CycleError)
			if !ok {
				t.Fatalf("Order error = %v, want *CycleError", err)
			}
			if diff := cmp.Diff(tt.want, ce.Path); diff != "" {
				t.Errorf("cycle path mismatch (-want +got):\n%s", diff)
			}
			if got := ce.Error(); got != tt.msg {
				t.Errorf("Error() = %q, want %q", got, tt.msg)
			}
		})
	}
}

func TestUpstreamDownstream(t *testing.T) {
	// base <- lib <- app, base <- cli, tools alone.
	g := build([]string{"tools"}, [][2]string{{"lib", "base"}, {"app", "lib"}, {"cli", "base"}})
	tests := []struct {
		name string
		got  []string
		want []string
	}{
		{"upstream of app", g.Upstream("app"), []string{"app", "base", "lib"}},
		{"upstream of several", g.Upstream("cli", "tools"), []string{"base", "cli", "tools"}},
		{"upstream of root", g.Upstream("base"), []string{"base"}},
		{"upstream of nothing", g.Upstream(), nil},
		{"downstream of base", g.Downstream("base"), []string{"app", "base", "cli", "lib"}},
		{"downstream of lib", g.Downstream("lib"), []string{"app", "lib"}},
		{"downstream of leaf", g.Downstream("app", "tools"), []string{"app", "tools"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSubgraph(t *testing.T) {
	g := build(nil, [][2]string{{"app", "lib"}, {"lib", "base"}, {"cli", "base"}, {"app", "cli"}})
	sub := g.Subgraph([]string{"app", "base", "lib", "unknown"})
	if diff := cmp.Diff([]string{"app", "base", "lib"}, sub.Nodes()); diff != "" {
		t.Errorf("Nodes mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"lib"}, sub.Parents("app")); diff != "" {
		t.Errorf("Parents(app) mismatch (-want +got):\n%s", diff)
	}
	order, err := sub.Order()
	if err != nil {
		t.Fatalf("Order: %v", err)
	}
	if diff := cmp.Diff([]string{"base", "lib", "app"}, order); diff != "" {
		t.Errorf("Order mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"cli", "lib"}, g.Parents("app")); diff != "" {
		t.Errorf("Subgraph changed the original graph (-want +got):\n%s", diff)
	}
}

func BenchmarkOrder(b *testing.B) {
	// 1,000 nodes in layers; each needs up to three nodes of earlier layers.
	g := New()
	for i := range 1000 {
		n := fmt.Sprintf("image-%04d", i)
		g.Add(n)
		for _, d := range []int{1, 7, 31} {
			if i >= d && i%(d+1) != 0 {
				g.AddEdge(n, fmt.Sprintf("image-%04d", i-d))
			}
		}
	}
	for b.Loop() {
		if _, err := g.Order(); err != nil {
			b.Fatal(err)
		}
	}
}
