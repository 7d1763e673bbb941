package config

import (
	"bufio"
	"bytes"
	"os"
	"strings"
)

// Env is a set of variables read from .env files, in the order they appeared.
type Env struct {
	Keys   []string
	Values map[string]string
}

// Lookup returns a variable's value.
func (e *Env) Lookup(key string) (string, bool) {
	if e == nil {
		return "", false
	}
	v, ok := e.Values[key]
	return v, ok
}

func (e *Env) set(key, value string) {
	if e.Values == nil {
		e.Values = map[string]string{}
	}
	if _, ok := e.Values[key]; !ok {
		e.Keys = append(e.Keys, key)
	}
	e.Values[key] = value
}

// ReadEnvFile reads a .env file: KEY=VALUE lines, blank lines, # comments,
// an optional "export " prefix, and values in single quotes (taken as is) or
// double quotes (with \n, \" and \\ escapes). Unquoted and double-quoted
// values expand variables as Compose's .env files do ($VAR, ${VAR},
// ${VAR:-default}; $$ is a $), from the lines above and the environment;
// an unset variable without a default is an error. name is used in errors.
func ReadEnvFile(path, name string, into *Env) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return parseEnv(data, name, into)
}

// parseEnv reads the lines of a .env file, as ReadEnvFile describes.
func parseEnv(data []byte, name string, into *Env) error {
	var ps problems
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, value, ok := strings.Cut(line, "=")
		key = strings.TrimSpace(key)
		if !ok || !validName(key) {
			ps.add(name, n, "expected KEY=VALUE, got %q", line)
			continue
		}
		v, literal, err := envValue(strings.TrimSpace(value))
		if err == nil && !literal {
			v, err = interpolate(v, into.lookupOrEnv)
		}
		if err != nil {
			ps.add(name, n, "%s: %v", key, err)
			continue
		}
		into.set(key, v)
	}
	return ps.err()
}

type envError string

func (e envError) Error() string { return string(e) }

// envValue reads a value: single-quoted ones are literal (no variables
// expanded, as in Compose), the others are expanded by the caller.
func envValue(v string) (value string, literal bool, err error) {
	switch {
	case strings.HasPrefix(v, "'"):
		end := strings.Index(v[1:], "'")
		if end < 0 {
			return "", true, envError("unterminated single quote")
		}
		return v[1 : end+1], true, nil
	case strings.HasPrefix(v, `"`):
		var b strings.Builder
		for i := 1; i < len(v); i++ {
			switch c := v[i]; {
			case c == '"':
				return b.String(), false, nil
			case c == '\\' && i+1 < len(v):
				i++
				if v[i] == 'n' {
					b.WriteByte('\n')
				} else {
					b.WriteByte(v[i])
				}
			default:
				b.WriteByte(c)
			}
		}
		return "", false, envError("unterminated double quote")
	}
	if i := strings.Index(v, " #"); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	return v, false, nil
}

// lookupOrEnv finds a variable for a .env value as Compose does: one set
// earlier in the .env files, else the environment.
func (e *Env) lookupOrEnv(key string) (string, bool) {
	if v, ok := e.Lookup(key); ok {
		return v, true
	}
	return os.LookupEnv(key)
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		letter := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}
