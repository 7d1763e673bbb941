package config

import (
	"fmt"
	"strings"
)

// lookupFunc returns a variable's value.
type lookupFunc func(string) (string, bool)

// interpolate expands $VAR, ${VAR}, ${VAR:-default} and ${VAR-default} in s;
// $$ stands for a literal $. A variable that is not set and has no default is
// an error, so a typo never silently becomes an empty string.
func interpolate(s string, lookup lookupFunc) (string, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch next := s[i+1]; {
		case next == '$':
			b.WriteByte('$')
			i++
		case next == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return "", fmt.Errorf("unterminated ${ in %q", s)
			}
			v, err := expand(s[i+2:i+end], lookup)
			if err != nil {
				return "", err
			}
			b.WriteString(v)
			i += end
		case next == '_' || isLetter(next):
			j := i + 1
			for j < len(s) && (s[j] == '_' || isLetter(s[j]) || (s[j] >= '0' && s[j] <= '9')) {
				j++
			}
			v, err := expand(s[i+1:j], lookup)
			if err != nil {
				return "", err
			}
			b.WriteString(v)
			i = j - 1
		default:
			b.WriteByte('$')
		}
	}
	return b.String(), nil
}

func expand(expr string, lookup lookupFunc) (string, error) {
	name, def, hasDef := expr, "", false
	emptyIsUnset := false
	if i := strings.Index(expr, ":-"); i >= 0 {
		name, def, hasDef, emptyIsUnset = expr[:i], expr[i+2:], true, true
	} else if i := strings.IndexByte(expr, '-'); i >= 0 {
		name, def, hasDef = expr[:i], expr[i+1:], true
	}
	if !validName(name) {
		return "", fmt.Errorf("bad variable reference ${%s}", expr)
	}
	v, ok := lookup(name)
	if ok && !(emptyIsUnset && v == "") {
		return v, nil
	}
	if hasDef {
		return def, nil
	}
	return "", fmt.Errorf("variable %s is not set (define it in .env or the environment, or write ${%s:-default})", name, name)
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
