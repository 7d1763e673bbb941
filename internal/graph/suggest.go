package graph

import (
	"slices"
	"strings"

	"github.com/agext/levenshtein"
)

// maxSuggestions is how many candidates Suggest returns at most.
const maxSuggestions = 3

// Suggest returns up to three candidates close to name, best first, for
// "did you mean" hints. A candidate is close when, ignoring case, its
// Levenshtein distance to name is at most max(2, len(name)/3) or one of the
// two contains the other. Closer candidates come first, then by name.
func Suggest(name string, candidates []string) []string {
	type match struct {
		name string
		dist int
	}
	lower := strings.ToLower(name)
	limit := max(2, len([]rune(name))/3)
	var found []match
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := levenshtein.Distance(lower, lc, nil)
		contains := lower != "" && lc != "" && (strings.Contains(lc, lower) || strings.Contains(lower, lc))
		if d <= limit || contains {
			found = append(found, match{c, d})
		}
	}
	slices.SortFunc(found, func(a, b match) int {
		if a.dist != b.dist {
			return a.dist - b.dist
		}
		return strings.Compare(a.name, b.name)
	})
	var out []string
	for _, m := range found {
		if len(out) == maxSuggestions {
			break
		}
		if !slices.Contains(out, m.name) {
			out = append(out, m.name)
		}
	}
	return out
}
