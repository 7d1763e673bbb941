package graph

import (
	"slices"
	"strings"
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
		d := levenshtein(lower, lc)
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

// levenshtein returns the number of rune insertions, deletions and
// substitutions that turn a into b.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
