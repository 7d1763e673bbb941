package config

import (
	"fmt"
	"strings"

	"github.com/compose-spec/compose-go/v2/template"
)

// lookupFunc returns a variable's value.
type lookupFunc func(string) (string, bool)

// interpolate expands variables in s as Docker Compose does, with its own
// library: $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message},
// defaults that nest (${TAG:-${VERSION}-release}), and $$ for a literal $.
// Unlike Compose, a variable that is not set and has no default is an
// error, so a typo never silently becomes an empty string.
func interpolate(s string, lookup lookupFunc) (string, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var unset []string
	replace := func(sub string, mapping template.Mapping, cfg *template.Config) (string, error) {
		v, ok, err := template.DefaultReplacementAppliedFunc(sub, mapping, cfg)
		if err == nil && !ok {
			unset = append(unset, variableName(sub))
		}
		return v, err
	}
	out, err := template.SubstituteWithOptions(s, template.Mapping(lookup), template.WithoutLogging, template.WithReplacementFunction(replace))
	switch {
	case err != nil:
		return "", err
	case len(unset) > 0:
		return "", fmt.Errorf("variable %s is not set (define it in .env or the environment, or write ${%s:-default})", unset[0], unset[0])
	}
	return out, nil
}

// variableName is the name in "$NAME" or "${NAME...}".
func variableName(sub string) string {
	name := strings.TrimPrefix(strings.TrimPrefix(sub, "$"), "{")
	if i := strings.IndexFunc(name, func(r rune) bool { return r != '_' && !isAlnum(r) }); i >= 0 {
		name = name[:i]
	}
	return name
}

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}
