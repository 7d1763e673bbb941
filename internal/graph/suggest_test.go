package graph

import (
	"github.com/agext/levenshtein"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestSuggest(t *testing.T) {
	images := []string{"base-image", "fateboard", "eggroll", "python", "client", "nginx", "fate-flow"}
	tests := []struct {
		name       string
		query      string
		candidates []string
		want       []string
	}{
		{"typo", "egroll", images, []string{"eggroll"}},
		{"case-insensitive", "NGINX", images, []string{"nginx"}},
		{"contained", "base", images, []string{"base-image"}},
		{"contains", "fateboard-v2", images, []string{"fateboard"}},
		{"nothing close", "redis", images, nil},
		{"empty name", "", images, nil},
		{"distance limit grows with length", "fateboardd", []string{"fateboardxyz", "fateboaxyz"}, []string{"fateboardxyz", "fateboaxyz"}},
		{"two edits on a short name", "cli", []string{"cl", "cxx", "ab"}, []string{"cl", "cxx"}},
		{
			"best first then by name, at most three", "fate",
			[]string{"fate-flow", "fate", "gate", "date", "fateboard"},
			[]string{"fate", "date", "gate"},
		},
		{"duplicates once", "nginz", []string{"nginx", "nginx"}, []string{"nginx"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Suggest(tt.query, tt.candidates)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Suggest(%q) mismatch (-want +got):\n%s", tt.query, diff)
			}
		})
	}
}

// TestLevenshtein pins what Suggest relies on from the library: distances
// in runes, symmetric.
func TestLevenshtein(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"kitten", "sitting", 3},
		{"flaw", "lawn", 2},
		{"näive", "naive", 1},
	}
	for _, tt := range tests {
		if got := levenshtein.Distance(tt.a, tt.b, nil); got != tt.want {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := levenshtein.Distance(tt.b, tt.a, nil); got != tt.want {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tt.b, tt.a, got, tt.want)
		}
	}
}
