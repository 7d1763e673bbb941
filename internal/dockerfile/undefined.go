package dockerfile

import (
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// undefinedMsg says what is wrong with a FROM word (what, for the
// message) that uses, as $NAME or ${NAME}, a variable that no ARG before
// the first FROM declares; it returns "" when there is none. BuildKit
// expands such a variable to nothing, so FROM ${UNDEFINED}/x:${T} would
// name "/x:", and only warns (UndefinedArgInFrom). A declared ARG without
// a value is not undefined, nor is ${NAME:-default}.
func undefinedMsg(what, word string, res shell.ProcessWordResult, declared map[string]string) string {
	var names []string
	for _, k := range plainRefs(word) {
		_, unmatched := res.Unmatched[k]
		_, ok := declared[k]
		if unmatched && !ok && !slices.Contains(names, k) {
			names = append(names, k)
		}
	}
	if len(names) == 0 {
		return ""
	}
	slices.Sort(names)
	list := strings.Join(names, ", ")
	noun := "variable"
	if len(names) > 1 {
		noun = "variables"
	}
	return what + " uses undefined " + noun + " " + list + "; declare ARG " + list + " before the first FROM, and give it a default or a build arg"
}

// plainRefs lists the variables word uses as $NAME or ${NAME}, without a
// modifier that gives a default or makes them optional.
func plainRefs(word string) []string {
	var names []string
	for i := 0; i < len(word); i++ {
		if word[i] != '$' || i+1 == len(word) {
			continue
		}
		if word[i+1] == '{' {
			end := strings.IndexByte(word[i:], '}')
			if end < 0 {
				break
			}
			if inner := word[i+2 : i+end]; isName(inner) {
				names = append(names, inner)
			}
			i += end
			continue
		}
		j := i + 1
		for j < len(word) && isNameByte(word[j], j == i+1) {
			j++
		}
		if j > i+1 {
			names = append(names, word[i+1:j])
		}
		i = j - 1
	}
	return names
}

func isName(s string) bool {
	for i := range len(s) {
		if !isNameByte(s[i], i == 0) {
			return false
		}
	}
	return s != ""
}

func isNameByte(c byte, first bool) bool {
	letter := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
	return letter || (!first && c >= '0' && c <= '9')
}
